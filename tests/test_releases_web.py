"""Releases on the server (llm_atlas.releases.web): /releases, fixed downloads, diffs, and retired IRIs
answered 301 to their replacement or 410 Gone."""

import hashlib

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL

from llm_atlas.build import build
from llm_atlas.releases.record import read_records
from llm_atlas.releases.web import tombstones
from llm_atlas.serve.app import Atlas, Settings
from llm_atlas.serve.export import export_site
from llm_atlas.serve.workers import Limits
from release_history import unrecorded_build_version
from served import broken_local_links

ID = "https://w3id.org/llm-atlas/id/"
ACCEPTS = [None, "*/*", "text/html", "text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml"]


@pytest.fixture(scope="module")
def atlas(release_history):
    dist = build(release_history.layout, out=release_history.repo / "dist").out  # releases-dist/ is its sibling
    settings = Settings(dist=dist, store_path=dist, config=release_history.layout.config,
                        queries=release_history.repo / "queries" / "cq", workers=1, limits=Limits(timeout=30, max_rows=100))
    atlas = Atlas(settings)
    yield atlas
    atlas.close()


def get(client, path, accept=None):
    return client.get(path, headers={"Accept": accept} if accept else {})


# --- retired IRIs -------------------------------------------------------------------------------

@pytest.mark.parametrize("accept", ACCEPTS)
def test_a_merged_iri_answers_301_to_its_replacement_for_every_format(client, accept):
    r = get(client, "/id/org/beta-corporation", accept)
    assert r.status_code == 301 and r.headers["location"] == "/id/org/beta-corp"
    assert get(client, r.headers["location"], accept).status_code == 303, "the replacement then negotiates as usual"


def test_a_merged_entity_s_page_moves_to_the_replacement_s_page(client):
    r = get(client, "/page/org/beta-corporation")
    assert r.status_code == 301 and r.headers["location"] == "/page/org/beta-corp"


def test_a_withdrawn_iri_answers_410_with_a_page_saying_why_and_since_when(client):
    for path in ("/id/model/delta-2b", "/page/model/delta-2b"):
        r = get(client, path, "text/html")
        assert r.status_code == 410 and r.headers["content-type"].startswith("text/html")
        assert "Gone: Delta 2B" in r.text and "retired from the atlas on 2026-12-01" in r.text
        assert "Withdrawn by its developers; the weights are no longer published." in r.text
        assert 'href="/data/model/delta-2b.ttl"' in r.text


@pytest.mark.parametrize("accept, fmt", [("text/turtle", "turtle"), ("application/n-triples", "nt"),
                                         ("application/ld+json", "json-ld")])
def test_rdf_clients_get_410_with_the_tombstone(client, accept, fmt):
    r = get(client, "/id/model/delta-2b", accept)
    assert r.status_code == 410 and r.headers["content-type"].startswith(accept)
    g = Graph().parse(data=r.text, format=fmt)
    assert g.value(URIRef(ID + "model/delta-2b"), OWL.deprecated) == Literal(True)


def test_a_retired_entity_s_data_stays_downloadable(client):
    r = get(client, "/data/model/delta-2b.ttl")
    assert r.status_code == 200 and "Withdrawn by its developers" in r.text
    assert get(client, "/data/org/beta-corporation.nt").status_code == 200


def test_live_iris_answer_as_before(client):
    r = get(client, "/id/model/alpha-7b", "text/html")
    assert r.status_code == 303 and r.headers["location"] == "/page/model/alpha-7b"
    assert get(client, "/id/model/no-such-model").status_code == 404


def test_retired_entities_are_not_browsed(client):
    page = get(client, "/browse/model").text
    assert "Alpha 7B" in page and "Delta 2B" not in page


def test_a_chain_of_replacements_ends_at_the_live_entity_and_a_cycle_at_410():
    store = ox.Store()
    atlas = "https://w3id.org/llm-atlas/ontology#"
    data = "".join(f"<{ID}org/{a}> a <{atlas}RetiredEntity> ; <http://purl.org/dc/terms/isReplacedBy> <{ID}org/{b}> .\n"
                   for a, b in [("a", "b"), ("b", "c"), ("x", "y"), ("y", "x")])
    store.load(data.encode(), format=ox.RdfFormat.TURTLE)
    found = tombstones(store)
    assert found[ID + "org/a"].replaced_by == ID + "org/c" and found[ID + "org/b"].replaced_by == ID + "org/c"
    assert found[ID + "org/x"].replaced_by is None


# --- releases and their files -----------------------------------------------------------------

def test_releases_page_lists_each_release_with_its_citation_files_and_diff(client, release_history):
    r = get(client, "/releases")
    assert r.status_code == 200
    text = r.text
    assert text.index('id="v0.2.0"') < text.index('id="v0.1.0"'), "newest first"
    assert release_history.commits["0.1.0"] in text and release_history.commits["0.2.0"] in text
    assert "LLM Atlas, version 0.2.0 [Data set], released 2026-12-01" in text
    assert 'href="/releases/diff/0.1.0/0.2.0"' in text
    assert 'href="/downloads/0.1.0/llm-atlas-0.1.0.nt"' in text and 'href="/downloads/0.2.0/SHA256SUMS"' in text


