"""Reasoning: each inference the atlas relies on, and agreement with owlrl (the reference engine)."""

from pathlib import Path

import owlrl
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from llm_atlas.atlas import Layout, read_sources
from llm_atlas.build import compile_graphs
from llm_atlas.crosswalk import derived_links
from llm_atlas.query import run_query
from llm_atlas.reasoning import UnsupportedAxiom, infer
from llm_atlas.validation import shacl_problems, shacl_results

ROOT = Path(__file__).resolve().parents[1]

PREFIXES = """PREFIX atlas: <https://w3id.org/llm-atlas/ontology#>
PREFIX vocab: <https://w3id.org/llm-atlas/vocab#>
PREFIX model: <https://w3id.org/llm-atlas/id/model/>
PREFIX project: <https://w3id.org/llm-atlas/id/project/>
PREFIX collaboration: <https://w3id.org/llm-atlas/id/collaboration/>
PREFIX partnership: <https://w3id.org/llm-atlas/id/partnership/>
PREFIX dataset: <https://w3id.org/llm-atlas/id/dataset/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX fair4ml: <https://w3id.org/fair4ml#>
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX organization: <https://w3id.org/llm-atlas/id/org/>
"""

# (what the atlas relies on, an ASK that holds only if the inference was made)
INFERENCES = [
    ("hasModel has inverse modelOf", "ASK { model:alpha-7b atlas:modelOf project:alpha }"),
    ("supportsProject has inverse computePartnership", "ASK { project:alpha atlas:computePartnership partnership:alpha-big-machine }"),
    ("inProject has inverse collaboration", "ASK { project:gamma atlas:collaboration collaboration:gamma-data-drive }"),
    ("derivedFrom from a qualified derivation (chain)", "ASK { model:alpha-7b-instruct atlas:derivedFrom model:alpha-7b }"),
    ("descendsFrom is transitive", "ASK { model:gamma-3b-q4 atlas:descendsFrom model:alpha-7b }"),
    ("organizationalModel from an assessment (chain)", "ASK { project:beta atlas:organizationalModel vocab:single-company }"),
    ("motivation from an assessment (chain)", "ASK { project:gamma atlas:motivation vocab:democratising-access }"),
    ("models are FAIR4ML and PROV entities", "ASK { model:beta-1b a fair4ml:MLModel, prov:Entity }"),
    ("datasets are DCAT datasets", "ASK { dataset:web-corpus a dcat:Dataset }"),
    ("organisations are W3C ORG and PROV organisations", "ASK { organization:alpha-lab a org:Organization, prov:Organization }"),
    ("trainedOn specialises fair4ml:trainedOn", "ASK { model:alpha-7b fair4ml:trainedOn dataset:web-corpus }"),
    ("memberOf specialises org:subOrganizationOf", "ASK { organization:zeta-university org:subOrganizationOf organization:alpha-lab }"),
    ("derivedFrom specialises prov:wasDerivedFrom", "ASK { model:gamma-3b prov:wasDerivedFrom model:alpha-7b }"),
]


@pytest.mark.parametrize("question", INFERENCES, ids=[q[0] for q in INFERENCES])
def test_inference_is_made(fixture_store, question):
    assert bool(run_query(fixture_store, PREFIXES + question[1]))


def test_nothing_is_inferred_that_should_not_be(fixture_store):
    # gamma-3b-q4 descends from gamma-3b and alpha-7b only; no reflexive ancestry
    rows = list(run_query(fixture_store, PREFIXES + "SELECT ?a WHERE { model:gamma-3b-q4 atlas:descendsFrom ?a }"))
    assert sorted(r["a"].value.rsplit("/", 1)[1] for r in rows) == ["alpha-7b", "gamma-3b"]


def test_an_axiom_the_engine_does_not_implement_fails_loudly():
    onto = Graph()
    onto.add((URIRef("urn:x:A"), OWL.disjointWith, URIRef("urn:x:B")))
    with pytest.raises(UnsupportedAxiom):
        infer(onto, [])


def owlrl_closure(graphs) -> set:
    g = Graph()
    for name in ("ontology", "asserted"):
        for triple in graphs[name]:
            g.add(triple)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(g)
    return set(g)


def about_the_data(triples, asserted) -> set:
    """Inferred triples about the atlas's own entities, minus owlrl's trivial ones."""
    subjects = {s for s, _, _ in asserted}
    trivial_types = {OWL.Thing, RDFS.Resource, OWL.NamedIndividual}
    return {(s, p, o) for s, p, o in triples
            if s in subjects and not (p == OWL.sameAs and s == o) and not (p == RDF.type and o in trivial_types)
            and not isinstance(s, Literal)}


@pytest.mark.parametrize("which", ["fixture", "atlas"])
def test_same_inferences_as_owlrl(which, fixture_layout):
    layout = fixture_layout if which == "fixture" else Layout(ROOT)
    graphs, _ = compile_graphs(read_sources(layout))
    base = set(graphs["ontology"]) | set(graphs["asserted"])
    links = derived_links(graphs["asserted"])  # crosswalks derived from identifiers: not the reasoner's
    ours = about_the_data(set(graphs["full"]) - base - links, graphs["asserted"])
    reference = about_the_data(owlrl_closure(graphs) - base, graphs["asserted"])
    assert ours == reference


def test_the_inferred_graph_still_conforms(fixture_layout):
    sources = read_sources(fixture_layout)
    graphs, _ = compile_graphs(sources)
    data = Graph()
    for t in set(graphs["full"]) - set(graphs["ontology"]):
        data.add(t)
    assert shacl_problems(sources, shacl_results(sources, data)) == []
