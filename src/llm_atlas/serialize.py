"""Canonical serialisation: the same graph always gives the same bytes, in every format.

Oxigraph writes all three formats (rdflib's writers took ~2 s of every build). Order is
made canonical here: N-Triples lines are sorted, and Turtle and JSON-LD are written from
the triples in that sorted order, with the atlas prefix table. Blank-node labels must be
stable already: :func:`llm_atlas.loading.parse_turtle` labels them by file and position.
"""

from __future__ import annotations

import json
from functools import lru_cache

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from llm_atlas.namespaces import PREFIX_IRIS, curie

# format key -> (file suffix, media type)
FORMATS = {
    "ttl": (".ttl", "text/turtle"),
    "nt": (".nt", "application/n-triples"),
    "jsonld": (".jsonld", "application/ld+json"),
}
_TYPE, _STRING = str(RDF.type), str(XSD.string)


def to_oxigraph(term):
    """The Oxigraph term for an rdflib term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(term)
    if isinstance(term, BNode):
        return ox.BlankNode(term)
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(term, language=term.language)
        return ox.Literal(term, datatype=ox.NamedNode(term.datatype) if term.datatype else None)
    raise TypeError(f"not an RDF term: {term!r}")


# A build converts the full graph twice (analytics store, then the files): convert each term once.
_to_oxigraph_cached = lru_cache(maxsize=1 << 17)(to_oxigraph)


def oxigraph_triples(graph) -> list:
    """The triples of an rdflib graph (or any iterable of triples) as Oxigraph triples."""
    convert = _to_oxigraph_cached
    return [ox.Triple(convert(s), convert(p), convert(o)) for s, p, o in graph]


def _sorted_triples(graph: Graph) -> tuple[bytes, list]:
    """(canonical N-Triples, the Oxigraph triples in that order)."""
    lines = sorted(set(ox.serialize(oxigraph_triples(graph), format=ox.RdfFormat.N_TRIPLES).decode().splitlines()))
    nt = ("\n".join(lines) + "\n").encode() if lines else b""
    return nt, list(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES))


def serialize(graph: Graph, fmt: str) -> bytes:
    """Bytes of ``graph`` in ``fmt`` (a key of FORMATS), identical for identical graphs."""
    return serialize_all(graph, [fmt])[fmt]


def serialize_all(graph: Graph, formats=tuple(FORMATS)) -> dict[str, bytes]:
    """``graph`` in each of ``formats``; the graph is ordered once for all of them."""
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ValueError(f"unknown format {unknown[0]!r}; known: {', '.join(FORMATS)}")
    nt, triples = _sorted_triples(graph)
    out = {}
    if "ttl" in formats:
        out["ttl"] = _turtle(triples)
    if "nt" in formats:
        out["nt"] = nt
    if "jsonld" in formats:
        out["jsonld"] = _jsonld_text(_jsonld(triples)).encode()
    return out


def jsonld(triples) -> bytes:
    """Compacted JSON-LD of Oxigraph triples (a CONSTRUCT answer, an entity's data): the atlas
    prefix table as ``@context``, one node object per subject, in N-Triples order."""
    ordered = sorted(set(triples), key=str)
    return _jsonld_text(_jsonld(ordered)).encode()


def _jsonld_text(doc: dict) -> str:
    """The document with one node object per line: readable in a diff, and written by json's
    C encoder (``indent`` would switch to its pure-Python encoder, ten times slower)."""
    dump = lambda value: json.dumps(value, ensure_ascii=False, sort_keys=True)
    nodes = ",\n  ".join(dump(node) for node in doc["@graph"])
    return f'{{\n "@context": {dump(doc["@context"])},\n "@graph": [\n  {nodes}\n ]\n}}\n'


def turtle(graph, prefixes: dict[str, str] = PREFIX_IRIS) -> bytes:
    """Turtle of ``graph`` (rdflib triples) in the canonical order, with ``prefixes``."""
    return _turtle(_sorted_triples(graph)[1], prefixes)


def _turtle(triples: list, prefixes: dict[str, str] = PREFIX_IRIS) -> bytes:
    """Turtle with the prefix table (Oxigraph declares prefixes in hash order: sort them)."""
    text = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes).decode()
    lines = text.splitlines(keepends=True)
    head = [line for line in lines if line.startswith("@prefix ")]
    return ("".join(sorted(head)) + "".join(lines[len(head):])).encode()


@lru_cache(maxsize=65536)
def _compact(iri: str) -> str:
    """The prefixed name of ``iri`` for JSON-LD, or the IRI itself."""
    name = curie(iri)
    # no prefix; or a local part JSON-LD would read as "scheme://…", i.e. an absolute IRI
    return iri if name.startswith("<") or name.partition(":")[2].startswith("//") else name


def _jsonld(triples: list) -> dict:
    """A compacted JSON-LD document: the prefix table as context, one node object per subject."""
    nodes: dict = {}
    for t in triples:
        s = _compact(t.subject.value) if isinstance(t.subject, ox.NamedNode) else f"_:{t.subject.value}"
        node = nodes.setdefault(s, {"@id": s})
        o = t.object
        if t.predicate.value == _TYPE and not isinstance(o, ox.Literal):
            node.setdefault("@type", []).append(_compact(o.value) if isinstance(o, ox.NamedNode) else f"_:{o.value}")
            continue
        if isinstance(o, ox.NamedNode):
            value = {"@id": _compact(o.value)}
        elif isinstance(o, ox.BlankNode):
            value = {"@id": f"_:{o.value}"}
        elif o.language:
            value = {"@value": o.value, "@language": o.language}
        elif o.datatype.value == _STRING:
            value = o.value
        else:
            value = {"@value": o.value, "@type": _compact(o.datatype.value)}
        node.setdefault(_compact(t.predicate.value), []).append(value)
    # Subjects, and the values of each property, come in the sorted N-Triples order: stable.
    return {"@context": PREFIX_IRIS, "@graph": list(nodes.values())}
