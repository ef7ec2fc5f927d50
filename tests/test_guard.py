"""The SPARQL guard: read-only, and nothing that reaches the network, decided before execution."""

import pytest

from llm_atlas.guard import Checked, QueryRefused, QuerySyntaxError, check_query

ASSERTED = "https://w3id.org/llm-atlas/graph/asserted"


@pytest.mark.parametrize("query, checked", [
    ("SELECT * WHERE { ?s ?p ?o }", Checked("SELECT")),
    ("ASK { ?s a atlas:Model }", Checked("ASK")),
    ("CONSTRUCT WHERE { ?s ?p ?o }", Checked("CONSTRUCT")),
    ("DESCRIBE <https://w3id.org/llm-atlas/id/model/x>", Checked("DESCRIBE")),
    (f"SELECT * FROM <{ASSERTED}> WHERE {{ ?s ?p ?o }}", Checked("SELECT", (ASSERTED,))),
    (f"SELECT * FROM NAMED <{ASSERTED}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}", Checked("SELECT", (), (ASSERTED,))),
    ("ASK FROM <urn:a> FROM <urn:b> FROM NAMED <urn:c> {}", Checked("ASK", ("urn:a", "urn:b"), ("urn:c",))),
])
def test_read_only_queries_pass_with_their_dataset(query, checked):
    assert check_query(query) == checked


@pytest.mark.parametrize("query, reason", [
    ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", "SERVICE"),
    ("SELECT * WHERE { OPTIONAL { GRAPH ?g { SERVICE SILENT <http://x/> { ?a ?b ?c } } } }", "SERVICE"),
    ("SELECT * WHERE { { SELECT ?s WHERE { SERVICE ?endpoint { ?s ?p ?o } } } }", "SERVICE"),
    ("LOAD <http://example.org/remote.ttl>", "read-only"),
    ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "read-only"),
    ("DELETE WHERE { ?s ?p ?o }", "read-only"),
    ("CLEAR ALL", "read-only"),
])
def test_dangerous_queries_are_refused(query, reason):
    with pytest.raises(QueryRefused, match=reason):
        check_query(query)


def test_syntax_errors_carry_the_parsers_position():
    with pytest.raises(QuerySyntaxError, match=r"^line 2, column"):
        check_query("SELECT * WHERE {\n ?s ?p }")


@pytest.mark.parametrize("query, message", [
    ("", "the query is empty"),  # an empty text is a valid (empty) *update*: it must not be called one
    ("  \n", "the query is empty"),
    ("ASK " + "{" * 3000 + "}" * 3000, "nested too deeply"),
])
def test_empty_and_pathological_queries_are_syntax_errors(query, message):
    with pytest.raises(QuerySyntaxError, match=message):
        check_query(query)
