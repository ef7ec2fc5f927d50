"""The W3C SPARQL 1.1 Protocol and Service Description test manifests, run over HTTP against
the served endpoint (our own runner over the manifests, ../shared/standards/SOURCES.md).

The endpoint is a real server on a loopback port whose store holds the fixture atlas plus the
tests' data files as named graphs (labelled as the manifest labels them). Every test that
needs no update passes; the seven that need a writable store (updates that must succeed) are
listed by name, so a new or renamed test in the manifest cannot slip by unnoticed.
"""

from __future__ import annotations

import json
import threading
import time
import http.client
import urllib.parse
import xml.etree.ElementTree as ET
from pathlib import Path

import pyoxigraph as ox
import pytest
import uvicorn
from rdflib import Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS

from llm_atlas.atlas import Layout
from llm_atlas.query import load_store
from llm_atlas.serve.app import Atlas, Settings, create_app
from llm_atlas.serve.workers import Limits
from processes import free_port
from standards import standards

ROOT = Path(__file__).resolve().parents[1]
SUITE = standards() / "w3c-sparql11-tests" / "sparql" / "sparql11"
PROTOCOL = SUITE / "protocol" / "manifest.ttl"
SERVICE_DESCRIPTION = SUITE / "service-description" / "manifest.ttl"

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = "http://www.w3.org/2011/http-statusCodes#StatusCode"
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")

# Updates that must succeed: a read-only endpoint refuses them (403), by design.
NEEDS_WRITABLE_STORE = {"update_dataset_default_graph", "update_dataset_default_graphs", "update_dataset_named_graphs",
                        "update_dataset_full", "update_post_form", "update_post_direct", "update_base_uri"}
RESULT_TYPES = {"application/sparql-results+json", "application/sparql-results+xml", "text/csv", "text/tab-separated-values"}
RDF_TYPES = {"application/rdf+xml", "text/turtle", "application/n-triples"}



def _manifest(path: Path) -> tuple[Graph, list[URIRef]]:
    assert path.exists(), f"the W3C test suite is missing at {path} (../shared/standards/)"
    g = Graph().parse(path, format="turtle", publicID="https://w3c.github.io/rdf-tests/" + str(path.relative_to(SUITE.parent.parent)))
    manifest = next(g.subjects(RDF.type, MF.Manifest))
    return g, list(Collection(g, g.value(manifest, MF.entries)))


PROTOCOL_GRAPH, PROTOCOL_TESTS = _manifest(PROTOCOL)
SD_GRAPH, SD_TESTS = _manifest(SERVICE_DESCRIPTION)


def _name(test: URIRef) -> str:
    return str(test).rsplit("#", 1)[1]


@pytest.fixture(scope="module")
def endpoint(fixture_dist, tmp_path_factory):
    """http://127.0.0.1:PORT/sparql serving the fixture atlas plus the tests' data as named graphs."""
    folder = tmp_path_factory.mktemp("w3c-store")
    store = ox.Store(str(folder / "oxigraph"))
    load_store(fixture_dist, store)
    g = PROTOCOL_GRAPH
    for data in set(g.objects(None, UT.graphData)):
        name, path = g.value(data, RDFS.label), SUITE / "protocol" / Path(str(g.value(data, UT.graph))).name
        store.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(str(name)))
    store.flush()
    del store
    atlas = Atlas(Settings(dist=fixture_dist, store_path=folder / "oxigraph", config=Layout(ROOT).config,
                           queries=ROOT / "queries" / "cq", workers=1, limits=Limits(timeout=30)))
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(atlas), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(300):
        if server.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}/sparql"
    server.should_exit = True
    thread.join(10)
    atlas.close()


