"""Releases (llm_atlas.releases.record, .publish, .describe, .commits): made from a commit, recorded in
the repository, files under versioned names with fixed URLs and checksums, rebuilt byte for byte."""

import hashlib
import re
import shutil
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF

from llm_atlas.atlas import Layout
from llm_atlas.cli import main
from llm_atlas.namespaces import ATLAS, ONTOLOGY_IRI, SPDX
from llm_atlas.releases.describe import citation_cff
from llm_atlas.releases.publish import insert_data_section, make_release, rebuild
from llm_atlas.releases.record import (Release, ReleaseError, published_iris, read_records, records_dir,
                                       versioned_name)
from release_history import clone, commit_all, set_version, unrecorded_build_version

ROOT = Path(__file__).resolve().parents[1]
DCAT = Namespace("http://www.w3.org/ns/dcat#")  # DCAT 3 terms (hasVersion, previousVersion…) rdflib does not list
ID = "https://w3id.org/llm-atlas/id/"
DATASET = URIRef("https://w3id.org/llm-atlas/dataset")
V1, V2 = URIRef("https://w3id.org/llm-atlas/dataset/0.1.0"), URIRef("https://w3id.org/llm-atlas/dataset/0.2.0")


@pytest.fixture(scope="module")
def history(release_history):
    return release_history


@pytest.fixture(scope="module")
def records(history):
    return read_records(records_dir(history.layout))


def folder(history, version) -> Path:
    return history.repo / "releases-dist" / version


# --- the record -----------------------------------------------------------------------------

def test_record_names_version_date_commit_and_tools(history, records):
    assert [(r.version, r.date, r.commit) for r in records] == [
        ("0.1.0", "2026-11-27", history.commits["0.1.0"]), ("0.2.0", "2026-12-01", history.commits["0.2.0"])]
    assert all(re.fullmatch(r"python \S+, pyoxigraph \S+, rdflib \S+", r.built_with) for r in records)


