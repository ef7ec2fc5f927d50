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
from llm_atlas.namespaces import BASE, PREFIXES, curie

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


class QueryError(Exception):
    """Anything that stops a query from giving results: refused, malformed, or failed."""


def load_store(dist: Path, store: ox.Store | None = None) -> ox.Store:
    """An Oxigraph store (in memory unless given) holding a built ``dist/``."""
    store = store if store is not None else ox.Store()
    store.bulk_load(path=str(dist / DEFAULT_GRAPH_FILE), format=ox.RdfFormat.N_TRIPLES)
    for graph, name in GRAPHS.items():
        if (dist / name).exists():
            store.bulk_load(path=str(dist / name), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph))
    return store


def open_store(layout: Layout, log=lambda message: None) -> ox.Store:
    """The built atlas in memory; builds ``dist/`` first if there is none."""
    if not (layout.dist / DEFAULT_GRAPH_FILE).exists():
        from llm_atlas.build import build

        log("no dist/ yet: building the atlas first…")
        build(layout, log=log)
    return load_store(layout.dist)


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
        return store.query(text, prefixes={p: str(ns) for p, ns in PREFIXES.items()}, base_iri=base_iri,
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


def format_result(result, fmt: str) -> str:
    """Text of a query result: table/csv/tsv/json for SELECT and ASK, Turtle for graphs."""
    if isinstance(result, ox.QueryBoolean):
        return json.dumps({"head": {}, "boolean": bool(result)}) + "\n" if fmt == "json" else f"{bool(result)}\n"
    if isinstance(result, ox.QueryTriples):
        return result.serialize(format=ox.RdfFormat.TURTLE).decode()
    if fmt in ("json", "tsv"):
        kind = ox.QueryResultsFormat.JSON if fmt == "json" else ox.QueryResultsFormat.TSV
        return result.serialize(format=kind).decode()
    names, table = rows(result)
    text_rows = [[term_text(t) for t in row] for row in table]
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(names)
        writer.writerows(text_rows)
        return out.getvalue()
    if fmt == "ttl":
        raise QueryError("--format ttl is for CONSTRUCT and DESCRIBE queries")
    widths = [max([len(n)] + [len(r[i]) for r in text_rows]) for i, n in enumerate(names)]
    line = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()
    out = [line(names), line(["-" * w for w in widths])] + [line(r) for r in text_rows]
    return "\n".join(out) + f"\n({len(text_rows)} row{'s' if len(text_rows) != 1 else ''})\n"
