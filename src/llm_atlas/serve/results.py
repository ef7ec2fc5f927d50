"""Writers for SPARQL query results (JSON, XML, CSV, TSV) and RDF graphs, with caps.

Oxigraph can serialise a whole result; the endpoint must stop at a row cap, so the
solution writers are here (the W3C result formats are small). A result cut at the cap is
marked ``truncated`` and the endpoint says so in the ``X-SPARQL-MaxRows`` header.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from llm_atlas import serialize
from llm_atlas.namespaces import PREFIX_IRIS

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

GRAPH_FORMATS = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES,
                 "jsonld": ox.RdfFormat.JSON_LD, "rdf": ox.RdfFormat.RDF_XML}


class TooLarge(Exception):
    """The answer would exceed the byte cap."""


@dataclass
class Table:
    """A SELECT result cut at the row cap (or an ASK result, with ``boolean`` set)."""

    variables: list[str] = field(default_factory=list)
    rows: list[list] = field(default_factory=list)
    boolean: bool | None = None
    truncated: bool = False


def collect(result, *, max_rows: int) -> Table:
    """The first ``max_rows`` solutions of a SELECT (or the value of an ASK)."""
    if isinstance(result, ox.QueryBoolean):
        return Table(boolean=bool(result))
    table = Table(variables=[v.value for v in result.variables])
    for solution in result:
        if len(table.rows) == max_rows:
            table.truncated = True
            break
        table.rows.append([solution[name] for name in table.variables])
    return table


def collect_triples(result, *, max_rows: int) -> tuple[list, bool]:
    """The first ``max_rows`` triples of a CONSTRUCT or DESCRIBE, and whether there were more."""
    triples = []
    for triple in result:
        if len(triples) == max_rows:
            return triples, True
        triples.append(triple)
    return triples, False


def json_term(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {"subject": json_term(term.subject),
                                            "predicate": json_term(term.predicate),
                                            "object": json_term(term.object)}}
    raise TypeError(f"not an RDF term: {term!r}")


def _xml_term(term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    if isinstance(term, ox.Triple):
        return (f"<triple><subject>{_xml_term(term.subject)}</subject><predicate>{_xml_term(term.predicate)}"
                f"</predicate><object>{_xml_term(term.object)}</object></triple>")
    raise TypeError(f"not an RDF term: {term!r}")


def _plain(term) -> str:
    """CSV text of a term: the IRI, the lexical form, or ``_:label``."""
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return term.value
    return str(term)


def write_table(table: Table, fmt: str) -> bytes:
    """``table`` in a W3C SPARQL results format: json, xml, csv or tsv."""
    if fmt == "json":
        if table.boolean is not None:
            return json.dumps({"head": {}, "boolean": table.boolean}).encode()
        bindings = [{n: json_term(t) for n, t in zip(table.variables, row) if t is not None} for row in table.rows]
        return json.dumps({"head": {"vars": table.variables}, "results": {"bindings": bindings}},
                          ensure_ascii=False).encode()
    if fmt == "xml":
        out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>']
        out += [f"<variable name={quoteattr(n)}/>" for n in table.variables]
        out.append("</head>")
        if table.boolean is not None:
            out.append(f"<boolean>{'true' if table.boolean else 'false'}</boolean>")
        else:
            out.append("<results>")
            for row in table.rows:
                cells = "".join(f"<binding name={quoteattr(n)}>{_xml_term(t)}</binding>"
                                for n, t in zip(table.variables, row) if t is not None)
                out.append(f"<result>{cells}</result>")
            out.append("</results>")
        out.append("</sparql>\n")
        return "\n".join(out).encode()
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        if table.boolean is not None:
            writer.writerow(["boolean"])
            writer.writerow(["true" if table.boolean else "false"])
        else:
            writer.writerow(table.variables)
            writer.writerows([[_plain(t) for t in row] for row in table.rows])
        return buffer.getvalue().encode()
    if fmt == "tsv":
        if table.boolean is not None:
            return ("?boolean\n" + ("true" if table.boolean else "false") + "\n").encode()
        lines = ["\t".join("?" + n for n in table.variables)]
        lines += ["\t".join("" if t is None else str(t) for t in row) for row in table.rows]
        return ("\n".join(lines) + "\n").encode()
    raise ValueError(f"unknown results format {fmt!r}")


def write_graph(triples, fmt: str) -> bytes:
    """``triples`` as Turtle, N-Triples, JSON-LD or RDF/XML, with the atlas prefixes (JSON-LD
    compacted with them as its context: Oxigraph's writer would give expanded JSON-LD)."""
    if fmt == "jsonld":
        return serialize.jsonld(triples)
    prefixes = None
    if fmt in ("ttl", "rdf"):  # declare only the namespaces in use: short, and RDF/XML needs them
        used = {t.value for triple in triples for t in (triple.subject, triple.predicate, triple.object)
                if isinstance(t, ox.NamedNode)}
        prefixes = {p: ns for p, ns in PREFIX_IRIS.items() if any(u.startswith(ns) for u in used)}
    return ox.serialize(triples, format=GRAPH_FORMATS[fmt], prefixes=prefixes)
