"""Outside identifiers -> atlas IRIs: the forms people type, and an index built from a built atlas.

The atlas links out with ``skos:exactMatch`` (Wikidata, ROR, DOI), ``atlas:huggingFaceId``,
``atlas:arxivId``, ``atlas:spdxId`` and ``atlas:sourceRepository``. :func:`keys` reads an
identifier as people write it (a full IRI, ``Q42``, ``wd:Q42``, a ROR IRI or bare ROR id,
``https://huggingface.co/org/name`` or ``org/name``, ``arXiv:2307.09288v2``, a DOI, an SPDX id,
a GitHub repository) into one or more :class:`Key` s; the stored identifiers are read the
same way, so both sides meet in one normal form. A form that could be two things (``cs/0112017``
is an old arXiv id and could be a Hub repo) gives a key for each reading.

>>> [str(k) for k in keys("wd:q42")]
['wikidata:Q42']
>>> [str(k) for k in keys("https://arxiv.org/abs/2307.09288v2")]
['arxiv:2307.09288', 'iri:https://arxiv.org/abs/2307.09288v2']
>>> [str(k) for k in keys("Meta-Llama/Llama-2-7b-HF")]
['huggingface:meta-llama/llama-2-7b-hf', 'github:meta-llama/llama-2-7b-hf']
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit, urlunsplit

import pyoxigraph as ox

from llm_atlas.namespaces import ATLAS, BASE, ID, KINDS, PREFIX_IRIS, PREFIXES, SPDX_LICENSES
from llm_atlas.query import best_label

SKOS = "http://www.w3.org/2004/02/skos/core#"
MAX_CHARS = 2048

# Predicates whose IRI values name the same thing elsewhere, and literal-valued identifiers with
# the scheme each one is in.
IRI_LINKS = (SKOS + "exactMatch", "http://schema.org/sameAs", str(ATLAS.sourceRepository))
LITERAL_IDS = {str(ATLAS.huggingFaceId): "huggingface", str(ATLAS.arxivId): "arxiv", str(ATLAS.spdxId): "spdx"}

# Outside datasets, by key scheme: their name, for messages, docs and counts.
DATASETS = {
    "wikidata": "Wikidata",
    "ror": "ROR (Research Organization Registry)",
    "huggingface": "Hugging Face Hub",
    "arxiv": "arXiv",
    "doi": "DOI",
    "spdx": "SPDX License List",
    "github": "GitHub",
    "iri": "other web IRIs",
}

FORMS = ("an IRI, a Wikidata id (Q42, wd:Q42), a ROR id (https://ror.org/0… or the bare id), "
         "a Hugging Face id (org/name, org, or its https://huggingface.co/ URL), an arXiv id "
         "(2307.09288, arXiv:2307.09288v2), a DOI (10.…, doi:10.…, https://doi.org/10.…), "
         "an SPDX licence id (Apache-2.0) or a GitHub repository URL")

_WIKIDATA = re.compile(r"^(?:(?:https?://)?(?:www\.|m\.)?wikidata\.org/(?:wiki|entity)/(?:Special:EntityPage/)?"
                       r"|(?:wd|wikidata):)?(Q[1-9][0-9]*)/?$", re.I)
_ROR_ID = r"0[a-hj-km-np-tv-z0-9]{6}[0-9]{2}"
_ROR = re.compile(rf"^(?:(?:https?://)?(?:www\.)?ror\.org/|ror:)?({_ROR_ID})/?$", re.I)
_ARXIV_NEW = r"[0-9]{4}\.[0-9]{4,5}"
_ARXIV_OLD = r"[a-z-]+(?:\.[a-z]{2})?/[0-9]{7}"
_ARXIV = re.compile(rf"^(?:(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html)/|arxiv:\s*)"
                    rf"({_ARXIV_NEW}|{_ARXIV_OLD})(?:v[0-9]+)?(?:\.pdf)?/?$", re.I)
_ARXIV_BARE = re.compile(rf"^({_ARXIV_NEW})(?:v[0-9]+)?$", re.I)
_ARXIV_OLD_BARE = re.compile(rf"^({_ARXIV_OLD})(?:v[0-9]+)?$", re.I)
_ARXIV_DOI = re.compile(rf"^10\.48550/arxiv\.({_ARXIV_NEW}|{_ARXIV_OLD})(?:v[0-9]+)?$", re.I)
_DOI = re.compile(r"^(?:(?:https?://)?(?:dx\.)?doi\.org/|doi:\s*)?(10\.[0-9]{4,9}/\S+)$", re.I)
_SPDX = re.compile(r"^(?:(?:https?://)?(?:www\.)?spdx\.org/licenses/|spdx:)([A-Za-z0-9][A-Za-z0-9.+-]*?)"
                   r"(?:\.html|\.json)?/?$", re.I)
_HUB = re.compile(r"^(?:https?://)?(?:www\.)?(?:huggingface\.co|hf\.co)/(?:(datasets|models|spaces|organizations)/)?"
                  r"([^/?#\s]+)(?:/([^/?#\s]+))?(?:[/?#].*)?$", re.I)
_HUB_PREFIX = re.compile(r"^(?:hf|huggingface):(.+)$", re.I)
_HUB_PAGES = {"papers", "blog", "docs", "learn", "tasks", "models", "datasets", "spaces", "posts", "api", "join",
              "pricing", "chat", "collections", "settings", "login", "search"}
_GITHUB = re.compile(r"^(?:(?:https?://)?(?:www\.)?github\.com/|git@github\.com:)([^/\s]+)/([^/?#\s]+?)"
                     r"(?:\.git)?(?:[/?#].*)?$", re.I)
_REPO_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*$")
_WORD = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.+-]*$")
_IRI = re.compile(r"^[a-z][a-z0-9+.-]*:\S+$", re.I)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class BadIdentifier(ValueError):
    """Input that is no identifier of any form the atlas reads; the message says which forms are."""


@dataclass(frozen=True, order=True)
class Key:
    """One identifier in normal form: the outside dataset's scheme and the id within it."""

    scheme: str
    value: str
    # How the key was read: "strict" when the form says what it is (an IRI, Q42, org/name),
    # "guess" when a bare word is tried as a Hub account or an SPDX id.
    reading: str = field(default="strict", compare=False)

    def __str__(self) -> str:
        return f"{self.scheme}:{self.value}"


