"""What the HTML pages show: the site's view of the atlas, its URL scheme, and the Jinja2
environment (autoescaped, templates and assets inside the package: the site works offline).

Queries here are the site's own, with every outside value bound by ``substitutions``
(never pasted into query text). Users' queries go through the worker pool instead.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import jinja2
import pyoxigraph as ox

from llm_atlas import __version__
from llm_atlas.namespaces import BASE, ID, KINDS, ONTOLOGY_IRI, PREFIX_IRIS, SPDX_LICENSES, VOCAB_IRI, curie
from llm_atlas.query import GRAPHS, best_label, read_checksums
from llm_atlas.serve.results import json_term

ASSERTED = BASE + "graph/asserted"
ONTOLOGY_GRAPH = BASE + "graph/ontology"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
ATLAS = ONTOLOGY_IRI + "#"
LABELS = (RDFS + "label", SKOS + "prefLabel")
DESCRIPTIONS = (DCTERMS + "description", RDFS + "comment", SKOS + "definition")
SOURCE = DCTERMS + "source"
# Outside identifiers held as plain values, and where each one resolves.
IDENTIFIERS = {
    ATLAS + "huggingFaceId": "https://huggingface.co/{}",
    ATLAS + "arxivId": "https://arxiv.org/abs/{}",
    ATLAS + "spdxId": "https://spdx.org/licenses/{}.html",
}
CROSSWALKS = (SKOS + "exactMatch", SKOS + "closeMatch", "http://schema.org/sameAs", ATLAS + "sourceRepository",
              "http://xmlns.com/foaf/0.1/page")  # foaf:page: the Hub page the build derives from a Hub id
XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
PLAIN_DATATYPES = {XSD + t for t in ("string", "integer", "decimal", "double", "boolean")}  # shown without a note
SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
SEARCH_LIMIT = 100



# --- IRIs and site paths -----------------------------------------------------------------

def entity_iri(kind: str, slug: str) -> str | None:
    """The IRI a site path names: ``model``/``alpha-7b`` -> …/id/model/alpha-7b; ``spdx``/``MIT`` -> SPDX."""
    if not SLUG.match(slug):
        return None
    if kind == "spdx":
        return str(SPDX_LICENSES) + slug
    return str(ID) + f"{kind}/{slug}" if kind in KINDS else None


def site_path(iri: str) -> str | None:
    """The site path of a page about ``iri`` (``page/model/x``, ``ontology#Model``), or None.

    >>> site_path("https://w3id.org/llm-atlas/id/project/alpha#motivation")
    'page/project/alpha#motivation'
    >>> site_path("http://spdx.org/licenses/MIT")
    'page/spdx/MIT'
    >>> site_path("https://example.org/x") is None
    True
    """
    entity, _, fragment = iri.partition("#")
    anchor = f"#{fragment}" if fragment else ""
    if entity.startswith(str(ID)):
        kind, _, slug = entity[len(str(ID)):].partition("/")
        if kind in KINDS and SLUG.match(slug):
            return f"page/{kind}/{slug}{anchor}"
    if entity.startswith(str(SPDX_LICENSES)) and SLUG.match(entity[len(str(SPDX_LICENSES)):]):
        return "page/spdx/" + entity[len(str(SPDX_LICENSES)):]
    if entity in (ONTOLOGY_IRI, VOCAB_IRI):
        return entity[len(BASE):] + anchor
    return None


def data_path(iri: str, suffix: str) -> str | None:
    """The site path of the RDF of an entity: ``data/model/x.ttl``."""
    path = site_path(iri)
    if path is None or not path.startswith("page/"):
        return None
    return "data/" + path[len("page/"):].split("#")[0] + suffix


class Urls:
    """Links from one page: absolute paths on the server, relative ``.html`` files in an export."""

    def __init__(self, *, prefix: str = "/", static_site: bool = False):
        self.prefix, self.static_site = prefix, static_site

    def page(self, path: str) -> str:
        """A link to the page at site path ``path`` ('' is home)."""
        path, _, anchor = path.partition("#")
        anchor = f"#{anchor}" if anchor else ""
        if self.static_site:
            return self.prefix + (path + ".html" if path else "index.html") + anchor
        return self.prefix + path + anchor

    def file(self, path: str) -> str:
        """A link to a file (data, downloads, static assets)."""
        return self.prefix + path

    def sparql(self, query: str, fmt: str) -> str | None:
        if self.static_site:
            return None
        return self.prefix + "sparql?" + "format=" + fmt + "&query=" + quote(query, safe="")


# --- views of terms ----------------------------------------------------------------------

@dataclass
class Value:
    text: str
    path: str | None = None  # a page of this site
    href: str | None = None  # an outside http(s) link
    note: str = ""  # datatype or language
    inferred: bool = False
    iri: str | None = None  # the IRI shown, for an IRI


def value_view(term: dict | None, label: str | None = None) -> Value:
    """A term (as a SPARQL-JSON dict) as the pages show it."""
    if term is None:
        return Value("")
    if term["type"] == "uri":
        iri = term["value"]
        path = site_path(iri)
        short = curie(iri)
        text = label or (iri if short.startswith("<") else short)
        if path:
            return Value(text, path=path, iri=iri)
        return Value(text, href=iri if iri.startswith(("http://", "https://")) else None, iri=iri)
    if term["type"] == "literal":
        datatype = term.get("datatype", XSD_STRING)
        note = term.get("xml:lang", "") or ("" if datatype in PLAIN_DATATYPES else curie(datatype))
        return Value(term["value"], note=note)
    if term["type"] == "bnode":
        return Value("_:" + term["value"])
    return Value(str(term.get("value")))


def _json(term) -> dict | None:
    return None if term is None else json_term(term)


def _subnode_title(props: dict[str, list[Value]]) -> str | None:
    """A title for a sub-node without a label, from its values by predicate IRI:
    "Assessment: Multi-organizational research institute (Curator judgement)"."""
    first = lambda iris: next((min(props[i], key=lambda v: v.inferred).text for i in iris if props.get(i)), None)
    kind, value, how = first([RDF + "type"]), first(SUBNODE_VALUE), first(SUBNODE_HOW)
    if not (kind or value):
        return None
    return f"{kind or ''}{': ' if kind and value else ''}{value or ''}{f' ({how})' if how else ''}"


# --- the site's view of the atlas --------------------------------------------------------

ENTITY_OUT = """
SELECT ?e ?p ?o ?label ?asserted WHERE {
  ?e ?p ?o .
  OPTIONAL { ?o rdfs:label|skos:prefLabel ?label }
  OPTIONAL { GRAPH <%s> { ?e ?p ?o } BIND(true AS ?asserted) }
}""" % ASSERTED

ENTITY_IN = """
SELECT ?e ?s ?p ?label ?asserted WHERE {
  ?s ?p ?e . FILTER(isIRI(?s))
  OPTIONAL { ?s rdfs:label|skos:prefLabel ?label }
  OPTIONAL { GRAPH <%s> { ?s ?p ?e } BIND(true AS ?asserted) }
} LIMIT 2000""" % ASSERTED
# What names a sub-node that has no label of its own: its type, the value it is about, and in
# brackets how (evidence level, derivation kind).
SUBNODE_VALUE = (ATLAS + "assessedValue", ATLAS + "baseModel")
SUBNODE_HOW = (ATLAS + "evidence", ATLAS + "derivationKind")

SUBNODES = """
SELECT ?e ?s ?p ?o ?label ?asserted WHERE {
  ?e ?q ?s . FILTER(isIRI(?s) && STRSTARTS(STR(?s), CONCAT(STR(?e), "#")))
  ?s ?p ?o .
  OPTIONAL { ?o rdfs:label|skos:prefLabel ?label }
  OPTIONAL { GRAPH <%s> { ?s ?p ?o } BIND(true AS ?asserted) }
}""" % ASSERTED

ENTITY_RDF = """
CONSTRUCT { ?e ?p ?o . ?s ?sp ?so } WHERE {
  { ?e ?p ?o }
  UNION
  { ?e ?q ?s . FILTER(isIRI(?s) && STRSTARTS(STR(?s), CONCAT(STR(?e), "#"))) ?s ?sp ?so }
}"""

SEARCH = """
SELECT ?q ?e ?label ?class WHERE {
  VALUES ?class { %s }
  ?e a ?class ; rdfs:label ?label .
  FILTER(CONTAINS(LCASE(STR(?label)), LCASE(STR(?q))))
} ORDER BY LCASE(STR(?label)) ?e LIMIT %d""" % (" ".join(f"<{c}>" for c in KINDS.values()), SEARCH_LIMIT)

BROWSE = """
SELECT ?class ?e ?label WHERE {
  ?e a ?class . OPTIONAL { ?e rdfs:label ?label }
} ORDER BY LCASE(STR(?label)) ?e"""

COUNTS = """
SELECT ?class (COUNT(DISTINCT ?e) AS ?n) WHERE {
  VALUES ?class { %s }
  ?e a ?class .
} GROUP BY ?class""" % " ".join(f"<{c}>" for c in KINDS.values())

TERMS = """
SELECT ?term ?kind ?p ?o WHERE {
  GRAPH <%s> {
    VALUES ?kind { owl:Class owl:ObjectProperty owl:DatatypeProperty owl:AnnotationProperty skos:ConceptScheme skos:Concept }
    ?term a ?kind . FILTER(isIRI(?term))
    OPTIONAL { ?term ?p ?o . FILTER(?p != rdf:type) }
  }
} ORDER BY ?term""" % ONTOLOGY_GRAPH

TERM_KINDS = {
    "http://www.w3.org/2002/07/owl#Class": "Classes",
    "http://www.w3.org/2002/07/owl#ObjectProperty": "Object properties",
    "http://www.w3.org/2002/07/owl#DatatypeProperty": "Datatype properties",
    "http://www.w3.org/2002/07/owl#AnnotationProperty": "Annotation properties",
    SKOS + "ConceptScheme": "Concept schemes",
    SKOS + "Concept": "Concepts",
}


@dataclass
class Entity:
    iri: str
    label: str
    types: list[Value]
    description: str | None
    properties: list[tuple[Value, list[Value]]]  # (predicate, values)
    subnodes: list[tuple[str, str, list[tuple[Value, list[Value]]]]]  # (anchor, label, properties)
    incoming: list[tuple[Value, Value]]  # (subject, predicate)
    sources: list[Value]
    identifiers: list[Value]


class Site:
    """The pages' read-only view of a built atlas (an Oxigraph store opened read-only)."""

    def __init__(self, store: ox.Store, *, dist: Path, config: dict, queries: Path | None = None):
        self.store, self.dist, self.config = store, Path(dist), config
        self.queries = queries
        self._counts = None

    def _select(self, text: str, **bind) -> list:
        subs = {ox.Variable(k): v for k, v in bind.items()}
        return list(self.store.query(text, prefixes=PREFIX_IRIS, substitutions=subs or None))

    def exists(self, iri: str) -> bool:
        return bool(self.store.query("ASK { ?e ?p ?o }", substitutions={ox.Variable("e"): ox.NamedNode(iri)}))

    def counts(self) -> list[tuple[str, str, int]]:
        """(folder kind, class curie, entities) for every kind."""
        if self._counts is None:
            found = {s["class"].value: int(s["n"].value) for s in self._select(COUNTS)}
            self._counts = [(kind, curie(cls), found.get(str(cls), 0)) for kind, cls in KINDS.items()]
        return self._counts

    def browse(self, kind: str) -> list[Value]:
        """Every entity of a kind, by label."""
        seen, out = set(), []
        for s in self._select(BROWSE, **{"class": ox.NamedNode(str(KINDS[kind]))}):
            if s["e"].value in seen or not isinstance(s["e"], ox.NamedNode):
                continue
            seen.add(s["e"].value)
            out.append(value_view(_json(s["e"]), s["label"].value if s["label"] else None))
        return out

    def search(self, text: str) -> list[tuple[Value, str]]:
        """Entities whose label contains ``text`` (any case), with their class."""
        seen, out = set(), []
        for s in self._select(SEARCH, q=ox.Literal(text)):
            if s["e"].value not in seen:
                seen.add(s["e"].value)
                out.append((value_view(_json(s["e"]), s["label"].value), curie(s["class"].value)))
        return out

    def rdf(self, iri: str) -> list:
        """The triples of an entity and of its ``#`` sub-nodes."""
        return list(self.store.query(ENTITY_RDF, prefixes=PREFIX_IRIS, substitutions={ox.Variable("e"): ox.NamedNode(iri)}))

    def entity(self, iri: str) -> Entity | None:
        node = ox.NamedNode(iri)
        out_rows = self._select(ENTITY_OUT, e=node)
        if not out_rows:
            return None
        props, labels, description, types, sources, identifiers = self._group(out_rows, "e")
        subs = defaultdict(list)
        for s in self._select(SUBNODES, e=node):
            subs[s["s"].value].append(s)
        subnodes, titles = [], {}
        for sub_iri, rows in sorted(subs.items()):
            sub_props, sub_labels, _, _, sub_sources, _ = self._group(rows, "s")
            sources += [v for v in sub_sources if v.href not in {x.href for x in sources}]
            by_predicate = {p.iri: values for p, values in sub_props}
            titles[site_path(sub_iri)] = title = sub_labels or _subnode_title(by_predicate) or curie(sub_iri)
            subnodes.append((sub_iri.partition("#")[2], title, sub_props))
        for _, values in props:  # links to a sub-node show its title, not its IRI
            for value in values:
                value.text = titles.get(value.path, value.text) if value.path else value.text
        return Entity(iri, labels or curie(iri), types, description, props, subnodes, self._incoming(node), sources, identifiers)

    def _incoming(self, node: ox.NamedNode) -> list[tuple[Value, Value]]:
        """One line per link to ``node``: the asserted predicate, not also its inferred super- and
        inverse properties (trainedOn, not also fair4ml:trainedOn and prov:used)."""
        by_subject: dict[str, dict] = defaultdict(lambda: {"label": None, "asserted": set(), "all": set()})
        for s in self._select(ENTITY_IN, e=node):
            if s["s"].value.startswith(node.value + "#"):
                continue
            entry = by_subject[s["s"].value]
            entry["label"] = entry["label"] or (s["label"].value if s["label"] else None)
            entry["all"].add(s["p"].value)
            if s["asserted"] is not None:
                entry["asserted"].add(s["p"].value)
        incoming = []
        for subject, entry in by_subject.items():
            shown = entry["asserted"] or {p for p in entry["all"] if p.startswith(ATLAS)} or entry["all"]
            for p in sorted(shown):
                incoming.append((value_view({"type": "uri", "value": subject}, entry["label"]), value_view({"type": "uri", "value": p})))
        incoming.sort(key=lambda pair: (pair[1].text, pair[0].text))
        return incoming

    def _group(self, rows, subject: str):
        """Group (subject, p, o, label, asserted) rows into the parts of an entity page."""
        values: dict[str, dict[str, tuple[object, list, bool]]] = defaultdict(dict)
        for s in rows:
            p, o = s["p"].value, s["o"]
            key = str(o)
            _, labels, asserted = values[p].get(key, (o, [], False))
            if s["label"] is not None:
                labels.append(s["label"])
            values[p][key] = (o, labels, asserted or s["asserted"] is not None)
        own_labels = [o for o, _, _ in (values.get(RDFS + "label", {}) | values.get(SKOS + "prefLabel", {})).values()]
        label = best_label(own_labels)
        description = next((best_label([o for o, _, _ in values[d].values()]) for d in DESCRIPTIONS if d in values), None)
        types, sources, identifiers, props = [], [], [], []
        for p in sorted(values, key=lambda p: (p != RDF + "type", curie(p))):
            shown = []
            for o, labels, asserted in sorted(values[p].values(), key=lambda v: str(v[0])):
                view = value_view(_json(o), best_label(labels))
                view.inferred = not asserted
                shown.append(view)
                if p == SOURCE:
                    sources.append(view)
                if p in IDENTIFIERS and isinstance(o, ox.Literal):
                    identifiers.append(Value(o.value, href=IDENTIFIERS[p].format(quote(o.value, safe="/")), note=curie(p)))
                if p in CROSSWALKS and view.href:
                    identifiers.append(Value(view.href, href=view.href, note=curie(p)))
            if p == RDF + "type":
                types = [v for v in shown]
            props.append((value_view({"type": "uri", "value": p}), shown))
        return props, label, description, types, sources, identifiers

    def terms(self, vocabulary: str) -> dict[str, list[dict]]:
        """Ontology terms (``ontology``) or SKOS concepts (``vocab``) by kind, each with its properties."""
        namespace = ATLAS if vocabulary == "ontology" else VOCAB_IRI + "#"
        terms: dict[str, dict] = {}
        for s in self._select(TERMS):
            iri = s["term"].value
            if not iri.startswith(namespace):
                continue
            term = terms.setdefault(iri, {"iri": iri, "anchor": iri[len(namespace):], "kind": set(), "props": defaultdict(list)})
            term["kind"].add(s["kind"].value)
            if s["p"] is not None:
                shown = value_view(_json(s["o"]))
                if shown not in term["props"][s["p"].value]:
                    term["props"][s["p"].value].append(shown)
        grouped: dict[str, list[dict]] = {title: [] for title in TERM_KINDS.values()}
        for term in terms.values():
            kind = next(k for k in TERM_KINDS if k in term["kind"])
            props = term.pop("props")
            term["label"] = next((v[0].text for p in LABELS if (v := props.get(p))), term["anchor"])
            term["definition"] = next((v[0].text for p in (SKOS + "definition", RDFS + "comment") if (v := props.get(p))), "")
            term["properties"] = [(value_view({"type": "uri", "value": p}), vs) for p, vs in sorted(props.items(), key=lambda kv: curie(kv[0]))
                                  if p not in LABELS and p not in (SKOS + "definition", RDFS + "comment")]
            grouped[TERM_KINDS[kind]].append(term)
        return {title: sorted(items, key=lambda t: t["anchor"].lower()) for title, items in grouped.items() if items}

    def downloads(self) -> list[dict]:
        """The dist/ files with sizes and SHA-256 checksums."""
        sums = read_checksums(self.dist)
        files = sorted(p for p in self.dist.iterdir() if p.is_file())
        return [{"name": p.name, "size": p.stat().st_size, "sha256": sums.get(p.name, "")} for p in files]


# --- competency questions ----------------------------------------------------------------

@dataclass
class Question:
    name: str
    summary: str
    tags: str
    text: str


def questions(folder: Path | None) -> list[Question]:
    """The competency questions in ``folder`` (queries/cq), with their ``#+`` headers."""
    out = []
    for path in sorted(Path(folder).glob("*.rq")) if folder and Path(folder).is_dir() else []:
        text = path.read_text(encoding="utf-8")
        header = dict(re.findall(r"^#\+\s*(\w+):\s*(.*)$", text, flags=re.M))
        out.append(Question(path.stem, header.get("summary", path.stem), header.get("tags", "").strip("[] "), text))
    return out


# --- templates ---------------------------------------------------------------------------

def environment() -> jinja2.Environment:
    """Jinja2 with autoescaping on for every template: text from the atlas is always escaped."""
    env = jinja2.Environment(loader=jinja2.PackageLoader("llm_atlas.serve", "templates"),
                             autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.globals["version"] = __version__
    env.globals["kinds"] = list(KINDS)
    env.globals["named_graphs"] = sorted(GRAPHS)
    env.filters["curie"] = curie
    return env
