"""The semantic diff between two builds of the atlas: ``llm-atlas diff OLD NEW``.

Each side is a recorded release (its files in ``releases-dist/<version>/``, or its commit built
again when they are missing), a git commit (built with its own code), or a folder holding a
build (``dist/``, or a release folder). Facts are compared per entity (an entity with its
``#`` sub-nodes): entities added, removed, retired (live before, a tombstone after) and changed,
with the facts added and removed, grouped by class and shown with labels. Asserted facts by
default; ``inferred=True`` compares the full graphs, the reasoner's facts included.

Formats: Markdown for people, JSON for programs, and Turtle as a changeset graph in the Talis
ChangeSet vocabulary (one ``cs:ChangeSet`` per entity, its removals and additions as
``rdf:Statement`` nodes): applied to OLD's graph (:func:`apply_changeset`) it gives NEW's.
The data section of a release's CHANGELOG entry is :func:`changelog`.
"""

from __future__ import annotations

import json
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from llm_atlas.atlas import Layout
from llm_atlas.loading import to_rdflib
from llm_atlas.namespaces import ATLAS, BASE, ID, KINDS, PREFIX_IRIS, SPDX_LICENSES, curie
from llm_atlas.releases import commits
from llm_atlas.releases.record import ReleaseError, files_dir, find, read_records, records_dir, versioned_name

CS = Namespace("http://purl.org/vocab/changeset/schema#")
STATUSES = ("added", "retired", "removed", "changed")
FORMATS = ("md", "json", "ttl", "changelog")
CLASS_OF_KIND = {cls: kind for kind, cls in KINDS.items()}
NOTABLE = 10  # additions named per class in the CHANGELOG section


# --- the two sides -------------------------------------------------------------------------

@dataclass
class Side:
    """One build to compare: where its files are and what to call it."""

    label: str
    folder: Path
    version: str | None = None  # the files are named as in a release of this version
    _work: tempfile.TemporaryDirectory | None = field(default=None, repr=False)

    def path(self, graph: str) -> Path:
        name = f"{graph}.nt"
        return self.folder / (versioned_name(self.version, name) if self.version else name)

    def close(self) -> None:
        if self._work is not None:
            self._work.cleanup()
            self._work = None


def folder_side(folder: Path, label: str | None = None) -> Side:
    """A folder holding a build (``dist/`` names) or a release (``llm-atlas-<version>…`` names)."""
    folder = Path(folder)
    if (folder / "asserted.nt").exists():
        return Side(label or str(folder), folder)
    found = sorted(folder.glob("llm-atlas-*-asserted.nt"))
    if found:
        version = found[0].name.removeprefix("llm-atlas-").removesuffix("-asserted.nt")
        return Side(label or version, folder, version)
    raise ReleaseError(f"{folder} holds no build: no asserted.nt (a dist/ folder) nor llm-atlas-<version>-asserted.nt "
                       f"(a release folder); run `llm-atlas build` or name a release or a commit")


def resolve(layout: Layout, text: str, *, log=lambda message: None) -> Side:
    """The side ``text`` names: a folder, a recorded release, or a commit (in that order)."""
    if Path(text).is_dir():
        return folder_side(Path(text))
    release = find(read_records(records_dir(layout)), text)
    if release is not None:
        folder = files_dir(layout) / text
        if (folder / versioned_name(text, "asserted.nt")).exists():
            _verify(folder, release)
            return Side(text, folder, text)
        log(f"{folder} is missing: building release {text} from its commit {release.commit[:12]}…")
        side = _built(layout, release.commit, text, log)
        return side
    commit = commits.resolve_commit(Path(layout.root), text)
    if commit is None:
        known = ", ".join(r.version for r in read_records(records_dir(layout))) or "none recorded"
        raise ReleaseError(f"{text!r} is neither a folder holding a build, a recorded release ({known}), "
                           f"nor a commit of this repository")
    return _built(layout, commit, f"commit {commit[:12]}", log)


def _built(layout: Layout, commit: str, label: str, log) -> Side:
    work = tempfile.TemporaryDirectory(prefix="llm-atlas-diff-")
    try:
        dist = commits.build_commit(Path(layout.root), commit, Path(work.name), log=log)
    except BaseException:
        work.cleanup()
        raise
    return Side(label, dist, None, work)


