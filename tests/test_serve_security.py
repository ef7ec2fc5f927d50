"""A public endpoint gets hostile input: no outbound request, read-only, queries cut off at
the timeout, bounded waiting, and every text escaped in the pages."""

import http.server
import shutil
import threading
import warnings
from pathlib import Path

import pyoxigraph as ox
import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette's TestClient asks for httpx2; httpx is what is packaged
    from starlette.testclient import TestClient

from llm_atlas.atlas import Layout
from llm_atlas.build import build
from llm_atlas.serve.app import create_app
from llm_atlas.serve.workers import Job, Limits, prepare_store
from served import open_atlas

ROOT = Path(__file__).resolve().parents[1]
FIXTURE_GRAPH = ROOT / "tests" / "fixtures" / "graph"
# Four-way cross join of every triple: far beyond any timeout on the fixture atlas.
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


class Canary:
    """A local HTTP server that counts the requests it receives."""

    def __init__(self):
        self.requests = []
        canary = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                canary.requests.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "text/turtle")
                self.end_headers()
                self.wfile.write(b"<urn:x:s> <urn:x:p> <urn:x:o> .\n")

            do_POST = do_GET

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def canary():
    c = Canary()
    yield c
    c.close()


def _atlas(dist, store_folder, **settings):
    return open_atlas(dist, store_folder, **{"limits": Limits(timeout=2), **settings})


@pytest.fixture(scope="module")
def atlas(fixture_dist, tmp_path_factory):
    atlas = _atlas(fixture_dist, tmp_path_factory.mktemp("store"), workers=1, max_waiting=0)
    yield atlas
    atlas.close()


def test_the_canary_would_see_an_unguarded_service_call(canary):
    """Positive control: Oxigraph itself does fetch SERVICE IRIs, so the canary can tell."""
    before = len(canary.requests)
    store = ox.Store()
    try:
        list(store.query(f"SELECT * WHERE {{ SERVICE <{canary.url}/sparql> {{ ?s ?p ?o }} }}"))
    except Exception:  # noqa: BLE001 - the canary does not speak SPARQL; the request is what counts
        pass
    assert len(canary.requests) > before


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <{url}/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { service silent <{url}/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE <{url}/sparql> { ?s ?q ?r } } } LIMIT 1",
    "SELECT * WHERE { { SELECT ?s WHERE { SERVICE <{url}/sparql> { ?s ?p ?o } } } }",
    "ASK { FILTER EXISTS { SERVICE <{url}/sparql> { ?s ?p ?o } } }",
    r"SELECT * WHERE { \u0053ERVICE <{url}/sparql> { ?s ?p ?o } }",  # escapes are expanded before parsing
    "PREFIX c: <{url}/> SELECT * WHERE { SERVICE c:sparql { ?s ?p ?o } }",
    "SELECT * WHERE { VALUES ?e { <{url}/sparql> } SERVICE ?e { ?s ?p ?o } }",
    "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <{url}/sparql> { ?s ?p ?o } }",
    "LOAD <{url}/data.ttl>",
    "LOAD SILENT <{url}/data.ttl> INTO GRAPH <urn:x:g>",
    "INSERT DATA { <urn:x:s> <urn:x:p> <urn:x:o> }",
    "DELETE WHERE { ?s ?p ?o }",
    "CLEAR ALL",
    "DROP DEFAULT",
])
@pytest.mark.parametrize("how", ["get", "form", "body"])
def test_outbound_and_update_queries_are_refused_before_execution(client, canary, query, how):
    text = query.replace("{url}", canary.url)
    before = len(canary.requests)
    if how == "get":
        r = client.get("/sparql", params={"query": text})
    elif how == "form":
        r = client.post("/sparql", data={"query": text})
    else:
        r = client.post("/sparql", content=text.encode(), headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 403, r.text
    assert r.text.startswith("refused: ")
    assert len(canary.requests) == before


@pytest.mark.parametrize("query", [
    "SELECT * FROM <{url}/data.ttl> WHERE { ?s ?p ?o }",
    "SELECT * FROM NAMED <{url}/data.ttl> WHERE { GRAPH ?g { ?s ?p ?o } }",
])
def test_outside_graphs_in_from_are_empty_and_never_fetched(client, canary, query):
    before = len(canary.requests)
    r = client.get("/sparql", params={"query": query.replace("{url}", canary.url)})
    assert r.status_code == 200, r.text
    assert r.json()["results"]["bindings"] == []
    assert len(canary.requests) == before


def test_outside_graphs_as_protocol_parameters_are_empty_and_never_fetched(client, canary):
    before = len(canary.requests)
    r = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }", "default-graph-uri": canary.url + "/data.ttl"})
    assert r.status_code == 200 and r.json()["boolean"] is False
    assert len(canary.requests) == before


@pytest.mark.parametrize("how", ["update-param", "sparql-update-body", "get-update"])
def test_sparql_update_requests_are_refused(client, canary, how):
    update = f"LOAD <{canary.url}/data.ttl>"
    before = len(canary.requests)
    if how == "update-param":
        r = client.post("/sparql", data={"update": update})
    elif how == "sparql-update-body":
        r = client.post("/sparql", content=update.encode(), headers={"Content-Type": "application/sparql-update"})
    else:
        r = client.get("/sparql", params={"update": update})
    assert r.status_code == 403 and "read-only" in r.text
    assert len(canary.requests) == before


