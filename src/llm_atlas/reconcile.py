"""Names -> atlas entities: the matching behind the Reconciliation Service API v0.2.

Everything here works on a store holding a built atlas and nothing else (no network). The HTTP
layer (``llm_atlas.serve.reconcile``) only parses requests and writes answers; the shapes of
the answers (result batches, suggest responses, data extension) are made here, so they can be
checked against the specification's JSON Schemas without a server.

How a name is matched (scores 0-100):

- names are read as tokens: case, accents, punctuation and spacing do not count, letters and
  digits are split (``Llama-2-7b`` = ``Llama 2 7B`` = ``llama2 7b``), Greek letters are spelt
  out (``Zephyr-7B-β`` = ``zephyr-7b-beta``), legal forms at the end are put in one form
  (``Corp.`` = ``Corporation``), and so are a few words written two ways (``Centre``,
  ``Labs``, ``Univ.``, ``Artificial Intelligence`` = ``AI``);
- exact matches of a label (any language), a ``skos:altLabel``, the name in a Hub id or a
  repository IRI, or an identifier score 100; the same with spaces dropped (``Deep Seek``),
  the same words in another order (``Oxford University``) or the label without its bracketed
  part score 95; an organisation's name once legal forms are left out (``Cohere Inc.`` =
  ``Cohere``) 90. These are the exact matches;
- the developer's name before the label (``Google Gemma 7B``) scores 88, an acronym of the
  label (``TII``) 80, any other name a fuzzy score up to 85: the mean of difflib's ratio of the
  letters and the share of words in common (numbers aside), lowered when the numbers differ
  (``Llama 2 13B`` is not ``Llama 2 7B``);
- property constraints add when they agree (developer, country, licence: 5; Hub id, outside
  identifier: 15, so an agreeing exact candidate may score over 100) and take 25 off when they
  contradict; a value that names nothing the atlas knows neither adds nor takes off.

``match: true`` only when the best candidate is an exact match, no constraint contradicts it and
it is at least :data:`MATCH_GAP` ahead of the next; never on a fuzzy score alone.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from llm_atlas.lookup import BadIdentifier, Index, Key, keys, stored_keys
from llm_atlas.namespaces import ATLAS, KINDS, PREFIX_IRIS, curie
from llm_atlas.query import best_label

SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"

MATCH_GAP = 5.0  # points the best exact candidate must be ahead of the next for match: true
DEFAULT_LIMIT = 5
MAX_LIMIT = 100
MAX_QUERY_CHARS = 500
FUZZY_CEILING = 85.0
FUZZY_FLOOR = 40.0  # fuzzy candidates below this are not worth showing

# Levels of a name match (see the module text).
EXACT, SPACING, VARIANT, CORE, DEVELOPER, ACRONYM = 100.0, 95.0, 95.0, 90.0, 88.0, 80.0
IDENTIFIER, GUESSED_IDENTIFIER = 100.0, 95.0
AGREE, AGREE_IDENTIFIER, CONTRADICT = 5.0, 15.0, -25.0

GREEK = {"α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ζ": "zeta", "η": "eta",
         "θ": "theta", "κ": "kappa", "λ": "lambda", "μ": "mu", "π": "pi", "σ": "sigma", "τ": "tau",
         "φ": "phi", "χ": "chi", "ψ": "psi", "ω": "omega"}
# Legal forms at the end of an organisation's name, each in one form ("Corp." = "Corporation").
LEGAL_FORMS = {
    "inc": "inc", "incorporated": "inc", "ltd": "ltd", "limited": "ltd", "llc": "llc", "corp": "corp",
    "corporation": "corp", "co": "co", "company": "co", "gmbh": "gmbh", "ggmbh": "gmbh", "ag": "ag",
    "sa": "sa", "sas": "sas", "sarl": "sarl", "srl": "srl", "spa": "spa", "bv": "bv", "nv": "nv",
    "plc": "plc", "lp": "lp", "llp": "llp", "pty": "pty", "pte": "pte", "oy": "oy", "oyj": "oy",
    "ab": "ab", "asa": "asa", "kk": "kk", "se": "se", "ev": "ev", "ug": "ug", "sl": "sl", "slu": "slu",
    "sro": "sro", "spzoo": "spzoo", "pbc": "pbc",
}
# Words written in more than one way, each in one form: "Centre" = "Center", "Artificial
# Intelligence" = "AI" ("Allen Institute for Artificial Intelligence" = "Allen Institute for AI").
SPELLINGS = {"centre": "center", "labs": "lab", "laboratory": "lab", "laboratories": "lab", "univ": "university",
             "universitat": "university", "universite": "university", "universita": "university",
             "universidad": "university", "inst": "institute", "intl": "international", "natl": "national",
             "technologies": "technology", "organisation": "organization"}
PHRASES = {("artificial", "intelligence"): "ai", ("machine", "learning"): "ml",
           ("large", "language", "model"): "llm", ("large", "language", "models"): "llm"}
STOPWORDS = {"the", "of", "and", "for", "a", "an", "at", "in", "on", "de", "del", "la", "le", "les", "der",
             "die", "das", "du", "des", "et", "und", "y"}
COUNTRY_ALIASES = {"usa": "US", "united states of america": "US", "america": "US", "uk": "GB",
                   "united kingdom": "GB", "great britain": "GB", "britain": "GB", "england": "GB",
                   "korea": "KR", "south korea": "KR", "republic of korea": "KR", "uae": "AE",
                   "prc": "CN", "peoples republic of china": "CN", "holland": "NL", "the netherlands": "NL",
                   "russia": "RU", "czechia": "CZ", "czech republic": "CZ", "turkey": "TR", "turkiye": "TR"}
_ACRONYM = re.compile(r"^[A-Z0-9][A-Za-z0-9&.-]{1,9}$")
_BRACKETS = re.compile(r"\s*[(\[]([^()\[\]]*)[)\]]\s*")


class BadQuery(ValueError):
    """A reconciliation, suggest or extension request the service cannot read; the message says why."""


# --- names -------------------------------------------------------------------------------

def tokens(text: str) -> list[str]:
    """The words and numbers of a name, as compared.

    >>> tokens("Llama-2-7b") == tokens("Llama 2 7B") == tokens("llama2 7b")
    True
    >>> tokens("Zephyr-7B-β")
    ['zephyr', '7', 'b', 'beta']
    >>> tokens("Forschungszentrum Jülich GmbH & Co. KG")
    ['forschungszentrum', 'julich', 'gmbh', 'and', 'co', 'kg']
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    for letter, name in GREEK.items():
        text = text.replace(letter, f" {name} ")
    text = text.replace("&", " and ")
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = re.sub(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])", " ", text)
    return re.findall(r"[^\W_]+", text)


