"""A git repository holding the fixture atlas with two releases, made with the real commands.

See tests/fixtures/release-history/README.md for the story. The repository holds a copy of this
checkout's code, ontology and queries, so each release is built by the commit's own code as a
real one is.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from rdflib import URIRef

from llm_atlas.atlas import Layout
from llm_atlas.releases.publish import make_release
from llm_atlas.releases.retire import retire

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
HISTORY = FIXTURES / "release-history"
ID = "https://w3id.org/llm-atlas/id/"
GIT_ENV = {"GIT_AUTHOR_NAME": "Fixture", "GIT_AUTHOR_EMAIL": "fixture@example.org", "GIT_COMMITTER_NAME": "Fixture",
           "GIT_COMMITTER_EMAIL": "fixture@example.org", "GIT_AUTHOR_DATE": "2026-11-27T12:00:00Z",
           "GIT_COMMITTER_DATE": "2026-11-27T12:00:00Z", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
CHANGELOG = "# Changelog\n\n## [Unreleased]\n\n### Added\n- Something curated by hand.\n"


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True,
                          env={**os.environ, **GIT_ENV})
    return done.stdout.strip()


def commit_all(repo: Path, message: str) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD")


def overlay(repo: Path, version: str) -> None:
    shutil.copytree(HISTORY / version, repo / "graph", dirs_exist_ok=True)


def set_version(repo: Path, version: str, date: str) -> None:
    init = repo / "src" / "llm_atlas" / "__init__.py"
    init.write_text(re.sub(r'__version__ = "[^"]+"', f'__version__ = "{version}"', init.read_text()))
    toml = repo / "atlas.toml"
    toml.write_text(re.sub(r'^date = "[^"]+"', f'date = "{date}"', toml.read_text(), flags=re.M))


def new_repo(dest: Path) -> Path:
    """The fixture atlas as of release 0.1.0, committed, not released yet."""
    dest.mkdir(parents=True)
    for name in ("atlas.toml",):
        shutil.copy(ROOT / name, dest / name)
    for folder in ("ontology", "queries"):
        shutil.copytree(ROOT / folder, dest / folder)
    shutil.copytree(ROOT / "src" / "llm_atlas", dest / "src" / "llm_atlas", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(FIXTURES / "graph", dest / "graph")
    (dest / "CHANGELOG.md").write_text(CHANGELOG)
    (dest / ".gitignore").write_text("dist/\nreleases-dist/\n__pycache__/\n")
    set_version(dest, "0.1.0", "2026-11-27")
    overlay(dest, "0.1.0")
    git(dest, "init", "-q", "-b", "main")
    commit_all(dest, "The fixture atlas for release 0.1.0")
    return dest


@dataclass
class History:
    repo: Path
    commits: dict[str, str]  # version -> the commit it was built from

    @property
    def layout(self) -> Layout:
        return Layout(self.repo)


def make_history(dest: Path) -> History:
    """Release 0.1.0, then the 0.2.0 changes (an addition, a change, a merge, a withdrawal) and release 0.2.0."""
    repo = new_repo(dest)
    commits = {"0.1.0": git(repo, "rev-parse", "HEAD")}
    make_release(Layout(repo), "0.1.0")
    commit_all(repo, "Record release 0.1.0")

    overlay(repo, "0.2.0")
    alpha = repo / "graph" / "model" / "alpha-7b.ttl"
    alpha.write_text(alpha.read_text().replace("atlas:parameterCount 7000000000", "atlas:parameterCount 7200000000"))
    retire(Layout(repo), "org/beta-corporation", replaced_by="org/beta-corp", date="2026-12-01",
           why="Duplicate of Beta Corp: the same company under its former name.")
    retire(Layout(repo), "model/delta-2b", date="2026-12-01", sources=["https://example.org/news/delta-2b-withdrawn"],
           why="Withdrawn by its developers; the weights are no longer published.")
    set_version(repo, "0.2.0", "2026-12-01")
    commits["0.2.0"] = commit_all(repo, "The fixture atlas for release 0.2.0")
    make_release(Layout(repo), "0.2.0")
    commit_all(repo, "Record release 0.2.0")
    return History(repo, commits)


def clone(history: History, dest: Path) -> Path:
    """A working copy of the history repository (with its release files) for a test to change."""
    git(history.repo.parent, "clone", "-q", str(history.repo), str(dest))
    shutil.copytree(history.repo / "releases-dist", dest / "releases-dist")
    return dest


def unrecorded_build_version(recorded) -> set:
    """The version the running code builds (``__version__``) is described too while no release
    records it (releases/describe.py): expected beside the fixture's releases after a bump."""
    from llm_atlas import __version__

    return set() if __version__ in recorded else {URIRef(f"https://w3id.org/llm-atlas/dataset/{__version__}")}
