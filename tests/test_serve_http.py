"""The web application in-process: SPARQL protocol, negotiation, redirects, errors, pages."""

import json
from pathlib import Path

import pytest

from llm_atlas.query import GRAPHS
from llm_atlas.serve.workers import Limits
from served import open_atlas

ROOT = Path(__file__).resolve().parents[1]
ASSERTED = "https://w3id.org/llm-atlas/graph/asserted"
MODEL = "https://w3id.org/llm-atlas/id/model/alpha-7b"
SELECT = "SELECT ?m ?label WHERE { ?m a atlas:Model ; rdfs:label ?label } ORDER BY ?m"
CONSTRUCT = "CONSTRUCT { ?m rdfs:label ?label } WHERE { ?m a atlas:Model ; rdfs:label ?label }"


@pytest.fixture(scope="module")
def atlas(fixture_dist, tmp_path_factory):
    atlas = open_atlas(fixture_dist, tmp_path_factory.mktemp("store"), workers=2, limits=Limits(timeout=30, max_rows=3))
    yield atlas
    atlas.close()


def get(client, query, accept=None, **params):
    headers = {"Accept": accept} if accept else {}
    return client.get("/sparql", params={"query": query, **params}, headers=headers)


# --- the SPARQL protocol -------------------------------------------------------------------

def test_get_select_answers_sparql_json(client):
    r = get(client, SELECT + " LIMIT 2")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/sparql-results+json; charset=utf-8"
    assert "Accept" in r.headers["vary"]
    data = r.json()
    assert data["head"]["vars"] == ["m", "label"]
    assert data["results"]["bindings"][0] == {"m": {"type": "uri", "value": MODEL},
                                              "label": {"type": "literal", "value": "Alpha 7B", "xml:lang": "en"}}


def test_post_form_and_post_query_body_give_the_same_answer(client):
    by_get = get(client, SELECT + " LIMIT 2").json()
    form = client.post("/sparql", data={"query": SELECT + " LIMIT 2"})
    body = client.post("/sparql", content=(SELECT + " LIMIT 2").encode(), headers={"Content-Type": "application/sparql-query"})
    assert form.status_code == body.status_code == 200
    assert form.json() == body.json() == by_get


@pytest.mark.parametrize("accept, content_type, check", [
    ("application/sparql-results+xml", "application/sparql-results+xml", lambda t: '<sparql xmlns="http://www.w3.org/2005/sparql-results#">' in t and '<variable name="m"/>' in t),
    ("text/csv", "text/csv", lambda t: t.splitlines()[:2] == ["m,label", f"{MODEL},Alpha 7B"]),
    ("text/tab-separated-values", "text/tab-separated-values", lambda t: t.splitlines()[:2] == ["?m\t?label", f'<{MODEL}>\t"Alpha 7B"@en']),
])
def test_select_in_every_results_format(client, accept, content_type, check):
    r = get(client, SELECT + " LIMIT 2", accept=accept)
    assert r.status_code == 200 and r.headers["content-type"].startswith(content_type)
    assert check(r.text), r.text


def test_ask_answers_a_boolean(client):
    assert get(client, f"ASK {{ <{MODEL}> a atlas:Model }}").json() == {"head": {}, "boolean": True}
    assert "<boolean>false</boolean>" in get(client, "ASK { <urn:x:none> ?p ?o }", accept="application/sparql-results+xml").text


@pytest.mark.parametrize("accept, content_type, marker", [
    ("text/turtle", "text/turtle", 'model:alpha-7b rdfs:label "Alpha 7B"@en'),
    ("application/n-triples", "application/n-triples", f'<{MODEL}> <http://www.w3.org/2000/01/rdf-schema#label> "Alpha 7B"@en .'),
    ("application/ld+json", "application/ld+json", '"rdfs:label": [{"@language": "en", "@value": "Alpha 7B"}]'),  # compacted
    ("application/rdf+xml", "application/rdf+xml", f'rdf:about="{MODEL}"'),
])
def test_construct_in_every_graph_format(client, accept, content_type, marker):
    r = get(client, CONSTRUCT, accept=accept)
    assert r.status_code == 200 and r.headers["content-type"].startswith(content_type)
    assert marker in r.text


def test_describe_answers_turtle_by_default(client):
    r = get(client, f"DESCRIBE <{MODEL}>")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    assert r.text.count("model:alpha-7b ") == 1 and r.headers["x-sparql-maxrows"] == "3"  # cut at 3 triples


