"""`llm-atlas serve` as a real process on a free loopback port, queried with SPARQLWrapper;
and `llm-atlas export-site`, whose static site must hold together on its own."""

import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from SPARQLWrapper import CSV, JSON, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from llm_atlas.cli import main
from processes import free_port, stop, wait_until_up
from served import broken_local_links

ROOT = Path(__file__).resolve().parents[1]
FIXTURE_GRAPH = ROOT / "tests" / "fixtures" / "graph"
MODEL = "https://w3id.org/llm-atlas/id/model/alpha-7b"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`llm-atlas serve` building the fixture graph into a temporary dist/, then serving it."""
    work = tmp_path_factory.mktemp("serve")
    port = free_port()
    command = [sys.executable, "-m", "llm_atlas", "serve", "--port", str(port), "--timeout", "5",
               "--graph", str(FIXTURE_GRAPH), "--dist", str(work / "dist"), "--store", str(work / "store")]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/", process, output=process.stderr.read)
        yield base, work
    finally:
        stop(process)


def sparql(base, query, fmt):
    client = SPARQLWrapper(base + "/sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    return client


def test_serve_built_dist_and_kept_the_store(server):
    _, work = server
    assert (work / "dist" / "full.nt").exists()
    assert (work / "store" / "dist.sha256").exists()


def test_sparqlwrapper_select_json(server):
    base, _ = server
    result = sparql(base, "SELECT ?m WHERE { ?m a atlas:Model } ORDER BY ?m", JSON).queryAndConvert()
    models = [b["m"]["value"] for b in result["results"]["bindings"]]
    assert MODEL in models and len(models) == 5


def test_sparqlwrapper_select_xml_and_csv_by_post(server):
    base, _ = server
    client = sparql(base, "SELECT ?m WHERE { ?m a atlas:Model } ORDER BY ?m", XML)
    client.setMethod("POST")
    doc = client.queryAndConvert()
    assert MODEL in [n.firstChild.data for n in doc.getElementsByTagName("uri")]
    text = sparql(base, "SELECT ?m WHERE { ?m a atlas:Model } ORDER BY ?m", CSV).queryAndConvert().decode()
    assert text.splitlines()[0] == "m" and MODEL in text


def test_sparqlwrapper_ask_and_construct(server):
    base, _ = server
    assert sparql(base, f"ASK {{ <{MODEL}> a atlas:Model }}", JSON).queryAndConvert()["boolean"] is True
    graph = sparql(base, f"CONSTRUCT WHERE {{ <{MODEL}> ?p ?o }}", TURTLE).queryAndConvert()
    assert b"Alpha 7B" in graph


def test_sparqlwrapper_sees_malformed_and_refused_queries(server):
    base, _ = server
    with pytest.raises(QueryBadFormed):
        sparql(base, "SELECT ?x WHERE {", JSON).queryAndConvert()
    with pytest.raises(urllib.error.HTTPError) as refused:  # SPARQLWrapper passes a 403 through as it is
        sparql(base, "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", JSON).queryAndConvert()
    assert refused.value.code == 403 and b"SERVICE is not allowed" in refused.value.read()


def test_resource_iri_redirects_over_real_http(server):
    base, _ = server
    request = urllib.request.Request(base + "/id/model/alpha-7b", headers={"Accept": "text/turtle"})
    with urllib.request.urlopen(request) as response:  # follows the 303
        assert response.url == base + "/data/model/alpha-7b.ttl"
        assert b"Alpha 7B" in response.read()


def test_under_a_burst_of_concurrent_queries_every_request_is_answered(server):
    """Two slow queries hold both workers; a burst of quick ones is answered or turned away
    with 503, never left hanging; afterwards the server answers as before."""
    from concurrent.futures import ThreadPoolExecutor
    from urllib.parse import quote

    base, _ = server
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    quick = "ASK { ?s ?p ?o }"

    def ask(query):
        try:
            with urllib.request.urlopen(f"{base}/sparql?query={quote(query)}", timeout=120) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as err:
            return err.code, err.read()

    with ThreadPoolExecutor(max_workers=32) as pool:
        answers = list(pool.map(ask, [slow, slow] + [quick] * 30))
    codes = [code for code, _ in answers]
    assert set(codes[:2]) <= {500, 503}
    assert set(codes) <= {200, 500, 503}
    for code, body in answers:
        if code == 500:
            assert body.startswith(b"timeout: ")
        if code == 503:
            assert b"busy" in body
    assert ask(quick) == (200, b'{"head": {}, "boolean": true}')


# --- export-site ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def site(fixture_dist, tmp_path_factory):
    out = tmp_path_factory.mktemp("export") / "site"
    assert main(["export-site", str(out), "--no-build", "--dist", str(fixture_dist),
                 "--site-url", "https://atlas.example.org/"]) == 0
    return out


def test_export_writes_pages_data_dumps_and_assets(site, fixture_dist):
    for path in ["index.html", "cq.html", "ontology.html", "vocab.html", "downloads.html", "browse/model.html",
                 "page/model/alpha-7b.html", "page/spdx/Apache-2.0.html", "page/project/alpha.html",
                 "data/model/alpha-7b.ttl", "data/model/alpha-7b.nt", "data/model/alpha-7b.jsonld",
                 "data/model/alpha-7b.rdf", "downloads/full.ttl", "downloads/SHA256SUMS", "static/style.css"]:
        assert (site / path).is_file(), path
    assert (site / "downloads" / "full.nt").read_bytes() == (fixture_dist / "full.nt").read_bytes()
    assert "Alpha 7B" in (site / "data" / "model" / "alpha-7b.ttl").read_text()


def test_every_local_link_of_the_export_resolves(site):
    assert broken_local_links(site) == []


def test_export_has_no_query_editor_links_nor_outside_assets(site):
    for page in site.rglob("*.html"):
        text = page.read_text()
        assert "/sparql?" not in text and 'href="/' not in text and 'src="/' not in text, page


def test_export_htaccess_negotiates_with_303(site):
    rules = (site / ".htaccess").read_text()
    assert "RewriteEngine on" in rules
    assert "RewriteCond %{HTTP_ACCEPT} (text/turtle|application/x-turtle)\n" \
           "RewriteRule ^id/([a-z]+)/([A-Za-z0-9._-]+)$ https://atlas.example.org/data/$1/$2.ttl [R=303,L]" in rules
    assert "RewriteRule ^id/([a-z]+)/([A-Za-z0-9._-]+)$ https://atlas.example.org/page/$1/$2.html [R=303,L]" in rules
    assert rules.index("data/$1/$2.rdf") < rules.index("page/$1/$2.html")  # RDF before the HTML fallback


def test_export_refuses_a_non_empty_folder(tmp_path, capsys):
    (tmp_path / "keep.txt").write_text("mine")
    assert main(["export-site", str(tmp_path), "--no-build"]) == 2
    assert "not empty" in capsys.readouterr().err


def test_sigterm_stops_the_server_cleanly_and_removes_its_temporary_store(tmp_path, fixture_dist):
    """uvicorn re-raises SIGTERM after shutting down; the temp copy of the release must still go."""
    port = free_port()
    env_tmp = tmp_path / "tmp"
    env_tmp.mkdir()
    command = [sys.executable, "-m", "llm_atlas", "serve", "--no-build", "--port", str(port), "--dist", str(fixture_dist)]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "TMPDIR": str(env_tmp)})
    try:
        wait_until_up(f"http://127.0.0.1:{port}/", process, output=process.stderr.read)
        assert [p.name for p in env_tmp.iterdir() if p.name.startswith("llm-atlas-store-")]
        process.terminate()
        assert process.wait(30) == 0
    finally:
        if process.poll() is None:
            process.kill()
    assert not [p for p in env_tmp.iterdir() if p.name.startswith("llm-atlas-store-")]
