"""The ``serve`` and ``export-site`` commands (registered by :func:`add_commands`)."""

from __future__ import annotations

import argparse
import shutil
import signal
import sys
import tempfile
from pathlib import Path

EXIT_OK, EXIT_VIOLATIONS, EXIT_ERROR = 0, 1, 2


def add_commands(sub) -> None:
    """Add ``serve`` and ``export-site`` to the ``llm-atlas`` subcommands."""
    s = sub.add_parser("serve", help="build dist/, then serve the atlas: SPARQL endpoint, resource IRIs, pages, downloads")
    s.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    s.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    s.add_argument("--timeout", type=float, default=10.0, help="seconds a SPARQL query may run before it is stopped (default 10)")
    s.add_argument("--workers", type=int, default=2, help="query worker processes, i.e. queries run at once (default 2)")
    s.add_argument("--max-rows", type=int, default=10_000, help="solutions or triples in one answer (default 10000)")
    s.add_argument("--max-waiting", type=int, default=64, help="queries waiting for a worker before the server answers 503 (default 64)")
    s.add_argument("--cache-mb", type=float, default=64, help="memory for answers of repeated queries; the store is read-only, "
                                                               "so they never go stale (default 64; 0 turns the cache off)")
    s.add_argument("--no-build", action="store_true", help="serve the existing dist/ as it is")
    s.add_argument("--store", metavar="PATH", help="serve from an on-disk Oxigraph store in this folder, kept and reused "
                                                   "while dist/ is unchanged: for releases too large to load into every "
                                                   "process (default: each process holds the release in memory)")
    s.add_argument("--dist", help=argparse.SUPPRESS)
    s.add_argument("--graph", help=argparse.SUPPRESS)
    s.set_defaults(func=cmd_serve)

    e = sub.add_parser("export-site", help="write the whole site as static files, with w3id-style .htaccess redirect rules")
    e.add_argument("dir", help="folder to write the site to (created; must be empty or missing)")
    e.add_argument("--site-url", default="/", help="where the exported folder will be served, for the .htaccess "
                                                   "redirects (default /: the folder is the web root of the IRIs)")
    e.add_argument("--no-build", action="store_true", help="export the existing dist/ as it is")
    e.add_argument("--graph", help=argparse.SUPPRESS)
    e.add_argument("--dist", help=argparse.SUPPRESS)
    e.set_defaults(func=cmd_export_site)


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _dist(args):
    """The layout and a built dist/ (building unless --no-build); an exit code on failure."""
    from llm_atlas.atlas import Layout, find_root
    from llm_atlas.build import BuildFailed, build

    layout = Layout(find_root(), graph=getattr(args, "graph", None))
    dist = Path(args.dist) if getattr(args, "dist", None) else layout.dist
    if args.no_build:
        if not (dist / "full.nt").exists():
            print(f"error: {dist} holds no build; run `llm-atlas build` or drop --no-build", file=sys.stderr)
            return layout, None, EXIT_ERROR
        return layout, dist, EXIT_OK
    try:
        _progress(build(layout, out=dist, log=_progress).text())
    except BuildFailed as failed:
        sys.stdout.write(failed.report)
        print("build failed: nothing served", file=sys.stderr)
        return layout, None, EXIT_VIOLATIONS
    return layout, dist, EXIT_OK


def cmd_serve(args) -> int:
    import uvicorn

    from llm_atlas.serve.app import Atlas, Settings, create_app
    from llm_atlas.serve.workers import Limits, prepare_store, snapshot_dist

    if args.timeout <= 0 or args.workers < 1 or args.max_rows < 1 or args.max_waiting < 0 or args.cache_mb < 0:
        print("error: --timeout, --workers and --max-rows must be positive; --max-waiting and --cache-mb not negative",
              file=sys.stderr)
        return EXIT_ERROR
    layout, dist, code = _dist(args)
    if dist is None:
        return code
    folder = Path(args.store) if args.store else Path(tempfile.mkdtemp(prefix="llm-atlas-store-"))
    try:
        if args.store:  # on disk: shared by all processes, kept and reused while dist/ is unchanged
            _progress(f"loading {dist} into the store at {folder}…")
            try:
                store_path = prepare_store(dist, folder)
            except FileExistsError as err:
                print(f"error: {err}", file=sys.stderr)
                return EXIT_ERROR
        else:  # in memory (faster queries): each process loads a private copy of the release
            store_path = snapshot_dist(dist, folder)
        settings = Settings(dist=dist, store_path=store_path, config=layout.config, queries=layout.queries / "cq",
                            workers=args.workers, limits=Limits(timeout=args.timeout, max_rows=args.max_rows),
                            max_waiting=args.max_waiting, cache_bytes=int(args.cache_mb * 1024 * 1024))
        atlas = Atlas(settings)
        # uvicorn re-raises SIGTERM after its graceful shutdown; with the default handler that
        # would end the process before the finally blocks remove the workers and the temp store.
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(EXIT_OK))
        try:
            _progress(f"serving the atlas at http://{args.host}:{args.port}/ (SPARQL: /sparql); Ctrl-C stops")
            uvicorn.run(create_app(atlas), host=args.host, port=args.port, log_level="warning",
                        limit_concurrency=256, timeout_graceful_shutdown=5)
        finally:
            atlas.close()
    finally:
        if not args.store:
            shutil.rmtree(folder, ignore_errors=True)
    return EXIT_OK


def cmd_export_site(args) -> int:
    from llm_atlas.serve.export import export_site

    out = Path(args.dir)
    if out.exists() and any(out.iterdir()):
        print(f"error: {out} is not empty; give an empty or new folder", file=sys.stderr)
        return EXIT_ERROR
    layout, dist, code = _dist(args)
    if dist is None:
        return code
    written = export_site(dist, out, config=layout.config, queries=layout.queries / "cq",
                          site_url=args.site_url, log=_progress)
    print(f"wrote {written} files to {out} (open {out / 'index.html'}; publish with {out / '.htaccess'})")
    return EXIT_OK
