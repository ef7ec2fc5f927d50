"""The build: read → validate → reason → write ``dist/``, atomically.

``dist/`` holds, each as Turtle, N-Triples and JSON-LD:

- ``ontology``: the ontology and SKOS vocabularies, stamped with this release's version IRI;
- ``shapes``: the SHACL shapes;
- ``asserted``: the curated instance data as written in ``graph/``;
- ``full``: ontology + asserted + everything OWL RL infers + the links into other datasets that
  follow from recorded identifiers (:mod:`llm_atlas.crosswalk`) — what the SPARQL endpoint serves;

plus ``void.ttl`` (VoID statistics and a DCAT catalogue record) and ``SHA256SUMS``; and
``imported`` when the import area (``imported/`` beside ``graph/``) holds models imported
from the Hugging Face Hub (see :mod:`llm_atlas.hub.area`: checked with its own shape,
findings reported as warnings, never mixed into ``full``).
Output depends only on the input files and ``atlas.toml``: the same input gives the same
bytes. Everything is written to a sibling folder first and swapped in at the end, so a
failed build leaves the previous ``dist/`` as it was.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, XSD

from llm_atlas import __version__
from llm_atlas.atlas import Layout, Sources, read_sources
from llm_atlas.namespaces import KINDS, ONTOLOGY_IRI, curie
from llm_atlas.crosswalk import derived_links
from llm_atlas.query import SUMS, checksums_text
from llm_atlas.reasoning import infer
from llm_atlas.releases.describe import stamp_prior_version
from llm_atlas.releases.record import Release, read_records, records_dir
from llm_atlas.serialize import FORMATS, serialize, serialize_all
from llm_atlas.validation import format_report, validate
from llm_atlas.void import describe

GRAPHS = ("ontology", "shapes", "asserted", "full", "analytics")


class BuildFailed(Exception):
    def __init__(self, report: str):
        super().__init__("the atlas does not validate")
        self.report = report


@dataclass
class BuildResult:
    out: Path
    files: dict[str, int] = field(default_factory=dict)  # name -> size in bytes
    triples: dict[str, int] = field(default_factory=dict)  # graph -> triple count
    inferred: int = 0
    classes: Counter = field(default_factory=Counter)
    seconds: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # findings on imported data (never fail the build)

    def text(self) -> str:
        lines = [f"built {self.out} (llm-atlas {__version__})"]
        lines.append("  triples: " + ", ".join(f"{g} {n}" for g, n in self.triples.items()) + f" (inferred {self.inferred})")
        lines.append("  entities: " + ", ".join(f"{curie(c)} {n}" for c, n in sorted(self.classes.items(), key=lambda kv: curie(kv[0]))))
        lines.append("  time: " + ", ".join(f"{step} {s:.2f}s" for step, s in self.seconds.items()))
        if self.warnings:
            lines.append(f"  imported data: {len(self.warnings)} warning(s), see above or `llm-atlas lineage report`")
        lines.append(f"  files: {len(self.files)} ({sum(self.files.values())} bytes), checksums in SHA256SUMS")
        return "\n".join(lines)


def versioned_ontology(ontology: Graph, config: dict) -> Graph:
    """The ontology as published: with owl:versionIRI, owl:versionInfo and the release date."""
    g = Graph(bind_namespaces="none")
    for triple in ontology:
        g.add(triple)
    onto = URIRef(ONTOLOGY_IRI)
    g.add((onto, OWL.versionIRI, URIRef(f"{ONTOLOGY_IRI}/{__version__}")))
    g.add((onto, OWL.versionInfo, Literal(__version__)))
    g.add((onto, DCTERMS.modified, Literal(config["release"]["date"], datatype=XSD.date)))
    return g


def compile_graphs(sources: Sources, releases: Sequence[Release] = ()) -> tuple[dict, int]:
    """The four published graphs, and how many triples reasoning added; the ontology's
    owl:priorVersion names the last of ``releases`` (the recorded ones).

    Ontology and shapes are rdflib Graphs; the asserted and full graphs are plain sets of
    triples (building 20k-triple rdflib Graphs only to iterate them cost a third of the build).
    """
    # Blank nodes (property shapes, OWL lists) carry stable labels from parsing (loading._stable_bnodes).
    ontology = versioned_ontology(sources.ontology, sources.layout.config)
    stamp_prior_version(ontology, releases)
    shapes = sources.shapes
    asserted = set(sources.asserted_triples)
    inferred = infer(ontology, list(asserted) + list(ontology))
    links = derived_links(asserted)  # Hub pages, arXiv/DOI IRIs, ISO 639 language IRIs (crosswalk.py)
    full = set(ontology) | asserted | inferred | links
    return {"ontology": ontology, "shapes": shapes, "asserted": asserted, "full": full}, len(inferred | links)


def analytics(graphs: dict[str, Graph], sources: Sources) -> Graph:
    """The network analytics graph, checked against its own shape (never mixed into ``full``)."""
    from llm_atlas.network import analytics_graph
    from llm_atlas.validation import shacl_problems, shacl_results, to_store

    graph = analytics_graph(to_store(graphs["full"]), sources.layout.config["release"]["date"])
    problems = shacl_problems(sources, shacl_results(sources, graph))
    if problems:
        raise BuildFailed(format_report(problems))
    return graph


def build(layout: Layout, *, out: Path | None = None, log=lambda message: None) -> BuildResult:
    """Validate the atlas and write its release files to ``out`` (default ``dist/``)."""
    out = Path(out or layout.dist)
    result = BuildResult(out)
    clock = time.perf_counter()

    def step(name):
        nonlocal clock
        now = time.perf_counter()
        result.seconds[name] = now - clock
        clock = now

    log("reading ontology, shapes and graph files…")
    sources = read_sources(layout)
    step("parse")
    log(f"validating {len(sources.files)} graph files…")
    problems = validate(sources)
    step("validate")
    if problems:
        raise BuildFailed(format_report(problems))
    log("reasoning (OWL 2 RL rules of the atlas ontology)…")
    releases = read_records(records_dir(layout))
    graphs, result.inferred = compile_graphs(sources, releases)
    step("reason")
    log("network analytics…")
    graphs["analytics"] = analytics(graphs, sources)
    step("analytics")
    names = list(GRAPHS) + _imported(layout, graphs, result, log)
    if "imported" in names:
        step("imported")
    log("serialising…")
    files: dict[str, bytes] = {}
    for name in names:
        result.triples[name] = len(graphs[name])
        for fmt, data in serialize_all(graphs[name]).items():
            files[name + FORMATS[fmt][0]] = data
    files["void.ttl"] = serialize(describe(graphs["full"], dict(files), layout.config, kinds=KINDS,
                                           releases=releases), "ttl")
    files[SUMS] = checksums_text({name: hashlib.sha256(data).hexdigest() for name, data in files.items()}).encode()
    wanted = set(KINDS.values())
    result.classes.update(o for _, p, o in graphs["full"] if p == RDF.type and o in wanted)
    step("serialise")
    _write_atomically(out, files)
    result.files = {name: len(data) for name, data in files.items()}
    step("write")
    return result


def _imported(layout: Layout, graphs: dict[str, Graph], result: BuildResult, log) -> list[str]:
    """Load the import area (if any) into ``graphs["imported"]``; its findings are warnings."""
    from llm_atlas.hub.area import DIST_NAME, area_of, check_imported, load_imported

    imported = load_imported(area_of(layout.graph))
    if imported is None:
        return []
    log(f"imported models: {len(imported)} triples from {area_of(layout.graph)}, checking their shape…")
    result.warnings = [f.text() for f in check_imported(imported)]
    for line in result.warnings[:20]:
        log("  " + line)
    if len(result.warnings) > 20:
        log(f"  … {len(result.warnings) - 20} more warnings")
    graphs[DIST_NAME] = imported
    return [DIST_NAME]


def _write_atomically(out: Path, files: dict[str, bytes]) -> None:
    """Write ``files`` into a fresh sibling folder, then swap it in for ``out``."""
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = out.parent / f".{out.name}.new-{os.getpid()}"
    retired = out.parent / f".{out.name}.old-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        for name, data in files.items():
            (staging / name).write_bytes(data)
        if out.exists():
            out.rename(retired)
        staging.rename(out)
    except BaseException:
        if retired.exists() and not out.exists():
            retired.rename(out)
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(retired, ignore_errors=True)