def test_format_parameter_as_common_clients_send_it(client):
    r = get(client, SELECT, accept="text/csv", format="json", output="json", results="json")
    assert r.headers["content-type"].startswith("application/sparql-results+json")
    r = get(client, CONSTRUCT, format="json")
    assert r.headers["content-type"].startswith("application/ld+json")
    assert get(client, SELECT, output="tsv").headers["content-type"].startswith("text/tab-separated-values")


def test_unknown_format_is_400_and_wrong_kind_is_406(client):
    r = get(client, SELECT, format="yaml")
    assert r.status_code == 400 and "unknown format 'yaml'" in r.text
    r = get(client, CONSTRUCT, format="csv")
    assert r.status_code == 406 and "CONSTRUCT" in r.text


def test_unacceptable_accept_is_406(client):
    r = get(client, SELECT, accept="image/png")
    assert r.status_code == 406
    assert "application/sparql-results+json" in r.text


def test_default_graph_is_the_full_atlas_and_named_graphs_are_there(client):
    inferred = "ASK { model:alpha-7b a prov:Entity }"  # from the ontology's subclass axioms
    assert get(client, inferred).json()["boolean"] is True
    asserted_only = f"ASK {{ GRAPH <{ASSERTED}> {{ model:alpha-7b a prov:Entity }} }}"
    assert get(client, asserted_only).json()["boolean"] is False
    names = get(client, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g", format="csv").text.split()[1:]
    assert set(names) >= {ASSERTED, "https://w3id.org/llm-atlas/graph/ontology"}


def test_from_an_atlas_graph_and_default_graph_uri_parameter(client):
    q = "ASK FROM <%s> { model:alpha-7b a prov:Entity }" % ASSERTED
    assert get(client, q).json()["boolean"] is False
    r = get(client, "ASK { model:alpha-7b a prov:Entity }", **{"default-graph-uri": ASSERTED})
    assert r.status_code == 200 and r.json()["boolean"] is False


ONTOLOGY = "https://w3id.org/llm-atlas/graph/ontology"
FULL = "https://w3id.org/llm-atlas/graph/full"
ANY_NAMED = "ASK { GRAPH ?g { ?s ?p ?o } }"
ANY_DEFAULT = "ASK { ?s ?p ?o }"


@pytest.mark.parametrize("query, params, expected", [
    # FROM and default-graph-uri build the same dataset: only default graphs means no named graphs
    (ANY_NAMED, {}, True),
    (f"ASK FROM <{ASSERTED}> {{ GRAPH ?g {{ ?s ?p ?o }} }}", {}, False),
    (ANY_NAMED, {"default-graph-uri": ASSERTED}, False),
    # only named graphs means an empty default graph (SPARQL 1.1 Query 13.2.2)
    (f"ASK FROM NAMED <{ONTOLOGY}> {{ ?s ?p ?o }}", {}, False),
    (ANY_DEFAULT, {"named-graph-uri": ONTOLOGY}, False),
    (f"ASK FROM NAMED <{ONTOLOGY}> {{ GRAPH <{ONTOLOGY}> {{ ?s ?p ?o }} }}", {}, True),
    (f"ASK {{ GRAPH <{ONTOLOGY}> {{ ?s ?p ?o }} }}", {"named-graph-uri": ONTOLOGY}, True),
    (f"ASK {{ GRAPH <{ASSERTED}> {{ ?s ?p ?o }} }}", {"named-graph-uri": ONTOLOGY}, False),
    # the protocol's dataset wins over the query's
    (f"ASK FROM <{ASSERTED}> {{ ?s ?p ?o }}", {"named-graph-uri": ONTOLOGY}, False),
    # …/graph/full names the default graph (what a Graph Store loaded by `push` calls it)
    ("ASK { model:alpha-7b a prov:Entity }", {"default-graph-uri": FULL}, True),
    (f"ASK FROM <{FULL}> {{ model:alpha-7b a prov:Entity }}", {}, True),
    # a graph the atlas does not hold is empty, whichever way it is named (never fetched)
    (ANY_DEFAULT, {"default-graph-uri": "http://example.org/elsewhere"}, False),
    ("ASK FROM <http://example.org/elsewhere> { ?s ?p ?o }", {}, False),
])
def test_the_dataset_is_built_as_sparql_defines_it(client, query, params, expected):
    r = get(client, query, **params)
    assert r.status_code == 200, r.text
    assert r.json()["boolean"] is expected


def test_a_graph_parameter_must_be_an_iri(client):
    r = get(client, ANY_DEFAULT, **{"default-graph-uri": "not an iri"})
    assert r.status_code == 400 and "absolute IRI" in r.text


def test_relative_iris_resolve_against_the_endpoint(client):
    r = client.post("/sparql", content=b"CONSTRUCT { <s> <p> 1 } WHERE {}",
                    headers={"Content-Type": "application/sparql-query", "Accept": "application/n-triples"})
    assert r.status_code == 200, r.text
    assert r.text.strip() == '<http://testserver/s> <http://testserver/p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .'


@pytest.mark.parametrize("fmt, content_type", [
    ("n3", "text/turtle"), ("turtle", "text/turtle"), ("rdf+xml", "application/rdf+xml"),
    ("json-ld", "application/ld+json"), ("application/rdf+xml", "application/rdf+xml"), ("text/n3", "text/turtle"),
])
def test_format_parameters_that_clients_send(client, fmt, content_type):
    r = get(client, CONSTRUCT, format=fmt)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith(content_type)


@pytest.mark.parametrize("accept", [None, "text/turtle", "application/sparql-results+json"])
def test_head_answers_like_get(client, accept):
    headers = {"Accept": accept} if accept else {}
    for params in ({}, {"query": SELECT}):
        got, head = client.get("/sparql", params=params, headers=headers), client.head("/sparql", params=params, headers=headers)
        assert head.status_code == got.status_code and head.status_code in (200, 303, 406)
        assert head.headers.get("content-type") == got.headers.get("content-type")
        assert head.content == b""


def test_an_empty_query_is_a_syntax_error_not_an_update(client):
    r = client.post("/sparql", data={"query": ""})
    assert r.status_code == 400 and "the query is empty" in r.text


def test_deeply_nested_groups_are_400(client):
    r = client.post("/sparql", data={"query": "ASK " + "{" * 3000 + "}" * 3000})
    assert r.status_code == 400 and "nested too deeply" in r.text


def test_a_body_in_another_charset_is_refused(client):
    r = client.post("/sparql", content="ASK {}".encode("utf-16"),
                    headers={"Content-Type": "application/sparql-query; charset=UTF-16"})
    assert r.status_code == 415 and "UTF-8" in r.text


def test_rows_are_capped_and_the_cap_is_announced(client):
    r = get(client, "SELECT ?s WHERE { ?s ?p ?o }")
    assert r.status_code == 200
    assert len(r.json()["results"]["bindings"]) == 3
    assert r.headers["x-sparql-maxrows"] == "3"
    assert "x-sparql-maxrows" not in get(client, SELECT + " LIMIT 1").headers


def test_malformed_query_is_400_with_the_parsers_message(client):
    r = get(client, "SELECT ?x WHERE { ?x ?y }")
    assert r.status_code == 400
    assert r.text.startswith("malformed query: line 1, column")


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_wrong_method_is_405(client, method):
    r = client.request(method.upper(), "/sparql", params={"query": SELECT})
    assert r.status_code == 405
    assert "GET" in r.headers["allow"] and "POST" in r.headers["allow"]


def test_unsupported_post_body_is_415_and_empty_post_is_400(client):
    r = client.post("/sparql", content=b"{}", headers={"Content-Type": "application/json"})
    assert r.status_code == 415
    r = client.post("/sparql", data={"nothing": "here"})
    assert r.status_code == 400 and "no query" in r.text


def test_request_body_over_the_cap_is_413(client, atlas):
    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * atlas.settings.max_body
    r = client.post("/sparql", content=big.encode(), headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 413


def test_cors_for_get_and_post(client):
    r = client.get("/sparql", params={"query": SELECT}, headers={"Origin": "https://example.org"})
    assert r.headers["access-control-allow-origin"] == "*"
    r = client.options("/sparql", headers={"Origin": "https://example.org", "Access-Control-Request-Method": "POST",
                                           "Access-Control-Request-Headers": "content-type"})
    assert r.status_code == 200
    assert "POST" in r.headers["access-control-allow-methods"]


def test_plain_get_is_the_service_description(client):
    r = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    from rdflib import Graph, URIRef
    g = Graph().parse(data=r.text, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    service = URIRef("http://testserver/sparql")
    assert (service, URIRef(sd + "supportedLanguage"), URIRef(sd + "SPARQL11Query")) in g
    assert {str(o) for o in g.objects(None, URIRef(sd + "name"))} == set(GRAPHS)
    assert client.get("/sparql", headers={"Accept": "text/html"}).headers["location"] == "/query"


# --- resource IRIs ---------------------------------------------------------------------------

@pytest.mark.parametrize("accept, location", [
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "/page/model/alpha-7b"),
    ("text/turtle", "/data/model/alpha-7b.ttl"),
    ("application/n-triples", "/data/model/alpha-7b.nt"),
    ("application/ld+json", "/data/model/alpha-7b.jsonld"),
    ("application/rdf+xml", "/data/model/alpha-7b.rdf"),
])
def test_resource_iri_303_by_accept(client, accept, location):
    r = client.get("/id/model/alpha-7b", headers={"Accept": accept})
    assert r.status_code == 303
    assert r.headers["location"] == location
    assert "Accept" in r.headers["vary"]
    link = r.headers["link"]
    assert '</data/model/alpha-7b.ttl>; rel="alternate"; type="text/turtle"' in link
    assert '</page/model/alpha-7b>; rel="alternate"; type="text/html"' in link


def test_unknown_resources_are_404(client):
    assert client.get("/id/model/no-such-model", headers={"Accept": "text/turtle"}).status_code == 404
    assert client.get("/id/nokind/alpha-7b").status_code == 404
    assert client.get("/page/model/no-such-model").status_code == 404
    assert client.get("/data/model/no-such-model.ttl").status_code == 404
    assert client.get("/data/model/alpha-7b.exe").status_code == 404


def test_unacceptable_resource_request_is_406(client):
    assert client.get("/id/model/alpha-7b", headers={"Accept": "image/png"}).status_code == 406


@pytest.mark.parametrize("suffix, fmt", [(".ttl", "turtle"), (".nt", "nt"), (".jsonld", "json-ld"), (".rdf", "xml")])
def test_entity_data_parses_and_holds_the_entity_and_its_subnodes(client, suffix, fmt):
    from rdflib import Graph, URIRef
    r = client.get("/data/project/alpha" + suffix)
    assert r.status_code == 200
    g = Graph().parse(data=r.text, format=fmt)
    project = URIRef("https://w3id.org/llm-atlas/id/project/alpha")
    assert (project, None, None) in g
    assert (URIRef(str(project) + "#organizational-model"), None, None) in g


def test_ontology_iri_negotiates_documentation_or_rdf(client):
    html = client.get("/ontology", headers={"Accept": "text/html"})
    assert html.status_code == 200 and 'id="Model"' in html.text and 'id="developedBy"' in html.text
    ttl = client.get("/ontology", headers={"Accept": "text/turtle"})
    assert ttl.headers["content-type"].startswith("text/turtle") and "atlas:Model" in ttl.text
    jsonld = client.get("/ontology", headers={"Accept": "application/ld+json"})
    assert jsonld.status_code == 200 and json.loads(jsonld.text)
    from llm_atlas import __version__
    versioned = client.get(f"/ontology/{__version__}", headers={"Accept": "text/turtle"})
    assert versioned.status_code == 200 and "owl:versionIRI" in versioned.text
    vocab = client.get("/vocab", headers={"Accept": "text/html"})
    assert 'id="single-company"' in vocab.text


# --- pages and downloads ---------------------------------------------------------------------

def test_home_page_counts_and_browse(client):
    r = client.get("/")
    assert r.status_code == 200
    assert '<a href="/browse/model">atlas:Model</a></td><td class="num">5</td>' in r.text
    assert "content-security-policy" in r.headers
    browse = client.get("/browse/model").text
    assert '<a href="/page/model/alpha-7b">Alpha 7B</a>' in browse


def test_search_by_label(client):
    r = client.get("/search", params={"q": "ALPHA 7"})
    assert '<a href="/page/model/alpha-7b">Alpha 7B</a>' in r.text
    assert "Beta" not in r.text.split("<main>")[1]


def test_entity_page_shows_properties_links_incoming_sources_and_identifiers(client):
    r = client.get("/page/model/alpha-7b")
    assert r.status_code == 200
    text = r.text
    assert '<h1 id="label">Alpha 7B</h1>' in text
    assert '<a href="/page/org/alpha-lab">Alpha Lab</a>' in text  # a property value as a link
    assert '<a href="/page/project/alpha">Alpha</a>' in text  # incoming: project hasModel
    assert 'href="https://example.org/model/alpha-7b"' in text  # source
    assert 'href="https://huggingface.co/alpha/alpha-7b"' in text  # outside identifier
    assert 'href="/data/model/alpha-7b.ttl"' in text
    assert "inferred" in text  # inferred triples are marked


def test_entity_page_shows_subnodes_with_anchors(client):
    text = client.get("/page/project/alpha").text
    assert '<section class="subnode" id="organizational-model">' in text
    assert "Alpha is run as judged by the curator." in text


def test_subnodes_have_titles_not_raw_ids(client):
    text = client.get("/page/project/alpha").text
    assert "project:alpha#organizational-model" not in text
    section = text[text.index('<section class="subnode" id="organizational-model">'):]
    title = "Assessment: Single research institute project (Curator judgement)"  # type: value (evidence)
    assert f"<h3>{title} <small>" in section[:200]
    assert f'<a href="/page/project/alpha#organizational-model">{title}</a>' in text  # the link to it too


def test_each_incoming_link_is_listed_once_by_its_asserted_property(client):
    text = client.get("/page/dataset/web-corpus").text
    incoming = text[text.index('<table class="incoming">'):]
    assert incoming.count('<a href="/page/model/alpha-7b">Alpha 7B</a>') == 1
    assert "fair4ml:trainedOn" not in incoming and "prov:used" not in incoming


def test_entity_jsonld_is_compacted_with_the_atlas_context(client):
    doc = json.loads(client.get("/data/model/alpha-7b.jsonld").text)
    assert doc["@context"]["atlas"] == "https://w3id.org/llm-atlas/ontology#"
    node = next(n for n in doc["@graph"] if n["@id"] == "model:alpha-7b")
    assert "atlas:Model" in node["@type"] and node["atlas:developedBy"] == [{"@id": "organization:alpha-lab"}]


def test_spdx_licence_page(client):
    r = client.get("/page/spdx/Apache-2.0")
    assert r.status_code == 200 and "Apache License 2.0" in r.text


def test_competency_question_gallery_runs_every_question(client, atlas):
    r = client.get("/cq")
    assert r.status_code == 200
    for question in atlas.questions:
        assert f'id="{question.name}"' in r.text
    assert 'class="error"' not in r.text


def test_query_page_runs_a_query_and_offers_downloads(client):
    r = client.get("/query", params={"query": SELECT})
    assert r.status_code == 200
    assert "<th>m</th><th>label</th>" in r.text
    assert "/sparql?format=csv&amp;query=" in r.text
    loaded = client.get("/query", params={"example": "cq03-datasets-shared-by-projects"})
    assert "HAVING (COUNT(DISTINCT ?project) &gt;= 2)" in loaded.text
    bad = client.get("/query", params={"query": "SELECT ?x WHERE {"})
    assert bad.status_code == 400 and "malformed query" in bad.text


def test_downloads_list_sizes_and_checksums_and_serve_files(client, fixture_dist):
    r = client.get("/downloads")
    sums = dict(line.split("  ")[::-1] for line in (fixture_dist / "SHA256SUMS").read_text().splitlines())
    assert sums["full.ttl"] in r.text
    assert str((fixture_dist / "full.ttl").stat().st_size) in r.text
    f = client.get("/downloads/full.nt")
    assert f.status_code == 200 and f.content == (fixture_dist / "full.nt").read_bytes()
    assert client.get("/downloads/..%2Fpyproject.toml").status_code == 404


def test_the_dataset_iri_dereferences(client):
    page = client.get("/dataset", headers={"Accept": "text/html"})
    assert page.status_code == 303 and page.headers["location"] == "/downloads"
    data = client.get("/dataset", headers={"Accept": "text/turtle"})
    assert data.status_code == 200 and data.headers["content-type"].startswith("text/turtle")
    assert "dcat:Catalog" in data.text and "void:Linkset" in data.text


def test_void_at_well_known(client):
    r = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and "void:Dataset" in r.text


def test_static_assets_are_local(client):
    page = client.get("/page/model/alpha-7b").text
    assert "http://" not in page.split("<main>")[0].replace("http://www.w3.org", "")  # no outside assets in <head>
    assert client.get("/static/style.css").status_code == 200


def test_query_page_shows_construct_results_as_triples_with_graph_downloads(client):
    r = client.get("/query", params={"query": CONSTRUCT})
    assert r.status_code == 200
    assert "<th>subject</th><th>predicate</th><th>object</th>" in r.text
    assert "/sparql?format=ttl&amp;query=" in r.text and "format=csv" not in r.text


def test_the_full_graph_name_a_pushed_store_uses_is_our_default_graph(client):
    """`llm-atlas push` names the default graph …/graph/full; the same request works here."""
    plain = get(client, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    named = get(client, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", **{"default-graph-uri": "https://w3id.org/llm-atlas/graph/full"})
    assert named.status_code == 200
    assert named.json()["results"]["bindings"] == plain.json()["results"]["bindings"]
