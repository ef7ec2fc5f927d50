"""IRIs that never break: every entity IRI a recorded release published must still be in the graph,
live or as a tombstone (``llm-atlas retire``). Deleting or renaming its file is a build failure.

The check reads only the record (``releases/<version>/iris.txt``), never the git history, so it
holds in a shallow clone too.
"""

from __future__ import annotations

from llm_atlas.atlas import Sources
from llm_atlas.loading import Problem
from llm_atlas.namespaces import ID
from llm_atlas.releases.record import IRIS, ReleaseError, published_iris, read_records, records_dir

RULE = "never-break"


def broken_iris(sources: Sources) -> list[Problem]:
    """One problem per published IRI that no graph file describes, naming the first release that published it."""
    folder = records_dir(sources.layout)
    try:
        releases = read_records(folder)
    except ReleaseError as err:
        return [Problem(str(folder / "releases.toml"), None, str(folder), RULE, str(err))]
    present = {str(gf.entity) for gf in sources.files if gf.entity is not None}
    problems, seen = [], set()
    for release in releases:
        listing = folder / release.version / IRIS
        if not listing.exists():
            problems.append(Problem(str(listing), None, release.version, RULE,
                                    f"The record of release {release.version} has no {IRIS}, so the IRIs it published "
                                    f"cannot be checked. Restore it from git (`git checkout -- {listing}`)."))
            continue
        for iri in published_iris(folder, release.version):
            if iri in present or iri in seen:
                continue
            seen.add(iri)
            kind, _, slug = iri[len(str(ID)):].partition("/")
            path = sources.layout.graph / kind / f"{slug}.ttl"
            problems.append(Problem(
                str(path), None, iri, RULE,
                f"Release {release.version} published <{iri}> (releases/{release.version}/{IRIS}); others may link to "
                f"it, so it must keep answering, but no file describes it. Restore the file "
                f"(`git checkout {release.commit[:12]} -- graph/{kind}/{slug}.ttl`), or retire the IRI: "
                f"`llm-atlas retire {kind}/{slug} --why \"…\"`, with `--replaced-by KIND/SLUG` for a merge or a rename."))
    return problems
