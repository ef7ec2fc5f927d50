"""The release record, kept in the repository so that it travels with every clone (git tags may not).

``releases/releases.toml`` holds one ``[[release]]`` table per release: its version, date, the
commit it was built from, the tools that built it, and the SHA-256 and size of every file of the
release under its versioned name. ``releases/<version>/iris.txt`` lists, one per line and sorted,
the entity IRIs that release published: the build's never-break check reads these files, so it
works in a shallow clone without the history.

The folder sits beside the graph folder it protects (``graph/`` → ``releases/``), as the import
area does (``graph/`` → ``imported/``); the files of each release are written, git-ignored, to
``releases-dist/<version>/`` beside ``dist/``.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from llm_atlas.atlas import Layout
from llm_atlas.namespaces import BASE, ID
from llm_atlas.query import checksums_text

RECORD = "releases.toml"
IRIS = "iris.txt"
VERSION = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
HEADER = """\
# Releases of the LLM Atlas, oldest first: written by `llm-atlas release`, never by hand.
# Each release names the commit it was built from and the SHA-256 of each of its files
# (their names under releases-dist/<version>/ and https://w3id.org/llm-atlas/downloads/<version>/).
# releases/<version>/iris.txt lists the entity IRIs it published: each must keep answering.
"""


class ReleaseError(Exception):
    """A release, rebuild or diff that cannot be made (exit code 2); the message says how to fix it."""


@dataclass(frozen=True)
class Release:
    version: str
    date: str
    commit: str
    built_with: str = ""
    sha256: dict[str, str] = field(default_factory=dict)  # versioned file name -> hex digest
    sizes: dict[str, int] = field(default_factory=dict)  # versioned file name -> bytes

    @property
    def iri(self) -> str:
        return version_iri(self.version)

    def sums_text(self) -> str:
        """The release's SHA256SUMS, made from the record."""
        return checksums_text(self.sha256)


def version_key(version: str) -> tuple[int, int, int]:
    """The order of release versions (MAJOR.MINOR.PATCH, compared as numbers).

    >>> version_key("0.10.0") > version_key("0.9.3")
    True
    """
    match = VERSION.match(version)
    if not match:
        raise ReleaseError(f"{version!r} is not a release version: use MAJOR.MINOR.PATCH, e.g. 0.2.0")
    return tuple(int(part) for part in match.groups())


def version_iri(version: str) -> str:
    """The IRI of one release of the dataset (a ``dcat:Dataset`` that is a version of ``…/dataset``)."""
    return f"{BASE}dataset/{version}"


def download_url(version: str, name: str) -> str:
    return f"{BASE}downloads/{version}/{name}"


def versioned_name(version: str, name: str) -> str:
    """The name a file of ``dist/`` has in a release: the full graph is the release itself.

    >>> versioned_name("0.2.0", "full.nt"), versioned_name("0.2.0", "asserted.ttl"), versioned_name("0.2.0", "void.ttl")
    ('llm-atlas-0.2.0.nt', 'llm-atlas-0.2.0-asserted.ttl', 'llm-atlas-0.2.0-void.ttl')
    """
    stem, dot, suffix = name.partition(".")
    return f"llm-atlas-{version}{dot}{suffix}" if stem == "full" else f"llm-atlas-{version}-{stem}{dot}{suffix}"


def dist_name(version: str, name: str) -> str:
    """The inverse of :func:`versioned_name`.

    >>> dist_name("0.2.0", "llm-atlas-0.2.0.nt"), dist_name("0.2.0", "llm-atlas-0.2.0-asserted.ttl")
    ('full.nt', 'asserted.ttl')
    """
    rest = name.removeprefix(f"llm-atlas-{version}")
    return "full" + rest if rest.startswith(".") else rest.removeprefix("-")


def records_dir(layout: Layout) -> Path:
    """The release record of the graph ``layout`` builds: ``releases/`` beside ``graph/``."""
    return Path(layout.graph).parent / "releases"


def files_dir(layout: Layout) -> Path:
    """Where the files of each release are written (git-ignored): ``releases-dist/`` beside ``dist/``."""
    return Path(layout.dist).parent / "releases-dist"


def read_records(folder: Path) -> list[Release]:
    """The recorded releases, oldest first; none if there is no record yet."""
    path = Path(folder) / RECORD
    if not path.exists():
        return []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise ReleaseError(f"{path}: {err}; restore it from git (`git checkout -- {path}`)") from None
    releases = []
    for table in data.get("release", []):
        missing = [key for key in ("version", "date", "commit", "sha256") if key not in table]
        if missing:
            raise ReleaseError(f"{path}: the release {table.get('version', '?')} lacks {', '.join(missing)}; "
                               f"restore the file from git")
        releases.append(Release(table["version"], str(table["date"]), table["commit"], table.get("built-with", ""),
                                dict(table["sha256"]), {k: int(v) for k, v in table.get("bytes", {}).items()}))
    return sorted(releases, key=lambda r: version_key(r.version))


def find(releases: list[Release], version: str) -> Release | None:
    return next((r for r in releases if r.version == version), None)


def previous(releases: list[Release], version: str) -> Release | None:
    """The newest recorded release older than ``version``."""
    older = [r for r in releases if version_key(r.version) < version_key(version)]
    return older[-1] if older else None


def published_iris(folder: Path, version: str) -> list[str]:
    """The entity IRIs release ``version`` published (``releases/<version>/iris.txt``)."""
    path = Path(folder) / version / IRIS
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]


def entity_iris(nt: bytes) -> list[str]:
    """The atlas entity IRIs a build's asserted N-Triples describe (subjects ``…/id/<kind>/<slug>``), sorted."""
    prefix = f"<{ID}".encode()
    found = set()
    for line in nt.splitlines():
        if line.startswith(prefix):
            subject = line[1:line.index(b">")].decode()
            if "#" not in subject:
                found.add(subject)
    return sorted(found)


def append_record(folder: Path, release: Release, iris: list[str]) -> None:
    """Add ``release`` to ``releases.toml`` (existing text kept as it is) and write its ``iris.txt``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / RECORD
    text = path.read_text(encoding="utf-8") if path.exists() else HEADER
    lines = ["", "[[release]]", f'version = "{release.version}"', f'date = "{release.date}"',
             f'commit = "{release.commit}"', f'built-with = "{release.built_with}"', "", "[release.sha256]"]
    lines += [f'"{name}" = "{digest}"' for name, digest in sorted(release.sha256.items())]
    lines += ["", "[release.bytes]"] + [f'"{name}" = {size}' for name, size in sorted(release.sizes.items())]
    path.write_text(text.rstrip("\n") + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    (folder / release.version).mkdir(exist_ok=True)
    (folder / release.version / IRIS).write_text(
        f"# The entity IRIs release {release.version} published: each must keep answering (live or retired).\n"
        + "".join(iri + "\n" for iri in iris), encoding="utf-8")
