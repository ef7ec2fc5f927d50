"""Walk the Hub's model tree from a curated base model and stream it to N-Triples.

The walk is breadth-first: the base (depth 0), the models that name it as ``base_model``
(depth 1), theirs (depth 2), … up to ``depth`` levels and ``limit`` imported models. Each
model is written as soon as its info is read (one block of N-Triples lines, flushed), so the
tree is never held in memory as RDF; only the queue of repo ids still to visit and the set of
ids already seen are. After every ``checkpoint`` models the walk saves its state (queue, seen,
counts, the byte length of the output) next to the output; a run that finds an unfinished
state resumes from it, cutting the output back to the last checkpoint first.

What one imported model becomes (see docs/reuse.md):

- ``…/id/model/hf-<slug of the repo id>`` a ``atlas:Model`` with ``rdfs:label`` and
  ``atlas:huggingFaceId`` (the repo id), ``foaf:homepage`` (its Hub page) and
  ``dcterms:source`` (the API URL it was read from);
- ``prov:generatedAtTime`` on that API URL: when the response was retrieved;
- ``dcterms:created``: the repository's ``createdAt``;
- ``atlas:developedBy`` only when an atlas organisation has the author's account as its
  ``atlas:huggingFaceId``; otherwise no author (it is the first part of the repo id anyway);
- ``atlas:license`` mapped by :mod:`llm_atlas.hub.licenses`; an unmapped key is kept as a
  ``dcterms:license`` literal and reported;
- ``atlas:language`` from the card, ``atlas:trainedOn`` for card datasets the atlas has;
- per base model: ``atlas:derivedFrom`` and a ``atlas:Derivation`` node (``#derivation``)
  with ``atlas:baseModel``, ``atlas:derivationKind`` from the Hub's relation and its source.

Models the atlas already curates (matched by ``atlas:huggingFaceId``) are not written again:
the curated file is authoritative; their children link to the curated IRI.
"""

from __future__ import annotations

import json
import re
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, RDF, RDFS, XSD

from llm_atlas.hub.client import ENDPOINT, NotFound, info_url
from llm_atlas.hub.licenses import license_key, map_license
from llm_atlas.namespaces import ATLAS, ID, VOCAB
from llm_atlas.slug import slugify

RELATIONS = {"finetune": VOCAB.finetune, "quantized": VOCAB.quantized, "adapter": VOCAB.adapter, "merge": VOCAB.merge}
LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
STATE_VERSION = 1


def model_iri(repo_id: str) -> URIRef:
    """The atlas IRI of a model imported from the Hub.

    >>> model_iri("TheBloke/Llama-2-7B-GGUF")
    rdflib.term.URIRef('https://w3id.org/llm-atlas/id/model/hf-thebloke-llama-2-7b-gguf')
    """
    return ID[f"model/hf-{slugify(repo_id)}"]


def output_paths(area: Path, base: str) -> tuple[Path, Path]:
    """(N-Triples file, state file) of the import of ``base`` in the import area."""
    folder = Path(area) / "huggingface"
    return folder / f"{slugify(base)}.nt", folder / f"{slugify(base)}.state.json"


@dataclass
class CuratedIndex:
    """Hub ids the curated atlas already knows: models, organisation accounts, datasets."""

    models: dict[str, URIRef] = field(default_factory=dict)
    orgs: dict[str, URIRef] = field(default_factory=dict)
    datasets: dict[str, URIRef] = field(default_factory=dict)

    @classmethod
    def from_graph_folder(cls, graph: Path) -> "CuratedIndex":
        index = cls()
        for kind, table in (("model", index.models), ("org", index.orgs), ("dataset", index.datasets)):
            for path in sorted((Path(graph) / kind).glob("*.ttl")):
                g = Graph()
                g.parse(path, format="turtle")
                for s, o in g.subject_objects(ATLAS.huggingFaceId):
                    table[str(o).lower()] = URIRef(s)
        return index

    def model(self, repo_id: str) -> URIRef:
        return self.models.get(repo_id.lower()) or model_iri(repo_id)


