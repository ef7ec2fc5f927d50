"""Benchmarks of the atlas pipeline and store, with the naive alternatives measured in the same run.

    .venv/bin/python bench/run.py                       # build, queries, validate-one, lineage at 1M
    .venv/bin/python bench/run.py --lineage 1e6 1e7     # the Hub-scale lineage graph at 1M and 10M triples
    .venv/bin/python bench/run.py --only queries http   # endpoint latency (ours and rdflib-endpoint), 1/8/32 clients
    .venv/bin/python bench/run.py --only build queries

Writes bench/results/latest.json and latest.md, and prints the Markdown report (paste into docs/benchmarks.md).
Not part of the test suite: numbers depend on the machine; ratios are what travel.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from llm_atlas.atlas import Layout, read_sources  # noqa: E402


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - start, result


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


# ---------------------------------------------------------------- build

def bench_build(repeat: int = 3) -> dict:
    from llm_atlas.build import build

    layout = Layout(ROOT)
    ours = []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(repeat):
            total, result = timed(build, layout, out=Path(tmp) / "dist")
            ours.append({"total": total, **result.seconds})
    steps = {k: statistics.median(r[k] for r in ours) for k in ours[0]}
    naive = naive_pipeline(layout)
    return {"ours_median_s": steps, "naive_s": naive, "speedup": naive["total"] / steps["total"],
            "triples_full": result.triples["full"]}


def naive_pipeline(layout: Layout) -> dict:
    """rdflib memory store + pyshacl + owlrl DeductiveClosure, library defaults."""
    import owlrl
    import pyshacl
    from rdflib import Graph

    out = {}
    start = time.perf_counter()
    data, onto, shapes = Graph(), Graph(), Graph()
    for path in sorted(layout.graph.rglob("*.ttl")):
        data.parse(path)
    for path in layout.ontology_files():
        onto.parse(path)
    for path in layout.shape_files():
        shapes.parse(path)
    out["parse"] = time.perf_counter() - start
    t, _ = timed(pyshacl.validate, data, shacl_graph=shapes, ont_graph=onto)
    out["validate"] = t
    full = Graph()
    for g in (onto, data):
        for triple in g:
            full.add(triple)
    t, _ = timed(owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand, full)
    out["reason"] = t
    start = time.perf_counter()
    for fmt in ("turtle", "nt", "json-ld"):
        full.serialize(format=fmt)
    out["serialise"] = time.perf_counter() - start
    out["total"] = sum(out.values())
    return out


# ---------------------------------------------------------------- queries

def bench_queries(runs: int = 20) -> dict:
    from rdflib import Graph

    from llm_atlas.build import build
    from llm_atlas.query import load_store, run_query

    with tempfile.TemporaryDirectory() as tmp:
        dist = Path(tmp) / "dist"
        build(Layout(ROOT), out=dist)
        store = load_store(dist)
        graph = Graph().parse(dist / "full.nt")
    results = {}
    for path in sorted((ROOT / "queries" / "cq").glob("cq*.rq")):
        text = path.read_text()
        ox_times, raw_times, rdflib_times = [], [], []
        for _ in range(runs):
            t, res = timed(lambda: list(store.query(text)))
            raw_times.append(t)
        for _ in range(runs):
            t, res = timed(lambda: list(run_query(store, text)))
            ox_times.append(t)
        for _ in range(max(3, runs // 4)):
            t, res = timed(lambda: list(graph.query(text)))
            rdflib_times.append(t)
        results[path.stem] = {
            "engine_median_ms": 1000 * statistics.median(raw_times),
            "oxigraph_median_ms": 1000 * statistics.median(ox_times), "oxigraph_p95_ms": 1000 * percentile(ox_times, 0.95),
            "rdflib_median_ms": 1000 * statistics.median(rdflib_times), "rdflib_p95_ms": 1000 * percentile(rdflib_times, 0.95),
        }
    return results


# ---------------------------------------------------------------- contributors' loop

def bench_validate_one(repeat: int = 3) -> dict:
    from llm_atlas.validation import validate

    layout = Layout(ROOT)
    files = sorted(layout.graph.rglob("model/*.ttl")) or sorted(layout.graph.rglob("*.ttl"))
    target = files[0]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        validate(read_sources(layout), only_files=[target])
        times.append(time.perf_counter() - start)
    return {"file": str(target.relative_to(ROOT)), "median_s": statistics.median(times)}


# ---------------------------------------------------------------- lineage at Hub scale

LOAD_SCRIPT = """
import resource, sys, time, pyoxigraph as ox
start = time.perf_counter()
store = ox.Store(sys.argv[2])
store.bulk_load(path=sys.argv[1], format=ox.RdfFormat.N_TRIPLES)
store.flush(); store.optimize()
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
"""

QUERY_SCRIPT = """
import json, statistics, sys, time, pyoxigraph as ox
store = ox.Store.read_only(sys.argv[1])
out = {}
for name, q in json.loads(sys.argv[2]).items():
    times = []
    for _ in range(5):
        start = time.perf_counter(); rows = list(store.query(q)); times.append(time.perf_counter() - start)
    out[name] = {"median_s": statistics.median(times), "rows": len(rows)}
