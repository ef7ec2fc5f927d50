"""IRIs that never break (llm_atlas.releases.neverbreak): an IRI a release published must keep a file,
live or as a tombstone; deleting or renaming it fails validation and the build, naming the fix."""

import shutil
import subprocess

import pytest

from llm_atlas.atlas import Layout, read_sources
from llm_atlas.build import BuildFailed, build
from llm_atlas.releases.neverbreak import broken_iris
from llm_atlas.releases.retire import retire
from llm_atlas.validation import validate
from release_history import clone, git

ID = "https://w3id.org/llm-atlas/id/"


@pytest.fixture
def repo(release_history, tmp_path):
    return clone(release_history, tmp_path / "repo")


def test_the_released_history_validates_with_its_tombstones(release_history):
    assert validate(read_sources(release_history.layout)) == []


def test_removing_a_published_entity_fails_the_build_naming_iri_release_and_fix(repo, tmp_path):
    (repo / "graph" / "model" / "beta-1b-chat.ttl").unlink()
    with pytest.raises(BuildFailed) as failed:
        build(Layout(repo), out=tmp_path / "dist")
    report = failed.value.report
    assert f"never-break: Release 0.1.0 published <{ID}model/beta-1b-chat> (releases/0.1.0/iris.txt)" in report
    assert "llm-atlas retire model/beta-1b-chat --why" in report and "--replaced-by KIND/SLUG" in report
    assert "git checkout " in report and "-- graph/model/beta-1b-chat.ttl" in report
    assert not (tmp_path / "dist").exists()


def test_the_problem_names_the_file_to_restore_once_per_iri(repo):
    (repo / "graph" / "benchmark" / "bench-code.ttl").unlink()  # published by 0.2.0 only
    (repo / "graph" / "model" / "delta-2b.ttl").unlink()  # published by both, a tombstone since 0.2.0
    problems = broken_iris(read_sources(Layout(repo)))
    assert [(p.path, p.entity, p.rule) for p in problems] == [
        (str(repo / "graph" / "model" / "delta-2b.ttl"), ID + "model/delta-2b", "never-break"),
        (str(repo / "graph" / "benchmark" / "bench-code.ttl"), ID + "benchmark/bench-code", "never-break")]
    assert "Release 0.1.0 published" in problems[0].message and "Release 0.2.0 published" in problems[1].message


def test_a_deleted_entity_retired_afterwards_passes(release_history, repo):
    (repo / "graph" / "model" / "beta-1b-chat.ttl").unlink()
    assert [p.rule for p in validate(read_sources(Layout(repo)))] == ["never-break"]
    done = retire(Layout(repo), "model/beta-1b-chat", why="Never released under this name.", date="2026-12-05")
    assert done.restored_from == release_history.commits["0.2.0"], "taken from the last release that published it"
    assert '"Beta 1B Chat"@en' in done.path.read_text()
    assert validate(read_sources(Layout(repo))) == []


def test_a_rename_is_retire_plus_add(repo):
    old = repo / "graph" / "benchmark" / "bench-code.ttl"
    new = repo / "graph" / "benchmark" / "bench-coding.ttl"
    new.write_text(old.read_text().replace("benchmark:bench-code ", "benchmark:bench-coding "))
    retire(Layout(repo), "benchmark/bench-code", replaced_by="benchmark/bench-coding", why="Renamed: Bench Coding.")
    assert validate(read_sources(Layout(repo))) == []


def test_the_check_needs_no_git_history(release_history, tmp_path):
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{release_history.repo}", str(shallow)], check=True)
    assert git(shallow, "rev-list", "--count", "HEAD") == "1"
    (shallow / "graph" / "org" / "beta-corporation.ttl").unlink()
    problems = broken_iris(read_sources(Layout(shallow)))
    assert [p.entity for p in problems] == [ID + "org/beta-corporation"]


def test_a_release_without_its_iri_list_is_reported(repo):
    shutil.rmtree(repo / "releases" / "0.1.0")
    problems = broken_iris(read_sources(Layout(repo)))
    assert [(p.entity, p.rule) for p in problems] == [("0.1.0", "never-break")]
    assert "has no iris.txt" in problems[0].message and "git checkout --" in problems[0].message


def test_a_graph_without_releases_is_not_checked(fixture_layout):
    assert broken_iris(read_sources(fixture_layout)) == []