def _send(url: str, method: str, headers: dict, body: bytes | None):
    """The request exactly as given (urllib would add a form content type to a body without one)."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request(method, parts.path + (f"?{parts.query}" if parts.query else ""), body=body, headers=headers)
        r = connection.getresponse()
        return r.status, r.getheader("Content-Type", ""), r.read()
    finally:
        connection.close()


def _boolean(content_type: str, body: bytes) -> bool:
    if content_type.startswith("application/sparql-results+json"):
        return json.loads(body)["boolean"]
    root = ET.fromstring(body)
    return root.find("{http://www.w3.org/2005/sparql-results#}boolean").text == "true"


def test_the_manifest_is_read_whole():
    assert len(PROTOCOL_TESTS) == 34 and len(SD_TESTS) == 3
    assert NEEDS_WRITABLE_STORE <= {_name(t) for t in PROTOCOL_TESTS}


@pytest.mark.parametrize("test", [t for t in PROTOCOL_TESTS if _name(t) not in NEEDS_WRITABLE_STORE], ids=_name)
def test_protocol(endpoint, test):
    g = PROTOCOL_GRAPH
    base = endpoint.rsplit("/sparql", 1)[0]
    for request in Collection(g, g.value(g.value(test, MF.action), HT.requests)):
        path = str(g.value(request, HT.absolutePath)).replace("/sparql/", "/sparql", 1)
        headers = {}
        if g.value(request, HT.headers) is not None:
            for header in Collection(g, g.value(request, HT.headers)):
                headers[str(g.value(header, HT.fieldName))] = str(g.value(header, HT.fieldValue))
        body = None
        content = g.value(request, HT.body)
        if content is not None:
            encoding = str(g.value(content, CNT.characterEncoding) or "UTF-8")
            body = str(g.value(content, CNT.chars)).encode(encoding)
            if "charset=UTF-16" in headers.get("content-type", ""):
                body = str(g.value(content, CNT.chars)).encode("utf-16")
        status, content_type, answer = _send(base + path, str(g.value(request, HT.methodName)), headers, body)
        response = g.value(request, HT.resp)
        allowed = {str(s).removeprefix(HTS) for s in g.objects(response, MF.expectedStatus)}
        assert f"{status // 100}xx" in allowed, f"{_name(test)}: {status} {answer[:300]!r} (expected {allowed})"
        media = content_type.split(";")[0].strip()
        expected_format = g.value(response, MF.expectedFormat)
        if expected_format is not None and str(expected_format) == "boolean":
            assert media in RESULT_TYPES - {"text/csv", "text/tab-separated-values"}
            expected = g.value(response, MF.expectedBoolean)
            value = _boolean(media, answer)
            assert expected is None or value is expected.toPython()
        elif expected_format is not None and str(expected_format) == "tabular":
            assert media in RESULT_TYPES
        elif expected_format is not None and str(expected_format) == "RDF":
            assert media in RDF_TYPES
            Graph().parse(data=answer, format={"application/rdf+xml": "xml", "text/turtle": "turtle",
                                               "application/n-triples": "nt"}[media])


def _description(endpoint: str, accept: str = "text/turtle") -> tuple[str, Graph]:
    status, content_type, body = _send(endpoint, "GET", {"Accept": accept}, None)
    assert status == 200, body
    return content_type, Graph().parse(data=body, format="turtle")


@pytest.mark.parametrize("test", SD_TESTS, ids=_name)
def test_service_description(endpoint, test):
    name = _name(test)
    content_type, sd = _description(endpoint)
    if name == "returns-rdf":  # "GET on endpoint returns RDF"
        assert content_type.startswith("text/turtle") and len(sd) > 0
    elif name == "has-endpoint-triple":  # "…contains a matching sd:endpoint triple"
        assert (None, SD.endpoint, URIRef(endpoint)) in sd
    elif name == "conforms-to-schema":  # "Service description conforms to schema"
        service = next(sd.subjects(RDF.type, SD.Service))
        assert sd.value(service, SD.endpoint) is not None
        languages = set(sd.objects(service, SD.supportedLanguage))
        assert languages and languages <= {SD.SPARQL10Query, SD.SPARQL11Query, SD.SPARQL11Update}
        assert all(str(f).startswith("http://www.w3.org/ns/formats/") for f in sd.objects(service, SD.resultFormat))
        dataset = sd.value(service, SD.defaultDataset)
        assert (dataset, RDF.type, SD.Dataset) in sd
        assert (sd.value(dataset, SD.defaultGraph), RDF.type, SD.Graph) in sd
        for named in sd.objects(dataset, SD.namedGraph):
            assert (named, RDF.type, SD.NamedGraph) in sd and sd.value(named, SD.name) is not None
    else:
        pytest.fail(f"a service-description test this runner does not know: {name}")
