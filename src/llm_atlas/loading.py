"""Read the atlas's Turtle sources: the ontology, the shapes and the per-entity graph files.

Parsing uses Oxigraph (fast, and its errors carry line and column); the triples are
handed on as rdflib terms, which is the library API of the atlas. Each graph file is
also checked against the layout rules that make the atlas one-file-per-entity:
``graph/<kind>/<slug>.ttl`` describes ``https://w3id.org/llm-atlas/id/<kind>/<slug>``
and nothing else but that IRI's ``#fragment`` sub-nodes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from llm_atlas.namespaces import ATLAS, ID, KINDS, SPDX_LICENSES, curie
from llm_atlas.slug import slugify

XSD_STRING = str(XSD.string)
CURATION_NOTE = re.compile(r"^\s*#\s*curator", re.IGNORECASE)  # '# curator-slice-A' and the like


class SourceError(Exception):
    """A source file that cannot be read at all (exit code 2)."""

    def __init__(self, path: Path, line: int | None, column: int | None, message: str):
        self.path, self.line, self.column, self.message = path, line, column, message
        where = f"{path}:{line}:{column}" if line is not None else str(path)
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Problem:
    """One rule broken by one entity: what validation reports, whatever found it."""

    path: str
    line: int | None
    entity: str
    rule: str
    message: str
    property: str | None = None
    value: str | None = None


@dataclass
class GraphFile:
    path: Path
    entity: URIRef | None
    triples: list = field(default_factory=list)
    text: str = ""
    place: tuple[str, str] = ("", "")  # (kind, file name) it takes in graph/; a draft takes its entity's

    def line_of(self, node) -> int | None:
        """The first line that names ``node`` in this file (full or prefixed IRI)."""
        iri = str(node)
        needles = [f"<{iri}>"]
        if self.entity is not None and iri.startswith(str(self.entity) + "#"):
            needles.append("#" + iri.split("#", 1)[1])
        elif "/" in iri:
            needles.append(":" + iri.rsplit("/", 1)[1])
        for number, line in enumerate(self.text.splitlines(), start=1):
            if any(n in line for n in needles):
                return number
        return None


@lru_cache(maxsize=1 << 17)
def _iri(value: str) -> URIRef:
    """One shared URIRef per IRI: later set and dict look-ups then match by identity, which
    skips rdflib's slow Python-level ``__eq__`` (a fifth of the build's time before)."""
    return URIRef(value)


def to_rdflib(term):
    """Convert an Oxigraph term to rdflib; plain literals stay plain (no xsd:string)."""
    if isinstance(term, ox.NamedNode):
        return _iri(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    return Literal(term.value, datatype=None if datatype == XSD_STRING else URIRef(datatype))


def parse_turtle(path: Path, text: str | None = None) -> list[tuple]:
    """Parse one Turtle file into rdflib triples, or raise SourceError with line and column."""
    data = path.read_bytes() if text is None else text.encode()
    try:
        quads = ox.parse(input=data, format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri())
        triples = [(to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)) for q in quads]
    except SyntaxError as err:
        message = re.sub(r"^Parser error at line \d+ column \d+: ", "", err.msg)
        raise SourceError(path, err.lineno, err.offset, message) from None
    return _stable_bnodes(path, triples)


def _stable_bnodes(path: Path, triples: list[tuple]) -> list[tuple]:
    """Blank nodes relabelled by file and order of appearance (the parser's labels are random),
    so that the same files always give the same bytes in ``dist/``."""
    labels: dict = {}
    stem = re.sub(r"[^A-Za-z0-9]", "", f"{path.parent.name}{path.stem}")

    def stable(term):
        if not isinstance(term, BNode):
            return term
        if term not in labels:
            labels[term] = BNode(f"{stem}b{len(labels)}")
        return labels[term]

    return [(stable(s), p, stable(o)) for s, p, o in triples]


def load_graph(paths, *, bind=True) -> Graph:
    """Parse Turtle files (or directories of them, recursively) into one rdflib Graph."""
    graph = Graph(bind_namespaces="core")
    for path in iter_ttl(paths):
        for triple in parse_turtle(path):
            graph.add(triple)
    return graph


def iter_ttl(paths):
    for path in map(Path, paths):
        if path.is_dir():
            yield from sorted(path.rglob("*.ttl"))
        elif path.exists():
            yield path
        else:
            raise SourceError(path, None, None, "no such file or directory")


def expected_entity(root: Path, path: Path) -> URIRef | None:
    """The IRI a graph file must describe, from its place under the graph root."""
    rel = path.relative_to(root)
    if len(rel.parts) != 2 or rel.parts[0] not in KINDS:
        return None
    return ID[f"{rel.parts[0]}/{path.stem}"]


def entity_in(triples) -> URIRef | None:
    """The one atlas entity a file's triples describe (an ``id/<kind>/<slug>`` IRI typed with its
    kind's class), or None: what a draft outside ``graph/`` is checked as."""
    found = set()
    for s, p, o in triples:
        if p == RDF.type and isinstance(s, URIRef) and "#" not in s and str(s).startswith(str(ID)):
            if KINDS.get(str(s)[len(ID):].split("/")[0]) == o:
                found.add(s)
    return found.pop() if len(found) == 1 else None


def read_graph_file(root: Path, path: Path, *, outside: bool = False) -> tuple[GraphFile, list[Problem]]:
    """Parse one entity file and check the layout rules; SourceError if it does not parse.

    ``outside``: a draft elsewhere than ``graph/<kind>/``; it is checked as the file of the entity
    it describes would be, with its place reported as a finding of its own.
    """
    text = path.read_text(encoding="utf-8")
    triples = parse_turtle(path, text)
    shown = str(path)
    entity = expected_entity(root, path)
    problems: list[Problem] = []
    kind, path_stem = path.parent.name, path.stem
    if entity is None and outside and (entity := entity_in(triples)) is not None:
        kind, path_stem = str(entity)[len(ID):].split("/", 1)
        problems.append(Problem(shown, 1, str(entity), "file-layout",
                                f"This draft is not under graph/{kind}/; it was checked as graph/{kind}/{path_stem}.ttl "
                                f"would be. Move it there to add it to the atlas."))

    def problem(rule, message, node=None, prop=None):
        line = gf.line_of(node) if node is not None else 1
        problems.append(Problem(shown, line, str(node or entity or path.name), rule, message, prop))

    gf = GraphFile(path, entity, triples, text, (kind, path_stem + ".ttl"))
    if entity is None:
        problem("file-layout", f"Graph files live at graph/<kind>/<slug>.ttl with <kind> one of: {', '.join(KINDS)}. Move this file.")
        return gf, problems
    for number, line in enumerate(text.splitlines(), start=1):
        if CURATION_NOTE.match(line):
            problems.append(Problem(shown, number, str(entity), "stray-comment",
                                    "Curation bookkeeping ('# curator-…') does not belong in the published data: "
                                    "say it in the commit message and delete the line."))
    if path_stem != slugify(path_stem):
        problem("slug-form", f"File name '{path_stem}' is not a slug; rename it to '{slugify(path_stem)}.ttl' and its IRI to match.")
    if kind == "license":
        # An SPDX-listed licence is described under its SPDX IRI; the file is named by the slug of its id.
        spdx = {s for s, _, _ in triples if isinstance(s, URIRef) and str(s).startswith(str(SPDX_LICENSES))}
        for s in spdx:
            if slugify(str(s)[len(SPDX_LICENSES):]) == path_stem:
                gf.entity = entity = s
    for s, p, o in triples:
        if isinstance(s, BNode) or isinstance(o, BNode):
            problem("no-blank-nodes", "Blank nodes cannot be linked to or dereferenced; give the node an IRI "
                    f"<{entity}#some-name>.", s if isinstance(s, URIRef) else None, str(p))
            break
    for s in sorted({s for s, _, _ in triples if isinstance(s, URIRef)}):
        if s != entity and not str(s).startswith(str(entity) + "#"):
            problem("one-entity-per-file", f"This file may describe only <{entity}> and its <{entity}#…> sub-nodes; "
                    f"move the statements about <{s}> to that entity's own file.", s)
    stated = set(triples)
    tombstone = (entity, RDF.type, ATLAS.RetiredEntity) in stated  # a retired IRI (llm-atlas retire)
    if not tombstone and (entity, RDF.type, KINDS[kind]) not in stated:
        problem("file-class", f"The entity of a file under graph/{kind}/ must be typed {curie(KINDS[kind])}; "
                f"add `a {curie(KINDS[kind])}` to <{entity}> (and check the file name matches its IRI).", entity)
    elif tombstone and (entity, ATLAS.retiredType, KINDS[kind]) not in stated:
        problem("file-class", f"A retired entity under graph/{kind}/ was a {curie(KINDS[kind])}; "
                f"say `atlas:retiredType {curie(KINDS[kind])}` on <{entity}> (and check the file name matches its IRI).", entity)
    return gf, problems
