"""A readable picture of a network: grouped by community, coloured by kind, few labels.

Ecosystem maps are known for unreadable hairballs, so: communities are laid out apart
(each on its own spot of a circle, spring layout inside), node size follows weighted
degree, and only the most connected nodes are labelled.
"""

from __future__ import annotations

import math
from pathlib import Path

import networkx as nx

from llm_atlas.network import metrics

PALETTE = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666",
           "#1f78b4", "#b2df8a", "#fb9a99", "#cab2d6"]


def layout(g: nx.Graph, m: dict) -> dict:
    """Positions: communities on a circle, each laid out by a seeded spring layout inside."""
    groups: dict[int, list] = {}
    for node in sorted(g):
        groups.setdefault(m[node]["community"], []).append(node)
    pos = {}
    count = len(groups)
    for index, (community, members) in enumerate(sorted(groups.items())):
        angle = 2 * math.pi * index / max(count, 1)
        centre = (math.cos(angle) * 3, math.sin(angle) * 3) if count > 1 else (0.0, 0.0)
        sub = g.subgraph(members)
        inner = nx.spring_layout(sub, seed=0, k=1.2 / math.sqrt(max(len(members), 1))) if len(members) > 1 else {members[0]: (0.0, 0.0)}
        scale = 0.6 + 0.25 * math.sqrt(len(members))
        for node, (x, y) in inner.items():
            pos[node] = (centre[0] + x * scale, centre[1] + y * scale)
    return pos


def plot(g: nx.Graph, path: Path, *, colour_by: str = "kind", labels: int = 15, title: str = "") -> Path:
    """Draw ``g`` to ``path`` (.svg or .png)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    matplotlib.rcParams["svg.hashsalt"] = "llm-atlas"  # stable element ids in SVG output
    simple = nx.Graph(g.to_undirected()) if g.is_directed() or g.is_multigraph() else g
    m = metrics(simple)
    pos = layout(simple, m)
    values = sorted({str(simple.nodes[n].get(colour_by, "unknown")) for n in simple})
    colour = {v: PALETTE[i % len(PALETTE)] for i, v in enumerate(values)}
    fig, ax = plt.subplots(figsize=(14, 10), dpi=100)
    ax.set_axis_off()
    nx.draw_networkx_edges(simple, pos, ax=ax, alpha=0.25, width=[0.5 + 0.5 * d.get("weight", 1) for _, _, d in simple.edges(data=True)])
    nodes = sorted(simple)
    nx.draw_networkx_nodes(simple, pos, nodelist=nodes, ax=ax, linewidths=0.3, edgecolors="white",
                           node_size=[30 + 25 * m[n]["weightedDegree"] for n in nodes],
                           node_color=[colour[str(simple.nodes[n].get(colour_by, "unknown"))] for n in nodes])
    ranked = sorted(nodes, key=lambda n: (-m[n]["weightedDegree"], -m[n]["betweenness"], n))[:labels]
    nx.draw_networkx_labels(simple, pos, labels={n: simple.nodes[n].get("label", n) for n in ranked}, font_size=8, ax=ax)
    for value in values:
        ax.scatter([], [], color=colour[value], label=value.split(":")[-1])
    ax.legend(loc="lower left", fontsize=8, frameon=False, title=colour_by)
    if title:
        ax.set_title(title)
    path = Path(path)
    fig.savefig(path, format=path.suffix.lstrip("."), bbox_inches="tight", metadata={"Date": None} if path.suffix == ".svg" else None)
    plt.close(fig)
    return path
