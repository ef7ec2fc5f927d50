"""The SPARQL 1.1 Protocol (https://www.w3.org/TR/sparql11-protocol/), read-only.

:func:`parse_request` turns a request's method, content type, URL parameters and body into
a :class:`~llm_atlas.serve.workers.Job` or an error :class:`~llm_atlas.serve.workers.Answer`;
:func:`service_description` describes the endpoint (what a plain GET answers).
"""

from __future__ import annotations

from urllib.parse import parse_qsl

import pyoxigraph as ox

from llm_atlas.query import GRAPHS
from llm_atlas.serve import negotiation, results
from llm_atlas.serve.workers import Answer, Job

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS_NS = "http://www.w3.org/ns/formats/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
FORMAT_PARAMS = ("format", "output", "results")  # what common clients send; the first present wins
MAX_QUERY_CHARS = 100_000


def parse_request(method: str, content_type: str | None, params: list[tuple[str, str]], body: bytes,
                  accept: str | None, endpoint: str | None = None) -> Job | Answer | None:
    """A Job for a query request, an error Answer, or None for a plain GET or HEAD (service description).

    ``endpoint`` is the endpoint's own URL: relative IRIs in a query resolve against it.
    """
    mime, _, parameters = (content_type or "").partition(";")
    mime = mime.strip().lower()
    charset = next((v.strip().strip('"').lower() for k, _, v in (p.partition("=") for p in parameters.split(";"))
                    if k.strip().lower() == "charset"), "utf-8")
    fields = list(params)
    if method == "POST":
        if mime == "application/sparql-update":
            return Answer.error(403, "refused: SPARQL Update is not accepted: the atlas is read-only")
        if mime not in ("application/x-www-form-urlencoded", "application/sparql-query"):
            return Answer.error(415, "POST a query as application/x-www-form-urlencoded (query=…) "
                                     "or as application/sparql-query")
        if charset not in ("utf-8", "utf8"):
            return Answer.error(415, f"the body must be UTF-8 (charset={charset} was given)")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return Answer.error(400, "the body is not UTF-8")
        if mime == "application/sparql-query":
            fields.append(("query", text))
        else:
            fields += parse_qsl(text, keep_blank_values=True, strict_parsing=False)
    names = [name for name, _ in fields]
    if "update" in names:
        return Answer.error(403, "refused: SPARQL Update is not accepted: the atlas is read-only")
    queries = [value for name, value in fields if name == "query"]
    if not queries:
        return None if method in ("GET", "HEAD") else Answer.error(400, "no query: send query=… or an application/sparql-query body")
    if len(queries) > 1:
        return Answer.error(400, "more than one query parameter")
    if len(queries[0]) > MAX_QUERY_CHARS:
        return Answer.error(413, f"the query is longer than {MAX_QUERY_CHARS} characters")
    graphs = {}
    for param, option in (("default-graph-uri", "default_graph"), ("named-graph-uri", "named_graphs")):
        values = [value for name, value in fields if name == param]
        for value in values:
            try:
                ox.NamedNode(value)
            except ValueError:
                return Answer.error(400, f"{param} must be an absolute IRI, not {value!r}")
        graphs[option] = values or None
    fmt = next((value for name in FORMAT_PARAMS for n, value in fields if n == name and value), None)
    formats = {}
    try:
        for kind in ("results", "graph"):
            formats[kind] = negotiation.choose(kind, accept, fmt=fmt)
    except negotiation.UnknownFormat as err:
        return Answer.error(400, str(err))
    return Job(queries[0], formats, base_iri=endpoint, **graphs)


def service_description(endpoint: str, fmt: str) -> bytes:
    """The SPARQL 1.1 Service Description of this endpoint in graph format ``fmt``."""
    n = ox.NamedNode
    service, dataset, default = n(endpoint), ox.BlankNode("dataset"), ox.BlankNode("default")
    triples = [
        ox.Triple(service, n(RDF_TYPE), n(SD + "Service")),
        ox.Triple(service, n(SD + "endpoint"), service),
        ox.Triple(service, n(SD + "supportedLanguage"), n(SD + "SPARQL11Query")),
        ox.Triple(service, n(SD + "defaultDataset"), dataset),
        ox.Triple(dataset, n(RDF_TYPE), n(SD + "Dataset")),
        ox.Triple(dataset, n(SD + "defaultGraph"), default),
        ox.Triple(default, n(RDF_TYPE), n(SD + "Graph")),
        ox.Triple(default, n("http://purl.org/dc/terms/title"), ox.Literal("the full atlas: asserted + inferred + ontology", language="en")),
    ]
    for fmt_name in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                     "Turtle", "N-Triples", "JSON-LD", "RDF_XML"):
        triples.append(ox.Triple(service, n(SD + "resultFormat"), n(FORMATS_NS + fmt_name)))
    for i, graph in enumerate(sorted(GRAPHS)):
        named = ox.BlankNode(f"named{i}")
        triples += [ox.Triple(dataset, n(SD + "namedGraph"), named),
                    ox.Triple(named, n(RDF_TYPE), n(SD + "NamedGraph")),
                    ox.Triple(named, n(SD + "name"), n(graph))]
    return results.write_graph(triples, fmt)
