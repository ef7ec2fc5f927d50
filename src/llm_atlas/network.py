"""Who builds with whom: the atlas as networks (networkx), built by SPARQL from the built store.

Three networks:

- ``ecosystem``: projects, organisations, models, datasets, benchmarks, leaderboards,
  frameworks, compute resources and forums as typed nodes, atlas relations as typed edges;
- ``organizations``: organisations linked when they take part in the same project,
  collaboration or compute partnership, weighted by how many, the shared items kept;
- ``projects``: projects linked by shared artefacts (datasets, benchmarks, frameworks,
  compute resources, forums), weighted, the shared items and their kinds kept.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal
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
SELECT ?node ?class ?label ?region ?model WHERE {
    VALUES ?class { %s }
    ?node a ?class .
    OPTIONAL { ?node rdfs:label ?label FILTER (LANG(?label) = "en") }
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
    """IRI -> attributes (kind, label, region, organizationalModel) of every node-worthy entity."""
    nodes: dict[str, dict] = {}
    for row in run_query(store, NODES):
        iri = row["node"].value
        attrs = nodes.get(iri)
        if attrs is None:
            attrs = nodes[iri] = {"kind": row["class"].value.rsplit("#", 1)[1], "label": curie(iri)}
        if row["label"] is not None:
            attrs["label"] = row["label"].value
        for key, var in (("region", "region"), ("organizationalModel", "model")):
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


def organizations(store) -> nx.Graph:
    nodes = _nodes(store)
    members: dict[str, set] = defaultdict(set)
    for row in run_query(store, ORG_CONTEXTS):
        members[row["context"].value].add(row["org"].value)
    g = _graph(nodes, lambda a: a["kind"] == "Organization")
    for context in sorted(members):
        for a, b in combinations(sorted(members[context]), 2):
            if g.has_edge(a, b):
                g[a][b]["weight"] += 1
                g[a][b]["shared"].append(context)
            else:
                g.add_edge(a, b, weight=1, shared=[context])
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
    for a, b in combinations(sorted(uses), 2):
        shared = sorted(set(uses[a]) & set(uses[b]))
        if shared:
            g.add_edge(a, b, weight=len(shared), shared=shared, kinds=sorted({uses[a][x] for x in shared}))
    return g


def build_network(store, kind: str):
    if kind not in KINDS:
        raise ValueError(f"unknown network {kind!r}; use one of {', '.join(KINDS)}")
    return {"ecosystem": ecosystem, "organizations": organizations, "projects": projects}[kind](store)


# ---------------------------------------------------------------- analysis

def metrics(g: nx.Graph) -> dict[str, dict]:
    """Per node: degree, weightedDegree, betweenness, eigenvector, community."""
    simple = nx.Graph(g) if g.is_multigraph() or g.is_directed() else g
    if simple.is_directed():
        simple = simple.to_undirected()
    betweenness = nx.betweenness_centrality(simple, normalized=True)
    eigenvector = _eigenvector(simple)
    communities = nx.community.louvain_communities(simple, weight="weight", seed=0) if simple.number_of_edges() else [{n} for n in simple]
    community_of = {}
    for number, members in enumerate(sorted(communities, key=lambda c: (-len(c), sorted(c)[0]))):
        for node in members:
            community_of[node] = number
    return {
        n: {
            "degree": simple.degree(n),
            "weightedDegree": int(simple.degree(n, weight="weight")),
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


COMPUTE_BY_MODEL = """
SELECT ?model (COUNT(DISTINCT ?project) AS ?projects) (COUNT(DISTINCT ?public) AS ?withPublicCompute)
       (COUNT(DISTINCT ?commercial) AS ?withCommercialCompute) WHERE {
    ?project a atlas:Project ; atlas:organizationalModel ?model .
    OPTIONAL {
        ?partnership atlas:supportsProject ?project ; atlas:computeProvider/atlas:organizationType ?type .
        BIND (IF(?type IN (vocab:public-body, vocab:research-institute, vocab:university), ?project, ?unbound) AS ?public)
        BIND (IF(?type IN (vocab:company, vocab:big-tech, vocab:startup), ?project, ?unbound) AS ?commercial)
    }
} GROUP BY ?model ORDER BY ?model"""


def compute_by_organizational_model(store) -> list[tuple[str, int, int, int]]:
    """(organisational model, projects, with public compute, with commercial compute)."""
    return [(curie(r["model"].value), int(r["projects"].value), int(r["withPublicCompute"].value),
             int(r["withCommercialCompute"].value)) for r in run_query(store, COMPUTE_BY_MODEL)]


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
            g.add((subject, ATLAS.weightedDegree, Literal(m["weightedDegree"])))
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
    m = metrics(g)
    lines.append(f"\ntop {top} by weighted degree:")
    lines.append(f"  {'node':40} {'degree':>6} {'weighted':>8} {'betweenness':>11} {'eigenvector':>11} {'community':>9}")
    for node in sorted(m, key=lambda n: (-m[n]["weightedDegree"], -m[n]["betweenness"], n))[:top]:
        x = m[node]
        lines.append(f"  {curie(node):40} {x['degree']:>6} {x['weightedDegree']:>8} {x['betweenness']:>11.4f} {x['eigenvector']:>11.4f} {x['community']:>9}")
    communities = Counter(x["community"] for x in m.values())
    lines.append(f"\ncommunities: {len(communities)} (sizes {', '.join(str(c) for _, c in sorted(communities.items()))})")
    if kind != "ecosystem":
        for attribute in ("region", "organizationalModel"):
            found = bridges(g, attribute)
            if found:
                lines.append(f"\nlinks across {attribute}s (weighted):")
                lines += [f"  {a} — {b}: {n}" for (a, b), n in found.most_common(top)]
    lines.append("\nmost-shared artefacts (projects connected):")
    lines += [f"  {curie(a):40} {k:10} {n}" for a, k, n in most_shared_artefacts(store, top)] or ["  (none shared)"]
    lines.append("\nprojects per organisational model, and how many got public / commercial compute:")
    lines += [f"  {m_:50} {p:>3} {pub:>3} {com:>3}" for m_, p, pub, com in compute_by_organizational_model(store)]
    return "\n".join(lines) + "\n"
