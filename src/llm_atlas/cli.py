"""Command line: a thin layer over the library modules.

Exit codes everywhere: 0 success (or conforms), 1 violations found (``lookup``: not found),
2 error (bad input, unreadable file, bad usage).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from llm_atlas import __version__
from llm_atlas.atlas import Layout, find_root, read_sources
from llm_atlas.loading import SourceError
from llm_atlas.hub.cli import add_commands as add_reuse_commands
from llm_atlas.releases.cli import add_commands as add_release_commands
from llm_atlas.serve.cli import add_commands as add_publishing_commands

EXIT_OK, EXIT_VIOLATIONS, EXIT_ERROR = 0, 1, 2


def _layout(args) -> Layout:
    return Layout(find_root(), graph=getattr(args, "graph", None))


def cmd_validate(args) -> int:
    from llm_atlas.validation import format_report, validate

    layout = _layout(args)
    dirs = [Path(p) for p in args.paths if Path(p).is_dir()]
    files = [Path(p) for p in args.paths if not Path(p).is_dir()]
    if len(dirs) > 1 or (dirs and files):
        print("error: give one graph folder, or any number of graph files", file=sys.stderr)
        return EXIT_ERROR
    if dirs:
        layout.graph = dirs[0]
    missing = [str(f) for f in files if not f.exists()]
    if missing:
        print(f"error: no such file: {', '.join(missing)}", file=sys.stderr)
        return EXIT_ERROR
    inside = [f for f in files if layout.graph.resolve() in f.resolve().parents]
    sources = read_sources(layout, extra_files=[f for f in files if f not in inside])
    problems = validate(sources, only_files=files or None, engine=args.engine)
    sys.stdout.write(format_report(problems))
    return EXIT_VIOLATIONS if problems else EXIT_OK


def cmd_build(args) -> int:
    from llm_atlas.build import BuildFailed, build

    try:
        summary = build(_layout(args), out=Path(args.out) if args.out else None, log=_progress)
    except BuildFailed as failed:
        sys.stdout.write(failed.report)
        print("build failed: dist/ left as it was", file=sys.stderr)
        return EXIT_VIOLATIONS
    print(summary.text())
    return EXIT_OK


class _NotBuilt(Exception):
    """The atlas could not be built; the report has been printed."""


def _store(args):
    """The built atlas in memory, building ``dist/`` first if there is none."""
    from llm_atlas.build import BuildFailed, build
    from llm_atlas.query import is_built, load_store

    layout = _layout(args)
    if not is_built(layout):
        _progress("no dist/ yet: building the atlas first…")
        try:
            build(layout, log=_progress)
        except BuildFailed as failed:
            sys.stdout.write(failed.report)
            print("error: the atlas does not validate, so there is nothing to query; fix the problems above", file=sys.stderr)
            raise _NotBuilt from None
    return load_store(layout.dist)


def cmd_query(args) -> int:
    from llm_atlas.namespaces import PREFIXES
    from llm_atlas.query import QueryError, absent_iris, absent_note, format_result, run_query

    if args.prefixes:
        sys.stdout.write("".join(f"{p}:\t{ns}\n" for p, ns in PREFIXES.items()))
        return EXIT_OK
    text = args.expression if args.expression is not None else Path(args.file).read_text(encoding="utf-8")
    store = _store(args)
    try:
        output, size = format_result(run_query(store, text), args.format)
    except QueryError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_ERROR
    sys.stdout.write(output)
    if size == 0 and (absent := absent_iris(store, text)):
        print("note: " + absent_note(absent), file=sys.stderr)
    return EXIT_OK


def cmd_stats(args) -> int:
    from llm_atlas.stats import format_stats, stats

    sys.stdout.write(format_stats(stats(_store(args))))
    return EXIT_OK


def cmd_lookup(args) -> int:
    import json

    from llm_atlas.lookup import BadIdentifier, Index, keys
    from llm_atlas.namespaces import curie
    from llm_atlas.query import DEFAULT_GRAPH_FILE, load_store

    try:
        read_as = keys(args.id)
    except BadIdentifier as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_ERROR
    if args.dist:
        if not (Path(args.dist) / DEFAULT_GRAPH_FILE).exists():
            print(f"error: {args.dist} holds no build (no {DEFAULT_GRAPH_FILE}); run `llm-atlas build --out {args.dist}`", file=sys.stderr)
            return EXIT_ERROR
        store = load_store(Path(args.dist))
    else:
        store = _store(args)
    matches = Index.from_store(store).lookup(args.id)
    if args.format == "json":
        print(json.dumps([{"id": m.iri, "name": m.label, "type": m.type} for m in matches], ensure_ascii=False, indent=1))
    else:
        sys.stdout.write("".join(f"{m.iri}\t{m.label}\t{curie(m.type)}\n" for m in matches))
    how = ", ".join(str(k) for k in read_as)
    if not matches:
        print(f"not found: no atlas entity has the identifier {args.id!r} (read as {how})", file=sys.stderr)
        return EXIT_VIOLATIONS
    if len(matches) > 1:
        print(f"note: {len(matches)} atlas entities have the identifier {args.id!r} (read as {how})", file=sys.stderr)
    return EXIT_OK


def cmd_new(args) -> int:
    from llm_atlas.scaffold import ScaffoldError, new_entity

    try:
        path = new_entity(_layout(args), args.kind, args.slug)
    except ScaffoldError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_ERROR
    print(f"wrote {path}: fill in every TODO, then run `llm-atlas validate {path}`")
    return EXIT_OK


def cmd_network(args) -> int:
    from llm_atlas import network

    store = _store(args)
    if not (args.export or args.plot):
        sys.stdout.write(network.format_summary(store, args.kind, args.top))
        return EXIT_OK
    g = network.build_network(store, args.kind)
    if args.export:
        fmt, path = args.export
        try:
            network.export(g, fmt, path)
        except ValueError as err:
            print(f"error: {err}", file=sys.stderr)
            return EXIT_ERROR
        print(f"wrote {path} ({g.number_of_nodes()} nodes, {g.number_of_edges()} edges)")
    if args.plot:
        from llm_atlas.netplot import DEFAULT_COLOUR, plot

        if Path(args.plot).suffix not in (".svg", ".png"):
            print("error: --plot writes .svg or .png", file=sys.stderr)
            return EXIT_ERROR
        plot(g, Path(args.plot), colour_by=args.colour or DEFAULT_COLOUR[args.kind], labels=args.top, title=f"LLM Atlas: {args.kind}")
        print(f"wrote {args.plot}")
    return EXIT_OK


def cmd_push(args) -> int:
    import os

    from llm_atlas.push import PushError, push

    user = args.user if args.user is not None else os.environ.get("LLM_ATLAS_STORE_USER")
    password = args.password if args.password is not None else os.environ.get("LLM_ATLAS_STORE_PASSWORD")
    if (user is None) != (password is None):
        print("error: give both a user and a password (--user/--password or LLM_ATLAS_STORE_USER/PASSWORD), or neither", file=sys.stderr)
        return EXIT_ERROR
    if args.timeout <= 0:
        print("error: --timeout must be positive", file=sys.stderr)
        return EXIT_ERROR
    dist = Path(args.dist) if args.dist else _layout(args).dist
    try:
        sent = push(dist, args.store, user=user, password=password, timeout=args.timeout, log=_progress)
    except PushError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_ERROR
    print(f"pushed {dist} to {args.store}: {sum(s.method == 'PUT' for s in sent)} graphs replaced, "
          f"{sum(s.triples for s in sent)} triples in {sum(s.seconds for s in sent):.1f} s")
    return EXIT_OK


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="llm-atlas", description="Build, check and query the LLM Atlas.")
    p.add_argument("--version", action="version", version=f"llm-atlas {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    v = sub.add_parser("validate", help="check graph files against the layout rules, shapes and check queries")
    v.add_argument("paths", nargs="*", help="graph files to check (the whole graph gives context), or one graph folder; default: graph/")
    v.add_argument("--engine", choices=("fast", "pyshacl"), default="fast",
                   help="SHACL engine: our fast one (default) or pyshacl, the reference")
    v.set_defaults(func=cmd_validate)

    b = sub.add_parser("build", help="validate, reason and write dist/ (atomically: a failed build keeps the old dist/)")
    b.add_argument("--out", help="output folder (default: dist/ in the checkout)")
    b.add_argument("--graph", help=argparse.SUPPRESS)
    b.set_defaults(func=cmd_build)

    q = sub.add_parser("query", help="run a SPARQL query on the built atlas (asserted + inferred)")
    src = q.add_mutually_exclusive_group(required=True)
    src.add_argument("file", nargs="?", help="a .rq file")
    src.add_argument("-e", "--expression", help="the query text itself")
    src.add_argument("--prefixes", action="store_true", help="list the predeclared prefixes and exit")
    q.add_argument("--format", choices=["table", "csv", "tsv", "json", "ttl"], default="table")
    q.set_defaults(func=cmd_query)

    s = sub.add_parser("stats", help="counts per class, region, organisation type and organisational model")
    s.set_defaults(func=cmd_stats)

    n = sub.add_parser("new", help="write a skeleton entity file to fill in")
    n.add_argument("kind", help="project, model, org, dataset, benchmark, leaderboard, framework, compute, partnership, license, forum, collaboration or publication")
    n.add_argument("slug", help="kebab-case name, e.g. olmo-2-7b")
    n.set_defaults(func=cmd_new)

    k = sub.add_parser("lookup", help="the atlas entity an outside identifier names (Wikidata, ROR, Hub, arXiv, DOI, "
                                      "SPDX, GitHub, IRI): prints IRI, label and class, one line per entity")
    k.add_argument("id", help="e.g. Q42, wd:Q42, https://ror.org/02nr0ka47, allenai/OLMo-2-1124-7B, "
                              "arXiv:2307.09288v2, 10.48550/arXiv.2307.09288, Apache-2.0")
    k.add_argument("--format", choices=["text", "json"], default="text",
                   help="text: IRI<TAB>label<TAB>class per line (default); json: a list of {id, name, type}")
    k.add_argument("--dist", metavar="PATH", help="a built release to look in (default: dist/ in the checkout, built if missing)")
    k.add_argument("--graph", help=argparse.SUPPRESS)
    k.set_defaults(func=cmd_lookup)

    w = sub.add_parser("network", help="who builds with whom: centralities, communities, shared artefacts; export or plot")
    w.add_argument("--kind", choices=["ecosystem", "organizations", "projects"], default="organizations")
    w.add_argument("--top", type=int, default=15, help="rows in tables, labels in plots (default 15)")
    w.add_argument("--export", nargs=2, metavar=("FORMAT", "FILE"), help="write graphml, gexf, json or csv to FILE")
    w.add_argument("--plot", metavar="FILE", help="draw the network to FILE.svg or FILE.png")
    w.add_argument("--colour", help="node attribute to colour by: kind, region, organizationalModel, organizationType "
                                    "(default: organizationType for organisations, organizationalModel for projects, kind for the ecosystem)")
    w.set_defaults(func=cmd_network)

    u = sub.add_parser("push", help="replace the atlas's graphs in a SPARQL 1.1 Graph Store (Virtuoso, Fuseki, GraphDB, "
                                    "Oxigraph server…) with the built dist/, one HTTP PUT per graph")
    u.add_argument("--store", required=True, metavar="URL", help="the store's Graph Store Protocol endpoint, e.g. "
                   "http://127.0.0.1:8890/sparql-graph-crud-auth (Virtuoso); graphs are sent to URL?graph=IRI")
    u.add_argument("--user", help="user for HTTP Basic or Digest authentication (default: $LLM_ATLAS_STORE_USER)")
    u.add_argument("--password", help="its password (default: $LLM_ATLAS_STORE_PASSWORD, which keeps it out of the process list)")
    u.add_argument("--dist", metavar="PATH", help="the built release to push (default: dist/ in the checkout)")
    u.add_argument("--timeout", type=float, default=300.0, help="seconds to wait for the store's answer to each request (default 300)")
    u.set_defaults(func=cmd_push)

    add_publishing_commands(sub)  # serve, export-site
    add_reuse_commands(sub)  # import huggingface, lineage report
    add_release_commands(sub)  # release, rebuild, diff, retire
    return p


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except SourceError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_ERROR
    except FileNotFoundError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_ERROR
    except _NotBuilt:
        return EXIT_VIOLATIONS
