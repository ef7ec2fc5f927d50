"""``llm-atlas release VERSION`` and ``llm-atlas rebuild VERSION``.

A release is made from a commit, never from a working tree: the command refuses uncommitted
changes, a version that is not newer than the last release, and a commit whose
``src/llm_atlas/__init__.py`` says another version (the version lives there and only there).
It exports the commit (``git archive``), builds it with the commit's own code, writes the files
under versioned names to ``releases-dist/<version>/`` (git-ignored) with their ``SHA256SUMS``,
and records the release in ``releases/`` together with ``CITATION.cff`` and the data section of
``CHANGELOG.md``: the maintainer commits those ("Record release VERSION").

``rebuild`` builds a recorded release's commit again and compares every file with the recorded
checksums; when all match it restores ``releases-dist/<version>/`` (e.g. on a fresh clone).
"""

from __future__ import annotations

import hashlib
import platform
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from llm_atlas.atlas import Layout
from llm_atlas.releases import commits
from llm_atlas.releases.describe import citation_cff
from llm_atlas.query import SUMS, checksums_text
from llm_atlas.releases.record import (Release, ReleaseError, append_record, entity_iris, files_dir, find,
                                       read_records, records_dir, version_key, versioned_name)

CITATION = "CITATION.cff"
CHANGELOG = "CHANGELOG.md"


@dataclass
class Made:
    release: Release
    folder: Path  # releases-dist/<version>
    iris: int
    written: list[Path]  # files of the repository the maintainer commits


def built_with() -> str:
    """The tools whose versions decide the bytes of a build."""
    from importlib.metadata import version

    return f"python {platform.python_version()}, pyoxigraph {version('pyoxigraph')}, rdflib {version('rdflib')}"


def release_files(version: str, dist: Path) -> dict[str, bytes]:
    """A build's files under their versioned names (the build's own SHA256SUMS is replaced by the release's)."""
    return {versioned_name(version, p.name): p.read_bytes() for p in sorted(Path(dist).iterdir())
            if p.is_file() and p.name != SUMS}


def write_release_folder(folder: Path, files: dict[str, bytes], digests: dict[str, str]) -> None:
    """Write the files and their SHA256SUMS (``digests``) into ``folder``, replacing what was there."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    (folder / SUMS).write_text(checksums_text(digests), encoding="utf-8")


def check_new_version(releases: list[Release], version: str, date: str) -> None:
    version_key(version)  # a MAJOR.MINOR.PATCH version, or ReleaseError
    if find(releases, version):
        raise ReleaseError(f"release {version} is recorded already (releases/releases.toml); releases never change. "
                           f"Make a new version, e.g. {_next(releases[-1].version)}")
    if releases and version_key(version) <= version_key(releases[-1].version):
        raise ReleaseError(f"version {version} is not newer than the last release, {releases[-1].version}; "
                           f"use e.g. {_next(releases[-1].version)}")
    if releases and date < releases[-1].date:
        raise ReleaseError(f"the release date {date} (atlas.toml [release] date) is before the last release's, "
                           f"{releases[-1].date}; set today's date there and commit")


def _next(version: str) -> str:
    major, minor, _ = version_key(version)
    return f"{major}.{minor + 1}.0"


def make_release(layout: Layout, version: str, *, log=lambda message: None) -> Made:
    """Build the commit at HEAD as release ``version``, write its files and record it."""
    root = Path(layout.root)
    folder = records_dir(layout)
    releases = read_records(folder)
    version_key(version)
    dirty = commits.uncommitted(root)
    if dirty:
        shown = "; ".join(line.strip() for line in dirty[:5]) + (f"; … {len(dirty) - 5} more" if len(dirty) > 5 else "")
        raise ReleaseError(f"the working tree has uncommitted changes ({shown}). A release is built from a commit, "
                           f"so that anyone can rebuild it: commit or stash them, then run `llm-atlas release {version}` again")
    commit = commits.git(root, "rev-parse", "HEAD")
    with tempfile.TemporaryDirectory(prefix="llm-atlas-release-") as work:
        tree = commits.export(root, commit, Path(work) / "tree")
        stated, date = commits.tree_version(tree), commits.tree_date(tree)
        if stated != version:
            raise ReleaseError(f"commit {commit[:12]} is version {stated} (src/llm_atlas/__init__.py); set "
                               f'__version__ = "{version}" there and the release date in atlas.toml, commit, and run '
                               f"`llm-atlas release {version}` again")
        check_new_version(releases, version, date)
        log(f"building release {version} from commit {commit[:12]}…")
        dist = commits.build_tree(tree, Path(work) / "dist", log=log)
        files = release_files(version, dist)
        iris = entity_iris((dist / "asserted.nt").read_bytes())
    digests = {n: hashlib.sha256(d).hexdigest() for n, d in files.items()}
    out = files_dir(layout) / version
    write_release_folder(out, files, digests)
    release = Release(version, date, commit, built_with(), sha256=digests, sizes={n: len(d) for n, d in files.items()})
    append_record(folder, release, iris)
    releases.append(release)
    written = [folder / "releases.toml", folder / version / "iris.txt", root / CITATION]
    (root / CITATION).write_text(citation_cff(layout.config, releases), encoding="utf-8")
    section = changelog_section(layout, releases, log=log)
    if section is not None and (root / CHANGELOG).exists():
        path = root / CHANGELOG
        path.write_text(insert_data_section(path.read_text(encoding="utf-8"), release, section), encoding="utf-8")
        written.append(path)
    return Made(release, out, len(iris), written)


def changelog_section(layout: Layout, releases: list[Release], *, log=lambda message: None) -> str | None:
    """The data section of the newest release's CHANGELOG entry, from the diff with the one before."""
    from llm_atlas.releases.diff import changelog, compare, resolve

    new = resolve(layout, releases[-1].version, log=log)
    old = resolve(layout, releases[-2].version, log=log) if len(releases) > 1 else None
    try:
        return changelog(compare(old, new))
    finally:
        for side in (old, new):
            if side is not None:
                side.close()


