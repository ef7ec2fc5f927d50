"""``llm-atlas retire KIND/SLUG [--replaced-by KIND/SLUG] --why "…"``: an entity leaves the atlas, its IRI stays.

The entity's file becomes a tombstone in place (one file per entity still holds)::

    organization:beta-corporation a atlas:RetiredEntity ;
        rdfs:label "Beta Corporation"@en ;
        atlas:retiredType atlas:Organization ;
        owl:deprecated true ;
        dcterms:isReplacedBy organization:beta-corp ;
        skos:historyNote "Duplicate of Beta Corp."@en ;
        atlas:retiredOn "2026-11-28"^^xsd:date ;
        dcterms:source <https://example.org/org/beta-corp> .

It keeps the labels and the sources of the entity (what its IRI named) and adds ``--source``
documents (why it was retired). Live data must not link to a tombstone: with ``--replaced-by``
(a merge or a rename) the links in other files are rewritten to the replacement, each rewritten
file checked to hold exactly the old triples with the one IRI changed; without it, a retirement
that other files still link to is refused, naming them. A file already deleted is taken back
from the last release that published it (``git show``), so a deletion the build caught can be
turned into a retirement.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS

from llm_atlas.atlas import Layout
from llm_atlas.loading import SourceError, parse_turtle
from llm_atlas.namespaces import ATLAS, ID, KINDS, PREFIXES, SPDX_LICENSES, curie
from llm_atlas.releases import commits
from llm_atlas.releases.record import ReleaseError, published_iris, read_records, records_dir
from llm_atlas.slug import slugify

PREFIX_LINE = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*|):\s*<([^>]*)>", re.M | re.I)
LOCAL_END = r"(?![A-Za-z0-9_-]|\.[A-Za-z0-9_-])"  # a prefixed name ends here (a final "." ends the statement)
LOCAL_START = r"(?<![A-Za-z0-9_:.-])"


@dataclass
class Retired:
    path: Path
    iri: str
    replaced_by: str | None
    rewritten: list[Path] = field(default_factory=list)  # files whose links now point to the replacement
    restored_from: str | None = None  # the commit a deleted file was taken back from


def parse_target(text: str) -> tuple[str, str]:
    """``KIND/SLUG`` (or the entity's IRI) -> (kind, slug); ReleaseError if it names no entity file."""
    text = text.removeprefix(str(ID))
    kind, _, slug = text.partition("/")
    if kind not in KINDS:
        raise ReleaseError(f"{text!r} is not KIND/SLUG with KIND one of: {', '.join(KINDS)} (e.g. model/alpha-7b)")
    if not slug or slug != slugify(slug):
        raise ReleaseError(f"{slug!r} is not a slug; the file name under graph/{kind}/ without .ttl is")
    return kind, slug


def retire(layout: Layout, target: str, *, why: str, replaced_by: str | None = None, sources=(),
           date: str | None = None) -> Retired:
    """Turn ``graph/KIND/SLUG.ttl`` into a tombstone; see the module's description."""
    kind, slug = parse_target(target)
    iri = str(ID[f"{kind}/{slug}"])
    path = layout.graph / kind / f"{slug}.ttl"
    why = " ".join(why.split())
    if not why:
        raise ReleaseError("say why the entity is retired (--why \"…\"): the tombstone tells everyone who follows its IRI")
    date = date or datetime.date.today().isoformat()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
        raise ReleaseError(f"--date {date!r} is not YYYY-MM-DD")
    for url in sources:
        if not re.match(r"^https?://\S+$", url):
            raise ReleaseError(f"--source {url!r} is not an http(s) IRI of a document")
    text, restored = _entity_text(layout, path, iri)
    triples = _parse(path, text)
    node = URIRef(iri)
    if kind == "license" and any(str(s).startswith(str(SPDX_LICENSES)) for s, _, _ in triples):
        raise ReleaseError(f"{path} describes an SPDX licence, whose IRI is SPDX's, not the atlas's: nothing to retire. "
                           f"Delete the file once nothing links to it")
    if (node, RDF.type, ATLAS.RetiredEntity) in triples:
        raise ReleaseError(f"{curie(iri)} is retired already ({path})")
    if (node, RDF.type, KINDS[kind]) not in triples:
        raise ReleaseError(f"{path} does not describe {curie(iri)} as a {curie(KINDS[kind])}; fix the file first")
    replacement = _replacement(layout, replaced_by, iri) if replaced_by else None
    links = _links_to(layout, iri, skip=path)
    if links and replacement is None:
        shown = "; ".join(f"{p}:{line}" for p, line, _ in links[:10]) + (f"; … {len(links) - 10} more" if len(links) > 10 else "")
        raise ReleaseError(f"other entities link to {curie(iri)} ({shown}). Link them to another entity or remove the "
                           f"links, or give --replaced-by KIND/SLUG to have them rewritten to the replacement")
    subnode_links = [(p, line) for p, line, target_iri in links if target_iri != iri]
    if subnode_links:
        shown = "; ".join(f"{p}:{line}" for p, line in subnode_links[:10])
        raise ReleaseError(f"links to sub-nodes of {curie(iri)} ({shown}) cannot be rewritten to the replacement; "
                           f"edit them by hand, then retire again")
    rewritten = {}
    for p in sorted({p for p, _, _ in links}):
        rewritten[p] = rewrite_links(p, p.read_text(encoding="utf-8"), iri, replacement)
    labels = sorted((o for s, p, o in triples if s == node and p == RDFS.label), key=lambda o: (o.language or "", str(o)))
    cited = sorted({str(o) for s, p, o in triples if s == node and p == DCTERMS.source} | set(sources))
    if not cited:
        raise ReleaseError(f"{path} names no dcterms:source and none was given: add --source URL of a document "
                           f"showing why the entity is retired")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(tombstone(kind, slug, labels=labels, why=why, date=date, replaced_by=replacement, sources=cited),
                    encoding="utf-8")
    for p, new_text in rewritten.items():
        p.write_text(new_text, encoding="utf-8")
    return Retired(path, iri, replacement, sorted(rewritten), restored)


def tombstone(kind: str, slug: str, *, labels, why: str, date: str, replaced_by: str | None, sources) -> str:
    """The Turtle text of a tombstone."""
    prefix = _prefix_for(str(ID[f"{kind}/{slug}"]))
    used = {"atlas", "dcterms", "owl", "rdfs", "skos", "xsd", prefix}
    lines = [f"{prefix}:{slug} a atlas:RetiredEntity ;"]
    lines += [f"    rdfs:label {label.n3()} ;" for label in labels]
    lines += [f"    atlas:retiredType {curie(KINDS[kind])} ;", "    owl:deprecated true ;"]
    if replaced_by:
        replacement_prefix = _prefix_for(replaced_by)
        used.add(replacement_prefix)
        lines.append(f"    dcterms:isReplacedBy {replacement_prefix}:{replaced_by.rsplit('/', 1)[1]} ;")
    lines += [f"    skos:historyNote {Literal(why, lang='en').n3()} ;",
              f'    atlas:retiredOn "{date}"^^xsd:date ;',
              "    dcterms:source " + " ,\n        ".join(f"<{url}>" for url in sources) + " ."]
    head = [f"# Retired on {date} (`llm-atlas retire`). A release published this IRI, so it keeps answering:",
            "# 301 to its replacement, else 410 Gone. Its facts as last published are in that release's files."]
    head += [f"@prefix {p}: <{PREFIXES[p]}> ." for p in sorted(used)]
    return "\n".join(head + [""] + lines) + "\n"


def _prefix_for(iri: str) -> str:
    kind = iri[len(str(ID)):].split("/", 1)[0]
    return "organization" if kind == "org" else kind


def _entity_text(layout: Layout, path: Path, iri: str) -> tuple[str, str | None]:
    """The entity file's text, or (if deleted) its text at the last release that published the IRI."""
    if path.exists():
        return path.read_text(encoding="utf-8"), None
    folder = records_dir(layout)
    for release in reversed(read_records(folder)):
        if iri in published_iris(folder, release.version):
            try:
                relative = path.resolve().relative_to(Path(layout.root).resolve())
            except ValueError:
                break
            return commits.git(layout.root, "show", f"{release.commit}:{relative.as_posix()}"), release.commit
    raise ReleaseError(f"no file {path}, and no recorded release published {curie(iri)}: nothing to retire")


def _parse(path: Path, text: str) -> list:
    try:
        return parse_turtle(path, text)
    except SourceError as err:
        raise ReleaseError(f"{err}; fix the file first") from None


def _replacement(layout: Layout, replaced_by: str, iri: str) -> str:
    kind, slug = parse_target(replaced_by)
    replacement = str(ID[f"{kind}/{slug}"])
    if replacement == iri:
        raise ReleaseError("an entity cannot be replaced by itself")
    path = layout.graph / kind / f"{slug}.ttl"
    if not path.exists():
        raise ReleaseError(f"the replacement {curie(replacement)} has no file ({path}); add it first "
                           f"(`llm-atlas new {kind} {slug}`): a rename is retire + add")
    triples = _parse(path, path.read_text(encoding="utf-8"))
    if (URIRef(replacement), RDF.type, ATLAS.RetiredEntity) in triples:
        onward = next((str(o) for s, p, o in triples if p == DCTERMS.isReplacedBy), None)
        hint = f"; use its replacement, {curie(onward)}" if onward else ""
        raise ReleaseError(f"the replacement {curie(replacement)} is retired itself{hint}")
    return replacement


def _links_to(layout: Layout, iri: str, *, skip: Path) -> list[tuple[Path, int, str]]:
    """(file, line, linked IRI) for each graph file statement whose object is ``iri`` or one of its sub-nodes."""
    found = []
    for path in sorted(Path(layout.graph).glob("*/*.ttl")):
        if path.resolve() == skip.resolve():
            continue
        text = path.read_text(encoding="utf-8")
        if iri.rsplit("/", 1)[1] not in text:
            continue  # cheap filter: a file that links to the entity names its slug
        for s, p, o in _parse(path, text):
            if isinstance(o, URIRef) and (str(o) == iri or str(o).startswith(iri + "#")):
                found.append((path, _line(text, str(o)), str(o)))
    return found


def _line(text: str, iri: str) -> int:
    slug = iri.rsplit("/", 1)[1].split("#")[0]
    for number, line in enumerate(text.splitlines(), start=1):
        if slug in line and not line.lstrip().startswith(("@prefix", "#")):
            return number
    return 1


def rewrite_links(path: Path, text: str, old: str, new: str) -> str:
    """``text`` with every link to ``old`` (full IRI or prefixed name) turned into a link to ``new``.

    The result is checked: it must parse to exactly the triples of ``text`` with ``old`` replaced by
    ``new``, or ReleaseError names the file to edit by hand.
    """
    declared = dict((p, ns) for p, ns in PREFIX_LINE.findall(text))
    short_new = next((f"{p}:{new[len(ns):]}" for p, ns in declared.items()
                      if new.startswith(ns) and re.fullmatch(r"[a-z0-9][a-z0-9-]*", new[len(ns):])), f"<{new}>")
    body = text.replace(f"<{old}>", f"<{new}>")
    for p, ns in declared.items():
        if old.startswith(ns) and old[len(ns):]:
            body = re.sub(LOCAL_START + re.escape(f"{p}:{old[len(ns):]}") + LOCAL_END, short_new, body)
    before, after = _parse(path, text), _parse(path, body)
    swap = {URIRef(old): URIRef(new)}
    expected = {(swap.get(s, s), p, swap.get(o, o)) for s, p, o in before}
    if set(after) != expected:
        raise ReleaseError(f"{path}: could not rewrite the links to {curie(old)} safely; point them to {curie(new)} "
                           f"by hand, then retire again")
    return body
