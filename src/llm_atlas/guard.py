"""What a SPARQL request may do here: read, and nothing that reaches the network.

Both rdflib's and Oxigraph's engines execute ``SERVICE`` clauses (and ``LOAD``) by
default, which would let anyone who can send a query make this machine fetch URLs.
So every query is parsed first (rdflib's SPARQL parser) and refused before execution if
it is an update or contains ``SERVICE``. ``FROM`` and ``FROM NAMED`` are read from the
parse and handed to Oxigraph as the query's dataset: Oxigraph looks graph names up in its
store and never fetches them, so a graph the atlas does not hold is simply empty (as the
W3C protocol tests expect of ``default-graph-uri``; one rule for both ways of naming a graph).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from pyparsing import ParseException, ParseResults
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from llm_atlas.namespaces import PREFIXES, sparql_prologue


class QueryRefused(ValueError):
    """A query this atlas will not run; the message says why."""


class QuerySyntaxError(ValueError):
    """A query that does not parse; the message is the parser's."""


@dataclass(frozen=True)
class Checked:
    """A read-only query that may run: its form and the dataset its text names."""

    form: str  # SELECT, ASK, CONSTRUCT or DESCRIBE
    default_graphs: tuple[str, ...] = ()  # FROM
    named_graphs: tuple[str, ...] = ()  # FROM NAMED

    @property
    def names_dataset(self) -> bool:
        return bool(self.default_graphs or self.named_graphs)


def _walk(node):
    if isinstance(node, CompValue):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, (list, tuple, ParseResults)):
        for item in node:
            yield from _walk(item)


def check_query(text: str) -> Checked:
    """The form and dataset of a read-only query, or QueryRefused / QuerySyntaxError.

    Parsing costs ~10 ms, so verdicts are cached by query text (endpoints see the same
    queries often).

    >>> check_query("SELECT * FROM NAMED <urn:g> { GRAPH ?g { ?s ?p ?o } }")
    Checked(form='SELECT', default_graphs=(), named_graphs=('urn:g',))
    """
    return _check(text)


@lru_cache(maxsize=2048)
def _check(text: str) -> Checked:
    if not text.strip():
        raise QuerySyntaxError("the query is empty")
    prologue = sparql_prologue()
    try:
        tree = parseQuery(prologue + text)
        nodes = list(_walk(tree))
    except ParseException as err:
        if _is_update(text):
            raise QueryRefused("SPARQL Update (INSERT, DELETE, LOAD, CLEAR, …) is not accepted: the atlas is read-only") from None
        raise QuerySyntaxError(f"line {err.lineno - len(PREFIXES)}, column {err.col}: {err.msg}") from None
    except RecursionError:  # thousands of nested groups: pyparsing recurses per level
        raise QuerySyntaxError("the query is nested too deeply to parse") from None
    default, named = [], []
    for node in nodes:
        if node.name == "ServiceGraphPattern":
            raise QueryRefused("SERVICE is not allowed: this endpoint makes no outbound requests")
        if node.name == "DatasetClause":
            (named if "named" in node else default).append(str(node["named"] if "named" in node else node["default"]))
    return Checked(tree[1].name.replace("Query", "").upper(), tuple(default), tuple(named))


def _is_update(text: str) -> bool:
    try:
        parseUpdate(text)
        return True
    except (ParseException, RecursionError):
        return False