def one_spelling(words: list[str]) -> list[str]:
    """Words written in more than one way, in one form.

    >>> one_spelling(tokens("Allen Institute for Artificial Intelligence"))
    ['allen', 'institute', 'for', 'ai']
    """
    out, i = [], 0
    while i < len(words):
        for phrase, short in PHRASES.items():
            if tuple(words[i:i + len(phrase)]) == phrase:
                out.append(short)
                i += len(phrase)
                break
        else:
            out.append(SPELLINGS.get(words[i], words[i]))
            i += 1
    return out


def split_legal_form(words: list[str]) -> tuple[list[str], list[str]]:
    """(name, legal forms) with the legal forms at the end in one form: ``S.A.`` = ``SA``.

    >>> split_legal_form(tokens("Beta Holdings Co., Ltd."))
    (['beta', 'holdings'], ['co', 'ltd'])
    >>> split_legal_form(tokens("Corporation"))
    (['corporation'], [])
    """
    core, forms = list(words), []
    while len(core) > 1:
        for n in (3, 2):  # letters written with dots: S.A., S.p.A., B.V., e.V.
            tail = core[-n:]
            if len(core) > n and all(len(t) == 1 and t.isalpha() for t in tail) and "".join(tail) in LEGAL_FORMS:
                forms.insert(0, LEGAL_FORMS["".join(tail)])
                del core[-n:]
                break
        else:
            if core[-1] in LEGAL_FORMS:
                forms.insert(0, LEGAL_FORMS[core.pop()])
                continue
            break
    return core, forms


@dataclass
class Name:
    """One name of an entity (or a query), in the forms that are compared."""

    text: str
    kind: str  # label, alias, hub (the name in a Hub id or a repository IRI), variant (a label without its brackets)
    words: list[str]
    key: str  # the words, legal forms in one form
    core: str  # the words without legal forms
    compact: str  # the key without spaces
    bag: frozenset | None  # the words without stopwords, as a set (None for names with numbers)
    numbers: tuple[str, ...]
    initials: str

    @classmethod
    def of(cls, text: str, kind: str) -> Name | None:
        written = tokens(text)
        if not written:
            return None
        words = one_spelling(written)
        core, forms = split_legal_form(words)
        key = " ".join(core + forms)
        numbers = tuple(sorted(w for w in words if w.isdigit()))
        content = [w for w in core if w not in STOPWORDS]
        bag = frozenset(content) if not numbers and len(content) > 1 else None
        spelt = [w for w in split_legal_form(written)[0] if w not in STOPWORDS]
        initials = "".join(w[0] for w in spelt if w.isalpha()) if len(spelt) > 1 else ""
        return cls(text, kind, words, key, " ".join(core), key.replace(" ", ""), bag, numbers, initials)


def variants(text: str) -> list[tuple[str, str]]:
    """(text, kind) of the names a label stands for: itself and, for ``MBPP (Mostly Basic
    Programming Problems)`` or ``German Research Center for AI (DFKI)``, the parts that are names.

    >>> variants("C4 (Colossal Clean Crawled Corpus)")
    [('C4 (Colossal Clean Crawled Corpus)', 'label'), ('C4', 'variant'), ('Colossal Clean Crawled Corpus', 'variant')]
    >>> variants("42 (hessian.AI)")
    [('42 (hessian.AI)', 'label'), ('42', 'variant')]
    """
    out = [(text, "label")]
    inner = _BRACKETS.findall(text)
    if not inner:
        return out
    outer = _BRACKETS.sub(" ", text).strip()
    if outer:
        out.append((outer, "variant"))
    for part in inner:
        part = part.strip()
        if part and (_acronym_like(part) or _acronym_like(outer)):
            out.append((part, "variant"))
    return out