@dataclass
class ImportReport:
    base: str
    output: Path | None = None
    written: int = 0
    curated: list[str] = field(default_factory=list)  # visited, already in the atlas
    not_found: list[str] = field(default_factory=list)
    unknown_licenses: dict[str, list[str]] = field(default_factory=dict)  # key -> repo ids
    missing_license: list[str] = field(default_factory=list)
    finished: bool = False
    truncated: bool = False  # stopped by --limit with models left to visit
    resumed: bool = False
    requests: int = 0

    def text(self) -> str:
        lines = [f"imported {self.written} models derived from {self.base}"
                 + (f" into {self.output}" if self.output else "") + (" (resumed)" if self.resumed else "")
                 + (" (stopped at --limit; more models are left)" if self.truncated else "")]
        if self.curated:
            lines.append(f"  already curated (not re-imported): {', '.join(self.curated)}")
        if self.not_found:
            lines.append(f"  not readable on the Hub (skipped): {', '.join(self.not_found[:20])}"
                         + (f" … {len(self.not_found) - 20} more" if len(self.not_found) > 20 else ""))
        for key, ids in sorted(self.unknown_licenses.items()):
            lines.append(f"  unknown licence key {key!r} (kept as dcterms:license literal): {len(ids)} model(s), e.g. {ids[0]}")
        if self.missing_license:
            lines.append(f"  no licence on the card: {len(self.missing_license)} model(s), e.g. {self.missing_license[0]}")
        return "\n".join(lines) + "\n"


def _as_list(value) -> list:
    if value is None:
        return []
    return [value] if isinstance(value, str) else [v for v in value if v]


def base_models(info: dict) -> list[tuple[str, str | None]]:
    """(base repo id, Hub relation or None) for each base model the info names.

    The relation comes from the Hub's computed tags ``base_model:<relation>:<id>``, else
    from the card's ``base_model_relation``.

    >>> base_models({"tags": ["base_model:org/a", "base_model:quantized:org/a"], "cardData": {"base_model": "org/a"}})
    [('org/a', 'quantized')]
    >>> base_models({"cardData": {"base_model": ["x/a", "y/b"], "base_model_relation": "merge"}})
    [('x/a', 'merge'), ('y/b', 'merge')]
    """
    card = info.get("cardData") or {}
    bases: dict[str, str | None] = {}
    for b in _as_list(card.get("base_model")):
        bases.setdefault(str(b), None)
    tag_relation: dict[str, str] = {}
    for tag in info.get("tags") or []:
        if not tag.startswith("base_model:"):
            continue
        rest = tag[len("base_model:"):]
        head, _, tail = rest.partition(":")
        if tail and head in RELATIONS:
            tag_relation[tail.lower()] = head
            bases.setdefault(tail, None)
        else:
            bases.setdefault(rest, None)
    card_relation = card.get("base_model_relation")
    out, seen = [], set()
    for b in bases:
        if b.lower() in seen:
            continue
        seen.add(b.lower())
        rel = tag_relation.get(b.lower()) or (card_relation if card_relation in RELATIONS else None)
        out.append((b, rel))
    return out


def hub_license(info: dict) -> list[str]:
    """The Hub licence keys of a model: the card's ``license`` (with ``license_name``), else the tag."""
    card = info.get("cardData") or {}
    keys = [license_key(k, card.get("license_name")) for k in _as_list(card.get("license"))]
    if not keys:
        keys = [license_key(t.split(":", 1)[1]) for t in info.get("tags") or [] if t.startswith("license:")]
    return [k for k in dict.fromkeys(keys) if k]


def describe(info: dict, retrieved: str, index: CuratedIndex, report: ImportReport, endpoint: str = ENDPOINT):
    """The triples of one imported model (and its derivation nodes), from its API info."""
    repo_id = info.get("id") or info.get("modelId")
    m = model_iri(repo_id)
    source = URIRef(info_url(repo_id, endpoint))
    yield m, RDF.type, ATLAS.Model
    yield m, RDFS.label, Literal(repo_id, lang="en")
    yield m, ATLAS.huggingFaceId, Literal(repo_id)
    yield m, FOAF.homepage, URIRef(f"{endpoint}/{repo_id}")
    yield m, DCTERMS.source, source
    yield source, PROV.generatedAtTime, Literal(retrieved, datatype=XSD.dateTime)
    if info.get("createdAt"):
        yield m, DCTERMS.created, Literal(info["createdAt"], datatype=XSD.dateTime)
    card = info.get("cardData") or {}
    author = info.get("author") or repo_id.split("/")[0]
    if author.lower() in index.orgs:
        yield m, ATLAS.developedBy, index.orgs[author.lower()]
    keys = hub_license(info)
    if not keys:
        report.missing_license.append(repo_id)
    for key in keys:
        iri = map_license(*key.split(":", 1)) if key.startswith("other:") else map_license(key)
        if iri is not None:
            yield m, ATLAS.license, iri
        else:
            yield m, DCTERMS.license, Literal(key)
            report.unknown_licenses.setdefault(key, []).append(repo_id)
    for lang in _as_list(card.get("language")):
        if isinstance(lang, str) and LANGUAGE.match(lang):
            yield m, ATLAS.language, Literal(lang, datatype=XSD.language)
    for ds in _as_list(card.get("datasets")):
        if isinstance(ds, str) and ds.lower() in index.datasets:
            yield m, ATLAS.trainedOn, index.datasets[ds.lower()]
    bases = base_models(info)
    for base, relation in bases:
        b = index.model(base)
        d = URIRef(f"{m}#derivation" + ("" if len(bases) == 1 else f"-{slugify(base)}"))
        yield m, ATLAS.derivedFrom, b
        yield m, ATLAS.qualifiedDerivation, d
        yield d, RDF.type, ATLAS.Derivation
        yield d, ATLAS.baseModel, b
        if relation:
            yield d, ATLAS.derivationKind, RELATIONS[relation]
        yield d, DCTERMS.source, source


