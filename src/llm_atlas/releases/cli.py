"""The ``release``, ``rebuild``, ``diff`` and ``retire`` commands (registered by :func:`add_commands`).

Exit codes: 0 done; 1 a rebuild whose files differ from the record; 2 refused or bad input (the
message says why and how to fix it).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

EXIT_OK, EXIT_VIOLATIONS, EXIT_ERROR = 0, 1, 2


def add_commands(sub) -> None:
    """Add ``release``, ``rebuild``, ``diff`` and ``retire`` to the ``llm-atlas`` subcommands."""
    r = sub.add_parser("release", help="build the commit at HEAD as release VERSION: versioned files in releases-dist/, "
                                       "its checksums and IRIs recorded in releases/, CITATION.cff and CHANGELOG updated")
    r.add_argument("version", help="MAJOR.MINOR.PATCH, newer than the last release and equal to __version__ of the commit")
    r.set_defaults(func=cmd_release)

    b = sub.add_parser("rebuild", help="build a recorded release again from its commit and compare every file with its "
                                       "recorded SHA-256; restores releases-dist/VERSION when all match")
    b.add_argument("version", help="a release recorded in releases/releases.toml")
    b.add_argument("--check", action="store_true", help="only compare; write nothing")
    b.set_defaults(func=cmd_rebuild)

    d = sub.add_parser("diff", help="what changed between two builds: entities added, removed, retired and changed, "
                                    "with the facts added and removed, by class")
    d.add_argument("old", help="a recorded release (e.g. 0.1.0), a git commit, or a folder holding a build (dist/)")
    d.add_argument("new", help="the same kinds; e.g. `llm-atlas diff 0.1.0 dist` for the changes since 0.1.0")
    d.add_argument("--format", choices=("md", "json", "ttl", "changelog"), default="md",
                   help="md (default), json, ttl (a changeset graph: applied to OLD it gives NEW), or changelog "
                        "(the data section of a CHANGELOG entry)")
    d.add_argument("--inferred", action="store_true", help="compare the full graphs, the reasoner's facts included "
                                                           "(default: the asserted facts)")
    d.add_argument("--out", metavar="FILE", help="write to FILE instead of standard output")
    d.set_defaults(func=cmd_diff)

    t = sub.add_parser("retire", help="turn an entity's file into a tombstone: its IRI keeps answering "
                                      "(301 to the replacement, else 410 Gone)")
    t.add_argument("target", metavar="KIND/SLUG", help="the entity to retire, e.g. org/beta-corporation")
    t.add_argument("--why", required=True, help="why it leaves the atlas, in a sentence (shown to everyone who follows its IRI)")
    t.add_argument("--replaced-by", metavar="KIND/SLUG", help="the entity that takes its place (a merge or a rename); "
                                                               "links in other files are rewritten to it")
    t.add_argument("--source", action="append", default=[], metavar="URL",
                   help="a document showing why (repeatable); the entity's own sources are kept")
    t.add_argument("--date", help="the day of retirement, YYYY-MM-DD (default: today)")
    t.add_argument("--graph", help=argparse.SUPPRESS)
    t.set_defaults(func=cmd_retire)


def _layout(args):
    from llm_atlas.atlas import Layout, find_root

    return Layout(find_root(), graph=getattr(args, "graph", None))


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def cmd_release(args) -> int:
    from llm_atlas.releases.publish import make_release
    from llm_atlas.releases.record import ReleaseError

    layout = _layout(args)
    try:
        made = make_release(layout, args.version, log=_progress)
    except ReleaseError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_ERROR
    root = Path(layout.root)
    files = " ".join(str(p.relative_to(root)) if p.is_relative_to(root) else str(p) for p in made.written)
    print(f"release {made.release.version} ({made.release.date}) built from commit {made.release.commit[:12]}: "
          f"{len(made.release.sha256)} files in {made.folder} (checksums in SHA256SUMS), {made.iris} entity IRIs recorded.\n"
          f"Now commit the record: git add {files} && git commit -m \"Record release {made.release.version}\"")
    return EXIT_OK


def cmd_rebuild(args) -> int:
    from llm_atlas.releases.publish import rebuild
    from llm_atlas.releases.record import ReleaseError

    try:
        done = rebuild(_layout(args), args.version, write=not args.check, log=_progress)
    except ReleaseError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_ERROR
    if done.mismatched:
        for name, recorded, got in done.mismatched:
            print(f"{name}: recorded {recorded}, rebuilt {got}")
        print(f"release {args.version} does not rebuild byte for byte from commit {done.release.commit[:12]}: "
              f"{len(done.mismatched)} file(s) differ. It was built with {done.release.built_with or 'unrecorded tools'}; "
              f"rebuild with those versions.", file=sys.stderr)
        return EXIT_VIOLATIONS
    where = f"; written to {done.folder}" if done.folder else ""
    print(f"release {args.version} rebuilt byte for byte from commit {done.release.commit[:12]}: "
          f"all {len(done.release.sha256)} files match their recorded SHA-256{where}")
    return EXIT_OK


def cmd_diff(args) -> int:
    from llm_atlas.releases.diff import compare, render, resolve
    from llm_atlas.releases.record import ReleaseError

    layout = _layout(args)
    old = new = None
    try:
        old = resolve(layout, args.old, log=_progress)
        new = resolve(layout, args.new, log=_progress)
        text = render(compare(old, new, inferred=args.inferred), args.format)
    except ReleaseError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_ERROR
    finally:
        for side in (old, new):
            if side is not None:
                side.close()
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"wrote {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return EXIT_OK


def cmd_retire(args) -> int:
    from llm_atlas.namespaces import curie
    from llm_atlas.releases.record import ReleaseError
    from llm_atlas.releases.retire import retire

    try:
        done = retire(_layout(args), args.target, why=args.why, replaced_by=args.replaced_by,
                      sources=args.source, date=args.date)
    except ReleaseError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_ERROR
    answer = f"301 to {curie(done.replaced_by)}" if done.replaced_by else "410 Gone"
    restored = f" (taken back from commit {done.restored_from[:12]})" if done.restored_from else ""
    print(f"retired {curie(done.iri)}: {done.path} is a tombstone now{restored}; its IRI will answer {answer}.")
    for path in done.rewritten:
        print(f"  links rewritten to {curie(done.replaced_by)} in {path}")
    print("Check with `llm-atlas validate`, then commit.")
    return EXIT_OK
