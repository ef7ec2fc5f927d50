"""A commit as a folder, and building it with its own code.

A release is what its commit builds: the commit's graph, ontology, queries and ``atlas.toml``,
built by the commit's own ``src/`` (not by whatever code runs the command), so a release can
be rebuilt byte for byte years later from the commit alone, with the same tools.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import tarfile
import tomllib
from pathlib import Path

from llm_atlas.releases.record import ReleaseError

VERSION_LINE = re.compile(r'^__version__\s*=\s*"([^"]+)"', re.M)


def git(root: Path, *args: str, binary: bool = False):
    """Output of ``git args`` in ``root``; ReleaseError naming the command if it fails."""
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=True)
    except FileNotFoundError:
        raise ReleaseError("git is not installed; releases are made from git commits") from None
    except subprocess.CalledProcessError as err:
        message = err.stderr.decode(errors="replace").strip().splitlines()
        raise ReleaseError(f"`git {' '.join(args)}` failed in {root}: {message[-1] if message else err}") from None
    return done.stdout if binary else done.stdout.decode().strip()


def resolve_commit(root: Path, name: str) -> str | None:
    """The full hash of commit ``name`` (a hash, tag or branch), or None if the repository has none such."""
    try:
        return git(root, "rev-parse", "--verify", "--quiet", f"{name}^{{commit}}")
    except ReleaseError:
        return None


def uncommitted(root: Path) -> list[str]:
    """Changed or untracked (not ignored) files in the working tree, as ``git status`` names them."""
    return [line for line in git(root, "status", "--porcelain", "--untracked-files=normal").splitlines() if line]


def export(root: Path, commit: str, dest: Path) -> Path:
    """Write the tree of ``commit`` to ``dest`` (``git archive``: tracked files only, no ignored ones)."""
    data = git(root, "archive", "--format=tar", commit, binary=True)
    dest.mkdir(parents=True, exist_ok=True)
    safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}  # nothing may land outside dest
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(dest, **safe)
    return dest


def tree_version(tree: Path) -> str:
    """``__version__`` as the tree's ``src/llm_atlas/__init__.py`` writes it."""
    match = VERSION_LINE.search((tree / "src" / "llm_atlas" / "__init__.py").read_text(encoding="utf-8"))
    if not match:
        raise ReleaseError(f"{tree}/src/llm_atlas/__init__.py has no __version__ line")
    return match.group(1)


def tree_date(tree: Path) -> str:
    """The release date the tree's ``atlas.toml`` sets."""
    with open(tree / "atlas.toml", "rb") as fh:
        return str(tomllib.load(fh)["release"]["date"])


def build_tree(tree: Path, out: Path, *, log=lambda message: None) -> Path:
    """Build ``tree`` into ``out`` with the tree's own code, in a fresh Python process."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "LLM_ATLAS_ROOT")}
    env.update(PYTHONPATH=str(tree / "src"), LLM_ATLAS_ROOT=str(tree), PYTHONHASHSEED="0")
    log(f"building {tree} with its own code…")
    done = subprocess.run([sys.executable, "-m", "llm_atlas", "build", "--out", str(out)],
                          cwd=tree, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        report = (done.stdout + done.stderr).strip()
        raise ReleaseError(f"the commit does not build (exit {done.returncode}):\n{report}")
    return out


def build_commit(root: Path, commit: str, work: Path, *, log=lambda message: None) -> Path:
    """Export ``commit`` into ``work/tree`` and build it into ``work/dist``; the dist folder."""
    tree = export(root, commit, Path(work) / "tree")
    return build_tree(tree, Path(work) / "dist", log=log)
