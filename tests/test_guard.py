"""The SPARQL guard: read-only, and nothing that reaches the network, decided before execution."""

import pytest

from llm_atlas.guard import QueryRefused, QuerySyntaxError, query_form


@pytest.mark.parametrize("query, form", [
    ("SELECT * WHERE { ?s ?p ?o }", "SELECT"),
    ("ASK { ?s a atlas:Model }", "ASK"),
    ("CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
    ("DESCRIBE <https://w3id.org/llm-atlas/id/model/x>", "DESCRIBE"),
    ("SELECT * FROM <https://w3id.org/llm-atlas/graph/asserted> WHERE { ?s ?p ?o }", "SELECT"),
])
def test_read_only_queries_pass(query, form):
    assert query_form(query, allowed_graphs={"https://w3id.org/llm-atlas/graph/asserted"}) == form


@pytest.mark.parametrize("query, reason", [
    ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", "SERVICE"),
    ("SELECT * WHERE { OPTIONAL { GRAPH ?g { SERVICE SILENT <http://x/> { ?a ?b ?c } } } }", "SERVICE"),
    ("SELECT * WHERE { { SELECT ?s WHERE { SERVICE ?endpoint { ?s ?p ?o } } } }", "SERVICE"),
    ("SELECT * FROM <http://example.org/remote.ttl> WHERE { ?s ?p ?o }", "FROM"),
    ("SELECT * FROM NAMED <http://example.org/remote.ttl> WHERE { GRAPH ?g { ?s ?p ?o } }", "FROM"),
    ("LOAD <http://example.org/remote.ttl>", "read-only"),
    ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "read-only"),
    ("DELETE WHERE { ?s ?p ?o }", "read-only"),
    ("CLEAR ALL", "read-only"),
])
def test_dangerous_queries_are_refused(query, reason):
    with pytest.raises(QueryRefused, match=reason):
        query_form(query)


def test_syntax_errors_carry_the_parsers_position():
    with pytest.raises(QuerySyntaxError, match=r"^line 2, column"):
        query_form("SELECT * WHERE {\n ?s ?p }")