print(json.dumps(out))
"""

LINEAGE_QUERIES = {
    "descendants_of_base": """SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE {
        ?d <https://w3id.org/llm-atlas/ontology#derivedFrom>+ <https://w3id.org/llm-atlas/id/model/synthetic-1-0> }""",
    "licence_drift_from_base": """SELECT ?d ?dl WHERE {
        ?d <https://w3id.org/llm-atlas/ontology#derivedFrom>+ <https://w3id.org/llm-atlas/id/model/synthetic-1-0> ;
           <https://w3id.org/llm-atlas/ontology#license> ?dl .
        <https://w3id.org/llm-atlas/id/model/synthetic-1-0> <https://w3id.org/llm-atlas/ontology#license> ?bl .
        FILTER (?dl != ?bl) }""",
}


def bench_lineage(size: float) -> dict:
    sys.path.insert(0, str(ROOT / "bench"))
    from lineage import generate

    work = Path(tempfile.mkdtemp(prefix="atlas-lineage-"))
    try:
        nt = work / "lineage.nt"
        with nt.open("w") as fh:
            gen_s, counts = timed(generate, int(size), out=fh)
        store_dir = work / "store"
        load = subprocess.run([sys.executable, "-c", LOAD_SCRIPT, str(nt), str(store_dir)], capture_output=True, text=True, check=True)
        load_s, peak = load.stdout.split()
        size_bytes = sum(p.stat().st_size for p in store_dir.rglob("*") if p.is_file())
        queries = subprocess.run([sys.executable, "-c", QUERY_SCRIPT, str(store_dir), json.dumps(LINEAGE_QUERIES)],
                                 capture_output=True, text=True, check=True)
        return {"target_triples": int(size), **counts, "generate_s": gen_s, "load_s": float(load_s),
                "peak_rss_bytes": int(peak), "store_bytes": size_bytes, "queries": json.loads(queries.stdout)}
    finally:
        shutil.rmtree(work, ignore_errors=True)


# ---------------------------------------------------------------- HTTP endpoint (loopback only)

def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(conn, path: str) -> tuple[int, float]:
    start = time.perf_counter()
    conn.request("GET", path, headers={"Accept": "application/sparql-results+json"})
    response = conn.getresponse()
    response.read()
    return response.status, time.perf_counter() - start


def _wait_until_up(port: int, path: str = "/sparql?query=ASK%20%7B%7D", tries: int = 600) -> None:
    import http.client

    for _ in range(tries):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            if _get(conn, path)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"no SPARQL endpoint answered on 127.0.0.1:{port}")


def _per_query(port: int, paths: dict, runs: int) -> dict:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    out = {}
    for name, path in paths.items():
        results = [_get(conn, path) for _ in range(runs)]
        times = [t for _, t in results]
        out[name] = {"median_ms": 1000 * statistics.median(times), "p95_ms": 1000 * percentile(times, 0.95),
                     "errors": sum(1 for status, _ in results if status != 200)}
    return out


def _cq_paths(endpoint: str = "/sparql") -> dict:
    import urllib.parse

    from llm_atlas.namespaces import sparql_prologue

    # The prologue is sent explicitly: rdflib-endpoint knows no atlas prefixes.
    return {p.stem: f"{endpoint}?query=" + urllib.parse.quote(sparql_prologue() + p.read_text())
            for p in sorted((ROOT / "queries" / "cq").glob("cq*.rq"))}