def _verify(folder: Path, release) -> None:
    """The release files a diff reads must be the published ones."""
    import hashlib

    for graph in ("asserted", "full", "ontology"):
        name = versioned_name(release.version, f"{graph}.nt")
        path = folder / name
        if path.exists() and hashlib.sha256(path.read_bytes()).hexdigest() != release.sha256.get(name):
            raise ReleaseError(f"{path} differs from the checksum recorded for release {release.version}; "
                               f"restore it with `llm-atlas rebuild {release.version}`")


def _triples(path: Path) -> set:
    if not path.exists():
        raise ReleaseError(f"{path} is missing; rebuild that side")
    return {(to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object))
            for t in ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES)}


# --- the comparison ------------------------------------------------------------------------

@dataclass
class Change:
    entity: str
    status: str  # one of STATUSES
    cls: str  # the entity's class IRI (for a tombstone: the class it had)
    label: str
    added: list = field(default_factory=list)  # triples, sorted
    removed: list = field(default_factory=list)
    replaced_by: str | None = None
    why: str | None = None
    since: str | None = None


@dataclass
class Diff:
    old: str
    new: str
    inferred: bool
    changes: list[Change]
    live: Counter  # class IRI -> live entities in NEW
    labels: dict[str, str]

    def counts(self) -> dict[str, Counter]:
        """class IRI -> {status: entities}."""
        out: dict[str, Counter] = defaultdict(Counter)
        for c in self.changes:
            out[c.cls][c.status] += 1
        return out


def entity_of(subject) -> str | None:
    """The entity a subject belongs to: itself, or the entity whose ``#`` sub-node it is."""
    text = str(subject)
    if isinstance(subject, URIRef) and (text.startswith(str(ID)) or text.startswith(str(SPDX_LICENSES))):
        return text.split("#", 1)[0]
    return None


def _by_entity(triples: set) -> dict[str, set]:
    grouped: dict[str, set] = defaultdict(set)
    for t in triples:
        entity = entity_of(t[0])
        if entity is not None:
            grouped[entity].add(t)
    return grouped


def _labels(*graphs) -> dict[str, str]:
    """IRI -> an English label (else any), from every graph given; later graphs win."""
    labels: dict[str, str] = {}
    for graph in graphs:
        english: dict[str, str] = {}
        other: dict[str, str] = {}
        for s, p, o in graph:
            if p in (RDFS.label, SKOS.prefLabel) and isinstance(o, Literal):
                (english if o.language in (None, "en") else other).setdefault(str(s), str(o))
        labels.update(other)
        labels.update(english)
    return labels


def _class(triples: set, entity: str) -> str:
    node = URIRef(entity)
    for s, p, o in triples:
        if s == node and p == ATLAS.retiredType:
            return str(o)
    classes = sorted(str(o) for s, p, o in triples if s == node and p == RDF.type and o in CLASS_OF_KIND)
    return classes[0] if classes else str(ATLAS.RetiredEntity)


def _tombstone(triples: set, entity: str) -> bool:
    return (URIRef(entity), RDF.type, ATLAS.RetiredEntity) in triples


def _value(triples: set, entity: str, prop) -> str | None:
    found = sorted(str(o) for s, p, o in triples if s == URIRef(entity) and p == prop)
    return found[0] if found else None


def compare(old: Side | None, new: Side, *, inferred: bool = False) -> Diff:
    """The diff from ``old`` (None: an empty atlas, for a first release) to ``new``."""
    graph = "full" if inferred else "asserted"
    before = _triples(old.path(graph)) if old else set()
    after = _triples(new.path(graph))
    ontology = [_triples(side.path("ontology")) for side in (old, new) if side is not None]
    labels = _labels(*ontology, before, after)
    old_entities, new_entities = _by_entity(before), _by_entity(after)
    changes = []
    for entity in sorted(set(old_entities) | set(new_entities)):
        was, now = old_entities.get(entity, set()), new_entities.get(entity, set())
        if was == now:
            continue
        dead_before, dead_now = _tombstone(was, entity), _tombstone(now, entity)
        if not now:
            status = "removed"
        elif dead_now and not dead_before:
            status = "retired"
        elif not was:
            status = "added"
        else:
            status = "changed"
        change = Change(entity, status, _class(now or was, entity), labels.get(entity, curie(entity)),
                        added=sorted(now - was, key=_order), removed=sorted(was - now, key=_order))
        if dead_now:
            change.replaced_by = _value(now, entity, DCTERMS.isReplacedBy)
            change.why = _value(now, entity, SKOS.historyNote)
            change.since = _value(now, entity, ATLAS.retiredOn)
        changes.append(change)
    changes.sort(key=lambda c: (curie(c.cls), STATUSES.index(c.status), c.label.lower(), c.entity))
    live = Counter(_class(t, e) for e, t in new_entities.items() if not _tombstone(t, e))
    return Diff(old.label if old else "nothing", new.label, inferred, changes, live, labels)


