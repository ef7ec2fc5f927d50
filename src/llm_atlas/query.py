"""Run SPARQL on the built atlas with Oxigraph (the fast engine; rdflib stays the library API).

The store's default graph is the full atlas (asserted + inferred + ontology); the asserted
data, the ontology and the shapes are also there as named graphs (``GRAPHS``).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyoxigraph as ox

from llm_atlas.atlas import Layout
from llm_atlas.guard import Checked, QueryRefused, QuerySyntaxError, check_query
from llm_atlas.namespaces import BASE, PREFIX_IRIS, PREFIXES, curie

# named graph IRI -> dist/ file it is loaded from
GRAPHS = {
    BASE + "graph/asserted": "asserted.nt",
    BASE + "graph/ontology": "ontology.nt",
    BASE + "graph/shapes": "shapes.nt",
    BASE + "graph/analytics": "analytics.nt",
    BASE + "graph/imported": "imported.nt",  # models imported from the Hub (only if the build had any)
}
DEFAULT_GRAPH_FILE = "full.nt"
# The default graph's name where it must have one: in a Graph Store loaded by `llm-atlas push`;
# our endpoint accepts it as default-graph-uri, so one request works on both.
FULL_GRAPH = BASE + "graph/full"
SUMS = "SHA256SUMS"  # `sha256sum -c` format: "<hex digest>  <file name>" per line


def read_checksums(dist: Path) -> dict[str, str]:
    """File name -> SHA-256 hex digest, from a build's SHA256SUMS (FileNotFoundError if none)."""
    sums = {}
    for line in (Path(dist) / SUMS).read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        sums[name.strip()] = digest
    return sums


def checksums_text(digests: dict[str, str]) -> str:
    """SHA256SUMS of file name -> SHA-256 hex digest: what :func:`read_checksums` reads."""
    return "".join(f"{digest}  {name}\n" for name, digest in sorted(digests.items()))


class QueryError(Exception):
    """Anything that stops a query from giving results: refused, malformed, or failed."""


def load_store(dist: Path, store: ox.Store | None = None) -> ox.Store:
    """An Oxigraph store (in memory unless given) holding a built ``dist/``."""
    store = store if store is not None else ox.Store()
    _load(store, dist / DEFAULT_GRAPH_FILE, ox.DefaultGraph())
    for graph, name in GRAPHS.items():
        if (dist / name).exists():
            _load(store, dist / name, ox.NamedNode(graph))
    return store


def _load(store: ox.Store, path: Path, graph) -> None:
    # ox.parse keeps the files' blank-node labels (`_:ontologylineageb0`); Store.bulk_load renames
    # them at random on every load, which made pages and answers differ between two loads.
    triples = ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES)
    store.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples)


def is_built(layout: Layout) -> bool:
    return (layout.dist / DEFAULT_GRAPH_FILE).exists()


def dataset_options(checked: Checked, default_graphs=None, named_graphs=None) -> dict:
    """Oxigraph's options for the RDF dataset of a query (SPARQL 1.1 Query §13.2, Protocol §2.1.4).

    Protocol parameters (``default-graph-uri``/``named-graph-uri``) win over the query's
    FROM/FROM NAMED. A dataset that is named at all holds exactly the graphs named: only
    default graphs means no named graphs, only named graphs an empty default graph. Named
    nowhere: the full atlas as default graph and every named graph. :data:`FULL_GRAPH`
    names our default graph; a graph the store lacks is empty, never fetched.

    >>> dataset_options(check_query("ASK FROM <urn:a> {}"))["named_graphs"]
    []
    """
    if default_graphs is None and named_graphs is None:
        if not checked.names_dataset:
            return {}
        default_graphs, named_graphs = checked.default_graphs, checked.named_graphs
    return {"default_graph": [ox.DefaultGraph() if g == FULL_GRAPH else ox.NamedNode(g) for g in default_graphs or ()],
            "named_graphs": [ox.NamedNode(g) for g in named_graphs or ()]}


def run_query(store: ox.Store, text: str, *, base_iri: str | None = None):
    """Results of a read-only query; QueryError if refused, malformed or failing.

    Relative IRIs in the query resolve against ``base_iri`` (an endpoint passes its own URL).
    """
    try:
        checked = check_query(text)
        return store.query(text, prefixes=PREFIX_IRIS, base_iri=base_iri,
                           **dataset_options(checked))
    except (QueryRefused, QuerySyntaxError) as err:
        raise QueryError(str(err)) from None
    except (SyntaxError, OSError, ValueError) as err:
        raise QueryError(f"query failed: {err}") from None