def _escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t"))


def nt_term(term) -> str:
    """One term in N-Triples.

    >>> nt_term(Literal('say "hi"', lang="en"))
    '"say \\\\"hi\\\\""@en'
    """
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        text = f'"{_escape(str(term))}"'
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype and term.datatype != XSD.string:
            return f"{text}^^<{term.datatype}>"
        return text
    raise TypeError(f"no blank nodes in imported data: {term!r}")


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


class StateError(Exception):
    """The saved state belongs to a different import (another base, depth or limit)."""


def import_tree(hub, base: str, *, area: Path, index: CuratedIndex, depth: int = 1, limit: int | None = None,
                restart: bool = False, checkpoint: int = 25, clock=_now, progress=lambda report, queued: None) -> ImportReport:
    """Walk the tree below ``base`` through ``hub`` and write it to the import area.

    An error (HubError after retries, KeyboardInterrupt) propagates; the state of the last
    checkpoint stays on disk and the next run with the same options resumes from it.
    """
    out, state_path = output_paths(area, base)
    out.parent.mkdir(parents=True, exist_ok=True)
    report = ImportReport(base, output=out)
    queue: deque = deque([(base, 0)])
    seen = {base.lower()}
    offset = 0
    settings = {"base": base, "depth": depth, "limit": limit}
    if state_path.exists() and not restart:
        state = json.loads(state_path.read_text(encoding="utf-8"))
        if not state.get("finished"):
            if {k: state.get(k) for k in settings} != settings:
                raise StateError(f"{state_path} holds an unfinished import with {({k: state.get(k) for k in settings})}; "
                                 "run with the same options to resume, or --restart")
            queue = deque(tuple(item) for item in state["queue"])
            seen = set(state["seen"])
            offset = state["offset"]
            for key in ("written", "curated", "not_found", "unknown_licenses", "missing_license"):
                setattr(report, key, state["report"][key])
            report.resumed = True

    def save(finished: bool) -> None:
        state = {"version": STATE_VERSION, **settings, "finished": finished, "offset": offset,
                 "queue": [list(item) for item in queue], "seen": sorted(seen),
                 "report": {k: getattr(report, k) for k in ("written", "curated", "not_found", "unknown_licenses", "missing_license")}}
        tmp = state_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(state, ensure_ascii=False) + "\n", encoding="utf-8")
        tmp.replace(state_path)

    mode = "r+b" if report.resumed and out.exists() else "wb"
    with open(out, mode) as fh:
        fh.seek(offset)
        fh.truncate()
        since_checkpoint = 0
        try:
            while queue and (limit is None or report.written < limit):
                repo_id, level = queue[0]
                if level > 0:
                    try:
                        info = hub.model_info(repo_id)
                    except NotFound:
                        report.not_found.append(repo_id)
                        queue.popleft()
                        continue
                    if repo_id.lower() in index.models:
                        report.curated.append(repo_id)
                    else:
                        block = "".join(f"{nt_term(s)} {nt_term(p)} {nt_term(o)} .\n"
                                        for s, p, o in describe(info, clock(), index, report))
                        fh.write(block.encode("utf-8"))
                        report.written += 1
                        since_checkpoint += 1
                if level < depth:
                    for child in hub.children(repo_id):
                        cid = child.get("id") or child.get("modelId")
                        if cid and cid.lower() not in seen:
                            seen.add(cid.lower())
                            queue.append((cid, level + 1))
                queue.popleft()
                progress(report, len(queue))
                if since_checkpoint >= checkpoint:
                    fh.flush()
                    offset = fh.tell()
                    save(False)
                    since_checkpoint = 0
        except BaseException:
            # the last checkpoint is the consistent state to resume from: keep it
            raise
        fh.flush()
        offset = fh.tell()
    report.finished = True
    report.truncated = bool(queue)
    report.requests = getattr(hub, "requests", 0)
    save(True)
    return report