def _order(triple) -> tuple:
    s, p, o = triple
    return (str(s), p != RDF.type, str(p), str(o))


# --- formats -------------------------------------------------------------------------------

def show(term, labels: dict[str, str]) -> str:
    """A term for people: an IRI as its label and prefixed name, a literal as Turtle writes it."""
    if isinstance(term, URIRef):
        short = curie(term)
        label = labels.get(str(term))
        return f"{label} ({short})" if label else short
    if isinstance(term, Literal):
        text = json.dumps(str(term), ensure_ascii=False)
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype in (None, XSD.string):
            return text
        if term.datatype in (XSD.integer, XSD.decimal, XSD.boolean):
            return str(term)
        return f"{text}^^{curie(term.datatype)}"
    return str(term)


def fact_text(triple, entity: str, labels) -> str:
    s, p, o = triple
    where = "" if str(s) == entity else f"#{str(s).split('#', 1)[1]} "
    return f"{where}{curie(p)} {show(o, labels)}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def markdown(diff: Diff) -> str:
    kind = "asserted and inferred facts" if diff.inferred else "asserted facts (`--inferred` adds the reasoner's)"
    out = [f"# LLM Atlas: changes from {diff.old} to {diff.new}", "", f"Compared: {kind}.", ""]
    counts = diff.counts()
    out += ["| class | live in " + _cell(diff.new) + " | added | retired | removed | changed |", "|---|---:|---:|---:|---:|---:|"]
    for cls in sorted(set(counts) | set(diff.live), key=curie):
        c = counts.get(cls, Counter())
        out.append(f"| {curie(cls)} | {diff.live.get(cls, 0)} | " + " | ".join(str(c[s]) for s in STATUSES) + " |")
    total = Counter()
    for c in counts.values():
        total.update(c)
    out.append(f"| **total** | {sum(diff.live.values())} | " + " | ".join(str(total[s]) for s in STATUSES) + " |")
    if not diff.changes:
        out += ["", "No entity changed."]
    for cls in sorted({c.cls for c in diff.changes}, key=curie):
        out += ["", f"## {curie(cls)}"]
        for status in STATUSES:
            items = [c for c in diff.changes if c.cls == cls and c.status == status]
            if not items:
                continue
            out += ["", f"### {status.capitalize()} ({len(items)})", ""]
            for c in items:
                out.append(f"- **{c.label}** (`{curie(c.entity)}`)" + retirement_text(c, diff.labels))
                if status == "changed":
                    out += [f"  - `+` {fact_text(t, c.entity, diff.labels)}" for t in c.added]
                    out += [f"  - `−` {fact_text(t, c.entity, diff.labels)}" for t in c.removed]
    return "\n".join(out) + "\n"


def retirement_text(c: Change, labels) -> str:
    if c.status != "retired":
        return ""
    text = f", retired {c.since}" if c.since else ", retired"
    if c.replaced_by:
        text += f", replaced by {show(URIRef(c.replaced_by), labels)}"
    return text + (f": {c.why}" if c.why else "")


def _json_term(term) -> dict:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    value = {"type": "literal", "value": str(term)}
    if term.language:
        value["xml:lang"] = term.language
    elif term.datatype is not None:
        value["datatype"] = str(term.datatype)
    return value


def to_json(diff: Diff) -> str:
    def fact(t):
        return {"subject": str(t[0]), "predicate": str(t[1]), "object": _json_term(t[2]),
                "objectLabel": diff.labels.get(str(t[2])) if isinstance(t[2], URIRef) else None}

    doc = {"old": diff.old, "new": diff.new, "inferred": diff.inferred,
           "counts": {curie(cls): {"live": diff.live.get(cls, 0), **{s: c[s] for s in STATUSES}}
                      for cls, c in sorted(((cls, diff.counts().get(cls, Counter())) for cls in
                                            set(diff.counts()) | set(diff.live)), key=lambda kv: curie(kv[0]))},
           "entities": [{"iri": c.entity, "curie": curie(c.entity), "label": c.label, "class": curie(c.cls),
                         "status": c.status, "replacedBy": c.replaced_by, "why": c.why, "retiredOn": c.since,
                         "added": [fact(t) for t in c.added], "removed": [fact(t) for t in c.removed]}
                        for c in diff.changes]}
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


