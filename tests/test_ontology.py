"""Ontology QA: every term documented and well named, shapes valid against SHACL itself,
and no atlas: term used anywhere that the ontology does not declare."""

import re
from pathlib import Path

import pyshacl
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS

from llm_atlas.atlas import Layout
from llm_atlas.loading import load_graph
from llm_atlas.namespaces import ATLAS, ONTOLOGY_IRI, VOCAB, VOCAB_IRI

ROOT = Path(__file__).resolve().parents[1]
LAYOUT = Layout(ROOT)
ONTOLOGY = load_graph(LAYOUT.ontology_files())
SHAPES = load_graph(LAYOUT.shape_files())
KINDS_OF_TERM = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
TERMS = sorted({s for k in KINDS_OF_TERM for s in ONTOLOGY.subjects(RDF.type, k) if str(s).startswith(str(ATLAS))})
CONCEPTS = sorted(s for s in ONTOLOGY.subjects(RDF.type, SKOS.Concept))


def test_the_ontology_declares_the_contracted_core_terms():
    core = ["Project", "Model", "Organization", "Dataset", "Benchmark", "Leaderboard", "SoftwareFramework",
            "ComputeResource", "ComputePartnership", "License", "CommunityForum", "Collaboration", "Publication",
            "developedBy", "participant", "hasModel", "trainedOn", "evaluatedOn", "derivedFrom", "descendsFrom",
            "license", "usesBenchmark", "listedOn", "usesFramework", "computePartnership", "computeProvider",
            "computeResource", "operatedBy", "organizationalModel", "motivation", "communityForum", "artefactDomain",
            "lifecycleStage", "evidence", "language", "country", "studiedIn", "huggingFaceId", "parameterCount", "releaseDate"]
    assert [t for t in core if ATLAS[t] not in TERMS] == []


@pytest.mark.parametrize("term", TERMS, ids=lambda t: t.fragment)
def test_term_is_documented(term):
    assert ONTOLOGY.value(term, RDFS.label) is not None, "needs rdfs:label"
    assert ONTOLOGY.value(term, SKOS.definition) is not None, "needs skos:definition"
    assert ONTOLOGY.value(term, RDFS.isDefinedBy) == URIRef(ONTOLOGY_IRI)


@pytest.mark.parametrize("term", TERMS, ids=lambda t: t.fragment)
def test_term_naming_case(term):
    name = term.fragment
    if (term, RDF.type, OWL.Class) in ONTOLOGY:
        assert re.fullmatch(r"[A-Z][A-Za-z0-9]*", name), "classes are UpperCamelCase"
    else:
        assert re.fullmatch(r"[a-z][A-Za-z0-9]*", name), "properties are lowerCamelCase"


@pytest.mark.parametrize("concept", CONCEPTS, ids=lambda c: c.fragment)
def test_concept_is_labelled_and_in_a_scheme(concept):
    assert str(concept).startswith(str(VOCAB))
    assert ONTOLOGY.value(concept, SKOS.prefLabel) is not None
    assert (ONTOLOGY.value(concept, SKOS.inScheme), RDF.type, SKOS.ConceptScheme) in ONTOLOGY
    assert ONTOLOGY.value(concept, RDFS.isDefinedBy) == URIRef(VOCAB_IRI)
    typed = [c for c in ONTOLOGY.objects(concept, RDF.type) if str(c).startswith(str(ATLAS))]
    assert len(typed) == 1, "each concept belongs to exactly one atlas concept class"


def test_no_owl_sameas_anywhere_in_the_ontology():
    assert not list(ONTOLOGY.triples((None, OWL.sameAs, None)))


def _atlas_names(text):
    return set(re.findall(r"\batlas:([A-Za-z][A-Za-z0-9]*)", text))


@pytest.mark.parametrize("path", sorted(LAYOUT.shapes.glob("*.ttl")) + sorted(LAYOUT.queries.rglob("*.rq"))
                         + sorted((ROOT / "src").rglob("*.py")) + [ROOT / "docs" / "adding-data.md"],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_files_use_only_declared_atlas_terms(path):
    declared = {t.fragment for t in TERMS} | {s.fragment for s in ONTOLOGY.subjects(RDF.type, OWL.AnnotationProperty) if str(s).startswith(str(ATLAS))}
    assert _atlas_names(path.read_text()) - declared == set()


def test_shapes_conform_to_shacl_shacl():
    conforms, _, text = pyshacl.validate(SHAPES, shacl_graph=None, meta_shacl=True, inference="none")
    # meta_shacl validates the shapes graph against SHACL's own shapes before validating data
    assert conforms, text


def test_shapes_use_only_terms_of_the_shacl_vocabulary():
    shacl_vocab = Graph().parse(Path(pyshacl.__file__).parent / "assets" / "shacl.ttl")
    known = set(shacl_vocab.subjects())
    used = {t for triple in SHAPES for t in triple if isinstance(t, URIRef) and str(t).startswith(str(SH))}
    assert used - known == set(), "misspelt sh: terms (e.g. sh:dataType) are silently ignored by validators"


def test_every_message_is_a_sentence_a_contributor_understands():
    property_shapes = set(SHAPES.objects(None, SH.property)) | set(SHAPES.objects(None, SH.sparql))
    assert property_shapes
    for shape in property_shapes:
        message = SHAPES.value(shape, SH.message)
        assert message is not None and len(str(message)) > 20, shape