def bench_rdflib_endpoint(dist: Path, runs: int = 5) -> dict:
    """The same CQs through rdflib-endpoint serving dist/full.nt (pip install -e '.[bench]')."""
    exe = shutil.which("rdflib-endpoint") or str(Path(sys.executable).parent / "rdflib-endpoint")
    if not Path(exe).exists():
        return {"skipped": "rdflib-endpoint is not installed (pip install -e '.[bench]')"}
    port = _free_port()
    server = subprocess.Popen([exe, "serve", str(dist / "full.nt"), "--host", "127.0.0.1", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_until_up(port, path="/?query=ASK%20%7B%7D")  # its CLI serves SPARQL at /
        return {"per_query": _per_query(port, _cq_paths("/"), runs)}
    finally:
        server.terminate()
        server.wait(timeout=30)


def _load(port: int, paths: dict, n: int, duration: float) -> dict:
    """``n`` clients on keep-alive connections, each cycling through the CQs for ``duration`` s."""
    import http.client
    import threading

    latencies, errors, stop = [], [0], time.perf_counter() + duration
    lock = threading.Lock()

    def worker():
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine, bad, i = [], 0, 0
        while time.perf_counter() < stop:
            path = list(paths.values())[i % len(paths)]
            i += 1
            try:
                status, t = _get(c, path)
            except OSError:
                status, t = 0, 0.0
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            if status == 200:
                mine.append(t)
            else:
                bad += 1
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    threads = [threading.Thread(target=worker) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"requests": len(latencies), "errors": errors[0], "per_s": len(latencies) / duration,
            "p50_ms": 1000 * statistics.median(latencies) if latencies else None,
            "p95_ms": 1000 * percentile(latencies, 0.95) if latencies else None}


# `llm-atlas serve` settings compared: the default (in memory, answer cache on); the cache off
# (every query runs); the on-disk store of --store with the cache off. "{store}" is a temp folder.
HTTP_CONFIGS = {"default": [], "cache off": ["--cache-mb", "0"], "on disk, cache off": ["--store", "{store}", "--cache-mb", "0"]}


def bench_http(runs: int = 20, duration: float = 30.0, clients=(1, 8, 32)) -> dict:
    """Per-CQ latency through `llm-atlas serve` (each config) and rdflib-endpoint; concurrent clients."""
    from llm_atlas.build import build

    tmp = Path(tempfile.mkdtemp(prefix="atlas-http-"))
    dist = tmp / "dist"
    build(Layout(ROOT), out=dist)
    paths = _cq_paths()
    out = {"duration_s": duration, "configs": {}}
    try:
        for name, flags in HTTP_CONFIGS.items():
            port = _free_port()
            args = [flag.replace("{store}", str(tmp / "store")) for flag in flags]
            server = subprocess.Popen([sys.executable, "-m", "llm_atlas", "serve", "--no-build", "--dist", str(dist),
                                       "--port", str(port), *args], cwd=ROOT,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                _wait_until_up(port)
                out["configs"][name] = {"flags": " ".join(flags).replace("{store}", "DIR"), "per_query": _per_query(port, paths, runs),
                                        "load": {n: _load(port, paths, n, duration) for n in clients}}
            finally:
                server.terminate()
                server.wait(timeout=30)
        out["rdflib_endpoint"] = bench_rdflib_endpoint(dist)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out


# ---------------------------------------------------------------- report

def machine() -> dict:
    import pyoxigraph
    import pyshacl
    import rdflib

    return {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform(),
            "rdflib": rdflib.__version__, "pyshacl": pyshacl.__version__, "pyoxigraph": pyoxigraph.__version__}


def markdown(report: dict) -> str:
    lines = [f"Machine: {report['machine']}", ""]
    if "build" in report:
        b = report["build"]
        lines += ["### Build of the curated atlas", "", "| step | ours (median of 3) | naive (rdflib + pyshacl + owlrl) |", "|---|---|---|"]
        for step in ("parse", "validate", "reason", "analytics", "serialise", "total"):
            naive = b["naive_s"].get(step)
            lines.append(f"| {step} | {b['ours_median_s'].get(step, 0):.2f} s | {'—' if naive is None else f'{naive:.2f} s'} |")
        same = b["ours_median_s"]["total"] - b["ours_median_s"].get("analytics", 0)
        lines += ["", f"Speed-up: {b['speedup']:.1f}× on {b['triples_full']} triples (full graph); "
                      f"{b['naive_s']['total'] / same:.1f}× on the steps both do ({same:.2f} s without our network analytics, "
                      "which the naive pipeline does not compute).", ""]
    if "queries" in report:
        lines += ["### Competency queries (in-process)", "",
                  "Oxigraph through `run_query` (guard verdict cached after the first run) and bare `Store.query`; rdflib in-memory SPARQL on the same full graph.", "",
                  "| query | Oxigraph guarded median / p95 | Oxigraph bare median | rdflib median / p95 | ratio rdflib / guarded |", "|---|---|---|---|---|"]
        for name, q in report["queries"].items():
            ratio = q["rdflib_median_ms"] / max(q["oxigraph_median_ms"], 1e-6)
            lines.append(f"| {name} | {q['oxigraph_median_ms']:.2f} / {q['oxigraph_p95_ms']:.2f} ms | {q['engine_median_ms']:.2f} ms | {q['rdflib_median_ms']:.1f} / {q['rdflib_p95_ms']:.1f} ms | {ratio:.0f}× |")
        lines.append("")
    if "http" in report:
        h = report["http"]
        inproc = report.get("queries", {})
        theirs = h.get("rdflib_endpoint", {}).get("per_query", {})
        names = list(h["configs"])
        lines += ["### Through the HTTP endpoint (loopback, keep-alive, JSON results)", "",
                  "`llm-atlas serve` as configured: " + "; ".join(f"{n} (`{c['flags'] or 'no flags'}`)" for n, c in h["configs"].items())
                  + ". rdflib-endpoint serves the same `full.nt` (its default rdflib store). Everyone gets the same query text; "
                  "median / p95 of 20 (rdflib-endpoint: 5) runs. Target: ≤ 1.5× in-process + 2 ms.", "",
                  "| query | in-process | " + " | ".join(f"ours, {n}" for n in names) + " | rdflib-endpoint | rdflib-endpoint / ours (cache off) |",
                  "|---|---|" + "---|" * len(names) + "---|---|"]
        for q in h["configs"][names[0]]["per_query"]:
            ref = inproc.get(q, {}).get("oxigraph_median_ms")
            cells = []
            for n in names:
                r = h["configs"][n]["per_query"][q]
                verdict = "" if ref is None else (" ✓" if r["median_ms"] <= 1.5 * ref + 2 else " ✗")
                cells.append(f"{r['median_ms']:.2f} / {r['p95_ms']:.2f} ms{verdict}")
            other = theirs.get(q)
            other_text = "—" if other is None else f"{other['median_ms']:.1f} / {other['p95_ms']:.1f} ms" + (f" ({other['errors']} errors)" if other["errors"] else "")
            ratio = "—" if other is None else f"{other['median_ms'] / h['configs']['cache off']['per_query'][q]['median_ms']:.0f}×"
            lines.append(f"| {q} | {'—' if ref is None else f'{ref:.2f} ms'} | " + " | ".join(cells) + f" | {other_text} | {ratio} |")
        if "skipped" in h.get("rdflib_endpoint", {}):
            lines += ["", f"rdflib-endpoint: {h['rdflib_endpoint']['skipped']}"]
        lines += ["", f"Concurrent clients, each cycling through the CQs for {h['duration_s']:.0f} s:", "",
                  "| config | clients | requests | errors | requests/s | p50 | p95 | p95 / 1-client p95 |", "|---|---|---|---|---|---|---|---|"]
        for n, c in h["configs"].items():
            base = c["load"][min(c["load"])]["p95_ms"]
            for k, r in c["load"].items():
                rel = "—" if not (base and r["p95_ms"]) else f"{r['p95_ms'] / base:.1f}×"
                p50 = "—" if r["p50_ms"] is None else f"{r['p50_ms']:.1f} ms"
                p95 = "—" if r["p95_ms"] is None else f"{r['p95_ms']:.1f} ms"
                lines.append(f"| {n} | {k} | {r['requests']} | {r['errors']} | {r['per_s']:.0f} | {p50} | {p95} | {rel} |")
        lines.append("")
    if "validate_one" in report:
        v = report["validate_one"]
        lines += ["### Contributors' loop", "", f"`validate` of one file ({v['file']}) in the context of the whole graph: {v['median_s']:.2f} s (median of 3).", ""]
    for entry in report.get("lineage", []):
        lines += [f"### Synthetic lineage graph, {entry['triples']:,} triples ({entry['models']:,} models, {entry['families']} families)", "",
                  f"- generate: {entry['generate_s']:.1f} s; load into an on-disk Oxigraph store: {entry['load_s']:.1f} s",
                  f"- peak memory of the loading process: {entry['peak_rss_bytes'] / 2**30:.2f} GiB; store on disk: {entry['store_bytes'] / 2**20:.0f} MiB"]
        for name, q in entry["queries"].items():
            lines.append(f"- {name}: {q['median_s'] * 1000:.1f} ms median of 5 ({q['rows']} rows)")
        lines.append("")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="LLM Atlas benchmarks")
    parser.add_argument("--only", nargs="*", choices=["build", "queries", "http", "validate_one", "lineage"])
    parser.add_argument("--duration", type=float, default=30.0, help="seconds per concurrency level in the http section")
    parser.add_argument("--lineage", nargs="*", type=float, default=[1e6], help="sizes of the synthetic lineage graph in triples")
    args = parser.parse_args(argv)
    sections = set(args.only or ["build", "queries", "http", "validate_one", "lineage"])
    report = {"machine": machine()}
    if "build" in sections:
        report["build"] = bench_build()
    if "queries" in sections:
        report["queries"] = bench_queries()
    if "http" in sections:
        report["http"] = bench_http(duration=args.duration)
    if "validate_one" in sections:
        report["validate_one"] = bench_validate_one()
    if "lineage" in sections:
        report["lineage"] = [bench_lineage(size) for size in args.lineage]
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(json.dumps(report, indent=1, sort_keys=True) + "\n")
    (out / "latest.md").write_text(markdown(report) + "\n")
    print(markdown(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
