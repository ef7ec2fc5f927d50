"""The network pages: who builds with whom, as maps drawn server-side in SVG.

``Networks(store)`` turns the networks of :mod:`llm_atlas.network` (built by SPARQL from
the store the pages read) into what the templates draw: nodes placed by the community
layout of :mod:`llm_atlas.netplot`, sized by weighted degree, coloured by type, labelled
only when among the most connected; edges with what they share; the filters' values; the
top nodes by centrality and the most-shared artefacts. Everything is computed once, on
the first page that asks (the server's store is read-only, so it cannot go stale).

The maps work without script (every node is a link to its entity page, with a ``<title>``);
``static/netmap.js`` adds the hover label and the filters, which read the nodes'
``data-kind``, ``data-region`` and ``data-model`` attributes.
"""

from __future__ import annotations

import math
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import networkx as nx

from llm_atlas import network, netplot
from llm_atlas.namespaces import BASE, PREFIXES, curie
from llm_atlas.query import run_query
from llm_atlas.serve.pages import site_path

# network -> (page title, what the colour and the type filter show)
MAPS = {
    "organizations": ("Organisations", "organisation type"),
    "projects": ("Projects", "organisational model"),
    "ecosystem": ("Ecosystem", "class"),
}
ABOUT = {
    "organizations": "Organisations are linked when they take part in the same project, collaboration or compute "
                     "partnership; the more they share, the thicker the link.",
    "projects": "Projects are linked by the artefacts they share: datasets, benchmarks, frameworks, compute "
                "resources and forums; the more they share, the thicker the link.",
    "ecosystem": "Every project, organisation, model, dataset, benchmark, leaderboard, framework, compute resource "
                 "and forum, linked by the atlas's relations (developed by, trained on, evaluated on, …).",
}
SIZE = {"organizations": (1000, 720), "projects": (1000, 640), "ecosystem": (1200, 900)}
LABELLED = {"organizations": 16, "projects": 16, "ecosystem": 24}  # nodes labelled on the map
TOP = 15  # rows of the centrality and shared-artefact tables
MARGIN = 30
LABEL_CHARS = 28
LABEL_EM = 6.6  # width of a label character at the maps' font size, roughly
NONE = "none"  # the filters' value for "not recorded"
GREY = "#9aa3b2"
STRIP_STEP = 18  # spacing of the row of nodes linked to no other
NEIGHBOURS_MAX = 40
NEIGHBOURHOOD_WIDTH = 880
RING_MAX = 10  # more neighbours than this are drawn in two columns
COLUMN_X = 250
ROW = 22
COLOURS = [c for c in netplot.PALETTE if c != "#666666"]  # grey is for "not recorded"
CLASS_COLOURS = {c: COLOURS[i % len(COLOURS)] for i, c in enumerate(network.NODE_CLASSES)}

LABELS = """
SELECT ?c ?label WHERE {
  { ?c a skos:Concept ; skos:prefLabel ?label }
  UNION { GRAPH <%sgraph/ontology> { ?c a owl:Class ; rdfs:label ?label } }
  UNION { ?c a ?class ; rdfs:label ?label . FILTER(STRSTARTS(STR(?c), "%sid/")) }
  FILTER(LANG(?label) IN ("en", ""))
}""" % (BASE, BASE)

ORGANIZATION_TYPES = """
SELECT DISTINCT ?org ?type WHERE { ?org a atlas:Organization ; atlas:organizationType ?type }"""

# Organisations and models have no organisational model of their own: they take those of
# the projects they are part of (a project's own comes from its assessment).
ORGANIZATIONAL_MODELS = """
SELECT DISTINCT ?node ?model WHERE {
  { ?node a atlas:Project ; atlas:organizationalModel ?model }
  UNION
  { ?project a atlas:Project ; atlas:organizationalModel ?model ; atlas:developedBy|atlas:participant|atlas:hasModel ?node }
}"""