@pytest.mark.parametrize("version", ["0.1.0", "0.2.0"])
def test_record_holds_the_sha256_and_size_of_every_file_of_the_release(history, records, version):
    release = next(r for r in records if r.version == version)
    files = {p.name: p.read_bytes() for p in folder(history, version).iterdir() if p.name != "SHA256SUMS"}
    assert set(release.sha256) == set(files) and len(files) == 16  # 5 graphs x 3 formats + the description
    assert release.sha256 == {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
    assert release.sizes == {name: len(data) for name, data in files.items()}
    assert (folder(history, version) / "SHA256SUMS").read_text() == release.sums_text()


def test_files_have_versioned_names_and_the_full_graph_is_the_release_itself(history):
    names = {p.name for p in folder(history, "0.2.0").iterdir()}
    assert {"llm-atlas-0.2.0.ttl", "llm-atlas-0.2.0.nt", "llm-atlas-0.2.0.jsonld", "llm-atlas-0.2.0-asserted.nt",
            "llm-atlas-0.2.0-ontology.ttl", "llm-atlas-0.2.0-void.ttl", "SHA256SUMS"} <= names
    assert not names & {"full.nt", "asserted.nt", "void.ttl"}


def test_each_release_lists_the_entity_iris_it_published(history):
    first, second = (published_iris(records_dir(history.layout), v) for v in ("0.1.0", "0.2.0"))
    assert first == sorted(first) and second == sorted(second)
    assert {ID + "org/beta-corporation", ID + "model/delta-2b", ID + "model/alpha-7b"} <= set(first)
    assert set(second) - set(first) == {ID + "benchmark/bench-code"}
    assert set(first) <= set(second), "retired IRIs stay published, as tombstones"
    assert all(iri.startswith(ID) and "#" not in iri for iri in second)


def test_the_record_is_committed_beside_the_graph(history):
    from release_history import git

    tracked = git(history.repo, "ls-files", "releases").split()
    assert tracked == ["releases/0.1.0/iris.txt", "releases/0.2.0/iris.txt", "releases/releases.toml"]
    assert git(history.repo, "status", "--porcelain") == "", "releases-dist/ is git-ignored"


# --- what each release says about itself ---------------------------------------------------

def test_each_release_ontology_carries_its_version_iri_and_the_one_before(history):
    prior = {"0.1.0": None, "0.2.0": URIRef(f"{ONTOLOGY_IRI}/0.1.0")}
    for version in ("0.1.0", "0.2.0"):
        onto = Graph().parse(folder(history, version) / versioned_name(version, "ontology.ttl"))
        assert onto.value(URIRef(ONTOLOGY_IRI), OWL.versionIRI) == URIRef(f"{ONTOLOGY_IRI}/{version}")
        assert onto.value(URIRef(ONTOLOGY_IRI), OWL.versionInfo) == Literal(version)
        assert onto.value(URIRef(ONTOLOGY_IRI), OWL.priorVersion) == prior[version]


def test_a_development_version_is_no_release(records, monkeypatch):
    """Between releases __version__ may be 0.3.0.dev1: the description then names only the recorded releases."""
    from llm_atlas.releases import describe

    monkeypatch.setattr(describe, "__version__", "0.3.0.dev1")
    config = {"release": {"date": "2026-12-20"}, "publication": {}}
    assert describe.versions({"full.nt": b""}, config, records) == records
    onto = Graph()
    describe.stamp_prior_version(onto, records)
    assert onto.value(URIRef(ONTOLOGY_IRI), OWL.priorVersion) == URIRef(f"{ONTOLOGY_IRI}/0.2.0")


def test_void_describes_each_release_as_a_version_of_the_dataset(history, records):
    void = Graph().parse(folder(history, "0.2.0") / "llm-atlas-0.2.0-void.ttl")
    assert set(void.objects(DATASET, DCAT.hasVersion)) == {V1, V2}
    assert void.value(DATASET, DCAT.hasCurrentVersion) == V2
    assert void.value(V2, DCAT.previousVersion) == V1 and void.value(V1, DCAT.previousVersion) is None
    assert void.value(V2, DCAT.isVersionOf) == DATASET
    assert void.value(V2, DCAT.version) == Literal("0.2.0")
    assert str(void.value(V2, URIRef("http://purl.org/dc/terms/issued"))) == "2026-12-01"
    assert void.value(V1, ATLAS.sourceCommit) == Literal(history.commits["0.1.0"])
    assert void.value(V2, ATLAS.sourceCommit) is None, "a build cannot name the commit it is part of"
    citation = str(void.value(V2, URIRef("http://purl.org/dc/terms/bibliographicCitation")))
    assert "LLM Atlas, version 0.2.0" in citation and "2026-12-01" in citation and "CC-BY-4.0" in citation
    urls = {str(void.value(d, DCAT.downloadURL)) for d in void.objects(V2, DCAT.distribution)}
    assert urls == {f"https://w3id.org/llm-atlas/downloads/0.2.0/llm-atlas-0.2.0.{s}" for s in ("ttl", "nt", "jsonld")}, \
        "a distribution is a whole copy of its dataset"
    asserted = URIRef(f"{V2}#asserted")
    assert void.value(asserted, DCTERMS.isPartOf) == V2 and void.value(asserted, DCAT.isVersionOf) == URIRef(f"{DATASET}#asserted")
    assert len(distributions(void, V2)) == 15


def distributions(void: Graph, version: URIRef) -> dict[str, str]:
    """download URL -> SHA-256 of every file of a release: its own distributions and its parts'."""
    owners = [version] + list(void.subjects(DCTERMS.isPartOf, version))
    return {str(void.value(d, DCAT.downloadURL)): str(void.value(void.value(d, SPDX.checksum), SPDX.checksumValue))
            for owner in owners for d in void.objects(owner, DCAT.distribution)}


@pytest.mark.parametrize("which", ["release 0.2.0", "a build after it"])
def test_the_description_with_its_releases_conforms_to_dcat_ap(history, which, tmp_path, monkeypatch):
    import pyshacl
    from rdflib.namespace import SH

    from llm_atlas.build import build

    path = folder(history, "0.2.0") / "llm-atlas-0.2.0-void.ttl" if which == "release 0.2.0" else \
        build(history.layout, out=tmp_path / "dist").out / "void.ttl"
    shapes = dcat_ap_shapes(monkeypatch)
    conforms, report, text = pyshacl.validate(Graph().parse(path), shacl_graph=shapes, inference="none", allow_warnings=True)
    violations = [r for r in report.subjects(RDF.type, SH.ValidationResult) if report.value(r, SH.resultSeverity) == SH.Violation]
    assert not violations, text


def dcat_ap_shapes(monkeypatch) -> Graph:
    """DCAT-AP 3.0.1's shapes as tests/test_void.py uses them (tests/standards.py finds them)."""
    import test_void

    return test_void.dcat_ap_shapes()


def test_a_release_s_download_urls_and_checksums_never_change(history, records):
    """What 0.1.0 said about its own files is what 0.2.0 says about them, and what the record holds."""
    own = distributions(Graph().parse(folder(history, "0.1.0") / "llm-atlas-0.1.0-void.ttl"), V1)
    later = distributions(Graph().parse(folder(history, "0.2.0") / "llm-atlas-0.2.0-void.ttl"), V1)
    assert own == later and len(own) == 15
    recorded = {f"https://w3id.org/llm-atlas/downloads/0.1.0/{n}": d for n, d in records[0].sha256.items() if "void" not in n}
    assert own == recorded


def test_citation_cff_cites_the_latest_release(history, records):
    text = (history.repo / "CITATION.cff").read_text()
    assert text == citation_cff(history.layout.config, records)
    assert 'version: "0.2.0"' in text and 'date-released: "2026-12-01"' in text
    assert f'commit: "{history.commits["0.2.0"]}"' in text and "license: CC-BY-4.0" in text


def test_the_repository_citation_cff_is_what_release_writes():
    layout = Layout(ROOT)
    assert (ROOT / "CITATION.cff").read_text() == citation_cff(layout.config, read_records(records_dir(layout)))


def test_changelog_gets_the_data_section_of_each_release(history):
    text = (history.repo / "CHANGELOG.md").read_text()
    assert text.index("## [Unreleased]") < text.index("## [0.2.0] - 2026-12-01") < text.index("## [0.1.0] - 2026-11-27")
    assert "- Something curated by hand." in text, "the maintainer's notes are kept"
    section = text[text.index("## [0.2.0]"):text.index("## [0.1.0]")]
    assert "Generated by `llm-atlas diff 0.1.0 0.2.0`" in section
    assert "| atlas:Model | 6 | 0 | 1 | 0 | 2 |" in section and "| atlas:Benchmark | 3 | 1 | 0 | 0 | 0 |" in section
    assert "- benchmark: Bench Code" in section
    assert "Beta Corporation (`organization:beta-corporation`) retired 2026-12-01, replaced by Beta Corp" in section


def test_the_data_section_replaces_its_earlier_self_and_keeps_the_rest():
    release = Release("0.2.0", "2026-12-01", "")
    text = "# Changelog\n\n## [Unreleased]\n\n## [0.2.0] - 2026-12-01\n\n### Fixed\n- a bug\n\n### Data\n\nold\n\n## [0.1.0] - 2026-11-27\n"
    once = insert_data_section(text, release, "### Data\n\nnew\n")
    assert once == text.replace("old", "new")
    assert insert_data_section(once, release, "### Data\n\nnew\n") == once


# --- rebuilding ----------------------------------------------------------------------------

def test_the_latest_release_rebuilds_byte_for_byte_from_its_commit(history, records, tmp_path):
    repo = clone(history, tmp_path / "repo")
    shutil.rmtree(repo / "releases-dist" / "0.2.0")
    done = rebuild(Layout(repo), records[-1].version)
    assert done.mismatched == []
    assert {p.name: p.read_bytes() for p in done.folder.iterdir()} == \
           {p.name: p.read_bytes() for p in folder(history, "0.2.0").iterdir()}, "releases-dist/0.2.0 restored"


REAL_RELEASES = read_records(records_dir(Layout(ROOT)))


def _release_commit_is_here() -> bool:
    """Whether this clone holds the latest release's commit (a shallow clone may not)."""
    import subprocess

    if not REAL_RELEASES:
        return False
    found = subprocess.run(["git", "-C", str(ROOT), "cat-file", "-e", REAL_RELEASES[-1].commit + "^{commit}"],
                           capture_output=True)
    return found.returncode == 0


@pytest.mark.skipif(not REAL_RELEASES, reason="no release of the atlas is recorded yet (releases/releases.toml)")
@pytest.mark.skipif(REAL_RELEASES and not _release_commit_is_here(),
                    reason="this clone does not hold the release's commit (a shallow clone): "
                           "`git fetch --unshallow`, then run again (a test on a fixture history covers rebuild)")
def test_the_atlas_s_latest_release_rebuilds_byte_for_byte():
    """Rebuilds the atlas's own latest release from its commit, byte for byte."""
    done = rebuild(Layout(ROOT), REAL_RELEASES[-1].version, write=False)
    assert done.mismatched == []


def test_a_rebuild_that_differs_names_each_file(history, tmp_path, monkeypatch, capsys):
    repo = clone(history, tmp_path / "repo")
    toml = repo / "releases" / "releases.toml"
    digest = read_records(repo / "releases")[0].sha256["llm-atlas-0.1.0-asserted.nt"]
    toml.write_text(toml.read_text().replace(digest, "0" * 64))
    monkeypatch.setenv("LLM_ATLAS_ROOT", str(repo))
    assert main(["rebuild", "0.1.0", "--check"]) == 1
    out = capsys.readouterr()
    assert f"llm-atlas-0.1.0-asserted.nt: recorded {'0' * 64}, rebuilt {digest}" in out.out
    assert "1 file(s) differ" in out.err


def test_rebuild_of_an_unknown_release_or_a_missing_commit_is_refused(history, tmp_path, monkeypatch, capsys):
    repo = clone(history, tmp_path / "repo")
    monkeypatch.setenv("LLM_ATLAS_ROOT", str(repo))
    assert main(["rebuild", "9.9.9"]) == 2
    assert "no release 9.9.9" in capsys.readouterr().err
    toml = repo / "releases" / "releases.toml"
    toml.write_text(toml.read_text().replace(history.commits["0.1.0"], "f" * 40))
    assert main(["rebuild", "0.1.0"]) == 2
    assert f"commit {'f' * 40} of release 0.1.0 is not in this clone" in capsys.readouterr().err


# --- what release refuses --------------------------------------------------------------------

@pytest.fixture
def repo(history, tmp_path):
    return clone(history, tmp_path / "repo")


def test_release_refuses_a_dirty_working_tree(repo):
    (repo / "graph" / "model" / "draft.ttl").write_text("# not committed\n")
    with pytest.raises(ReleaseError, match=r"uncommitted changes \(\?\? graph/model/draft.ttl\).*commit or stash"):
        make_release(Layout(repo), "0.3.0")


def test_release_refuses_a_version_the_commit_does_not_state(repo):
    with pytest.raises(ReleaseError, match=r'is version 0.2.0 \(src/llm_atlas/__init__.py\); set __version__ = "0.3.0"'):
        make_release(Layout(repo), "0.3.0")


def test_release_refuses_a_recorded_or_older_version(repo):
    with pytest.raises(ReleaseError, match="release 0.2.0 is recorded already.*e.g. 0.3.0"):
        make_release(Layout(repo), "0.2.0")
    set_version(repo, "0.1.5", "2026-12-02")
    commit_all(repo, "an older version")
    with pytest.raises(ReleaseError, match="version 0.1.5 is not newer than the last release, 0.2.0"):
        make_release(Layout(repo), "0.1.5")


def test_release_refuses_a_date_before_the_last_release(repo):
    set_version(repo, "0.3.0", "2026-11-30")
    commit_all(repo, "a date in the past")
    with pytest.raises(ReleaseError, match="2026-11-30 .* is before the last release's, 2026-12-01"):
        make_release(Layout(repo), "0.3.0")


def test_release_refuses_what_is_not_a_release_version(repo):
    with pytest.raises(ReleaseError, match="not a release version: use MAJOR.MINOR.PATCH"):
        make_release(Layout(repo), "v0.3")


def test_release_command_records_a_third_release(repo, monkeypatch, capsys):
    set_version(repo, "0.3.0", "2026-12-15")
    commit = commit_all(repo, "The atlas for release 0.3.0")
    monkeypatch.setenv("LLM_ATLAS_ROOT", str(repo))
    assert main(["release", "0.3.0"]) == 0
    out = capsys.readouterr().out
    assert f"release 0.3.0 (2026-12-15) built from commit {commit[:12]}" in out
    assert "git add releases/releases.toml releases/0.3.0/iris.txt CITATION.cff CHANGELOG.md" in out
    assert [r.version for r in read_records(repo / "releases")] == ["0.1.0", "0.2.0", "0.3.0"]
    void = Graph().parse(repo / "releases-dist" / "0.3.0" / "llm-atlas-0.3.0-void.ttl")
    v3 = URIRef("https://w3id.org/llm-atlas/dataset/0.3.0")
    assert void.value(v3, DCAT.previousVersion) == V2 and void.value(V2, ATLAS.sourceCommit) is not None
    assert (repo / "releases" / "0.3.0" / "iris.txt").read_text().splitlines()[1:] == \
           (repo / "releases" / "0.2.0" / "iris.txt").read_text().splitlines()[1:]
    assert "## [0.3.0] - 2026-12-15" in (repo / "CHANGELOG.md").read_text()


def test_a_build_between_releases_describes_the_recorded_ones(history, tmp_path):
    """dist/ built after a release was recorded names that release with its commit, and the dataset's current version."""
    from llm_atlas.build import build

    out = build(history.layout, out=tmp_path / "dist").out
    void = Graph().parse(out / "void.ttl")
    assert set(void.objects(DATASET, DCAT.hasVersion)) == {V1, V2} | unrecorded_build_version(("0.1.0", "0.2.0"))
    assert void.value(V2, ATLAS.sourceCommit) == Literal(history.commits["0.2.0"])
    assert (V2, RDF.type, DCAT.Dataset) in void