def changeset_base(diff: Diff) -> str:
    """The IRI the changeset's nodes hang off: the server's page of the diff between two releases."""
    return f"{BASE}releases/diff/{quote(diff.old, safe='')}/{quote(diff.new, safe='')}"


def changeset_triples(diff: Diff) -> list:
    """The diff as a Talis ChangeSet graph: one cs:ChangeSet per entity with its removals and additions."""
    base = changeset_base(diff)
    triples = []
    number = 0
    for c in diff.changes:
        name = curie(c.entity).replace(":", "-")
        node = URIRef(f"{base}#{name}")
        triples += [(node, RDF.type, CS.ChangeSet), (node, CS.subjectOfChange, URIRef(c.entity)),
                    (node, CS.changeReason, Literal(f"{c.status}" + (f": {c.why}" if c.why else ""), lang="en"))]
        for role, facts in ((CS.removal, c.removed), (CS.addition, c.added)):
            for s, p, o in facts:
                number += 1
                statement = URIRef(f"{base}#{name}-{'removal' if role == CS.removal else 'addition'}-{number}")
                triples += [(node, role, statement), (statement, RDF.type, RDF.Statement), (statement, RDF.subject, s),
                            (statement, RDF.predicate, p), (statement, RDF.object, o)]
    return triples


def changeset(diff: Diff) -> str:
    """The changeset graph as Turtle (prefixes of the atlas and ``cs:``; statements in a stable order)."""
    from llm_atlas.serialize import turtle

    prefixes = PREFIX_IRIS | {"cs": str(CS), "change": changeset_base(diff) + "#"}
    comment = f"# Changeset from {diff.old} to {diff.new} ({'inferred' if diff.inferred else 'asserted'} facts)\n"
    return comment + turtle(changeset_triples(diff), prefixes).decode()


def apply_changeset(triples: set, changes) -> set:
    """``triples`` with a changeset graph's removals taken out and its additions put in."""
    graph = set(changes)
    index: dict = defaultdict(dict)
    for s, p, o in graph:
        index[s][p] = o
    result = set(triples)
    for role in (CS.removal, CS.addition):
        for _, _, statement in [t for t in graph if t[1] == role]:
            fact = (index[statement][RDF.subject], index[statement][RDF.predicate], index[statement][RDF.object])
            (result.discard if role == CS.removal else result.add)(fact)
    return result


def changelog(diff: Diff) -> str:
    """The ``### Data`` section of a release's CHANGELOG entry: counts per class, notable additions, retirements."""
    counts = diff.counts()
    since = "the empty atlas (first release)" if diff.old == "nothing" else diff.old
    out = ["### Data", "",
           f"Generated by `llm-atlas diff {diff.old} {diff.new}`: changes since {since}, asserted facts." if diff.old != "nothing"
           else f"Generated from release {diff.new}: its entities, asserted facts.", "",
           "| class | entities | added | retired | removed | changed |", "|---|---:|---:|---:|---:|---:|"]
    for cls in sorted(set(counts) | set(diff.live), key=curie):
        c = counts.get(cls, Counter())
        out.append(f"| {curie(cls)} | {diff.live.get(cls, 0)} | " + " | ".join(str(c[s]) for s in STATUSES) + " |")
    added = [c for c in diff.changes if c.status == "added"]
    if added and diff.old != "nothing":
        out += ["", "Added:"]
        for cls in sorted({c.cls for c in added}, key=curie):
            names = [c.label for c in added if c.cls == cls]
            more = f" and {len(names) - NOTABLE} more" if len(names) > NOTABLE else ""
            out.append(f"- {CLASS_OF_KIND.get(URIRef(cls), curie(cls))}: " + ", ".join(names[:NOTABLE]) + more)
    retired = [c for c in diff.changes if c.status in ("retired", "removed")]
    if retired:
        out += ["", "Retired (their IRIs answer 301 to the replacement, or 410 Gone):"]
        out += [f"- {c.label} (`{curie(c.entity)}`)" + retirement_text(c, diff.labels).removeprefix(",")
                if c.status == "retired" else f"- {c.label} (`{curie(c.entity)}`): removed" for c in retired]
    return "\n".join(out) + "\n"


def render(diff: Diff, fmt: str) -> str:
    if fmt not in FORMATS:
        raise ReleaseError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    return {"md": markdown, "json": to_json, "ttl": changeset, "changelog": changelog}[fmt](diff)