@dataclass
class Node:
    iri: str
    label: str
    path: str | None  # the entity page
    kind: str  # the type filter's value
    region: str
    models: list[str]
    colour: str
    kind_text: str = ""  # the type, in words
    x: float = 0.0
    y: float = 0.0
    r: float = 4.0
    labelled: bool = False
    centre: bool = False
    place: str = "right"  # where the label sits: right, left, above or below the node
    measures: dict = field(default_factory=dict)

    @property
    def short(self) -> str:
        return self.label if len(self.label) <= LABEL_CHARS else self.label[:LABEL_CHARS - 1] + "…"

    @property
    def anchor(self) -> str:
        return {"right": "start", "left": "end"}.get(self.place, "middle")

    @property
    def label_x(self) -> float:
        return round(self.x + (self.r + 3) * {"right": 1, "left": -1}.get(self.place, 0), 1)

    @property
    def label_y(self) -> float:
        return round(self.y + {"above": -self.r - 4, "below": self.r + 13}.get(self.place, 4), 1)


@dataclass
class Edge:
    a: int
    b: int
    x1: float
    y1: float
    x2: float
    y2: float
    width: float
    title: str


@dataclass
class Filter:
    key: str  # kind, region, model: the nodes' data-<key> attribute
    label: str
    options: list[tuple[str, str, int]]  # (value, label, nodes)


@dataclass
class Map:
    name: str
    title: str
    nodes: list[Node]
    edges: list[Edge]
    width: int
    height: int
    colour_by: str
    legend: list[tuple[str, str]]  # (label, colour)
    filters: list[Filter] = field(default_factory=list)
    top: list[Node] = field(default_factory=list)
    more: int = 0  # neighbours left off a neighbourhood map
    strip: tuple[float, str] | None = None  # (y, caption) of the row of nodes linked to no other


def path(name: str) -> str:
    """The site path of a network page.

    >>> path("organizations"), path("projects"), path("ecosystem")
    ('network', 'network/projects', 'network/ecosystem')
    """
    return "network" if name == "organizations" else f"network/{name}"


def context(networks: "Networks", name: str) -> dict:
    """What the network page of ``name`` shows."""
    the_map = networks.map(name)
    return {"title": f"Network: {MAPS[name][0].lower()}", "map": the_map, "maps": MAPS, "about": ABOUT[name],
            "paths": {n: path(n) for n in MAPS}, "shared": networks.shared_artefacts()}


