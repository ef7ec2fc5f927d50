"""Who builds with whom: the atlas as networks (networkx), built by SPARQL from the built store.

Three networks:

- ``ecosystem``: projects, organisations, models, datasets, benchmarks, leaderboards,
  frameworks, compute resources and forums as typed nodes, atlas relations as typed edges;
- ``organizations``: organisations linked when they take part in the same project,
  collaboration or compute partnership, the shared items kept;
- ``projects``: projects linked by shared artefacts (datasets, benchmarks, frameworks,
  compute resources, forums), the shared items and their kinds kept.

Both projections are weighted as collaboration networks are (Newman 2001): a shared item
with n members adds 1/(n−1) to each pair's weight, so a 30-member consortium gives each member
a weighted degree of 1, not 29, and large consortia do not swamp degree and eigenvector
centrality. A node's weighted degree is then the number of shared items it takes part in
(with at least one partner). Betweenness uses 1/weight as the length of a link: strong ties
are short, so it finds the brokers between groups.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal
from fractions import Fraction
from itertools import combinations

import networkx as nx
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import PROV, RDF, XSD

from llm_atlas.namespaces import ATLAS, BASE, ID, curie
from llm_atlas.query import run_query

KINDS = ("ecosystem", "organizations", "projects")
ANALYTICS = Namespace(BASE + "analytics/")
RUN = URIRef(BASE + "analytics/run")

# Relations drawn in the ecosystem network.
ECOSYSTEM_RELATIONS = ["developedBy", "participant", "hasModel", "trainedOn", "evaluatedOn", "usesBenchmark",
                       "listedOn", "usesFramework", "derivedFrom", "communityForum", "operatedBy", "basedOnDataset", "memberOf"]
NODE_CLASSES = ["Project", "Organization", "Model", "Dataset", "Benchmark", "Leaderboard", "SoftwareFramework",
                "ComputeResource", "CommunityForum"]

NODES = """
SELECT ?node ?class ?label ?region ?model ?type WHERE {
    VALUES ?class { %s }
    ?node a ?class .
    OPTIONAL { ?node rdfs:label ?label FILTER (LANG(?label) = "en") }
    OPTIONAL { ?node atlas:organizationType ?type }
    OPTIONAL { ?node atlas:country/skos:broader ?region }
    OPTIONAL { ?node atlas:developedBy/atlas:country/skos:broader ?region }
    OPTIONAL { ?node atlas:organizationalModel ?model }
}""" % " ".join(f"atlas:{c}" for c in NODE_CLASSES)

EDGES = """
SELECT ?s ?relation ?o WHERE {
    VALUES ?p { %s }
    ?s ?p ?o .
    BIND (STRAFTER(STR(?p), "#") AS ?relation)
}""" % " ".join(f"atlas:{r}" for r in ECOSYSTEM_RELATIONS)

COMPUTE_EDGES = """
SELECT ?s ?relation ?o WHERE {
    { ?x atlas:supportsProject ?s ; atlas:computeResource ?o . BIND ("usesCompute" AS ?relation) }
    UNION
    { ?x atlas:supportsProject ?o ; atlas:computeProvider ?s . BIND ("providesCompute" AS ?relation) }
    UNION
    { ?x atlas:inProject ?o ; atlas:participant ?s . BIND ("collaboratesIn" AS ?relation) }
}"""

ORG_CONTEXTS = """
SELECT DISTINCT ?context ?org WHERE {
    { ?context a atlas:Project ; atlas:developedBy|atlas:participant ?org }
    UNION { ?context a atlas:Collaboration ; atlas:participant ?org }
    UNION { ?context a atlas:ComputePartnership ; atlas:computeProvider ?org }
    UNION { ?context a atlas:ComputePartnership ; atlas:supportsProject/atlas:developedBy ?org }
}"""

PROJECT_ARTEFACTS = """
SELECT DISTINCT ?project ?artefact ?kind WHERE {
    ?project a atlas:Project .
    { ?project atlas:hasModel/atlas:trainedOn ?artefact BIND ("dataset" AS ?kind) }
    UNION { ?project atlas:hasModel/atlas:evaluatedOn ?artefact BIND ("benchmark" AS ?kind) }
    UNION { ?project atlas:usesFramework ?artefact BIND ("framework" AS ?kind) }
    UNION { ?project atlas:hasModel/atlas:usesFramework ?artefact BIND ("framework" AS ?kind) }
    UNION { ?partnership atlas:supportsProject ?project ; atlas:computeResource ?artefact BIND ("compute" AS ?kind) }
    UNION { ?project atlas:communityForum ?artefact BIND ("forum" AS ?kind) }
}"""


def _value(term):
    return None if term is None else term.value


def _nodes(store) -> dict[str, dict]:
    """IRI -> attributes (kind, label, region, organizationalModel, organizationType) of every node-worthy entity."""
    nodes: dict[str, dict] = {}
    for row in run_query(store, NODES):
        iri = row["node"].value
        attrs = nodes.get(iri)
        if attrs is None:
            attrs = nodes[iri] = {"kind": row["class"].value.rsplit("#", 1)[1], "label": curie(iri)}
        if row["label"] is not None:
            attrs["label"] = row["label"].value
        for key, var in (("region", "region"), ("organizationalModel", "model"), ("organizationType", "type")):
            if row[var] is not None:
                attrs.setdefault(key, curie(row[var].value))
    return nodes


def _graph(nodes: dict[str, dict], keep) -> nx.Graph:
    g = nx.Graph()
    for iri in sorted(nodes):
        if keep(nodes[iri]):
            g.add_node(iri, **nodes[iri])
    return g


def ecosystem(store) -> nx.MultiDiGraph:
    nodes = _nodes(store)
    g = nx.MultiDiGraph()
    for iri in sorted(nodes):
        g.add_node(iri, **nodes[iri])
    edges = set()
    for query in (EDGES, COMPUTE_EDGES):
        for row in run_query(store, query):
            s, o = row["s"].value, row["o"].value
            if s in nodes and o in nodes:
                edges.add((s, o, row["relation"].value))
    for s, o, relation in sorted(edges):
        g.add_edge(s, o, key=relation, relation=relation)
    return g


WEIGHTING = "each shared item with n members adds 1/(n-1) to a pair's weight (Newman 2001)"


def _project(g: nx.Graph, members: dict[str, set]) -> None:
    """Link the members of each item pairwise with Newman's weight 1/(n-1); the items are kept
    as ``shared``. Weights are summed as fractions, so the result does not depend on order."""
    weights: dict[tuple, Fraction] = defaultdict(Fraction)
    shared: dict[tuple, list] = defaultdict(list)
    for item in sorted(members):
        inside = sorted(m for m in members[item] if m in g)
        for pair in combinations(inside, 2):
            weights[pair] += Fraction(1, len(inside) - 1)
            shared[pair].append(item)
    for (a, b), weight in sorted(weights.items()):
        g.add_edge(a, b, weight=round(float(weight), 6), shared=shared[(a, b)])


def organizations(store) -> nx.Graph:
    nodes = _nodes(store)
    members: dict[str, set] = defaultdict(set)
    for row in run_query(store, ORG_CONTEXTS):
        members[row["context"].value].add(row["org"].value)
    g = _graph(nodes, lambda a: a["kind"] == "Organization")
    _project(g, members)
    return g


def project_artefacts(store) -> dict[str, dict[str, str]]:
    """project IRI -> {artefact IRI: kind}."""
    out: dict[str, dict[str, str]] = defaultdict(dict)
    for row in run_query(store, PROJECT_ARTEFACTS):
        out[row["project"].value][row["artefact"].value] = row["kind"].value
    return out


def projects(store) -> nx.Graph:
    nodes = _nodes(store)
    uses = project_artefacts(store)
    g = _graph(nodes, lambda a: a["kind"] == "Project")
    users: dict[str, set] = defaultdict(set)
    for project, artefacts in uses.items():
        for artefact in artefacts:
            users[artefact].add(project)
    _project(g, users)
    for a, b, data in g.edges(data=True):
        data["kinds"] = sorted({uses[a][x] for x in data["shared"]})
    return g


def build_network(store, kind: str):
    if kind not in KINDS:
        raise ValueError(f"unknown network {kind!r}; use one of {', '.join(KINDS)}")
    return {"ecosystem": ecosystem, "organizations": organizations, "projects": projects}[kind](store)


# ---------------------------------------------------------------- analysis

def simple_graph(g) -> nx.Graph:
    """An undirected graph without parallel edges, its nodes numbered in sorted IRI order.

    Numbering matters: networkx's Louvain iterates over sets of nodes, and sets of strings are
    ordered by Python's per-process hash seed, so the same network gave different communities
    (and pictures) in two runs. Integers hash to themselves.
    """
    simple = nx.Graph()
    order = sorted(g)
    number = {n: i for i, n in enumerate(order)}
    simple.add_nodes_from((number[n], {**g.nodes[n], "iri": n}) for n in order)
    for a, b, data in sorted(g.edges(data=True), key=lambda e: (number[e[0]], number[e[1]])):
        if not simple.has_edge(number[a], number[b]):
            weight = data.get("weight", 1)
            simple.add_edge(number[a], number[b], weight=weight, distance=1 / weight)
    return simple


def metrics(g: nx.Graph) -> dict[str, dict]:
    """Per node: degree (partners), weightedDegree (Newman-weighted), betweenness (on 1/weight
    lengths), eigenvector (weighted), community (Louvain, seeded)."""
    simple = simple_graph(g)
    betweenness = nx.betweenness_centrality(simple, normalized=True, weight="distance")
    eigenvector = _eigenvector(simple)
    communities = nx.community.louvain_communities(simple, weight="weight", seed=0) if simple.number_of_edges() else [{n} for n in simple]
    community_of = {}
    for number, members in enumerate(sorted(communities, key=lambda c: (-len(c), min(c)))):
        for node in members:
            community_of[node] = number
    return {
        simple.nodes[n]["iri"]: {
            "degree": simple.degree(n),
            "weightedDegree": round(simple.degree(n, weight="weight"), 6),
            "betweenness": round(betweenness[n], 6),
            "eigenvector": round(eigenvector.get(n, 0.0), 6),
            "community": community_of[n],
        }
        for n in sorted(simple)
    }


def _eigenvector(g: nx.Graph) -> dict:
    """Eigenvector centrality per connected component (power iteration fails across components)."""
    out = {}
    for component in nx.connected_components(g):
        sub = g.subgraph(component)
        if sub.number_of_edges() == 0:
            out.update({n: 0.0 for n in sub})
            continue
        scale = len(component) / g.number_of_nodes()
        values = nx.eigenvector_centrality(sub, weight="weight", max_iter=10000, tol=1e-9)
        out.update({n: v * scale for n, v in values.items()})
    return out


def most_shared_artefacts(store, top: int = 10) -> list[tuple[str, str, int]]:
    """(artefact, kind, number of projects) for the artefacts that connect the most projects."""
    count: Counter = Counter()
    kinds = {}
    for artefacts in project_artefacts(store).values():
        for artefact, kind in artefacts.items():
            count[artefact] += 1
            kinds[artefact] = kind
    ranked = sorted(count.items(), key=lambda kv: (-kv[1], kv[0]))
    return [(a, kinds[a], n) for a, n in ranked[:top] if n >= 2]


def bridges(g: nx.Graph, attribute: str) -> Counter:
    """Weighted links between nodes whose ``attribute`` (region, organizationalModel) differs."""
    found: Counter = Counter()
    for a, b, data in g.edges(data=True):
        x, y = g.nodes[a].get(attribute), g.nodes[b].get(attribute)
        if x and y and x != y:
            found[tuple(sorted((x, y)))] += data.get("weight", 1)
    return found


# Public and private compute by ownership of the provider or of the machine's operator, as in
# cq24 (a state-owned company such as CSC is public whatever its legal form).
COMPUTE_BY_MODEL = """
SELECT ?model (COUNT(DISTINCT ?project) AS ?projects) (COUNT(DISTINCT ?public) AS ?withPublicCompute)
       (COUNT(DISTINCT ?private) AS ?withPrivateCompute) WHERE {
    ?project a atlas:Project ; atlas:organizationalModel ?model .
    OPTIONAL {
        ?partnership atlas:supportsProject ?project .
        { ?partnership atlas:computeProvider ?provider } UNION { ?partnership atlas:computeResource/atlas:operatedBy ?provider }
        ?provider atlas:ownership ?ownership .
        BIND (IF(?ownership = vocab:public-ownership, ?project, ?unbound) AS ?public)
        BIND (IF(?ownership = vocab:private-ownership, ?project, ?unbound) AS ?private)
    }
} GROUP BY ?model ORDER BY ?model"""


def compute_by_organizational_model(store) -> list[tuple[str, int, int, int]]:
    """(organisational model, projects, with public compute, with private compute)."""
    return [(curie(r["model"].value), int(r["projects"].value), int(r["withPublicCompute"].value),
             int(r["withPrivateCompute"].value)) for r in run_query(store, COMPUTE_BY_MODEL)]


# ---------------------------------------------------------------- the analytics graph

def analytics_graph(store, release_date: str) -> Graph:
    """Centralities and communities of the organisation and project networks, as RDF."""
    g = Graph(bind_namespaces="none")
    g.add((RUN, RDF.type, PROV.Activity))
    g.add((RUN, PROV.endedAtTime, Literal(f"{release_date}T00:00:00Z", datatype=XSD.dateTime)))
    for kind in ("organizations", "projects"):
        for node, m in metrics(build_network(store, kind)).items():
            subject = ANALYTICS[f"{kind}/{node[len(str(ID)):]}"]
            g.add((subject, RDF.type, ATLAS.NetworkMeasurement))
            g.add((subject, ATLAS.measuredEntity, URIRef(node)))
            g.add((subject, ATLAS.networkName, Literal(kind)))
            g.add((subject, ATLAS.degree, Literal(m["degree"])))
            g.add((subject, ATLAS.weightedDegree, Literal(Decimal(f"{m['weightedDegree']:.6f}"))))
            g.add((subject, ATLAS.betweennessCentrality, Literal(Decimal(f"{m['betweenness']:.6f}"))))
            g.add((subject, ATLAS.eigenvectorCentrality, Literal(Decimal(f"{m['eigenvector']:.6f}"))))
            g.add((subject, ATLAS.community, Literal(m["community"])))
            g.add((subject, PROV.wasGeneratedBy, RUN))
    return g


# ---------------------------------------------------------------- output

def export(g, fmt: str, path) -> None:
    """Write ``g`` for Gephi (graphml, gexf), notebooks (json) or spreadsheets (csv edge list)."""
    flat = _flatten(g)
    if fmt == "graphml":
        nx.write_graphml(flat, path)
    elif fmt == "gexf":
        nx.write_gexf(flat, path)
    elif fmt == "json":
        import json

        with open(path, "w", encoding="utf-8") as fh:
            json.dump(nx.node_link_data(flat, edges="links"), fh, indent=1, sort_keys=True, ensure_ascii=False)
    elif fmt == "csv":
        import csv

        with open(path, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(["source", "target", "relation", "weight", "shared"])
            for a, b, data in flat.edges(data=True):
                writer.writerow([curie(a), curie(b), data.get("relation", ""), data.get("weight", 1), data.get("shared", "")])
    else:
        raise ValueError(f"unknown export format {fmt!r}; use graphml, gexf, json or csv")


def _flatten(g):
    """A copy whose attribute values are strings or numbers (GraphML and GEXF allow nothing else)."""
    flat = g.__class__()
    for n, data in g.nodes(data=True):
        flat.add_node(n, **{k: v for k, v in data.items() if v is not None})
    for edge in g.edges(keys=True, data=True) if g.is_multigraph() else g.edges(data=True):
        *ends, data = edge
        data = {k: (" ".join(curie(x) for x in v) if isinstance(v, list) else v) for k, v in data.items()}
        if g.is_multigraph():
            flat.add_edge(ends[0], ends[1], key=ends[2], **data)
        else:
            flat.add_edge(*ends, **data)
    return flat


def format_summary(store, kind: str, top: int) -> str:
    g = build_network(store, kind)
    lines = [f"{kind} network: {g.number_of_nodes()} nodes, {g.number_of_edges()} edges"]
    if kind != "ecosystem":
        lines.append(f"weights: {WEIGHTING}; betweenness on 1/weight link lengths")
    m = metrics(g)
    lines.append(f"\ntop {top} by weighted degree:")
    lines.append(f"  {'node':40} {'partners':>8} {'weighted':>8} {'betweenness':>11} {'eigenvector':>11} {'community':>9}")
    for node in sorted(m, key=lambda n: (-m[n]["weightedDegree"], -m[n]["betweenness"], n))[:top]:
        x = m[node]
        lines.append(f"  {curie(node):40} {x['degree']:>8} {x['weightedDegree']:>8.2f} {x['betweenness']:>11.4f} {x['eigenvector']:>11.4f} {x['community']:>9}")
    communities = Counter(x["community"] for x in m.values())
    lines.append(f"\ncommunities: {len(communities)} (sizes {', '.join(str(c) for _, c in sorted(communities.items()))})")
    if kind != "ecosystem":
        for attribute in ("region", "organizationalModel"):
            found = bridges(g, attribute)
            if found:
                lines.append(f"\nlinks across {attribute}s:")
                lines.append(f"  {'one side':50} {'other side':50} {'weight':>7}")
                lines += [f"  {a:50} {b:50} {n:>7.2f}" for (a, b), n in found.most_common(top)]
    lines.append("\nmost-shared artefacts:")
    lines.append(f"  {'artefact':40} {'kind':10} {'projects':>8}")
    lines += [f"  {curie(a):40} {k:10} {n:>8}" for a, k, n in most_shared_artefacts(store, top)] or ["  (none shared)"]
    lines.append("\ncompute per organisational model:")
    lines.append(f"  {'organisational model':50} {'projects':>8} {'public':>7} {'private':>10}")
    lines += [f"  {m_:50} {p:>8} {pub:>7} {com:>10}" for m_, p, pub, com in compute_by_organizational_model(store)]
    return "\n".join(lines) + "\n"