def _acronym_like(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(_ACRONYM.match(text)) and bool(letters) and sum(c.isupper() for c in letters) * 2 >= len(letters)


def numbers_factor(asked: tuple[str, ...], named: tuple[str, ...]) -> float:
    """How much a fuzzy score keeps when the numbers differ: all (the same numbers), 0.8 when one
    side only leaves some out (``Mixtral 8x7B`` for ``Mixtral-8x7B-v0.1``), 0.55 when they
    disagree (``Llama 2 13B`` is not ``Llama 2 7B``).

    >>> numbers_factor(("7", "8"), ("0", "1", "7", "8")), numbers_factor(("13", "2"), ("2", "7"))
    (0.8, 0.55)
    """
    if asked == named:
        return 1.0
    a, n = Counter(asked), Counter(named)
    return 0.8 if not (a - n) or not (n - a) else 0.55


def _words(key: str) -> set[str]:
    """The words of a key that say what a thing is: not numbers, units or single letters (the
    numbers have their own rule)."""
    return {w for w in key.split() if len(w) > 1 and not w.isdigit()}


# --- the catalogue -----------------------------------------------------------------------

@dataclass
class Entity:
    iri: str
    type: str  # atlas class IRI
    label: str
    description: str | None = None
    names: list[Name] = field(default_factory=list)
    developers: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    licenses: list[str] = field(default_factory=list)
    hub_ids: list[str] = field(default_factory=list)
    same_as: list[str] = field(default_factory=list)  # skos:exactMatch IRIs


@dataclass(frozen=True)
class Property:
    iri: str
    name: str
    description: str
    aliases: tuple[str, ...]
    extend: bool  # offered by data extension
    entity_type: str | None = None  # class of entity values


PROPERTIES = (
    Property(str(ATLAS.developedBy), "developer", "the organisation that leads a project or made a model, dataset, "
             "benchmark, leaderboard or framework (atlas:developedBy): give its name or IRI",
             ("developer", "developedby", "developed by", "organisation", "organization", "maker"), True,
             str(ATLAS.Organization)),
    Property(str(ATLAS.country), "country", "where an organisation or compute resource is (atlas:country), for "
             "other entities where their developer is: give an ISO 3166 code (DE) or a name (Germany)",
             ("country", "nation", "country code"), True),
    Property(str(ATLAS.license), "licence", "the licence of a model, dataset or framework (atlas:license): give "
             "its SPDX id (Apache-2.0), name or IRI", ("license", "licence"), True, str(ATLAS.License)),
    Property(str(ATLAS.huggingFaceId), "Hugging Face id", "the Hub repo id (org/name) of a model, dataset or "
             "benchmark, or an organisation's Hub account (atlas:huggingFaceId)",
             ("huggingfaceid", "hugging face id", "hf", "hf id", "hub id", "hugging face"), True),
    Property(SKOS + "exactMatch", "same as (Wikidata, ROR, DOI)", "the entity's records in other datasets "
             "(skos:exactMatch): give a Wikidata id, a ROR id, a DOI or its IRI",
             ("exactmatch", "same as", "sameas", "wikidata", "ror", "doi", "identifier"), True),
)

ENTITY_NAMES = """
SELECT ?e ?p ?name WHERE {
  VALUES ?p { rdfs:label skos:prefLabel skos:altLabel }
  ?e ?p ?name . FILTER(isLiteral(?name))
}"""
ENTITY_FACTS = """
SELECT ?e ?p ?o WHERE {
  VALUES ?p { dcterms:description atlas:developedBy atlas:country atlas:license atlas:huggingFaceId skos:exactMatch
              atlas:sourceRepository }
  ?e ?p ?o .
}"""
COUNTRIES = """
SELECT ?c ?label ?code WHERE {
  ?c a atlas:Country . OPTIONAL { ?c skos:prefLabel ?label } OPTIONAL { ?c skos:notation ?code }
}"""
CLASSES = """
SELECT ?c ?label ?definition WHERE {
  VALUES ?c { %s }
  OPTIONAL { ?c rdfs:label ?label }
  OPTIONAL { ?c skos:definition ?definition }
}""" % " ".join(f"<{c}>" for c in KINDS.values())


@dataclass
class Candidate:
    entity: Entity
    score: float
    exact: bool
    name_score: float
    matched: str  # how the name matched: exact, spacing, variant, core, developer, acronym, fuzzy, identifier, properties
    features: dict = field(default_factory=dict)
    veto: bool = False  # a constraint contradicts it

    def as_json(self, types: dict[str, str], match: bool) -> dict:
        out = {"id": self.entity.iri, "name": self.entity.label}
        if self.entity.description:
            out["description"] = self.entity.description
        out["type"] = [{"id": self.entity.type, "name": types.get(self.entity.type, curie(self.entity.type))}]
        out["score"] = round(self.score, 2)
        out["match"] = match
        out["features"] = [{"id": "name", "value": round(self.name_score, 2)}, {"id": "exact", "value": self.exact}] + \
            [{"id": k, "value": v} for k, v in self.features.items()]
        return out


class Reconciler:
    """The atlas's entities with their names and the facts the constraints use, from one store."""

    def __init__(self, store: ox.Store):
        self.index = Index.from_store(store)
        self.type_definitions: dict[str, str] = {}  # class IRI -> skos:definition
        self.types = self._types(store)  # class IRI -> name
        self.entities: dict[str, Entity] = {iri: Entity(iri, cls_, label) for iri, (label, cls_) in self.index.entities.items()}
        self.countries = self._countries(store)  # country IRI -> (name, ISO code)
        self._load_names(store)
        self._load_facts(store)
        self.by_key: dict[str, list[tuple[Name, Entity]]] = defaultdict(list)
        self.by_compact: dict[str, list[tuple[Name, Entity]]] = defaultdict(list)
        self.by_core: dict[str, list[tuple[Name, Entity]]] = defaultdict(list)
        self.by_bag: dict[frozenset, list[tuple[Name, Entity]]] = defaultdict(list)
        self.by_initials: dict[str, list[tuple[Name, Entity]]] = defaultdict(list)
        for entity in self.entities.values():
            for name in entity.names:
                self.by_key[name.key].append((name, entity))
                self.by_compact[name.compact].append((name, entity))
                self.by_core[name.core].append((name, entity))
                if name.bag:
                    self.by_bag[name.bag].append((name, entity))
                if name.initials and name.kind in ("label", "alias"):
                    self.by_initials[name.initials].append((name, entity))
        self.developer_names = {iri: {n.core for n in e.names} | {" ".join(tokens(h)) for h in e.hub_ids if "/" not in h}
                                for iri, e in self.entities.items() if e.type == str(ATLAS.Organization)}
        self._resolved: dict[tuple[str, str], tuple[set[str], set[str]]] = {}

    # --- loading ---

    def _types(self, store: ox.Store) -> dict[str, str]:
        names: dict[str, str] = {}
        for s in store.query(CLASSES, prefixes=PREFIX_IRIS):
            iri = s["c"].value
            if s["label"] is not None and (s["label"].language in (None, "", "en") or iri not in names):
                names[iri] = s["label"].value
            if s["definition"] is not None:
                self.type_definitions[iri] = s["definition"].value
        return {str(c): names.get(str(c), str(c).rpartition("#")[2]) for c in KINDS.values()}

    def _countries(self, store: ox.Store) -> dict[str, tuple[str, str]]:
        out: dict[str, tuple[str, str]] = {}
        for s in store.query(COUNTRIES, prefixes=PREFIX_IRIS):
            iri = s["c"].value
            label = s["label"].value if s["label"] is not None and s["label"].language in (None, "", "en") else None
            code = s["code"].value if s["code"] is not None else iri.rpartition("-")[2]
            old = out.get(iri, (None, code))
            out[iri] = (label or old[0] or code, code)
        return out

    def _load_names(self, store: ox.Store) -> None:
        seen: dict[str, set[tuple[str, str]]] = defaultdict(set)
        for s in store.query(ENTITY_NAMES, prefixes=PREFIX_IRIS):
            entity = self.entities.get(s["e"].value)
            if entity is None:
                continue
            kind = "alias" if s["p"].value == SKOS + "altLabel" else "label"
            for text, variant_kind in variants(s["name"].value):
                self._add_name(entity, text, kind if variant_kind == "label" else variant_kind, seen)

    def _add_name(self, entity: Entity, text: str, kind: str, seen: dict) -> None:
        name = Name.of(text, kind)
        if name and (name.key, kind) not in seen[entity.iri]:
            seen[entity.iri].add((name.key, kind))
            entity.names.append(name)

    def _load_facts(self, store: ox.Store) -> None:
        descriptions: dict[str, list] = defaultdict(list)
        seen: dict[str, set] = defaultdict(set)
        for s in store.query(ENTITY_FACTS, prefixes=PREFIX_IRIS):
            entity = self.entities.get(s["e"].value)
            if entity is None:
                continue
            p, o = s["p"].value, s["o"]
            if p == DCTERMS + "description":
                descriptions[entity.iri].append(o)
            elif p == str(ATLAS.developedBy) and isinstance(o, ox.NamedNode):
                entity.developers.append(o.value)
            elif p == str(ATLAS.country) and isinstance(o, ox.NamedNode):
                entity.countries.append(o.value)
            elif p == str(ATLAS.license) and isinstance(o, ox.NamedNode):
                entity.licenses.append(o.value)
            elif p == str(ATLAS.huggingFaceId) and isinstance(o, ox.Literal):
                entity.hub_ids.append(o.value)
                if "/" in o.value and entity.type != str(ATLAS.Organization):
                    self._add_name(entity, o.value.partition("/")[2], "hub", seen)
            elif p == SKOS + "exactMatch" and isinstance(o, ox.NamedNode):
                entity.same_as.append(o.value)
            elif p == str(ATLAS.sourceRepository) and isinstance(o, ox.NamedNode):
                repository = o.value.rstrip("/").rpartition("/")[2].removesuffix(".git")
                if repository:  # what people call software: lm-evaluation-harness, llama.cpp
                    self._add_name(entity, repository, "hub", seen)
        for iri, found in descriptions.items():
            self.entities[iri].description = best_label(found)
        for entity in self.entities.values():
            for values in (entity.developers, entity.countries, entity.licenses, entity.hub_ids, entity.same_as):
                values.sort()

    # --- identifiers of types and properties ---

    def type_iri(self, given: str) -> str:
        """The class IRI a type id names: its IRI, ``atlas:Model``, ``Model`` or ``model``; BadQuery if none."""
        text = given.strip()
        for iri, name in self.types.items():
            local = iri.rpartition("#")[2]
            kind = next(k for k, c in KINDS.items() if str(c) == iri)
            if text in (iri, curie(iri)) or text.lower() in (local.lower(), name.lower(), kind):
                return iri
        raise BadQuery(f"unknown type {given!r}; types: " + ", ".join(curie(t) for t in self.types))

    def property(self, given: str) -> Property:
        """The property a property id names: its IRI, CURIE, local name or a plain name; BadQuery if none."""
        text = given.strip()
        plain = re.sub(r"[\s_-]+", " ", text.lower()).strip()
        for prop in PROPERTIES:
            local = re.split(r"[#/]", prop.iri)[-1]
            if text in (prop.iri, curie(prop.iri)) or plain in (local.lower(), prop.name.lower(), *prop.aliases):
                return prop
        raise BadQuery(f"unknown property {given!r}; properties: " + ", ".join(curie(p.iri) for p in PROPERTIES))

    # --- reconciliation ---

    def reconcile(self, query: dict) -> list[tuple[Candidate, bool]]:
        """(candidate, match) pairs for one reconciliation query, best first; BadQuery if malformed."""
        text, types, limit, constraints = self._read_query(query)
        scored = self._by_name(text) if text else {}
        if constraints and not text:
            scored = {iri: Candidate(e, 50.0, False, 0.0, "properties") for iri, e in self.entities.items()}
        if types:
            scored = {iri: c for iri, c in scored.items() if c.entity.type in types}
        for candidate in scored.values():
            self._constrain(candidate, constraints)
        if constraints and not text:  # only properties: keep what agrees with at least one
            scored = {iri: c for iri, c in scored.items() if any(v is True for v in c.features.values())}
        ranked = sorted(scored.values(), key=lambda c: (-c.score, -c.exact, c.entity.label.lower(), c.entity.iri))
        ranked = [c for c in ranked if c.score >= FUZZY_FLOOR or c.exact]
        match = bool(ranked) and ranked[0].exact and not ranked[0].veto and \
            (len(ranked) == 1 or ranked[0].score - ranked[1].score >= MATCH_GAP)
        return [(c, match and i == 0) for i, c in enumerate(ranked[:limit])]

    def _read_query(self, query) -> tuple[str, set[str], int, list[tuple[Property, list]]]:
        if not isinstance(query, dict):
            raise BadQuery("a reconciliation query is a JSON object")
        unknown = set(query) - {"query", "type", "limit", "properties", "type_strict"}
        if unknown:
            raise BadQuery(f"unknown field(s) in a reconciliation query: {', '.join(sorted(unknown))}")
        text = query.get("query")
        if text is not None and not isinstance(text, str):
            raise BadQuery("'query' is a string")
        text = (text or "").strip()
        if len(text) > MAX_QUERY_CHARS:
            raise BadQuery(f"'query' is longer than {MAX_QUERY_CHARS} characters")
        given_types = query.get("type") or []
        if isinstance(given_types, str):
            given_types = [given_types]
        if not isinstance(given_types, list) or not all(isinstance(t, str) for t in given_types):
            raise BadQuery("'type' is a type id or a list of them")
        types = {self.type_iri(t) for t in given_types}
        limit = query.get("limit", DEFAULT_LIMIT)
        if isinstance(limit, bool) or not isinstance(limit, (int, float)) or limit < 1 or limit != int(limit):
            raise BadQuery("'limit' is a positive integer")
        limit = min(int(limit), MAX_LIMIT)
        if query.get("type_strict") not in (None, "any", "should", "all"):
            raise BadQuery("'type_strict' is one of any, should, all")
        raw = query.get("properties", [])
        if not isinstance(raw, list):
            raise BadQuery("'properties' is a list of {pid, v} objects")
        constraints = []
        for item in raw:
            if not isinstance(item, dict) or "pid" not in item or "v" not in item or not isinstance(item["pid"], str):
                raise BadQuery("each property constraint is an object with 'pid' (a string) and 'v'")
            values = item["v"] if isinstance(item["v"], list) else [item["v"]]
            for v in values:
                if not (isinstance(v, (str, int, float, bool)) or (isinstance(v, dict) and isinstance(v.get("id"), str))):
                    raise BadQuery("a property value is a string, a number, a boolean or an object with an 'id'")
            values = [v for v in values if not (isinstance(v, str) and not v.strip())]
            if values:
                constraints.append((self.property(item["pid"]), values))
        if not text and not constraints:
            raise BadQuery("a reconciliation query needs a non-empty 'query' or at least one property")
        return text, types, limit, constraints

    def _by_name(self, text: str) -> dict[str, Candidate]:
        """Every entity ``text`` names, with its best name score."""
        best: dict[str, Candidate] = {}

        def offer(entity: Entity, score: float, how: str, exact: bool) -> None:
            old = best.get(entity.iri)
            if old is None or score > old.name_score:
                best[entity.iri] = Candidate(entity, score, exact, score, how)

        try:  # an identifier as query: "supplying an entity identifier as query should return it"
            for match in self.index.lookup(text):
                entity = self.entities[match.iri]
                offer(entity, GUESSED_IDENTIFIER if match.guessed else IDENTIFIER, "identifier", True)
        except BadIdentifier:
            pass
        query_names = [n for t, kind in variants(text) if (n := Name.of(t, "query" if kind == "label" else "variant"))]
        if not query_names:
            return best
        whole = query_names[0]
        for q in query_names:
            # a part of the query ("Microsoft" of "Microsoft (United States)") counts as a core match at most
            cap = EXACT if q is whole else CORE
            for name, entity in self.by_key.get(q.key, ()):
                level = EXACT if name.kind in ("label", "alias", "hub") else VARIANT
                offer(entity, min(level, cap), "exact" if level == EXACT else "variant", True)
            for name, entity in self.by_compact.get(q.compact, ()):
                offer(entity, min(SPACING, cap), "spacing", True)
            for name, entity in self.by_bag.get(q.bag, ()) if q.bag else ():
                offer(entity, min(SPACING, cap), "word order", True)
            for name, entity in self.by_core.get(q.core, ()):
                if entity.type == str(ATLAS.Organization):  # only organisations have legal forms
                    offer(entity, CORE, "core", True)
        # the developer's name before the label: "Google Gemma 7B", "meta llama 2 7b"
        for i in range(1, len(whole.words)):
            head, rest = " ".join(whole.words[:i]), " ".join(whole.words[i:])
            for name, entity in self.by_key.get(rest, ()):
                if any(head in self.developer_names.get(d, ()) for d in entity.developers):
                    offer(entity, DEVELOPER, "developer", False)
        # an acronym, written as one: "TII", "MBZUAI"
        if re.fullmatch(r"[A-Z][A-Z0-9&]{1,7}", text.strip()) and len(whole.words) == 1:
            for name, entity in self.by_initials.get(whole.words[0], ()):
                offer(entity, ACRONYM, "acronym", False)
        self._fuzzy(whole, offer)
        return best

    def _fuzzy(self, q: Name, offer) -> None:
        matcher = difflib.SequenceMatcher(autojunk=False)
        matcher.set_seq2(q.key)
        asked = _words(q.key)
        for key, named in self.by_key.items():
            matcher.set_seq1(key)
            if matcher.real_quick_ratio() < 0.6 or matcher.quick_ratio() < 0.6:
                continue
            ratio = matcher.ratio()
            if ratio < 0.6:
                continue
            # letters alone favour near-spellings of other words ("YAYI 2 Community License" for
            # "Llama 2 Community License"): the share of words in common counts as much
            words = _words(key)
            similarity = (ratio + (len(words & asked) / len(words | asked) if words | asked else ratio)) / 2
            for name, entity in named:
                offer(entity, FUZZY_CEILING * similarity * numbers_factor(q.numbers, name.numbers), "fuzzy", False)

    # --- constraints ---

    def _constrain(self, candidate: Candidate, constraints: list[tuple[Property, list]]) -> None:
        for prop, values in constraints:
            agrees = self._agrees(candidate.entity, prop, values)
            feature = curie(prop.iri)
            if agrees is None:
                continue
            candidate.features[feature] = agrees
            strong = prop.iri in (str(ATLAS.huggingFaceId), SKOS + "exactMatch")
            if agrees:
                candidate.score += AGREE_IDENTIFIER if strong else AGREE
                if strong and candidate.matched == "properties":
                    candidate.exact = True  # the identifier itself matched
            else:
                candidate.score = max(0.0, candidate.score + CONTRADICT)
                candidate.veto = True

    def _agrees(self, entity: Entity, prop: Property, values: list) -> bool | None:
        """True if a value agrees with the entity's, False if a value clearly names something else
        and none agrees, None if there is nothing to compare (the entity has no such value, or the
        value names nothing the atlas knows)."""
        if prop.iri in (str(ATLAS.developedBy), str(ATLAS.license)):
            have = set(entity.developers if prop.iri == str(ATLAS.developedBy) else entity.licenses)
            if not have:
                return None
            cls_ = str(ATLAS.Organization) if prop.iri == str(ATLAS.developedBy) else str(ATLAS.License)
            named = [self._resolve(v, cls_) for v in values]
            if any(have & loose for _, loose in named):
                return True
            return False if any(exact for exact, _ in named) else None
        if prop.iri == str(ATLAS.country):
            have = set(entity.countries) or {c for d in entity.developers if d in self.entities
                                             for c in self.entities[d].countries}
            named = {c for v in values if (c := self._country(v))}
            if not have or not named:
                return None
            return bool(have & named)
        # identifiers (the Hub id, records in other datasets): equal, or another id in the same dataset
        if prop.iri == str(ATLAS.huggingFaceId):
            have = {k for h in entity.hub_ids for k in stored_keys(prop.iri, ox.Literal(h))}
        else:
            have = {k for s in entity.same_as for k in stored_keys(prop.iri, ox.NamedNode(s))}
        given = set()
        for v in values:
            try:
                given |= {Key(k.scheme, k.value) for k in keys(v.get("id", "") if isinstance(v, dict) else str(v))}
            except BadIdentifier:
                pass
        if have & given:
            return True
        shared = {k.scheme for k in have} & {k.scheme for k in given} - {"iri"}
        return False if shared else None

    def _resolve(self, value, cls_: str) -> tuple[set[str], set[str]]:
        """(entities of class ``cls_`` that a value names exactly, those it may name): by IRI,
        identifier, name, or a name that holds all the words of theirs (``Google DeepMind``)."""
        if isinstance(value, dict):
            if value["id"] in self.entities:
                return {value["id"]}, {value["id"]}
            value = value.get("name") or value["id"]
        text = str(value).strip()
        cache_key = (text, cls_)
        if cache_key not in self._resolved:
            if len(self._resolved) > 10_000:
                self._resolved.clear()
            candidates = [c for c in self._by_name(text).values() if c.entity.type == cls_]
            exact = {c.entity.iri for c in candidates if c.exact}
            loose = exact | {c.entity.iri for c in candidates if c.name_score >= 60}
            words = {w for w in tokens(text) if w not in STOPWORDS}
            if words:
                for entity in self.entities.values():
                    if entity.type == cls_ and any(
                            (core := {w for w in n.core.split() if w not in STOPWORDS}) and (core <= words or words <= core)
                            for n in entity.names):
                        loose.add(entity.iri)
            self._resolved[cache_key] = (exact, loose)
        return self._resolved[cache_key]

    def _country(self, value) -> str | None:
        """The country IRI a value names: an IRI, an ISO 3166 code (DE) or a name (Germany, USA)."""
        text = (value.get("id") if isinstance(value, dict) else str(value)).strip()
        if text in self.countries:
            return text
        plain = " ".join(tokens(text))
        code = COUNTRY_ALIASES.get(plain, text.upper() if len(text) == 2 else None)
        for iri, (name, iso) in self.countries.items():
            if iso.upper() == (code or "") or " ".join(tokens(name)) == plain:
                return iri
        return None

    # --- batches, suggest, extension ---

    def reconcile_batch(self, batch) -> dict:
        """A reconciliation result batch for a reconciliation query batch (both as JSON values)."""
        if not isinstance(batch, dict):
            raise BadQuery("a reconciliation query batch is a JSON object of queries by id, e.g. "
                           '{"q0": {"query": "OLMo 2 7B", "type": "atlas:Model"}}')
        out = {}
        for qid, query in batch.items():
            try:
                pairs = self.reconcile(query)
            except BadQuery as err:
                raise BadQuery(f"query {qid!r}: {err}") from None
            out[qid] = {"result": [c.as_json(self.types, match) for c, match in pairs]}
        return out

    def suggest_entities(self, prefix: str, *, type: str | None = None, cursor: int = 0, limit: int = 10) -> dict:
        """Entities whose name (or a word of it) begins with ``prefix``, or that an identifier names."""
        q = Name.of(prefix, "query") if prefix.strip() else None
        wanted = self.type_iri(type) if type else None
        ranked: dict[str, tuple] = {}
        try:
            for m in self.index.lookup(prefix):
                ranked[m.iri] = (0, 0, m.label.lower())
        except BadIdentifier:
            pass
        if q:
            for entity in self.entities.values():
                for name in entity.names:
                    if name.key == q.key:
                        rank = 1
                    elif name.key.startswith(q.key) or name.compact.startswith(q.compact):
                        rank = 2 if name.kind in ("label", "alias") else 3
                    elif (" " + name.key).find(" " + q.key) >= 0:
                        rank = 4
                    else:
                        continue
                    old = ranked.get(entity.iri)
                    new = (rank, len(entity.label), entity.label.lower())
                    if old is None or new < old:
                        ranked[entity.iri] = new
        order = sorted((r, iri) for iri, r in ranked.items()
                       if wanted is None or self.entities[iri].type == wanted)
        result = []
        for _, iri in order[cursor:cursor + limit]:
            entity = self.entities[iri]
            item = {"id": iri, "name": entity.label}
            if entity.description:
                item["description"] = entity.description
            item["notable"] = [{"id": entity.type, "name": self.types[entity.type]}]
            result.append(item)
        return {"result": result}

    def suggest_types(self, prefix: str, *, cursor: int = 0, limit: int = 10) -> dict:
        text = prefix.strip().lower()
        found = []
        for iri, name in self.types.items():
            words = {name.lower(), iri.rpartition("#")[2].lower(), curie(iri).lower(), iri.lower()}
            if not text or any(w.startswith(text) or (" " + w).find(" " + text) >= 0 for w in words):
                item = {"id": iri, "name": name}
                if iri in self.type_definitions:
                    item["description"] = self.type_definitions[iri]
                found.append(item)
        found.sort(key=lambda t: t["name"].lower())
        return {"result": found[cursor:cursor + limit]}

    def suggest_properties(self, prefix: str, *, cursor: int = 0, limit: int = 10) -> dict:
        text = prefix.strip().lower()
        found = [{"id": p.iri, "name": p.name, "description": p.description} for p in PROPERTIES
                 if not text or any(w.startswith(text) for w in (p.name.lower(), curie(p.iri).lower(), p.iri.lower(), *p.aliases))]
        return {"result": found[cursor:cursor + limit]}

    def propose_properties(self, type: str | None, limit: int | None = None) -> dict:
        """The extension properties that entities of ``type`` have (all of them without a type)."""
        wanted = self.type_iri(type) if type else None
        have = {p.iri: False for p in PROPERTIES if p.extend}
        for entity in self.entities.values():
            if wanted and entity.type != wanted:
                continue
            for p, values in self._values(entity).items():
                have[p] = have[p] or bool(values)
        props = [{"id": p.iri, "name": p.name, "description": p.description}
                 for p in PROPERTIES if p.extend and have[p.iri]]
        out: dict = {"properties": props[:limit] if limit else props}
        if type is not None:
            out["type"] = type
        if limit is not None:
            out["limit"] = limit
        return out

    def _values(self, entity: Entity) -> dict[str, list[dict]]:
        """The data extension values of one entity, by property IRI."""
        def named(iris):
            return [{"id": i, "name": self.entities[i].label} if i in self.entities else {"id": i, "name": curie(i)}
                    for i in iris]
        return {
            str(ATLAS.developedBy): named(entity.developers),
            str(ATLAS.country): [{"str": self.countries.get(c, (None, c.rpartition("-")[2]))[1]} for c in entity.countries],
            str(ATLAS.license): named(entity.licenses),
            str(ATLAS.huggingFaceId): [{"str": h} for h in entity.hub_ids],
            SKOS + "exactMatch": [{"str": s} for s in entity.same_as],
        }

    def extend(self, query) -> dict:
        """A data extension response for a data extension query (both as JSON values)."""
        if not isinstance(query, dict) or not isinstance(query.get("ids"), list) or \
                not isinstance(query.get("properties"), list):
            raise BadQuery('a data extension query is {"ids": [...], "properties": [{"id": ...}, ...]}')
        if not all(isinstance(i, str) for i in query["ids"]):
            raise BadQuery("'ids' is a list of entity ids (atlas IRIs)")
        props = []
        for item in query["properties"]:
            if not isinstance(item, dict) or not isinstance(item.get("id"), str):
                raise BadQuery("each property of a data extension query is an object with an 'id'")
            prop = self.property(item["id"])
            if not prop.extend:
                raise BadQuery(f"{item['id']!r} is not offered by data extension")
            props.append((item["id"], prop))
        meta = []
        for given, prop in props:
            entry = {"id": given, "name": prop.name}
            if prop.entity_type:
                entry["type"] = {"id": prop.entity_type, "name": self.types[prop.entity_type]}
            meta.append(entry)
        rows = {}
        for iri in query["ids"]:
            entity = self.entities.get(iri)
            values = self._values(entity) if entity else {}
            rows[iri] = {given: values.get(prop.iri, []) for given, prop in props}
        return {"meta": meta, "rows": rows}

    def preview(self, iri: str) -> dict | None:
        """What a preview card shows of an entity, or None if the atlas has no such entity."""
        entity = self.entities.get(iri)
        if entity is None:
            return None
        return {
            "iri": iri,
            "label": entity.label,
            "type": self.types[entity.type],
            "description": entity.description,
            "aliases": sorted({n.text for n in entity.names if n.kind == "alias"}),
            "developers": [self.entities[d].label if d in self.entities else curie(d) for d in entity.developers],
            "countries": [self.countries.get(c, (curie(c), ""))[0] for c in entity.countries],
            "identifiers": entity.hub_ids + entity.same_as,
        }