class Networks:
    """The maps of one store, each computed once, on first use (thread-safe)."""

    def __init__(self, store):
        self.store = store
        self._lock = threading.RLock()
        self._cache: dict = {}

    def _once(self, key, compute):
        with self._lock:
            if key not in self._cache:
                self._cache[key] = compute()
            return self._cache[key]

    # --- what the atlas says about the nodes -------------------------------------------------

    @property
    def labels(self) -> dict[str, str]:
        def compute():
            found = {}
            for row in run_query(self.store, LABELS):
                iri, label = row["c"].value, row["label"]
                if iri not in found or label.language == "en":
                    found[iri] = label.value
            return found
        return self._once("labels", compute)

    def label(self, iri: str) -> str:
        return self.labels.get(iri) or curie(iri)

    @property
    def organization_types(self) -> dict[str, list[str]]:
        def compute():
            found = defaultdict(list)
            for row in run_query(self.store, ORGANIZATION_TYPES):
                found[row["org"].value].append(curie(row["type"].value))
            return {k: sorted(v) for k, v in found.items()}
        return self._once("types", compute)

    @property
    def organizational_models(self) -> dict[str, list[str]]:
        def compute():
            found = defaultdict(set)
            for row in run_query(self.store, ORGANIZATIONAL_MODELS):
                found[row["node"].value].add(curie(row["model"].value))
            return {k: sorted(v) for k, v in found.items()}
        return self._once("models", compute)

    @property
    def ecosystem(self) -> nx.MultiDiGraph:
        return self._once("ecosystem", lambda: network.build_network(self.store, "ecosystem"))

    def shared_artefacts(self) -> list[tuple[Node, str, int]]:
        """(artefact, kind, projects connected) for the most-shared artefacts."""
        def compute():
            out = []
            for iri, kind, count in network.most_shared_artefacts(self.store, TOP):
                out.append((self._node(iri, kind=kind, colour=GREY), kind, count))
            return out
        return self._once("shared", compute)

    # --- maps ----------------------------------------------------------------------------------

    def map(self, name: str) -> Map:
        """The map of the ``organizations``, ``projects`` or ``ecosystem`` network."""
        if name not in MAPS:
            raise KeyError(name)
        return self._once(("map", name), lambda: self._map(name))

    def _kind(self, name: str, iri: str, attrs: dict) -> list[str]:
        """The values a node's type filter and colour go by."""
        if name == "organizations":
            return self.organization_types.get(iri, [])
        if name == "projects":
            return self.organizational_models.get(iri, [])
        return [attrs["kind"]]

    def _kind_label(self, value: str) -> str:
        if ":" in value:
            return self.label(_expand(value))
        return self.label(BASE + "ontology#" + value)

    def _node(self, iri: str, *, kind: str, colour: str, attrs: dict | None = None) -> Node:
        attrs = attrs if attrs is not None else (self.ecosystem.nodes[iri] if iri in self.ecosystem else {})
        return Node(iri=iri, label=attrs.get("label") or self.label(iri), path=site_path(iri), kind=kind,
                    region=attrs.get("region") or NONE, models=self.organizational_models.get(iri, []) or [NONE],
                    colour=colour)

    def _map(self, name: str) -> Map:
        g = self.ecosystem if name == "ecosystem" else network.build_network(self.store, name)
        measures = network.metrics(g)
        simple = nx.Graph(g.to_undirected()) if g.is_directed() or g.is_multigraph() else g
        # Nodes linked to nothing would make a ring of their own around the map: they get a row below it.
        isolated = sorted((n for n in simple if simple.degree(n) == 0), key=lambda n: (g.nodes[n]["label"].lower(), n))
        linked = simple.subgraph(n for n in simple if simple.degree(n))
        width, height = SIZE[name]
        placed = _fit(netplot.layout(linked, measures), width, height)
        per_row = (width - 2 * MARGIN) // STRIP_STEP
        strip = None
        if isolated:
            strip = height + 6
            for i, iri in enumerate(isolated):
                placed[iri] = (MARGIN + 6 + (i % per_row) * STRIP_STEP, strip + 22 + (i // per_row) * STRIP_STEP)
            height = strip + 22 + math.ceil(len(isolated) / per_row) * STRIP_STEP
        kinds = {n: self._kind(name, n, g.nodes[n]) for n in simple}
        values = sorted({k for ks in kinds.values() for k in ks}, key=lambda v: self._kind_label(v).lower())
        colour = CLASS_COLOURS if name == "ecosystem" else {v: COLOURS[i % len(COLOURS)] for i, v in enumerate(values)}
        order = sorted(simple, key=lambda n: (-measures[n]["weightedDegree"], -measures[n]["betweenness"], n))
        nodes, index = [], {}
        for iri in sorted(simple, key=lambda n: (measures[n]["weightedDegree"], n)):  # big nodes drawn last, on top
            ks = kinds[iri] or [NONE]
            node = self._node(iri, kind=" ".join(ks), colour=colour.get(ks[0], GREY), attrs=g.nodes[iri])
            node.kind_text = ", ".join("not recorded" if k == NONE else self._kind_label(k) for k in ks)
            node.x, node.y = placed[iri]
            node.r = round(min(3.5 + 1.6 * math.sqrt(measures[iri]["weightedDegree"]), 16), 1)
            node.measures = measures[iri]
            index[iri] = len(nodes)
            nodes.append(node)
        _spread([nodes[index[n]] for n in linked], width, SIZE[name][1])
        placed = {n: (nodes[index[n]].x, nodes[index[n]].y) for n in simple}
        _place_labels([nodes[index[n]] for n in order[:3 * LABELLED[name]] if n not in isolated], width, LABELLED[name])
        edges = []
        for a, b in sorted(simple.edges()):
            if name == "ecosystem":
                relations = sorted({d["relation"] for d in g.get_edge_data(a, b, default={}).values()} |
                                   {d["relation"] for d in g.get_edge_data(b, a, default={}).values()})
                weight, title = 1, f"{nodes[index[a]].label} — {nodes[index[b]].label}: {', '.join(relations)}"
            else:
                data = g[a][b]
                weight = data["weight"]
                title = f"{nodes[index[a]].label} — {nodes[index[b]].label}: " + ", ".join(self.label(x) for x in data["shared"])
            edges.append(Edge(index[a], index[b], *placed[a], *placed[b], width=round(0.6 + 0.5 * min(weight, 8), 1), title=title))
        legend = [(self._kind_label(v), colour[v]) for v in values]
        if any(not kinds[n] for n in simple):
            legend.append(("not recorded", GREY))
        filters = self._filters(name, nodes)
        top = [nodes[index[n]] for n in order[:TOP]]
        title, colour_by = MAPS[name]
        return Map(name, title, nodes, edges, width, height, colour_by, legend, filters, top,
                   strip=(strip, f"linked to no other ({len(isolated)})") if strip else None)

    def _filters(self, name: str, nodes: list[Node]) -> list[Filter]:
        """Type, region and organisational model, each with the values found (two or more)."""
        out = []
        for key, label, values in (("kind", "Type" if name != "projects" else "Organisational model", lambda n: n.kind.split()),
                                   ("region", "Region", lambda n: [n.region]),
                                   ("model", "Organisational model", lambda n: n.models)):
            if name == "projects" and key == "model":
                continue  # the projects' type is their organisational model
            count = Counter(v for n in nodes for v in set(values(n)))
            if len(count) < 2:
                continue
            options = sorted(((v, "not recorded" if v == NONE else self._kind_label(v), c) for v, c in count.items()),
                             key=lambda o: (o[0] == NONE, o[1].lower()))
            out.append(Filter(key, label, options))
        return out

    # --- one entity's neighbourhood --------------------------------------------------------------

    def neighbourhood(self, iri: str) -> Map | None:
        """The entity and its direct neighbours in the ecosystem network, or None if it has none."""
        return self._once(("near", iri), lambda: self._neighbourhood(iri))

    def _neighbourhood(self, iri: str) -> Map | None:
        g = self.ecosystem
        if iri not in g:
            return None
        relations = defaultdict(set)  # neighbour -> (relation, outgoing?)
        for _, other, rel in g.out_edges(iri, keys=True):
            relations[other].add((rel, True))
        for other, _, rel in g.in_edges(iri, keys=True):
            relations[other].add((rel, False))
        relations.pop(iri, None)
        if not relations:
            return None
        degree = {n: g.degree(n) for n in relations}
        kept = sorted(relations, key=lambda n: (-degree[n], n))[:NEIGHBOURS_MAX]
        kept.sort(key=lambda n: (g.nodes[n]["kind"], g.nodes[n].get("label", n).lower(), n))
        kinds = sorted({g.nodes[n]["kind"] for n in kept} | {g.nodes[iri]["kind"]}, key=lambda k: self._kind_label(k).lower())
        colour = CLASS_COLOURS
        # A few neighbours on an ellipse; more in two columns, left and right, labels outwards.
        columns = len(kept) > RING_MAX
        half = math.ceil(len(kept) / 2)
        width = NEIGHBOURHOOD_WIDTH
        height = max(220, 40 + ROW * half) if columns else 300
        cx, cy = width / 2, height / 2
        centre = self._node(iri, kind=g.nodes[iri]["kind"], colour=colour.get(g.nodes[iri]["kind"], GREY))
        centre.x, centre.y, centre.r, centre.labelled, centre.centre, centre.place = cx, cy, 11, True, True, "below"
        nodes, edges = [centre], []
        for i, other in enumerate(kept):
            node = self._node(other, kind=g.nodes[other]["kind"], colour=colour.get(g.nodes[other]["kind"], GREY))
            if columns:
                left = i < half
                row = i if left else i - half
                rows = half if left else len(kept) - half
                node.x = COLUMN_X if left else width - COLUMN_X
                node.y = round(cy + (row - (rows - 1) / 2) * ROW, 1)
                node.place = "left" if left else "right"
            else:
                angle = 2 * math.pi * i / len(kept) - math.pi / 2
                node.x, node.y = round(cx + 230 * math.cos(angle), 1), round(cy + 110 * math.sin(angle), 1)
                node.place = "left" if node.x < cx - 1 else "right"
            node.r, node.labelled = 6, True
            title = "; ".join(f"{centre.label} {rel} {node.label}" if out else f"{node.label} {rel} {centre.label}"
                              for rel, out in sorted(relations[other], key=lambda r: (not r[1], r[0])))
            edges.append(Edge(0, len(nodes), cx, cy, node.x, node.y, 1.2, title))
            nodes.append(node)
        legend = [(self._kind_label(k), colour[k]) for k in kinds]
        return Map("near", centre.label, nodes, edges, width, height, "class", legend, more=len(relations) - len(kept))


def _spread(nodes: list[Node], width: float, height: float, rounds: int = 40) -> None:
    """Nudge overlapping nodes apart (the layout puts a dense community's nodes on top of
    each other), keeping them inside the picture; positions otherwise stay as laid out."""
    cell = 2 * max((n.r for n in nodes), default=1) + 2
    for _ in range(rounds):
        grid = defaultdict(list)
        for i, n in enumerate(nodes):
            grid[int(n.x // cell), int(n.y // cell)].append(i)
        moved = False
        for (gx, gy), members in grid.items():
            near = [j for dx in (-1, 0, 1) for dy in (-1, 0, 1) for j in grid.get((gx + dx, gy + dy), ())]
            for i in members:
                a = nodes[i]
                for j in near:
                    if j <= i:
                        continue
                    b = nodes[j]
                    dx, dy = b.x - a.x, b.y - a.y
                    distance = math.hypot(dx, dy)
                    gap = a.r + b.r + 2 - distance
                    if gap > 0:
                        if distance < 1e-6:
                            dx, dy, distance = 1.0, 0.0, 1.0
                        push = gap / 2 / distance
                        a.x, a.y, b.x, b.y = a.x - dx * push, a.y - dy * push, b.x + dx * push, b.y + dy * push
                        moved = True
        for n in nodes:
            n.x = round(min(max(n.x, n.r + 2), width - n.r - 2), 1)
            n.y = round(min(max(n.y, n.r + 2), height - n.r - 2), 1)
        if not moved:
            break


def _place_labels(candidates: list[Node], width: float, limit: int) -> None:
    """Label up to ``limit`` of ``candidates`` (most important first), beside, above or below
    the node, where the label covers no other label nor labelled node (it may cover a minor
    node: labels are drawn on top, with a halo); the rest show their label on hover."""
    taken: list[tuple[float, float, float, float]] = []  # labels and labelled nodes

    def free(box):
        return not any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in taken)

    placed = 0
    for node in candidates:
        if placed == limit:
            break
        w = LABEL_EM * len(node.short) + 2
        x, y, r = node.x, node.y, node.r
        circle = (x - r, y - r, x + r, y + r)
        if not free(circle):
            continue
        for place, box in (("right", (x + r + 3, y - 10, x + r + 3 + w, y + 5)),
                           ("left", (x - r - 3 - w, y - 10, x - r - 3, y + 5)),
                           ("above", (x - w / 2, y - r - 16, x + w / 2, y - r - 1)),
                           ("below", (x - w / 2, y + r + 1, x + w / 2, y + r + 16))):
            if 0 <= box[0] and box[2] <= width and 0 <= box[1] and free(box):
                taken += [box, circle]
                node.labelled, node.place = True, place
                placed += 1
                break


def _expand(value: str) -> str:
    """The IRI of a ``vocab:…`` curie as the network module writes them."""
    prefix, _, local = value.partition(":")
    return str(PREFIXES[prefix]) + local if prefix in PREFIXES else value


def _fit(positions: dict, width: int, height: int) -> dict:
    """Layout positions scaled into the picture, keeping the aspect ratio, y pointing down."""
    if not positions:
        return {}
    xs = [p[0] for p in positions.values()]
    ys = [p[1] for p in positions.values()]
    span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
    scale = min((width - 2 * MARGIN - 120) / span_x, (height - 2 * MARGIN) / span_y)
    off_x = (width - scale * span_x) / 2
    off_y = (height - scale * span_y) / 2
    return {n: (round(off_x + (x - min(xs)) * scale, 1), round(off_y + (max(ys) - y) * scale, 1))
            for n, (x, y) in positions.items()}
