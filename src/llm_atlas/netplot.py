"""A readable picture of a network: grouped by community, coloured by type, labels that do not collide.

Ecosystem maps are known for unreadable hairballs, so: communities are laid out apart
(each on its own spot of a circle, spring layout inside), node size follows weighted
degree, and only the most connected nodes are labelled, each label placed where it overlaps
no other (tried in eight directions around its node; left out if none is free). The same
network gives the same bytes: nodes are laid out in IRI order, never in hash order.
"""

from __future__ import annotations

import math
from pathlib import Path

import networkx as nx

from llm_atlas.network import metrics, simple_graph

PALETTE = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666",
           "#1f78b4", "#b2df8a", "#fb9a99", "#cab2d6"]
# What to colour by when the caller does not say: the attribute that tells the nodes apart.
DEFAULT_COLOUR = {"organizations": "organizationType", "projects": "organizationalModel", "ecosystem": "kind"}
# Label offsets in points: right, left, above, below, then the diagonals.
OFFSETS = [(6, 0, "left", "center"), (-6, 0, "right", "center"), (0, 6, "center", "bottom"), (0, -6, "center", "top"),
           (5, 5, "left", "bottom"), (-5, 5, "right", "bottom"), (5, -5, "left", "top"), (-5, -5, "right", "top")]


def layout(g: nx.Graph, m: dict) -> dict:
    """Positions by IRI: communities on a circle, each laid out by a seeded spring layout inside."""
    simple = simple_graph(g)
    iri = {n: simple.nodes[n]["iri"] for n in simple}
    groups: dict[int, list] = {}
    for node in sorted(simple):
        groups.setdefault(m[iri[node]]["community"], []).append(node)
    pos = {}
    count = len(groups)
    for index, (community, members) in enumerate(sorted(groups.items())):
        angle = 2 * math.pi * index / max(count, 1)
        centre = (math.cos(angle) * 3, math.sin(angle) * 3) if count > 1 else (0.0, 0.0)
        sub = simple.subgraph(members)
        inner = nx.spring_layout(sub, seed=0, k=1.2 / math.sqrt(max(len(members), 1))) if len(members) > 1 else {members[0]: (0.0, 0.0)}
        scale = 0.6 + 0.25 * math.sqrt(len(members))
        for node, (x, y) in inner.items():
            pos[iri[node]] = (centre[0] + float(x) * scale, centre[1] + float(y) * scale)
    return pos


def _place_labels(ax, pos: dict, labels: dict, renderer) -> int:
    """Add each label (most important first) at the first offset where it overlaps no placed
    label; returns how many were placed."""
    from matplotlib.transforms import offset_copy

    placed = []
    for node, text in labels.items():
        for dx, dy, ha, va in OFFSETS:
            transform = offset_copy(ax.transData, fig=ax.figure, x=dx, y=dy, units="points")
            artist = ax.text(*pos[node], text, fontsize=8, ha=ha, va=va, transform=transform, zorder=5)
            box = artist.get_window_extent(renderer).expanded(1.05, 1.1)
            if not any(box.overlaps(other) for other in placed):
                placed.append(box)
                break
            artist.remove()
    return len(placed)


def plot(g: nx.Graph, path: Path, *, colour_by: str = "kind", labels: int = 15, title: str = "") -> Path:
    """Draw ``g`` to ``path`` (.svg or .png)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    matplotlib.rcParams["svg.hashsalt"] = "llm-atlas"  # stable element ids in SVG output
    m = metrics(g)
    isolated = [n for n in g if m[n]["degree"] == 0]  # a ring of unlinked dots tells nothing: counted in the title
    g = g.subgraph(n for n in g if m[n]["degree"])
    pos = layout(g, m)
    nodes = sorted(g)
    value = {n: str(g.nodes[n].get(colour_by) or "not stated") for n in nodes}
    values = sorted(set(value.values()))
    colour = {v: PALETTE[i % len(PALETTE)] for i, v in enumerate(values)}
    fig, ax = plt.subplots(figsize=(14, 10), dpi=100)
    ax.set_axis_off()
    edges = sorted({tuple(sorted((a, b))) for a, b in g.edges()})
    weight = {tuple(sorted((a, b))): d.get("weight", 1) for a, b, d in g.edges(data=True)}
    nx.draw_networkx_edges(nx.Graph(edges), pos, edgelist=edges, ax=ax, alpha=0.25,
                           width=[0.5 + 0.8 * min(weight[e], 6) for e in edges])
    nx.draw_networkx_nodes(nx.Graph(), pos, nodelist=nodes, ax=ax, linewidths=0.3, edgecolors="white",
                           node_size=[30 + 25 * m[n]["weightedDegree"] for n in nodes],
                           node_color=[colour[value[n]] for n in nodes])
    ranked = sorted(nodes, key=lambda n: (-m[n]["weightedDegree"], -m[n]["betweenness"], n))[:labels]
    fig.canvas.draw()  # fixes the axes' limits, so label extents can be measured
    _place_labels(ax, pos, {n: g.nodes[n].get("label", n) for n in ranked}, fig.canvas.get_renderer())
    for v in values:
        ax.scatter([], [], color=colour[v], label=v.split(":")[-1])
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False, title=colour_by)
    if isolated:
        title = f"{title} ({len(isolated)} nodes without links not drawn)".strip()
    if title:
        ax.set_title(title)
    path = Path(path)
    fig.savefig(path, format=path.suffix.lstrip("."), bbox_inches="tight", metadata={"Date": None} if path.suffix == ".svg" else None)
    plt.close(fig)
    return path