@pytest.mark.parametrize("path, accept", [("/releases.ttl", None), ("/releases", "text/turtle")])
def test_releases_as_turtle(client, path, accept):
    r = get(client, path, accept)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    g = Graph().parse(data=r.text, format="turtle")
    dcat = "http://www.w3.org/ns/dcat#"
    v1, v2 = (URIRef(f"https://w3id.org/llm-atlas/dataset/{v}") for v in ("0.1.0", "0.2.0"))
    assert set(g.objects(URIRef("https://w3id.org/llm-atlas/dataset"), URIRef(dcat + "hasVersion"))) == \
        {v1, v2} | unrecorded_build_version(("0.1.0", "0.2.0"))
    assert g.value(v2, URIRef(dcat + "previousVersion")) == v1


@pytest.mark.parametrize("version", ["0.1.0", "0.2.0"])
def test_release_files_are_served_at_their_fixed_urls(client, release_history, version):
    record = next(r for r in read_records(release_history.repo / "releases") if r.version == version)
    for name, digest in record.sha256.items():
        r = get(client, f"/downloads/{version}/{name}")
        assert r.status_code == 200 and hashlib.sha256(r.content).hexdigest() == digest, name
    assert get(client, f"/downloads/{version}/SHA256SUMS").text == record.sums_text()


@pytest.mark.parametrize("path", ["/downloads/0.2.0/full.nt", "/downloads/0.2.0/..%2F..%2Fatlas.toml",
                                  "/downloads/0.3.0/llm-atlas-0.3.0.nt", "/downloads/..%2Freleases/releases.toml"])
def test_nothing_else_is_served_under_downloads(client, path):
    assert get(client, path).status_code == 404


def test_the_iri_of_a_release_resolves(client):
    r = get(client, "/dataset/0.1.0", "text/html")
    assert r.status_code == 303 and r.headers["location"] == "/releases#v0.1.0"
    r = get(client, "/dataset/0.1.0", "text/turtle")
    assert r.status_code == 303 and r.headers["location"] == "/releases.ttl"
    assert get(client, "/dataset/9.9.9").status_code == 404


def test_the_diff_between_consecutive_releases(client):
    r = get(client, "/releases/diff/0.1.0/0.2.0")
    assert r.status_code == 200 and "Changes from 0.1.0 to 0.2.0" in r.text
    assert 'href="/page/benchmark/bench-code">Bench Code</a>' in r.text
    assert "atlas:parameterCount 7200000000" in r.text
    ttl = get(client, "/releases/diff/0.1.0/0.2.0", "text/turtle")
    assert ttl.status_code == 200 and "cs:ChangeSet" in ttl.text
    data = get(client, "/releases/diff/0.1.0/0.2.0?format=json").json()
    assert {e["curie"]: e["status"] for e in data["entities"]}["organization:beta-corporation"] == "retired"
    assert get(client, "/releases/diff/0.1.0/0.2.0?format=yaml").status_code == 400
    assert get(client, "/releases/diff/0.1.0/0.9.0").status_code == 404


# --- the static export -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def site(atlas, release_history, tmp_path_factory):
    out = tmp_path_factory.mktemp("export") / "site"
    export_site(atlas.settings.dist, out, config=release_history.layout.config)
    return out


def test_export_holds_tombstones_releases_their_files_and_diffs(site, release_history):
    for path in ["page/model/delta-2b.html", "data/model/delta-2b.ttl", "page/org/beta-corporation.html",
                 "releases.html", "releases.ttl", "releases/diff/0.1.0/0.2.0.html", "downloads/0.1.0/SHA256SUMS"]:
        assert (site / path).is_file(), path
    for version in ("0.1.0", "0.2.0"):
        files = release_history.repo / "releases-dist" / version
        assert {p.name: p.read_bytes() for p in files.iterdir()} == \
               {p.name: p.read_bytes() for p in (site / "downloads" / version).iterdir()}
    assert "Withdrawn by its developers" in (site / "page" / "model" / "delta-2b.html").read_text()
    assert 'href="../../page/org/beta-corp.html"' in (site / "page" / "org" / "beta-corporation.html").read_text()


def test_export_htaccess_answers_retired_iris_before_the_generic_rules(site):
    rules = (site / ".htaccess").read_text()
    assert "RewriteRule ^id/org/beta\\-corporation$ /id/org/beta-corp [R=301,L]" in rules
    assert "RewriteRule ^id/model/delta\\-2b$ - [G,L]" in rules
    assert "ErrorDocument 410 /page/model/delta-2b.html" in rules
    assert rules.index("[G,L]") < rules.index("RewriteRule ^id/([a-z]+)/")
    assert "RewriteRule ^dataset/([0-9]+\\.[0-9]+\\.[0-9]+)$ /releases.html#v$1 [R=303,NE,L]" in rules


def test_every_local_link_of_the_export_resolves(site):
    assert broken_local_links(site) == []
