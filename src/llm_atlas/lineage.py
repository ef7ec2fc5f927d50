"""Licence checks down the model lineage: warnings with the path from base to derivative.

Each check is a SPARQL query in ``queries/lineage/<rule>-warning.rq`` with a header::

    #+ summary: <the question, in plain words>?
    #+ tags: [lineage, licence]
    #+ explanation: <why a row is worth a look; may run on over several ``#+`` lines>

Every row names a ``?derivative`` and the ``?ancestor`` the finding is about (the base whose
terms were dropped, or the direct base for a missing licence); other columns are shown as
they are. The checks run on the curated atlas (``full``, with its inferred lineage) and the
imported models (``imported``) together, in one default graph, and only read
``atlas:derivedFrom`` (stated by both), so they need no reasoning over imported data.

Findings are warnings, not build failures: the Hub's data is what it is; the report shows
where licences drift so that curators and users can look.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from llm_atlas.namespaces import PREFIX_IRIS, PREFIXES, curie
from llm_atlas.queryfile import required

IMPORTED_FILE = "imported.nt"
FULL_FILE = "full.nt"


@dataclass(frozen=True)
class LineageCheck:
    name: str
    summary: str
    explanation: str
    text: str

    @classmethod
    def read(cls, path: Path) -> "LineageCheck":
        text, found = required(path, "summary", "explanation")
        return cls(path.stem.removesuffix("-warning"), found["summary"], found["explanation"], text)


def lineage_checks(queries_dir: Path) -> list[LineageCheck]:
    return [LineageCheck.read(p) for p in sorted((Path(queries_dir) / "lineage").glob("*-warning.rq"))]


def lineage_store(dist: Path) -> ox.Store:
    """One default graph: the full curated atlas plus the imported models (if built)."""
    store = ox.Store()
    store.bulk_load(path=str(Path(dist) / FULL_FILE), format=ox.RdfFormat.N_TRIPLES)
    if (Path(dist) / IMPORTED_FILE).exists():
        store.bulk_load(path=str(Path(dist) / IMPORTED_FILE), format=ox.RdfFormat.N_TRIPLES)
    return store


def _query(store: ox.Store, text: str, **bindings):
    subs = {ox.Variable(k): v for k, v in bindings.items()}
    return store.query(text, prefixes=PREFIX_IRIS, substitutions=subs or None)


@dataclass
class Lineage:
    """The derivation edges (child -> direct bases) and display names, read once."""

    parents: dict[str, list[str]] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)

    @classmethod
    def read(cls, store: ox.Store) -> "Lineage":
        lineage = cls()
        for s in _query(store, "SELECT ?c ?p WHERE { ?c atlas:derivedFrom ?p }"):
            lineage.parents.setdefault(s["c"].value, []).append(s["p"].value)
        for s in _query(store, "SELECT ?m ?id WHERE { ?m a atlas:Model ; atlas:huggingFaceId ?id }"):
            lineage.names[s["m"].value] = s["id"].value
        return lineage

    def name(self, iri: str) -> str:
        return self.names.get(iri) or curie(iri)

    def path(self, derivative: str, ancestor: str) -> list[str]:
        """The shortest chain ``ancestor, …, derivative`` along atlas:derivedFrom ([] if none)."""
        back = {derivative: None}
        todo = deque([derivative])
        while todo:
            node = todo.popleft()
            if node == ancestor:
                chain = []
                while node is not None:
                    chain.append(node)
                    node = back[node]
                return chain
            for parent in self.parents.get(node, ()):
                if parent not in back:
                    back[parent] = node
                    todo.append(parent)
        return []

    def ancestors(self, model: str) -> set[str]:
        seen, todo = set(), [model]
        while todo:
            for parent in self.parents.get(todo.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        return seen


@dataclass(frozen=True)
class Finding:
    check: str
    derivative: str
    ancestor: str
    path: tuple[str, ...]
    details: tuple[tuple[str, str], ...]  # other columns: (name, value)


def resolve_model(store: ox.Store, ref: str) -> str | None:
    """The IRI of a model given as an IRI, a CURIE (``model:bloom``) or a Hub repo id."""
    if "://" in ref:
        return ref
    prefix, _, local = ref.partition(":")
    if prefix in PREFIXES and local and "/" not in ref:
        return str(PREFIXES[prefix]) + local
    query = "SELECT ?m ?ref WHERE { ?m a atlas:Model ; atlas:huggingFaceId ?id . FILTER(LCASE(STR(?id)) = LCASE(STR(?ref))) }"
    for s in _query(store, query, ref=ox.Literal(ref)):
        return s["m"].value
    return None


def _text(term) -> str:
    if term is None:
        return ""
    return curie(term.value) if isinstance(term, ox.NamedNode) else term.value


def run_lineage_checks(store: ox.Store, checks: list[LineageCheck], *, base: str | None = None,
                       lineage: Lineage | None = None) -> list[Finding]:
    """Findings of every check; with ``base``, only those on that model and the models that descend from it."""
    lineage = lineage or Lineage.read(store)
    found = []
    for check in checks:
        result = _query(store, check.text)
        names = [v.value for v in result.variables]
        for s in result:
            derivative, ancestor = s["derivative"].value, s["ancestor"].value
            if base is not None and base != derivative and base not in lineage.ancestors(derivative):
                continue
            details = tuple((n, _text(s[n])) for n in names if n not in ("derivative", "ancestor") and s[n] is not None)
            found.append(Finding(check.name, derivative, ancestor, tuple(lineage.path(derivative, ancestor)), details))
    return sorted(set(found), key=lambda f: (f.check, lineage.name(f.derivative), lineage.name(f.ancestor)))


def format_report(findings: list[Finding], checks: list[LineageCheck], lineage: Lineage) -> str:
    """Text report: per check its question, explanation, then one block per finding."""
    out = []
    for check in checks:
        mine = [f for f in findings if f.check == check.name]
        out.append(f"== {check.name}: {len(mine)} warning{'s' if len(mine) != 1 else ''}")
        out.append(f"   {check.summary}")
        out.append(f"   {check.explanation}")
        for f in mine:
            out.append(f"   - {lineage.name(f.derivative)}")
            if f.path:
                out.append("     path: " + " -> ".join(lineage.name(n) for n in f.path))
            else:
                out.append(f"     from: {lineage.name(f.ancestor)}")
            for name, value in f.details:
                out.append(f"     {name}: {value}")
        out.append("")
    total = len(findings)
    out.append(f"{total} lineage warning{'s' if total != 1 else ''}")
    return "\n".join(out) + "\n"


# ---- families: descendants, depth, relation kinds, most-derived bases ----------------------

KINDS_QUERY = """SELECT ?child ?base ?kind WHERE {
  ?child atlas:qualifiedDerivation ?d . ?d atlas:baseModel ?base .
  OPTIONAL { ?d atlas:derivationKind ?kind }
}"""


@dataclass
class Family:
    base: str
    levels: dict[int, int]  # depth -> number of models first reached at that depth
    kinds: dict[str, int]  # derivation kind (CURIE, or "unstated") -> edges inside the family
    descendants: int


def _children(lineage: Lineage) -> dict[str, list[str]]:
    children: dict[str, list[str]] = {}
    for child, parents in lineage.parents.items():
        for parent in parents:
            children.setdefault(parent, []).append(child)
    return children


def family(store: ox.Store, base: str, lineage: Lineage | None = None) -> Family:
    """All descendants of ``base`` by depth (shortest path), and the kinds of the derivations among them."""
    lineage = lineage or Lineage.read(store)
    children = _children(lineage)
    depth = {base: 0}
    todo = deque([base])
    while todo:
        node = todo.popleft()
        for child in children.get(node, ()):
            if child not in depth:
                depth[child] = depth[node] + 1
                todo.append(child)
    levels: dict[int, int] = {}
    for node, d in depth.items():
        if d:
            levels[d] = levels.get(d, 0) + 1
    kinds: dict[str, int] = {}
    qualified = set()
    for s in _query(store, KINDS_QUERY):
        child, parent = s["child"].value, s["base"].value
        if child in depth and parent in depth and child != base:
            qualified.add((child, parent))
            key = curie(s["kind"].value) if s["kind"] is not None else "unstated"
            kinds[key] = kinds.get(key, 0) + 1
    for child, parents in lineage.parents.items():
        if child in depth and child != base:
            for parent in parents:
                if parent in depth and (child, parent) not in qualified:
                    kinds["unstated"] = kinds.get("unstated", 0) + 1
    return Family(base, dict(sorted(levels.items())), dict(sorted(kinds.items())), len(depth) - 1)


def most_derived(store: ox.Store, top: int = 10, lineage: Lineage | None = None) -> list[tuple[str, int, int]]:
    """(model, descendants, direct derivatives) for the ``top`` models with the most descendants."""
    lineage = lineage or Lineage.read(store)
    children = _children(lineage)
    counts = []
    for model in children:
        seen, todo = set(), [model]
        while todo:
            for child in children.get(todo.pop(), ()):
                if child not in seen:
                    seen.add(child)
                    todo.append(child)
        counts.append((model, len(seen), len(children[model])))
    counts.sort(key=lambda row: (-row[1], -row[2], lineage.name(row[0])))
    return counts[:top]


def format_family(fam: Family, lineage: Lineage) -> str:
    lines = [f"{lineage.name(fam.base)}: {fam.descendants} descendant{'s' if fam.descendants != 1 else ''}"]
    for d, n in fam.levels.items():
        lines.append(f"  depth {d}: {n}")
    for kind, n in fam.kinds.items():
        lines.append(f"  {kind}: {n}")
    return "\n".join(lines) + "\n"
