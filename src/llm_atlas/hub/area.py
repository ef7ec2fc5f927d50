"""The import area: models imported from outside the curated atlas, kept apart from it.

The area is the folder ``imported/`` beside the graph folder (``imported/huggingface/<base>.nt``
and the walk's ``.state.json``). The build loads every ``*.nt`` file there into one graph,
published as ``dist/imported.*`` and served as the named graph ``GRAPH_IRI``. A checkout
without the folder builds exactly as before.

Imported data is checked with its own, lighter shape (``imported-shapes.ttl`` in this
package): what the importer must always get right (one repo id, a label, a source, licences
as IRIs, derivation nodes with a base and a source) is a violation; a missing licence, which
is the Hub's data and not the importer's fault, is a warning. Neither fails the build: the
findings are printed, and ``llm-atlas lineage report`` lists the missing licences.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from rdflib import Graph, URIRef

from llm_atlas.namespaces import BASE, curie

GRAPH_IRI = BASE + "graph/imported"
DIST_NAME = "imported"


def area_of(graph_folder: Path) -> Path:
    """The import area that belongs to a graph folder (its sibling ``imported/``)."""
    return Path(graph_folder).parent / "imported"


def imported_files(area: Path) -> list[Path]:
    return sorted(Path(area).glob("*/*.nt")) if Path(area).is_dir() else []


def load_imported(area: Path) -> Graph | None:
    """All imported N-Triples as one graph, or None if the area is missing or empty."""
    paths = imported_files(area)
    if not paths:
        return None
    graph = Graph(bind_namespaces="none")
    for path in paths:
        graph.parse(path, format="nt")
    return graph


@dataclass(frozen=True)
class Finding:
    severity: str  # "Violation" or "Warning"
    focus: str
    path: str
    message: str

    def text(self) -> str:
        return f"{self.severity.lower()}: {self.focus} {self.path}: {self.message}"


def shapes() -> Graph:
    g = Graph()
    g.parse(data=files("llm_atlas.hub").joinpath("imported-shapes.ttl").read_text(encoding="utf-8"), format="turtle")
    return g


def check_imported(graph: Graph) -> list[Finding]:
    """Findings of the imported-data shape on ``graph`` (sorted; empty if it conforms)."""
    from pyshacl import validate
    from rdflib.namespace import SH

    _, report, _ = validate(graph, shacl_graph=shapes(), advanced=True, allow_warnings=True)
    found = set()
    for result in report.subjects(SH.resultSeverity, None):
        severity = str(report.value(result, SH.resultSeverity)).rsplit("#", 1)[-1]
        focus = str(report.value(result, SH.focusNode))
        path = report.value(result, SH.resultPath)
        message = report.value(result, SH.resultMessage)
        path_text = "" if path is None else (curie(path) if isinstance(path, URIRef) else "atlas:license|dcterms:license")
        found.add(Finding(severity, focus, path_text, str(message or "")))
    return sorted(found, key=lambda f: (f.severity != "Violation", f.focus, f.path))
