"""Content negotiation: one table of media types, Accept headers with q-values, and the
``format`` parameter that SPARQL clients send.

Three kinds of answer exist: ``results`` (SELECT and ASK), ``graph`` (CONSTRUCT, DESCRIBE
and the RDF of entities, ontology and VoID) and ``page`` (HTML). For each kind the table
lists its formats in order of preference: the first is the fallback for ``*/*`` or a
missing Accept header.

>>> choose("graph", "text/turtle;q=0.5, application/ld+json")
'jsonld'
>>> choose("results", "*/*")
'json'
>>> choose("graph", "image/png") is None
True
>>> choose("results", None, fmt="json")
'json'
>>> choose("graph", None, fmt="n3")  # SPARQLWrapper's setReturnFormat(N3)
'ttl'
"""

from __future__ import annotations

from dataclasses import dataclass

# kind -> format key -> media types (the first is the one answered with); order = preference.
TABLE: dict[str, dict[str, tuple[str, ...]]] = {
    "results": {
        "json": ("application/sparql-results+json", "application/json"),
        "xml": ("application/sparql-results+xml", "application/xml", "text/xml"),
        "csv": ("text/csv",),
        "tsv": ("text/tab-separated-values",),
    },
    "graph": {
        "ttl": ("text/turtle", "application/x-turtle", "text/n3"),  # N3 readers read Turtle
        "nt": ("application/n-triples", "text/plain"),
        "jsonld": ("application/ld+json", "application/json"),
        "rdf": ("application/rdf+xml", "application/xml", "text/xml"),
    },
    "page": {
        "html": ("text/html", "application/xhtml+xml"),
    },
}

# Names a ``format`` (or ``output``, ``results``) parameter may use, per kind.
ALIASES: dict[str, dict[str, str]] = {
    "results": {"json": "json", "srj": "json", "xml": "xml", "srx": "xml", "csv": "csv", "tsv": "tsv"},
    "graph": {"ttl": "ttl", "turtle": "ttl", "n3": "ttl", "nt": "nt", "ntriples": "nt", "n-triples": "nt",
              "jsonld": "jsonld", "json-ld": "jsonld", "json": "jsonld",
              "rdf": "rdf", "rdfxml": "rdf", "rdf+xml": "rdf", "xml": "rdf", "owl": "rdf"},
    "page": {"html": "html"},
}

# File suffix of each graph format, for /data/… URLs and downloads.
SUFFIX = {"ttl": ".ttl", "nt": ".nt", "jsonld": ".jsonld", "rdf": ".rdf"}
# (format key, file suffix, media type) of each RDF format an entity's data is offered in.
GRAPH_FILES = [(key, SUFFIX[key], types[0]) for key, types in TABLE["graph"].items()]


def media_type(kind: str, key: str) -> str:
    """The media type answered for format ``key`` of ``kind``: every format here is UTF-8 text."""
    return TABLE[kind][key][0] + "; charset=utf-8"


@dataclass(frozen=True)
class Range:
    type: str
    subtype: str
    q: float
    order: int

    def matches(self, mt: str) -> int:
        """How specifically this range matches ``mt``: 2 exact, 1 type/*, 0 */*, -1 no match."""
        t, _, s = mt.partition("/")
        if self.type == "*" and self.subtype == "*":
            return 0
        if self.type == t and self.subtype == "*":
            return 1
        if self.type == t and self.subtype == s:
            return 2
        return -1


def parse_accept(header: str | None) -> list[Range]:
    """The media ranges of an Accept header; a missing or empty header accepts anything."""
    if not header or not header.strip():
        return [Range("*", "*", 1.0, 0)]
    ranges = []
    for order, part in enumerate(header.split(",")):
        fields = [f.strip() for f in part.split(";")]
        mt = fields[0].lower()
        if "/" not in mt:
            continue
        q = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        t, _, s = mt.partition("/")
        ranges.append(Range(t, s, q, order))
    return ranges


class UnknownFormat(ValueError):
    """A ``format`` parameter that names no format of any kind."""


def from_param(kind: str, fmt: str) -> str | None:
    """The format key of ``kind`` a ``format`` parameter names (a short name or a media type)."""
    value = fmt.strip().lower()
    if value in ALIASES[kind]:
        return ALIASES[kind][value]
    for key, types in TABLE[kind].items():
        if value.split(";")[0].strip() in types:
            return key
    if not any(value in ALIASES[k] or any(value in t for t in TABLE[k].values()) for k in TABLE):
        raise UnknownFormat(f"unknown format {fmt!r}; known: " + ", ".join(sorted({a for k in ALIASES.values() for a in k})))
    return None


def choose(kind: str, accept: str | None, *, fmt: str | None = None) -> str | None:
    """The best format key of ``kind`` for a request, or None if nothing offered is acceptable.

    A ``fmt`` parameter wins over the Accept header. Among offers with the same q-value the
    table's order decides.
    """
    if fmt:
        return from_param(kind, fmt)
    ranges = parse_accept(accept)
    best, best_q = None, 0.0
    for key, types in TABLE[kind].items():
        q = _quality(ranges, types)
        if q > best_q:
            best, best_q = key, q
    return best


def _quality(ranges: list[Range], types: tuple[str, ...]) -> float:
    """The q-value the client gives the best of ``types``: the most specific matching range counts.

    Wildcards match a format's own media type only; its aliases (``application/json`` for
    SPARQL JSON results) count only when named exactly.
    """
    best = 0.0
    for i, mt in enumerate(types):
        matching = [(r.matches(mt), r.q) for r in ranges if r.matches(mt) >= (0 if i == 0 else 2)]
        if matching:
            best = max(best, max(matching)[1])
    return best


def page_or_data(accept: str | None) -> str | None:
    """For a resource IRI: ``"page"`` or a graph format key, or None if neither is acceptable.

    HTML wins ties (``*/*``, as curl sends): RDF clients name the RDF types they want.

    >>> page_or_data("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
    'page'
    >>> page_or_data("text/turtle")
    'ttl'
    """
    ranges = parse_accept(accept)
    html = _quality(ranges, TABLE["page"]["html"])
    data = choose("graph", accept)
    rdf = _quality(ranges, TABLE["graph"][data]) if data else 0.0
    if html > 0 and html >= rdf:
        return "page"
    return data


def offered(kind: str) -> str:
    """The media types of ``kind``, for 406 messages."""
    return ", ".join(types[0] for types in TABLE[kind].values())
