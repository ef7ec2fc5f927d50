"""Canonical serialisation: the same graph always gives the same bytes, in every format.

rdflib's Turtle output is ordered, but its N-Triples and JSON-LD follow set order,
which changes between processes; blank-node labels are random. So: blank nodes get
canonical labels (rdflib.compare), N-Triples lines are sorted, JSON-LD nodes and
values are sorted. One table says which formats exist and how they are written.
"""

from __future__ import annotations

import json

from rdflib import BNode, Graph
from rdflib.compare import to_canonical_graph

from llm_atlas.namespaces import PREFIXES

# format key -> (file suffix, media type)
FORMATS = {
    "ttl": (".ttl", "text/turtle"),
    "nt": (".nt", "application/n-triples"),
    "jsonld": (".jsonld", "application/ld+json"),
}


def canonical_bnodes(graph: Graph) -> Graph:
    """``graph`` with blank nodes relabelled canonically (content-derived, stable across runs)."""
    if not any(isinstance(t, BNode) for triple in graph for t in triple):
        return graph
    return to_canonical_graph(graph)


def _ordered(graph: Graph) -> Graph:
    """A copy bound to the atlas prefix table, triples inserted in sorted order."""
    out = Graph(bind_namespaces="none")
    for prefix, ns in PREFIXES.items():
        out.bind(prefix, ns)
    for triple in sorted(graph):
        out.add(triple)
    return out


def serialize(graph: Graph, fmt: str) -> bytes:
    """Bytes of ``graph`` in ``fmt`` (a key of FORMATS), identical for identical graphs.

    Blank nodes must already carry canonical labels (see :func:`canonical_bnodes`).
    """
    return serialize_all(graph, [fmt])[fmt]


def serialize_all(graph: Graph, formats=tuple(FORMATS)) -> dict[str, bytes]:
    """``graph`` in each of ``formats``; the graph is ordered once for all of them."""
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ValueError(f"unknown format {unknown[0]!r}; known: {', '.join(FORMATS)}")
    ordered = _ordered(graph)
    out = {}
    if "ttl" in formats:
        out["ttl"] = ordered.serialize(format="turtle", encoding="utf-8")
    if "nt" in formats:
        lines = ordered.serialize(format="nt", encoding="utf-8").decode().splitlines()
        out["nt"] = ("\n".join(sorted(line for line in lines if line.strip())) + "\n").encode()
    if "jsonld" in formats:
        context = {p: str(ns) for p, ns in PREFIXES.items()}
        doc = json.loads(ordered.serialize(format="json-ld", context=context, auto_compact=True))
        out["jsonld"] = (json.dumps(_sorted_jsonld(doc), ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()
    return out


def _sorted_jsonld(node, ordered=False):
    """Sort JSON-LD nodes and value arrays; ``@list`` arrays are RDF lists and keep their order."""
    if isinstance(node, dict):
        out = {k: _sorted_jsonld(v, ordered=(k == "@list")) for k, v in node.items()}
        if "@graph" in out and isinstance(out["@graph"], list):
            out["@graph"] = sorted(out["@graph"], key=lambda n: (n.get("@id", ""), json.dumps(n, sort_keys=True)))
        return out
    if isinstance(node, list):
        items = [_sorted_jsonld(v) for v in node]
        return items if ordered else sorted(items, key=lambda v: json.dumps(v, sort_keys=True))
    return node
