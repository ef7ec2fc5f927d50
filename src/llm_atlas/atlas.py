"""Where the atlas's sources live in a checkout, and reading all of them at once."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from rdflib import Graph

from llm_atlas.loading import GraphFile, Problem, iter_ttl, load_graph, read_graph_file


def find_root(start: Path | None = None) -> Path:
    """The checkout: $LLM_ATLAS_ROOT, else the nearest folder up from ``start`` with atlas.toml."""
    if os.environ.get("LLM_ATLAS_ROOT"):
        return Path(os.environ["LLM_ATLAS_ROOT"]).resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "atlas.toml").exists():
            return folder
    package_checkout = Path(__file__).resolve().parents[2]
    if (package_checkout / "atlas.toml").exists():
        return package_checkout
    raise FileNotFoundError("no atlas.toml here or above; run inside an LLM Atlas checkout or set LLM_ATLAS_ROOT")


@dataclass
class Layout:
    """The folders of a checkout. Tests point ``graph`` at a fixture tree."""

    root: Path
    graph: Path | None = None

    def __post_init__(self):
        self.root = Path(self.root)
        self.graph = Path(self.graph) if self.graph else self.root / "graph"

    ontology = property(lambda self: self.root / "ontology")
    vocab = property(lambda self: self.root / "ontology" / "vocab")
    shapes = property(lambda self: self.root / "ontology" / "shapes")
    queries = property(lambda self: self.root / "queries")
    dist = property(lambda self: self.root / "dist")

    def ontology_files(self):
        return sorted(self.ontology.glob("*.ttl")) + sorted(self.vocab.glob("*.ttl"))

    def shape_files(self):
        return sorted(self.shapes.glob("*.ttl"))

    @cached_property
    def config(self) -> dict:
        with open(self.root / "atlas.toml", "rb") as fh:
            return tomllib.load(fh)


@dataclass
class Sources:
    """Everything read from a checkout: ontology, shapes, and the parsed graph files."""

    layout: Layout
    ontology: Graph
    shapes: Graph
    files: list[GraphFile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @cached_property
    def asserted_triples(self) -> list:
        """Every triple of the graph files, in file order (the build and the checks need no Graph)."""
        return [triple for gf in self.files for triple in gf.triples]

    def data_graph(self) -> Graph:
        """A fresh rdflib Graph of the graph files (callers may add to it)."""
        graph = Graph(bind_namespaces="core")
        for triple in self.asserted_triples:
            graph.add(triple)
        return graph

    @cached_property
    def ontology_triples(self) -> list:
        """The ontology's triples as a list: iterating an rdflib Graph is slow, and the checks do it often."""
        return list(self.ontology)

    def file_of(self, node) -> GraphFile | None:
        """The graph file that describes ``node`` (an entity or one of its #sub-nodes)."""
        entity = str(node).split("#", 1)[0]
        return self._by_entity.get(entity)

    @cached_property
    def _by_entity(self) -> dict[str, GraphFile]:
        return {str(gf.entity): gf for gf in self.files if gf.entity is not None}


def read_sources(layout: Layout, extra_files=()) -> Sources:
    """Parse ontology, shapes and every graph file. SourceError if any does not parse.

    ``extra_files`` are graph files outside the graph folder (checked as if they were
    in it, replacing a file of the same kind and name).
    """
    ontology = load_graph(layout.ontology_files())
    shapes = load_graph(layout.shape_files())
    sources = Sources(layout, ontology, shapes)
    read = [read_graph_file(layout.graph, p) for p in iter_ttl([layout.graph])]
    read += [read_graph_file(extra.parent.parent, extra, outside=True) for extra in map(Path, extra_files)]
    by_place = {gf.place: (gf, problems) for gf, problems in read}  # a draft replaces the file it would be
    for _, (gf, problems) in sorted(by_place.items()):
        sources.files.append(gf)
        sources.problems.extend(problems)
    return sources
