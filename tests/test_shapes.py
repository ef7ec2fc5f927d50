"""Shape cases (after the W3C data-shapes test suite): one case per file, on top of the fixture graph.

valid-NNN-*.ttl must conform; invalid-<Shape>-<component>-NNN.ttl must break exactly one rule,
and the test checks the focus node, path, constraint component and shape it names.
"""

import re
from pathlib import Path

import pytest
from rdflib import URIRef
from rdflib.namespace import RDF, SH

from llm_atlas.atlas import read_sources
from llm_atlas.loading import parse_turtle
from llm_atlas.namespaces import SHAPES, curie
from llm_atlas.validation import shacl_report

CASES = sorted((Path(__file__).parent / "fixtures" / "shapes").glob("*.ttl"))
SHAPE_FILES = sorted((Path(__file__).resolve().parents[1] / "ontology" / "shapes").glob("*.ttl"))


@pytest.fixture(scope="module")
def sources(fixture_layout):
    return read_sources(fixture_layout)


def report_for(sources, case: Path):
    data = sources.data_graph()
    for triple in parse_turtle(case):
        data.add(triple)
    results = shacl_report(sources, data)
    return results, list(results.subjects(RDF.type, SH.ValidationResult))


@pytest.mark.parametrize("case", [c for c in CASES if c.name.startswith("valid-")], ids=lambda p: p.stem)
def test_valid_case_conforms(sources, case):
    results, found = report_for(sources, case)
    assert found == [], [str(results.value(r, SH.resultMessage)) for r in found]


@pytest.mark.parametrize("case", [c for c in CASES if c.name.startswith("invalid-")], ids=lambda p: p.stem)
def test_invalid_case_breaks_exactly_the_named_rule(sources, case):
    expect = dict(re.findall(r"^# expect-(\w+): (.*)$", case.read_text(), flags=re.M))
    results, found = report_for(sources, case)
    assert len(found) == 1, [str(results.value(r, SH.resultMessage)) for r in found]
    result = found[0]
    assert results.value(result, SH.focusNode) == URIRef(expect["focus"])
    assert results.value(result, SH.sourceConstraintComponent) == SH[expect["component"]]
    path = results.value(result, SH.resultPath)
    assert (curie(path) if path is not None else "-") == expect["path"]
    shape = results.value(result, SH.sourceShape)
    owner = shape if isinstance(shape, URIRef) else sources.shapes.value(predicate=SH.property, object=shape)
    assert owner == SHAPES[expect["shape"]]
    assert str(results.value(result, SH.resultMessage)), "every constraint carries an sh:message"


def test_every_shape_has_a_valid_and_an_invalid_case():
    shapes = {re.search(r"shapes:(\w+Shape) a sh:NodeShape", f.read_text()).group(1) for f in SHAPE_FILES if "NodeShape" in f.read_text()}
    invalid = {c.name.split("-")[1] for c in CASES if c.name.startswith("invalid-")}
    assert shapes - invalid == set(), "shapes without an invalid case"
    assert len([c for c in CASES if c.name.startswith("valid-")]) >= len(shapes) - 2  # provenance/label shapes are covered by every valid case