def insert_data_section(text: str, release: Release, section: str) -> str:
    """``CHANGELOG.md`` with ``section`` as the ``### Data`` part of the release's entry.

    The entry ``## [VERSION]`` is made (below ``## [Unreleased]``) if the maintainer has not written
    one; a ``### Data`` part already there is replaced, the rest of the entry is kept.
    """
    heading = re.compile(rf"^## \[{re.escape(release.version)}\][^\n]*\n", re.M)
    found = heading.search(text)
    if found is None:
        entry = f"## [{release.version}] - {release.date}\n\n"
        later = re.search(r"^## \[(?!Unreleased\])", text, re.M)
        at = later.start() if later else len(text)
        before = text[:at].rstrip("\n") + "\n\n"
        text = before + entry + text[at:]
        found = heading.search(text)
    start = found.end()
    end_match = re.search(r"^## \[", text[start:], re.M)
    end = start + end_match.start() if end_match else len(text)
    body = text[start:end]
    body = re.sub(r"^### Data\n.*?(?=^### |\Z)", "", body, flags=re.M | re.S).rstrip("\n")
    body = (body + "\n\n" if body.strip() else "\n") + section.rstrip("\n") + ("\n\n" if end < len(text) else "\n")
    return text[:start] + body + text[end:]


@dataclass
class Rebuilt:
    release: Release
    mismatched: list[tuple[str, str, str]]  # (file, recorded sha256, rebuilt sha256 or "missing")
    folder: Path | None  # releases-dist/<version>, written when every file matched


def rebuild(layout: Layout, version: str, *, write: bool = True, log=lambda message: None) -> Rebuilt:
    """Build release ``version`` from its recorded commit and compare every file with its checksum."""
    releases = read_records(records_dir(layout))
    release = find(releases, version)
    if release is None:
        known = ", ".join(r.version for r in releases) or "none yet"
        raise ReleaseError(f"no release {version} in {records_dir(layout) / 'releases.toml'} (recorded: {known})")
    root = Path(layout.root)
    if commits.resolve_commit(root, release.commit) is None:
        raise ReleaseError(f"commit {release.commit} of release {version} is not in this clone; fetch it "
                           f"(`git fetch --unshallow`, or `git fetch origin {release.commit}`) and try again")
    with tempfile.TemporaryDirectory(prefix="llm-atlas-rebuild-") as work:
        log(f"rebuilding release {version} from commit {release.commit[:12]} ({release.built_with or 'tools not recorded'})…")
        files = release_files(version, commits.build_commit(root, release.commit, Path(work), log=log))
    got = {n: hashlib.sha256(d).hexdigest() for n, d in files.items()}
    mismatched = [(n, release.sha256.get(n, "missing"), got.get(n, "missing"))
                  for n in sorted(set(release.sha256) | set(got)) if release.sha256.get(n) != got.get(n)]
    folder = None
    if not mismatched and write:
        folder = files_dir(layout) / version
        write_release_folder(folder, files, got)
    return Rebuilt(release, mismatched, folder)