def test_store_is_unchanged_after_refused_updates(client):
    r = client.get("/sparql", params={"query": "ASK { <urn:x:s> ?p ?o }"})
    assert r.json()["boolean"] is False


def test_slow_query_is_cut_off_at_the_timeout_and_the_server_keeps_answering(client):
    r = client.get("/sparql", params={"query": SLOW})
    assert r.status_code == 500
    assert r.text.startswith("timeout: the query ran longer than the 2 s limit")
    after = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})  # a fresh worker answers
    assert after.status_code == 200 and after.json()["boolean"] is True


def test_full_queue_answers_503_with_retry_after(atlas, client):
    """One worker, no waiting line: while a slow query runs, the next request is turned away."""
    slow = threading.Thread(target=atlas.run, args=(Job(SLOW, {"results": "json"}),))
    slow.start()
    try:
        for _ in range(10_000):
            if atlas.pool._pending:
                break
            threading.Event().wait(0.01)
        r = client.get("/sparql", params={"query": "ASK { ?s a ?o }"})  # not asked before: not in the answer cache
        assert r.status_code == 503
        assert r.headers["retry-after"] == "5"
        assert "busy" in r.text
    finally:
        slow.join()
    assert client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).status_code == 200


def test_overlong_query_text_is_413(client):
    r = client.post("/sparql", data={"query": "ASK { ?s ?p ?o } #" + "x" * 100_001})
    assert r.status_code == 413


# --- escaping ------------------------------------------------------------------------------

HOSTILE = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'


@pytest.fixture(scope="module")
def hostile_client(tmp_path_factory):
    """An atlas built from a copy of the fixture graph whose model label holds markup."""
    work = tmp_path_factory.mktemp("hostile")
    graph = work / "graph"
    shutil.copytree(FIXTURE_GRAPH, graph)
    model = graph / "model" / "alpha-7b.ttl"
    text = model.read_text()
    literal = HOSTILE.replace("\\", "\\\\").replace('"', '\\"')
    model.write_text(text.replace('rdfs:label "Alpha 7B"@en', f'rdfs:label "{literal}"@en'))
    dist = work / "dist"
    build(Layout(ROOT, graph=graph), out=dist)
    atlas = _atlas(dist, work / "store", workers=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield TestClient(create_app(atlas), follow_redirects=False)
    atlas.close()


@pytest.mark.parametrize("path", ["/page/model/alpha-7b", "/page/project/alpha", "/browse/model", "/search?q=script",
                                  "/query?query=SELECT%20%3Fl%20WHERE%20%7B%20%3Fm%20a%20atlas%3AModel%20%3B%20rdfs%3Alabel%20%3Fl%20%7D"])
def test_markup_in_data_is_escaped_in_every_page(hostile_client, path):
    r = hostile_client.get(path)
    assert r.status_code == 200
    assert "<script>alert" not in r.text
    assert "<img src=x" not in r.text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt;" in r.text


def test_non_http_iris_are_never_links(client):
    """The data's validation allows only http(s) IRIs where links go; a query can make any IRI."""
    query = 'SELECT ?x WHERE { BIND(IRI("javascript:alert(1)") AS ?x) }'
    r = client.get("/query", params={"query": query})
    assert r.status_code == 200
    assert "<span class=\"lit\">javascript:alert(1)</span>" in r.text  # shown as text
    assert 'href="javascript:' not in r.text


def test_markup_in_a_query_is_escaped_in_the_query_page(client):
    r = client.get("/query", params={"query": "SELECT * WHERE { ?s ?p '</textarea><script>alert(1)</script>' }"})
    assert "</textarea><script>" not in r.text
    assert "&lt;/textarea&gt;&lt;script&gt;" in r.text


def test_a_memory_bomb_kills_only_its_worker(fixture_dist, tmp_path):
    """A query that builds a 17 GB string: its worker hits its address-space limit and dies;
    the caller is told, and a fresh worker answers the next query."""
    from llm_atlas.serve.workers import WorkerFailed, WorkerPool

    bindings = " ".join(f"BIND(CONCAT({', '.join([f'?s{i}'] * 8)}) AS ?s{i + 1})" for i in range(9))
    bomb = f'SELECT (STRLEN(?s9) AS ?n) WHERE {{ BIND("{"x" * 128}" AS ?s0) {bindings} }}'
    pool = WorkerPool(prepare_store(fixture_dist, tmp_path / "store"), size=1,
                      limits=Limits(timeout=120, max_memory=1024 ** 3))
    try:
        with pytest.raises(WorkerFailed, match="stopped while running this query"):
            pool.run(Job(bomb, {"results": "json"}))
        assert pool.run(Job("ASK { ?s ?p ?o }", {"results": "json"})).body == b'{"head": {}, "boolean": true}'
    finally:
        pool.close()
