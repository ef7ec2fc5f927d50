"""How well the reconciliation service matches names written the way people write them.

    .venv/bin/python bench/linking.py                          # on dist/ (run `llm-atlas build` first)
    .venv/bin/python bench/linking.py --dist /path/to/dist     # on any built release
    .venv/bin/python bench/linking.py --graph graph/           # on graph/*.ttl as asserted, unbuilt
    .venv/bin/python bench/linking.py --show all               # every row, not only the misses

Reads bench/linking-names.tsv (name, type, expected entity, what differs) and sends each name
as a reconciliation query ``{"query": name, "type": type}`` to the matcher behind /reconcile.
Reports, for the top candidate of each query:

- recall: the share of names the atlas holds whose top candidate is the right entity;
- precision: the share of top candidates that are right, over every query that had one (a
  candidate for a name the atlas does not hold counts as wrong);
- ``match: true``: how many the service decided on its own, and how many of those were wrong
  (the aim is none);

by what differs from the label, then the links per outside dataset (docs/linking.md quotes
both). A name whose expected entity the release lacks is reported and left out (the list is
older or newer than the release). Not part of the test suite: it measures, it does not assert.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import pyoxigraph as ox  # noqa: E402

from llm_atlas.lookup import DATASETS  # noqa: E402
from llm_atlas.namespaces import ID, curie  # noqa: E402
from llm_atlas.query import DEFAULT_GRAPH_FILE, load_store  # noqa: E402
from llm_atlas.reconcile import Reconciler  # noqa: E402

NAMES = ROOT / "bench" / "linking-names.tsv"


def read_names(path: Path) -> list[dict]:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    rows = list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))
    for row in rows:
        expected = row["expected"].strip()
        row["iri"] = None if expected == "-" else expected if "://" in expected else str(ID) + expected
    return rows


def graph_store(graph: Path) -> ox.Store:
    """graph/*.ttl and the ontology as asserted, without validating or reasoning."""
    store = ox.Store()
    for path in sorted((ROOT / "ontology").rglob("*.ttl")) + sorted(Path(graph).rglob("*.ttl")):
        store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    return store


def measure(reconciler: Reconciler, rows: list[dict]) -> dict:
    results, missing = [], []
    for row in rows:
        if row["iri"] and row["iri"] not in reconciler.entities:
            missing.append(row)
            continue
        query = {"query": row["name"]}
        if row["type"].strip():
            query["type"] = row["type"].strip()
        found = reconciler.reconcile(query)
        top, match = (found[0][0], found[0][1]) if found else (None, False)
        results.append({**row, "top": top.entity.iri if top else None, "top_label": top.entity.label if top else None,
                        "score": round(top.score, 1) if top else None, "how": top.matched if top else None,
                        "match": match, "right": bool(top) and top.entity.iri == row["iri"]})
    positives = [r for r in results if r["iri"]]
    answered = [r for r in results if r["top"]]
    matched = [r for r in results if r["match"]]
    by_kind: dict[str, Counter] = defaultdict(Counter)
    for r in positives:
        kind = r["differs"].split(":")[0].split(" (")[0]
        by_kind[kind]["names"] += 1
        by_kind[kind]["right"] += r["right"]
        by_kind[kind]["match"] += r["match"] and r["right"]
    return {
        "names": len(results), "in_atlas": len(positives), "not_in_atlas": len(results) - len(positives),
        "missing_from_release": [r["name"] for r in missing],
        "recall": sum(r["right"] for r in positives) / len(positives) if positives else None,
        "precision": sum(r["right"] for r in answered) / len(answered) if answered else None,
        "answered": len(answered),
        "match_true": len(matched), "match_right": sum(r["right"] for r in matched),
        "match_wrong": [r["name"] for r in matched if not r["right"]],
        "by_kind": {k: dict(v) for k, v in sorted(by_kind.items())},
        "rows": results,
    }


def report(m: dict, source: str, seconds: float, counts: dict, show: str) -> str:
    pct = lambda x: "n/a" if x is None else f"{100 * x:.1f} %"
    out = [f"# Matching on {source}", "",
           f"{m['names']} names ({m['in_atlas']} the atlas holds, {m['not_in_atlas']} it does not), "
           f"{seconds:.2f} s in all.", "",
           "| measure | value |", "|---|---|",
           f"| top-1 recall (right top candidate / names the atlas holds) | {pct(m['recall'])} "
           f"({sum(r['right'] for r in m['rows'] if r['iri'])} of {m['in_atlas']}) |",
           f"| top-1 precision (right top candidates / queries with a candidate) | {pct(m['precision'])} "
           f"({sum(r['right'] for r in m['rows'] if r['top'])} of {m['answered']}) |",
           f"| `match: true` | {m['match_true']} ({m['match_right']} right, {len(m['match_wrong'])} wrong) |",
           f"| `match: true` precision | {pct(m['match_right'] / m['match_true'] if m['match_true'] else None)} |",
           f"| names matched automatically (`match: true` and right / names the atlas holds) | "
           f"{pct(m['match_right'] / m['in_atlas'] if m['in_atlas'] else None)} |", ""]
    if m["match_wrong"]:
        out += ["Wrong `match: true`: " + ", ".join(m["match_wrong"]), ""]
    if m["missing_from_release"]:
        out += ["Left out, their entity is not in this release: " + ", ".join(m["missing_from_release"]), ""]
    out += ["| what differs | names | top-1 right | `match: true` |", "|---|---|---|---|"]
    out += [f"| {k} | {v['names']} | {v.get('right', 0)} | {v.get('match', 0)} |" for k, v in m["by_kind"].items()]
    out += ["", "| name | type | expected | top candidate | score | how | match |", "|---|---|---|---|---|---|---|"]
    for r in m["rows"]:
        if show == "all" or not r["right"] or (r["iri"] is None and r["match"]):
            if show != "all" and r["iri"] is None and not r["match"]:
                continue  # a name the atlas lacks, rightly not matched
            expected = curie(r["iri"]) if r["iri"] else "(not in the atlas)"
            top = f"{r['top_label']} ({curie(r['top'])})" if r["top"] else "—"
            out.append(f"| {r['name']} | {r['type'] or ''} | {expected} | {top} | {r['score'] or ''} | {r['how'] or ''} | "
                       f"{'yes' if r['match'] else ''} |")
    out += ["", "## Links to outside datasets", "", "| dataset | links | by class |", "|---|---|---|"]
    for scheme, by_class in sorted(counts.items(), key=lambda kv: -sum(kv[1].values())):
        classes = ", ".join(f"{curie(c)} {n}" for c, n in sorted(by_class.items(), key=lambda kv: (-kv[1], kv[0])))
        out.append(f"| {DATASETS.get(scheme, scheme)} | {sum(by_class.values())} | {classes} |")
    return "\n".join(out) + "\n"


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    source = p.add_mutually_exclusive_group()
    source.add_argument("--dist", type=Path, default=ROOT / "dist", help="a built release (default: dist/)")
    source.add_argument("--graph", type=Path, help="graph files as asserted, unbuilt (with the checkout's ontology)")
    p.add_argument("--names", type=Path, default=NAMES, help="the test list (default: bench/linking-names.tsv)")
    p.add_argument("--show", choices=["misses", "all"], default="misses", help="rows to list (default: misses)")
    p.add_argument("--json", type=Path, help="also write the measurements to this file")
    args = p.parse_args(argv)
    if args.graph:
        store, source_name = graph_store(args.graph), f"{args.graph} (asserted, unbuilt)"
    else:
        if not (args.dist / DEFAULT_GRAPH_FILE).exists():
            print(f"error: {args.dist} holds no build; run `llm-atlas build` or give --dist or --graph", file=sys.stderr)
            return 2
        store, source_name = load_store(args.dist), str(args.dist)
    start = time.perf_counter()
    reconciler = Reconciler(store)
    m = measure(reconciler, read_names(args.names))
    seconds = time.perf_counter() - start
    sys.stdout.write(report(m, source_name, seconds, reconciler.index.counts(), args.show))
    if args.json:
        args.json.write_text(json.dumps(m, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
