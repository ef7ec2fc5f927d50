"""Shape cases (after the W3C data-shapes test suite): one case per file, on top of the fixture graph.

valid-NNN-*.ttl must conform; invalid-<Shape>-<component>-NNN.ttl must break exactly one rule,
and the test checks the focus node, path, constraint component and shape it names.
"""

import re
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SH

from llm_atlas.atlas import read_sources
from llm_atlas.loading import parse_turtle
from llm_atlas.namespaces import SHAPES, curie
from llm_atlas.shacl import UnsupportedShape, compile_shapes
from llm_atlas.validation import ENGINES, shacl_results

CASES = sorted((Path(__file__).parent / "fixtures" / "shapes").glob("*.ttl"))
SHAPE_FILES = sorted((Path(__file__).resolve().parents[1] / "ontology" / "shapes").glob("*.ttl"))


@pytest.fixture(scope="module")
def sources(fixture_layout):
    return read_sources(fixture_layout)


def results_for(sources, case: Path, engine: str):
    data = sources.data_graph()
    for triple in parse_turtle(case):
        data.add(triple)
    return shacl_results(sources, data, engine=engine)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("case", [c for c in CASES if c.name.startswith("valid-")], ids=lambda p: p.stem)
def test_valid_case_conforms(sources, case, engine):
    found = results_for(sources, case, engine)
    assert found == [], [r.message for r in found]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("case", [c for c in CASES if c.name.startswith("invalid-")], ids=lambda p: p.stem)
def test_invalid_case_breaks_exactly_the_named_rule(sources, case, engine):
    expect = dict(re.findall(r"^# expect-(\w+): (.*)$", case.read_text(), flags=re.M))
    found = results_for(sources, case, engine)
    assert len(found) == 1, [r.message for r in found]
    result = found[0]
    assert result.focus == URIRef(expect["focus"])
    assert result.component == SH[expect["component"]]
    assert (curie(result.path) if result.path is not None else "-") == expect["path"]
    owner = result.shape if isinstance(result.shape, URIRef) else sources.shapes.value(predicate=SH.property, object=result.shape)
    assert owner == SHAPES[expect["shape"]]
    assert result.message, "every constraint carries an sh:message"


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_fast_engine_gives_the_reference_results(sources, case):
    """Our engine and pyshacl agree on every case: same focus, path, component, shape, value, message."""
    assert sorted(map(repr, results_for(sources, case, "fast"))) == sorted(map(repr, results_for(sources, case, "pyshacl")))


def test_fast_engine_gives_the_reference_results_on_all_broken_cases_at_once(sources):
    data = sources.data_graph()
    for case in CASES:
        for triple in parse_turtle(case):
            data.add(triple)
    fast, reference = shacl_results(sources, data), shacl_results(sources, data, engine="pyshacl")
    assert len(fast) > 10  # cases share focus nodes, so some violations merge
    assert sorted(map(repr, fast)) == sorted(map(repr, reference))


def test_a_constraint_the_fast_engine_does_not_know_fails_loudly(sources):
    shapes = Graph()
    for triple in sources.shapes:
        shapes.add(triple)
    shapes.add((SHAPES.ModelShape, SH.closed, Literal(True)))
    with pytest.raises(UnsupportedShape, match="closed"):
        compile_shapes(shapes)


def test_every_shape_has_a_valid_and_an_invalid_case():
    shapes = {re.search(r"shapes:(\w+Shape) a sh:NodeShape", f.read_text()).group(1) for f in SHAPE_FILES if "NodeShape" in f.read_text()}
    invalid = {c.name.split("-")[1] for c in CASES if c.name.startswith("invalid-")}
    assert shapes - invalid == set(), "shapes without an invalid case"
    assert len([c for c in CASES if c.name.startswith("valid-")]) >= len(shapes) - 2  # provenance/label shapes are covered by every valid case


EDGE_CASES = """
@prefix atlas: <https://w3id.org/llm-atlas/ontology#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://w3id.org/llm-atlas/id/model/edge> a atlas:Model ;
    rdfs:label "Edge"@en , "Edge two"@en , "Kante"@de , "no language" ;
    atlas:developedBy <https://w3id.org/llm-atlas/id/org/alpha-lab> , "a literal" ;
    atlas:license <https://w3id.org/llm-atlas/id/org/alpha-lab> ;
    atlas:parameterCount "seven"^^xsd:integer , -3 , 7.5 ;
    atlas:releaseDate "2024-13-45"^^xsd:date ;
    atlas:huggingFaceId <https://huggingface.co/x/y> , "no slash" ;
    foaf:homepage "https://example.org/not-an-iri" , <ftp://example.org/> ;
    dcterms:source <https://example.org/edge> .
"""


def test_fast_engine_gives_the_reference_results_on_edge_cases(sources):
    """Ill-typed literals, wrong node kinds, duplicate languages, out-of-range and non-numeric values."""
    from rdflib import Graph as RGraph

    data = sources.data_graph()
    for triple in RGraph().parse(data=EDGE_CASES, format="turtle"):
        data.add(triple)
    fast, reference = shacl_results(sources, data), shacl_results(sources, data, engine="pyshacl")
    assert len(fast) >= 10
    assert sorted(map(repr, fast)) == sorted(map(repr, reference))