def rows(result) -> tuple[list[str], list[list]]:
    """(variable names, rows of terms or None) of a SELECT result."""
    names = [v.value for v in result.variables]
    return names, [[solution[n] for n in names] for solution in result]


def term_text(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return curie(term.value)
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


def best_label(labels: list) -> str | None:
    """The label to show of several literals: the first English one in sorted order, else the
    first untagged one, else the first of any; None if there is no literal."""
    literals = [t for t in labels if isinstance(t, ox.Literal)]
    for wanted in ("en", ""):
        chosen = sorted(t.value for t in literals if (t.language or "") == wanted)
        if chosen:
            return chosen[0]
    return min((t.value for t in literals), default=None)


def format_result(result, fmt: str) -> tuple[str, int]:
    """(text, size) of a query result: table/csv/tsv/json for SELECT and ASK, Turtle for graphs;
    size is the number of rows or triples (an ASK answer counts 1 if true), so callers can say
    something useful about an empty answer."""
    if isinstance(result, ox.QueryBoolean):
        text = json.dumps({"head": {}, "boolean": bool(result)}) + "\n" if fmt == "json" else f"{bool(result)}\n"
        return text, int(bool(result))
    if isinstance(result, ox.QueryTriples):
        triples = list(result)
        return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIX_IRIS).decode(), len(triples)
    if fmt in ("json", "tsv"):
        kind = ox.QueryResultsFormat.JSON if fmt == "json" else ox.QueryResultsFormat.TSV
        text = result.serialize(format=kind).decode()
        size = len(json.loads(text)["results"]["bindings"]) if fmt == "json" else len(text.splitlines()) - 1
        return text, size
    names, table = rows(result)
    text_rows = [[term_text(t) for t in row] for row in table]
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(names)
        writer.writerows(text_rows)
        return out.getvalue(), len(text_rows)
    if fmt == "ttl":
        raise QueryError("--format ttl is for CONSTRUCT and DESCRIBE queries")
    widths = [max([len(n)] + [len(r[i]) for r in text_rows]) for i, n in enumerate(names)]
    line = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()
    out = [line(names), line(["-" * w for w in widths])] + [line(r) for r in text_rows]
    return "\n".join(out) + f"\n({len(text_rows)} row{'s' if len(text_rows) != 1 else ''})\n", len(text_rows)


# --- hints for empty answers ---------------------------------------------------------------

OCCURS = "ASK { { ?x ?p ?o } UNION { ?s ?x ?o } UNION { ?s ?p ?x } }"


def iris_named(text: str) -> list[str]:
    """The IRIs a query names (prefixed names expanded with the predeclared prefixes, or the
    query's own), in order of first appearance; [] if rdflib cannot translate it."""
    from rdflib import URIRef
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        algebra = translateQuery(parseQuery(text), initNs=PREFIX_IRIS).algebra
    except Exception:  # noqa: BLE001 - a hint is optional; the query itself already ran
        return []
    found: dict[str, None] = {}

    def walk(node):
        if isinstance(node, URIRef):
            found.setdefault(str(node))
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, (list, tuple, set)):
            for value in node:
                walk(value)

    walk(algebra)
    return list(found)


def absent_iris(store: ox.Store, text: str) -> list[tuple[str, str | None]]:
    """For an empty answer: (IRI, suggestion) for each IRI the query names that occurs nowhere
    in the atlas; the suggestion is the one atlas IRI with the same local name, if there is one
    (``org:eleutherai`` is W3C ORG's namespace: ``organization:eleutherai`` is meant).

    >>> absent_iris(ox.Store(), "ASK { <urn:x> ?p ?o }")
    [('urn:x', None)]
    """
    def occurs(iri: str) -> bool:
        return bool(store.query(OCCURS, substitutions={ox.Variable("x"): ox.NamedNode(iri)}))

    out = []
    for iri in iris_named(text):
        if occurs(iri):
            continue
        local = iri.rstrip("/#").rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        candidates = [str(ns) + local for p, ns in PREFIXES.items()
                      if str(ns).startswith(BASE) and str(ns) + local != iri]
        found = [c for c in candidates if occurs(c)]
        out.append((iri, curie(found[0]) if len(found) == 1 else None))
    return out


def absent_note(absent: list[tuple[str, str | None]]) -> str:
    """The hint as one paragraph of text."""
    parts = [f"<{iri}>" + (f" (did you mean {hint}?)" if hint else "") for iri, hint in absent]
    return "no results, and these IRIs occur nowhere in the atlas: " + ", ".join(parts) + \
        ". Predeclared prefixes: llm-atlas query --prefixes, or the query page."