def normal_iri(iri: str) -> str:
    """An http(s) IRI compared the way people mean it: https, lower-case host, no default port,
    no trailing slash, no empty query or fragment.

    >>> normal_iri("HTTP://Example.ORG:80/a/")
    'https://example.org/a'
    """
    parts = urlsplit(iri)
    if parts.scheme.lower() not in ("http", "https"):
        return iri
    host = (parts.hostname or "").rstrip(".")
    if parts.port and parts.port not in (80, 443):
        host += f":{parts.port}"
    path = parts.path.rstrip("/")
    return urlunsplit(("https", host, path, parts.query, parts.fragment))


def keys(text: str) -> list[Key]:
    """The keys ``text`` can stand for, most specific first; BadIdentifier if none.

    >>> [str(k) for k in keys("https://ror.org/05amsz404")]
    ['ror:05amsz404', 'iri:https://ror.org/05amsz404']
    >>> [str(k) for k in keys("10.48550/arXiv.2307.09288")]
    ['arxiv:2307.09288', 'doi:10.48550/arxiv.2307.09288']
    >>> [(str(k), k.reading) for k in keys("MIT")]
    [('spdx:mit', 'guess'), ('huggingface:mit', 'guess')]
    """
    text = (text or "").strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1].strip()
    if not text:
        raise BadIdentifier("no identifier given; give " + FORMS)
    if len(text) > MAX_CHARS:
        raise BadIdentifier(f"the identifier is longer than {MAX_CHARS} characters")
    if _CONTROL.search(text):
        raise BadIdentifier("the identifier holds control characters")
    found: list[Key] = []

    def add(scheme: str, value: str, reading: str = "strict") -> None:
        key = Key(scheme, value, reading)
        if key not in found:
            found.append(key)

    if m := _WIKIDATA.match(text):
        add("wikidata", m.group(1).upper())
    elif m := _ROR.match(text):
        add("ror", m.group(1).lower())
    elif (m := _ARXIV.match(text)) or (m := _ARXIV_BARE.match(text)) or (m := _ARXIV_DOI.match(text)):
        add("arxiv", m.group(1).lower())
        if _ARXIV_DOI.match(text):
            add("doi", text.lower())
    elif m := _DOI.match(text):
        add("doi", unquote(m.group(1)).lower())
    elif m := _SPDX.match(text):
        add("spdx", m.group(1).lower())
    elif (m := _HUB.match(text)) and m.group(2).lower() not in _HUB_PAGES:
        section, owner, name = (m.group(1) or "").lower(), m.group(2), m.group(3)
        if section == "spaces":
            pass  # a Space is no model, dataset or account: only its IRI can match
        elif name and section != "organizations":
            add("huggingface", f"{owner}/{name}".lower())
        else:
            add("huggingface", owner.lower())
    elif m := _GITHUB.match(text):
        add("github", f"{m.group(1)}/{m.group(2)}".lower())
    elif m := _HUB_PREFIX.match(text):
        add("huggingface", m.group(1).strip().lower())
    elif text.startswith(BASE) or _curie(text):
        add("iri", normal_iri(_curie(text) or text))
        return found
    elif _ARXIV_OLD_BARE.match(text):
        add("arxiv", _ARXIV_OLD_BARE.match(text).group(1).lower())
        add("huggingface", text.lower())
        add("github", text.lower())
    elif _REPO_ID.match(text):
        add("huggingface", text.lower())
        add("github", text.lower())
    elif _WORD.match(text):
        add("spdx", text.lower(), "guess")
        add("huggingface", text.lower(), "guess")
    if _IRI.match(text) and "://" in text:
        add("iri", normal_iri(text))
    if not found:
        if _IRI.match(text):  # another scheme (urn:, ftp:): only the IRI itself can match
            add("iri", text)
        else:
            raise BadIdentifier(f"{text!r} is not an identifier the atlas reads; give " + FORMS)
    return found


