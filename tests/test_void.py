"""The atlas's catalogue record (void.ttl): DCAT-AP 3.0.1 conformant, distributions that are
whole copies, linksets whose counts are the data's."""

from pathlib import Path

import pyshacl
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, RDF, SH, VOID

from llm_atlas.void import DATASET, TARGETS, linkset_counts
from standards import standards

ROOT = Path(__file__).resolve().parents[1]
DCAT_AP = standards() / "dcat-ap-3.0.1" / "releases" / "3.0.1" / "shacl" / "dcat-ap-SHACL.ttl"
D = "https://w3id.org/llm-atlas/dataset#"


@pytest.fixture(scope="module")
def void(fixture_dist):
    return Graph().parse(fixture_dist / "void.ttl")


def dcat_ap_shapes() -> Graph:
    """DCAT-AP 3.0.1's shapes, less the two property shapes that have no sh:path (pySHACL
    refuses them as ill-formed once a dcat:DataService is there to validate; Jena refuses the
    whole file): every other shape applies as published."""
    assert DCAT_AP.exists(), f"DCAT-AP shapes missing at {DCAT_AP} (../shared/standards/)"
    shapes = Graph().parse(DCAT_AP)
    pathless = [(s, o) for s, o in shapes.subject_objects(SH.property) if (o, SH.path, None) not in shapes]
    assert len(pathless) == 2, "the published file has exactly two path-less property shapes"
    for s, o in pathless:
        shapes.remove((s, SH.property, o))
    return shapes


def test_the_description_conforms_to_dcat_ap(void):
    conforms, report, text = pyshacl.validate(void, shacl_graph=dcat_ap_shapes(), inference="none", allow_warnings=True)
    violations = [r for r in report.subjects(RDF.type, SH.ValidationResult) if report.value(r, SH.resultSeverity) == SH.Violation]
    assert not violations, text


def test_the_atlas_distributions_are_whole_copies_and_the_rest_are_datasets_of_their_own(void):
    titles = {str(void.value(d, URIRef("http://purl.org/dc/terms/title"))) for d in void.objects(DATASET, DCAT.distribution)}
    assert titles == {"full (ttl)", "full (nt)", "full (jsonld)"}
    for part in ("asserted", "ontology", "shapes", "analytics"):
        node = URIRef(D + part)
        assert (URIRef(D + "catalog"), DCAT.dataset, node) in void and (node, DCAT.distribution, None) in void
    assert (DATASET, VOID.subset, URIRef(D + "asserted")) in void
    service = URIRef(D + "sparql")
    assert (service, RDF.type, DCAT.DataService) in void and (service, DCAT.servesDataset, DATASET) in void
    assert void.value(service, DCAT.endpointURL) is not None
    for dist in void.subjects(RDF.type, DCAT.Distribution):
        assert void.value(dist, DCAT.accessURL) is not None


def test_linksets_count_the_links_in_the_data(void, fixture_dist):
    full = Graph().parse(fixture_dist / "full.nt")
    counts = linkset_counts(full)
    assert counts["huggingface"] == 6 and counts["spdx"] >= 1 and counts["iso639"] >= 1
    for key, count in counts.items():
        linkset = URIRef(D + "linkset-" + key)
        assert void.value(linkset, VOID.triples) == Literal(count)
        assert void.value(linkset, VOID.linkPredicate) == TARGETS[key][3]
        target = void.value(linkset, VOID.objectsTarget)
        by_query = sum(1 for s, o in full.subject_objects(TARGETS[key][3])
                       if isinstance(o, URIRef) and str(o).startswith(TARGETS[key][2]) and str(s).startswith("https://w3id.org/llm-atlas/"))
        assert by_query == count and (target, VOID.uriSpace, Literal(TARGETS[key][2])) in void
