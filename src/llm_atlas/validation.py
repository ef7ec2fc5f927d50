"""Check the atlas: layout rules, SHACL shapes (our engine; pyshacl is the reference) and check queries.

Every broken rule becomes a :class:`Problem` naming file, line, entity, rule and how to fix it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pyshacl
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH

from llm_atlas import shacl
from llm_atlas.atlas import Sources
from llm_atlas.loading import Problem
from llm_atlas.namespaces import curie, sparql_prologue
from llm_atlas.queryfile import required
from llm_atlas.releases.neverbreak import broken_iris
from llm_atlas.serialize import oxigraph_triples


@dataclass(frozen=True)
class CheckQuery:
    """A lint query under queries/checks/: every row it returns is a violation."""

    path: Path
    rule: str
    summary: str
    message: str
    text: str

    @classmethod
    def read(cls, path: Path) -> "CheckQuery":
        text, found = required(path, "summary", "message")
        return cls(path, path.stem.removesuffix("-violation"), found["summary"], found["message"], text)


def check_queries(queries_dir: Path) -> list[CheckQuery]:
    return [CheckQuery.read(p) for p in sorted((queries_dir / "checks").glob("*-violation.rq"))]


def to_store(*graphs) -> ox.Store:
    """An in-memory Oxigraph store holding the triples of ``graphs`` (graphs or lists of triples)."""
    store = ox.Store()
    store.bulk_extend(ox.Quad(*triple) for graph in graphs for triple in oxigraph_triples(graph))
    return store


def check_rows(checks: list[CheckQuery], store: ox.Store) -> list[tuple[CheckQuery, str, str | None, str | None]]:
    """(check, entity, property, value) for each row of each check query; ``?property`` and
    ``?value`` are optional columns of a check."""
    found = []
    prologue = sparql_prologue()
    for check in checks:
        results = store.query(prologue + check.text)
        columns = {v.value for v in results.variables}
        for row in results:
            prop, value = (row[c] if c in columns else None for c in ("property", "value"))
            found.append((check, row["entity"].value, None if prop is None else curie(prop.value),
                          None if value is None else value.value))
    return found


ENGINES = ("fast", "pyshacl")


def shacl_results(sources: Sources, data, focus_nodes=None, engine: str = "fast") -> list[shacl.Result]:
    """Violations of the atlas shapes in ``data`` (a graph or a list of triples), by our engine or
    by pyshacl (the reference)."""
    # The ontology and vocabularies are part of the data: sh:class must see that
    # vocab:pre-training is an atlas:LifecycleStage (pyshacl mixes ont_graph in only when inferring).
    if engine == "fast":
        return shacl.validate([data, sources.ontology_triples], shacl.compile_shapes(sources.shapes), focus_nodes=focus_nodes)
    if engine != "pyshacl":
        raise ValueError(f"unknown SHACL engine {engine!r}; known: {', '.join(ENGINES)}")
    combined = Graph(bind_namespaces="none")
    for graph in (data, sources.ontology):
        for triple in graph:
            combined.add(triple)
    _, report, _ = pyshacl.validate(combined, shacl_graph=sources.shapes, inference="none",
                                    allow_warnings=True, focus_nodes=focus_nodes)
    return [_from_report(report, r) for r in report.subjects(RDF.type, SH.ValidationResult)]


def _from_report(report: Graph, result) -> shacl.Result:
    path = report.value(result, SH.resultPath)
    if path is not None and not isinstance(path, URIRef):
        path = tuple(report.items(path))  # a sequence path, the only complex path the shapes use
    return shacl.Result(report.value(result, SH.focusNode), path, report.value(result, SH.sourceConstraintComponent),
                        report.value(result, SH.sourceShape), report.value(result, SH.value),
                        str(report.value(result, SH.resultMessage) or ""))


def shacl_problems(sources: Sources, results: list[shacl.Result]) -> list[Problem]:
    problems = []
    for r in results:
        rule = f"{_shape_name(sources.shapes, r.shape)} {curie(r.component).removeprefix('sh:')}"
        gf = sources.file_of(r.focus)
        problems.append(Problem(
            path=str(gf.path) if gf else "(no file)",
            line=gf.line_of(r.focus) if gf else None,
            entity=str(r.focus),
            rule=rule,
            message=r.message,
            property=_path_text(r.path) if r.path is not None else None,
            value=None if r.value is None else str(r.value),
        ))
    return problems


def _shape_name(shapes: Graph, shape) -> str:
    """The named node shape a (possibly blank) property shape belongs to, e.g. ``shapes:ModelShape``."""
    if isinstance(shape, URIRef):
        return curie(shape)
    owner = shapes.value(predicate=SH.property, object=shape)
    return curie(owner) if isinstance(owner, URIRef) else "shape"


def _path_text(path) -> str:
    return "/".join(curie(step) for step in path) if isinstance(path, tuple) else curie(path)


def validate(sources: Sources, *, only_files=None, engine: str = "fast") -> list[Problem]:
    """All problems of the atlas; with ``only_files``, only those about entities in them."""
    data = sources.asserted_triples
    focus = None
    if only_files is not None:
        wanted = {Path(p).resolve() for p in only_files}
        chosen = [gf for gf in sources.files if gf.path.resolve() in wanted]
        focus = sorted({s for gf in chosen for s, _, _ in gf.triples if isinstance(s, URIRef)})
    problems = list(sources.problems)
    if focus != []:
        problems += shacl_problems(sources, shacl_results(sources, data, focus_nodes=focus, engine=engine))
    store = to_store(data, sources.ontology_triples)
    for check, entity, prop, value in check_rows(check_queries(sources.layout.queries), store):
        gf = sources.file_of(entity)
        problems.append(Problem(str(gf.path) if gf else "(no file)", gf.line_of(URIRef(entity)) if gf else None,
                                entity, check.rule, check.message, property=prop, value=value))
    problems += broken_iris(sources)  # every IRI a release published still answers (llm_atlas.releases)
    if only_files is not None:
        keep = {str(gf.path) for gf in sources.files if gf.path.resolve() in wanted}
        problems = [p for p in problems if p.path in keep]
    return sorted(one_per_problem(problems), key=lambda p: (p.path, p.line or 0, p.entity, p.rule, p.property or "", p.value or ""))


def one_per_problem(problems: list[Problem]) -> list[Problem]:
    """One finding per broken value: rules that fire on the same entity, property and value
    (a TODO placeholder breaks sh:class, sh:nodeKind and the placeholder check at once) become
    one finding that names them all, with the first rule's message (check queries come first:
    theirs say the most)."""
    groups: dict[tuple, list[Problem]] = defaultdict(list)
    for p in set(problems):
        groups[(p.path, p.entity, p.property, p.value)].append(p)
    merged = []
    for items in groups.values():
        items.sort(key=lambda p: (p.rule.startswith("shapes:"), p.rule))
        if len(items) == 1:
            merged.append(items[0])
            continue
        rules: list[str] = []
        for p in items:
            shape, _, component = p.rule.partition(" ")
            if component and rules and rules[-1].startswith(shape + " "):
                rules[-1] += ", " + component
            else:
                rules.append(p.rule)
        first = items[0]
        merged.append(Problem(first.path, min((p.line for p in items if p.line), default=None), first.entity,
                              "; ".join(rules), first.message, first.property, first.value))
    return merged


def format_report(problems: list[Problem]) -> str:
    """Problems grouped by file, then entity: one block per entity with its broken rules."""
    if not problems:
        return "conforms: no problems found\n"
    by_file: dict[str, dict[str, list[Problem]]] = defaultdict(lambda: defaultdict(list))
    for p in problems:
        by_file[p.path][p.entity].append(p)
    out = []
    for path, entities in by_file.items():
        out.append(f"{path}")
        for entity, items in entities.items():
            line = items[0].line
            out.append(f"  {path}:{line or '?'}: {curie(entity)}")
            for p in items:
                prop = f" [{p.property}]" if p.property else ""
                value = f" (value: {p.value})" if p.value else ""
                out.append(f"    - {p.rule}{prop}{value}: {p.message}")
    files = len(by_file)
    out.append(f"{len(problems)} problem(s) in {files} file(s)")
    return "\n".join(out) + "\n"