def _curie(text: str) -> str | None:
    """The IRI of an atlas prefixed name such as ``model:olmo-2-7b`` (prefixes of entities only)."""
    prefix, colon, local = text.partition(":")
    ns = PREFIXES.get(prefix)
    if not colon or ns is None or local.startswith("//") or not _WORD.match(local or "-"):
        return None
    ns = str(ns)
    return ns + local if ns.startswith(str(ID)) or ns == str(SPDX_LICENSES) else None


def stored_keys(predicate: str, value: ox.NamedNode | ox.Literal) -> list[Key]:
    """The keys of an identifier the atlas holds (never a guess: the predicate says what it is)."""
    if isinstance(value, ox.Literal):
        scheme = LITERAL_IDS.get(predicate)
        if scheme == "arxiv":
            m = _ARXIV_BARE.match(value.value) or _ARXIV_OLD_BARE.match(value.value)
            return [Key("arxiv", (m.group(1) if m else value.value).lower())]
        return [Key(scheme, value.value.strip().lower())] if scheme else []
    try:
        return [Key(k.scheme, k.value) for k in keys(value.value) if k.reading == "strict"]
    except BadIdentifier:
        return []


# --- the index ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Match:
    """An atlas entity found by an identifier."""

    iri: str
    label: str
    type: str  # the entity's atlas class IRI
    via: tuple[Key, ...]  # the keys that found it

    @property
    def guessed(self) -> bool:
        """Found only by reading a bare word as a Hub account or an SPDX id."""
        return all(k.reading == "guess" for k in self.via)


ENTITIES = """
SELECT ?e ?class ?label WHERE {
  VALUES ?class { %s }
  ?e a ?class . FILTER(isIRI(?e) && !CONTAINS(STR(?e), "#"))
  OPTIONAL { ?e rdfs:label ?label }
}""" % " ".join(f"<{c}>" for c in KINDS.values())

IDENTIFIERS = """
SELECT ?e ?p ?o WHERE {
  VALUES ?p { %s }
  ?e ?p ?o .
}""" % " ".join(f"<{p}>" for p in (*IRI_LINKS, *LITERAL_IDS))


class Index:
    """Outside identifiers -> atlas entities, built once from a store holding a built atlas."""

    def __init__(self, entities: dict[str, tuple[str, str]], links: dict[Key, set[str]],
                 held: list[tuple[str, str]] | None = None):
        self.entities = entities  # IRI -> (label, class IRI)
        self.links = links  # key -> entity IRIs
        self.held = held or []  # (entity IRI, scheme) of every outside identifier the atlas holds

    @classmethod
    def from_store(cls, store: ox.Store) -> Index:
        entities: dict[str, tuple[str, str]] = {}
        labels: dict[str, list[ox.Literal]] = defaultdict(list)
        for s in store.query(ENTITIES, prefixes=PREFIX_IRIS):
            iri = s["e"].value
            entities.setdefault(iri, ("", s["class"].value))
            if s["label"] is not None:
                labels[iri].append(s["label"])
        for iri, (_, cls_) in list(entities.items()):
            entities[iri] = (best_label(labels[iri]) or iri, cls_)
        links: dict[Key, set[str]] = defaultdict(set)
        for iri in entities:
            for key in stored_keys("", ox.NamedNode(iri)):
                links[key].add(iri)
        held = set()
        for s in store.query(IDENTIFIERS):
            iri = s["e"].value
            if iri in entities:
                found = stored_keys(s["p"].value, s["o"])
                for key in found:
                    links[key].add(iri)
                if found:  # counted once, in its most specific dataset: an arXiv id and its abstract IRI are one
                    held.add((iri, found[0].scheme, found[0].value))
        return cls(entities, dict(links), sorted((iri, scheme) for iri, scheme, _ in held))

    def lookup(self, text: str) -> list[Match]:
        """The entities ``text`` identifies, by label; [] if none; BadIdentifier if it is no identifier."""
        found: dict[str, list[Key]] = defaultdict(list)
        for key in keys(text):
            for iri in self.links.get(Key(key.scheme, key.value), ()):
                found[iri].append(key)
        matches = [Match(iri, *self.entities[iri], via=tuple(via)) for iri, via in found.items()]
        if any(not m.guessed for m in matches):  # a strict reading wins over a bare-word guess
            matches = [m for m in matches if not m.guessed]
        return sorted(matches, key=lambda m: (m.label.lower(), m.iri))

    def counts(self) -> dict[str, Counter]:
        """Outside identifiers the atlas holds, per dataset (key scheme) and atlas class: how far
        the atlas is linked. Each stated identifier counts once, in its most specific dataset (a
        GitHub repository IRI under GitHub, not also under other IRIs)."""
        out: dict[str, Counter] = defaultdict(Counter)
        for iri, scheme in self.held:
            out[scheme][self.entities[iri][1]] += 1
        return dict(out)
