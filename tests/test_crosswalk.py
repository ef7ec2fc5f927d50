"""Links into other datasets derived at build time from recorded identifiers (crosswalk.py)."""

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, FOAF, SKOS

from llm_atlas.crosswalk import derived_links, language_iri
from llm_atlas.namespaces import ATLAS, ID

MODEL = URIRef(str(ID) + "model/alpha-7b")


def test_the_full_graph_carries_the_derived_links(fixture_dist):
    full = Graph().parse(fixture_dist / "full.nt")
    asserted = Graph().parse(fixture_dist / "asserted.nt")
    assert (MODEL, FOAF.page, URIRef("https://huggingface.co/alpha/alpha-7b")) in full
    assert (MODEL, FOAF.page, None) not in asserted  # derived, never written by curators
    for publication, arxiv_id in full.subject_objects(ATLAS.arxivId):
        assert (publication, SKOS.exactMatch, URIRef(f"https://arxiv.org/abs/{arxiv_id}")) in full
        assert (publication, SKOS.exactMatch, URIRef(f"https://doi.org/10.48550/arXiv.{arxiv_id}")) in full
    tags = {str(t) for t in full.objects(None, ATLAS.language)}
    iris = set(full.objects(None, DCTERMS.language))
    assert tags and iris == {language_iri(t) for t in tags} - {None}


def test_each_kind_of_identifier_gives_its_link():
    dataset = URIRef(str(ID) + "dataset/web-corpus")
    org = URIRef(str(ID) + "org/alpha-lab")
    links = derived_links([(dataset, ATLAS.huggingFaceId, "alpha/web"), (org, ATLAS.huggingFaceId, "alpha"),
                           (MODEL, ATLAS.language, "pt-BR"), (MODEL, ATLAS.language, "xx-unknown")])
    assert links == {(dataset, FOAF.page, URIRef("https://huggingface.co/datasets/alpha/web")),
                     (org, FOAF.page, URIRef("https://huggingface.co/alpha")),
                     (MODEL, DCTERMS.language, URIRef("http://id.loc.gov/vocabulary/iso639-1/pt"))}
