"""The ``import huggingface`` and ``lineage report`` commands (registered by :func:`add_commands`).

``import huggingface`` is the only command that reaches the network, and only when neither
``--offline`` is given: the user asks for it by name.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

EXIT_OK, EXIT_VIOLATIONS, EXIT_ERROR = 0, 1, 2


def add_commands(sub) -> None:
    """Add ``import`` (with ``huggingface``) and ``lineage`` (with ``report``) to the subcommands."""
    imp = sub.add_parser("import", help="import models from outside the curated atlas into the import area")
    isub = imp.add_subparsers(dest="source", required=True)
    hf = isub.add_parser("huggingface", help="walk the Hugging Face Hub's model tree below a curated base model "
                                             "(network access unless --offline)")
    hf.add_argument("--base", required=True, help="Hub repo id of the base model, e.g. bigscience/bloom")
    hf.add_argument("--depth", type=int, default=1, help="levels of derivatives below the base to follow (default 1)")
    hf.add_argument("--limit", type=int, help="stop after importing this many models (default: no limit)")
    hf.add_argument("--offline", metavar="DIR", help="read saved API responses from DIR instead of the network")
    hf.add_argument("--record", metavar="DIR", help="save every API response under DIR (for --offline runs and tests)")
    hf.add_argument("--delay", type=float, default=0.5, help="seconds between requests to the Hub (default 0.5)")
    hf.add_argument("--restart", action="store_true", help="ignore an unfinished earlier run instead of resuming it")
    hf.add_argument("--area", help=argparse.SUPPRESS)
    hf.add_argument("--graph", help=argparse.SUPPRESS)
    hf.set_defaults(func=cmd_import_huggingface)

    lin = sub.add_parser("lineage", help="licence checks down the model lineage (curated and imported models)")
    lsub = lin.add_subparsers(dest="action", required=True)
    rep = lsub.add_parser("report", help="run the lineage checks of queries/lineage/ and show each warning "
                                         "with its path from base to derivative")
    rep.add_argument("--base", help="only this model and the models that descend from it (Hub repo id, IRI or CURIE)")
    rep.add_argument("--strict", action="store_true", help="exit 1 when there are warnings (default: exit 0)")
    rep.add_argument("--dist", help=argparse.SUPPRESS)
    rep.add_argument("--graph", help=argparse.SUPPRESS)
    rep.set_defaults(func=cmd_lineage_report)

    fam = lsub.add_parser("family", help="model families: descendants by depth and derivation kind of one base, "
                                         "or the most-derived bases")
    fam.add_argument("--base", help="the base model (Hub repo id, IRI or CURIE); default: list the most-derived bases")
    fam.add_argument("--top", type=int, default=10, help="bases to list without --base (default 10)")
    fam.add_argument("--dist", help=argparse.SUPPRESS)
    fam.add_argument("--graph", help=argparse.SUPPRESS)
    fam.set_defaults(func=cmd_lineage_family)


def _layout(args):
    from llm_atlas.atlas import Layout, find_root

    return Layout(find_root(), graph=getattr(args, "graph", None))


class _Progress:
    """One progress line on stderr, rewritten at most every half second."""

    def __init__(self, stream=sys.stderr):
        self.stream, self.last, self.start = stream, 0.0, time.monotonic()

    def __call__(self, report, queued: int) -> None:
        now = time.monotonic()
        if now - self.last < 0.5:
            return
        self.last = now
        self.stream.write(f"\r{report.base}: {report.written} imported, {queued} queued, "
                          f"{len(report.curated)} curated, {len(report.not_found)} skipped, {now - self.start:.0f}s ")
        self.stream.flush()

    def done(self) -> None:
        if self.last:
            self.stream.write("\n")


def cmd_import_huggingface(args) -> int:
    from llm_atlas.hub.area import area_of
    from llm_atlas.hub.client import HubError, LiveHub, OfflineHub
    from llm_atlas.hub.importer import CuratedIndex, StateError, import_tree

    if args.offline and args.record:
        print("error: --offline reads saved responses and --record saves new ones: give one", file=sys.stderr)
        return EXIT_ERROR
    if args.depth < 1 or (args.limit is not None and args.limit < 1):
        print("error: --depth and --limit must be at least 1", file=sys.stderr)
        return EXIT_ERROR
    layout = _layout(args)
    index = CuratedIndex.from_graph_folder(layout.graph)
    if args.base.lower() not in index.models:
        print(f"error: {args.base} is not a curated model (no graph/model/*.ttl has atlas:huggingFaceId \"{args.base}\"); "
              "the import starts from a model of the atlas: add it first (docs/adding-data.md)", file=sys.stderr)
        return EXIT_ERROR
    if args.offline:
        if not Path(args.offline).is_dir():
            print(f"error: no such folder: {args.offline}", file=sys.stderr)
            return EXIT_ERROR
        hub = OfflineHub(Path(args.offline))
    else:
        hub = LiveHub(delay=args.delay, record=Path(args.record) if args.record else None)
    area = Path(args.area) if args.area else area_of(layout.graph)
    progress = _Progress()
    try:
        report = import_tree(hub, args.base, area=area, index=index, depth=args.depth, limit=args.limit,
                             restart=args.restart, progress=progress)
    except StateError as err:
        progress.done()
        print(f"error: {err}", file=sys.stderr)
        return EXIT_ERROR
    except HubError as err:
        progress.done()
        print(f"error: {err}; the last checkpoint is saved: run the same command again to resume", file=sys.stderr)
        return EXIT_ERROR
    progress.done()
    sys.stdout.write(report.text())
    return EXIT_OK


def _lineage_store(args):
    """The built atlas plus imported models (building dist/ first if there is none), or None."""
    from llm_atlas.lineage import lineage_store

    layout = _layout(args)
    dist = Path(args.dist) if args.dist else layout.dist
    if not (dist / "full.nt").exists():
        from llm_atlas.build import BuildFailed, build

        print("no dist/ yet: building the atlas first…", file=sys.stderr)
        try:
            build(layout, out=dist, log=lambda m: print(m, file=sys.stderr))
        except BuildFailed as failed:
            sys.stdout.write(failed.report)
            print("error: the atlas does not build; fix it first", file=sys.stderr)
            return layout, None
    return layout, lineage_store(dist)


def cmd_lineage_family(args) -> int:
    from llm_atlas.lineage import Lineage, family, format_family, most_derived, resolve_model

    layout, store = _lineage_store(args)
    if store is None:
        return EXIT_ERROR
    lineage = Lineage.read(store)
    if args.base:
        base = resolve_model(store, args.base)
        if base is None:
            print(f"error: no model {args.base} in the atlas or its imported models", file=sys.stderr)
            return EXIT_ERROR
        sys.stdout.write(format_family(family(store, base, lineage), lineage))
        return EXIT_OK
    for model, descendants, direct in most_derived(store, args.top, lineage):
        print(f"{lineage.name(model)}  {descendants} descendants, {direct} direct")
    return EXIT_OK


def cmd_lineage_report(args) -> int:
    from llm_atlas.lineage import Lineage, format_report, lineage_checks, resolve_model, run_lineage_checks

    layout, store = _lineage_store(args)
    if store is None:
        return EXIT_ERROR
    checks = lineage_checks(layout.queries)
    base = None
    if args.base:
        base = resolve_model(store, args.base)
        if base is None:
            print(f"error: no model {args.base} in the atlas or its imported models", file=sys.stderr)
            return EXIT_ERROR
    lineage = Lineage.read(store)
    findings = run_lineage_checks(store, checks, base=base, lineage=lineage)
    sys.stdout.write(format_report(findings, checks, lineage))
    return EXIT_VIOLATIONS if (args.strict and findings) else EXIT_OK
