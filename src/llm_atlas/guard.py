"""What a SPARQL request may do here: read, and nothing that reaches the network.

Both rdflib's and Oxigraph's engines execute ``SERVICE`` clauses (and ``LOAD``) by
default, which would let anyone who can send a query make this machine fetch URLs.
So every query is parsed first (rdflib's SPARQL parser) and refused before execution if
it is an update, contains ``SERVICE``, or names a ``FROM``/``FROM NAMED`` graph that the
atlas does not hold.
"""

from __future__ import annotations

from functools import lru_cache

from pyparsing import ParseException, ParseResults
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from llm_atlas.namespaces import PREFIXES


class QueryRefused(ValueError):
    """A query this atlas will not run; the message says why."""


class QuerySyntaxError(ValueError):
    """A query that does not parse; the message is the parser's."""


def _walk(node):
    if isinstance(node, CompValue):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, (list, tuple, ParseResults)):
        for item in node:
            yield from _walk(item)


def query_form(text: str, *, allowed_graphs=frozenset()) -> str:
    """The form of a read-only query (SELECT, ASK, CONSTRUCT, DESCRIBE), or raise.

    ``allowed_graphs`` are the graph IRIs a FROM / FROM NAMED clause may name. Parsing
    costs ~10 ms, so verdicts are cached by query text (endpoints see the same queries often).
    """
    return _query_form(text, frozenset(allowed_graphs))


@lru_cache(maxsize=2048)
def _query_form(text: str, allowed_graphs: frozenset) -> str:
    prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
    try:
        tree = parseQuery(prologue + text)
    except ParseException as err:
        try:
            parseUpdate(text)
        except ParseException:
            raise QuerySyntaxError(f"line {err.lineno - len(PREFIXES)}, column {err.col}: {err.msg}") from None
        raise QueryRefused("SPARQL Update (INSERT, DELETE, LOAD, CLEAR, …) is not accepted: the atlas is read-only") from None
    form = tree[1].name.replace("Query", "").upper()
    for node in _walk(tree):
        if node.name == "ServiceGraphPattern":
            raise QueryRefused("SERVICE is not allowed: this endpoint makes no outbound requests")
        if node.name == "DatasetClause":
            graph = str(node.get("default") or node.get("named"))
            if graph not in allowed_graphs:
                raise QueryRefused(f"FROM <{graph}> is not a graph of this atlas; "
                                   f"available: {', '.join(sorted(allowed_graphs)) or 'none'}")
    return form
