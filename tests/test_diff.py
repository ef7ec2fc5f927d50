"""The semantic diff (llm_atlas.releases.diff): per entity, by class, with labels; Markdown, JSON and a
changeset graph that turns OLD into NEW; sides given as releases, commits or build folders."""

import json
import shutil

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import PROV, RDF

from llm_atlas.atlas import Layout
from llm_atlas.build import build
from llm_atlas.cli import main
from llm_atlas.loading import to_rdflib
from llm_atlas.namespaces import ATLAS
from llm_atlas.releases.diff import (apply_changeset, changelog, compare, folder_side, markdown, render, resolve,
                                     to_json)
from llm_atlas.releases.record import ReleaseError
from release_history import clone

ID = "https://w3id.org/llm-atlas/id/"


def triples(path, fmt=ox.RdfFormat.N_TRIPLES) -> set:
    return {(to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)) for t in ox.parse(path=str(path), format=fmt)}


@pytest.fixture(scope="module")
def sides(release_history):
    old, new = resolve(release_history.layout, "0.1.0"), resolve(release_history.layout, "0.2.0")
    yield old, new
    old.close()
    new.close()


@pytest.fixture(scope="module")
def diff(sides):
    return compare(*sides)


def by_entity(diff):
    return {c.entity[len(ID):]: c for c in diff.changes}


def test_entities_added_retired_and_changed_between_the_releases(diff):
    changes = by_entity(diff)
    assert {e: c.status for e, c in changes.items()} == {
        "benchmark/bench-code": "added", "org/beta-corporation": "retired", "model/delta-2b": "retired",
        "model/alpha-7b": "changed", "model/beta-1b-chat": "changed"}
    merged, withdrawn = changes["org/beta-corporation"], changes["model/delta-2b"]
    assert (merged.replaced_by, merged.since, merged.cls) == (ID + "org/beta-corp", "2026-12-01", str(ATLAS.Organization))
    assert withdrawn.replaced_by is None and withdrawn.why.startswith("Withdrawn by its developers")
    assert withdrawn.cls == str(ATLAS.Model), "a tombstone is counted under the class it had"


def test_changed_entities_list_the_facts_added_and_removed(diff):
    alpha = by_entity(diff)["model/alpha-7b"]
    node = URIRef(ID + "model/alpha-7b")
    assert alpha.added == [(node, ATLAS.parameterCount, Literal(7200000000))]
    assert alpha.removed == [(node, ATLAS.parameterCount, Literal(7000000000))]


def test_counts_per_class(diff):
    counts = diff.counts()
    assert counts[str(ATLAS.Model)] == {"retired": 1, "changed": 2}
    assert counts[str(ATLAS.Organization)] == {"retired": 1} and counts[str(ATLAS.Benchmark)] == {"added": 1}
    assert diff.live[str(ATLAS.Model)] == 6 and diff.live[str(ATLAS.Organization)] == 6


def test_markdown_groups_by_class_and_shows_labels(diff):
    text = markdown(diff)
    assert text.startswith("# LLM Atlas: changes from 0.1.0 to 0.2.0\n")
    assert "| atlas:Model | 6 | 0 | 1 | 0 | 2 |" in text and "| **total** | 40 | 1 | 2 | 0 | 2 |" in text
    model = text[text.index("## atlas:Model"):text.index("## atlas:Organization")]
    assert "- **Beta 1B Chat** (`model:beta-1b-chat`)\n" \
           "  - `+` atlas:developedBy Beta Corp (organization:beta-corp)\n" \
           "  - `−` atlas:developedBy Beta Corporation (organization:beta-corporation)" in model
    assert "- **Delta 2B** (`model:delta-2b`), retired 2026-12-01: Withdrawn by its developers" in model
    assert "replaced by Beta Corp (organization:beta-corp): Duplicate of Beta Corp" in text


def test_json_names_every_change_with_its_facts(diff):
    doc = json.loads(to_json(diff))
    assert (doc["old"], doc["new"], doc["inferred"]) == ("0.1.0", "0.2.0", False)
    assert doc["counts"]["atlas:Model"] == {"live": 6, "added": 0, "retired": 1, "removed": 0, "changed": 2}
    chat = next(e for e in doc["entities"] if e["curie"] == "model:beta-1b-chat")
    assert chat["added"] == [{"subject": ID + "model/beta-1b-chat", "predicate": str(ATLAS.developedBy),
                              "object": {"type": "uri", "value": ID + "org/beta-corp"}, "objectLabel": "Beta Corp"}]


@pytest.mark.parametrize("inferred", [False, True], ids=["asserted", "inferred"])
def test_the_changeset_turns_the_old_release_into_the_new(release_history, sides, inferred, tmp_path):
    old, new = sides
    result = compare(old, new, inferred=inferred)
    path = tmp_path / "changes.ttl"
    path.write_text(render(result, "ttl"))
    changes = triples(path, ox.RdfFormat.TURTLE)
    graph = "full" if inferred else "asserted"
    applied = apply_changeset(triples(old.path(graph)), changes)
    entity_triples = lambda ts: {t for t in ts if str(t[0]).startswith(ID)}
    assert entity_triples(applied) == entity_triples(triples(new.path(graph)))
    if not inferred:
        assert applied == triples(new.path(graph)), "the asserted graph holds nothing but entities"


def test_inferred_adds_the_reasoner_s_facts(sides):
    asserted, inferred = compare(*sides), compare(*sides, inferred=True)
    delta = URIRef(ID + "model/delta-2b")
    gone = lambda d: next(c for c in d.changes if c.entity == str(delta)).removed
    assert (delta, RDF.type, PROV.Entity) in gone(inferred) and (delta, RDF.type, PROV.Entity) not in gone(asserted)


def test_a_commit_and_a_dist_folder_are_sides_too(release_history, diff, tmp_path):
    commit = resolve(release_history.layout, release_history.commits["0.1.0"])
    try:
        by_commit = compare(commit, folder_side(release_history.repo / "releases-dist" / "0.2.0"))
    finally:
        commit.close()
    assert commit.label == "commit " + release_history.commits["0.1.0"][:12]
    assert [(c.entity, c.status, c.added, c.removed) for c in by_commit.changes] == \
           [(c.entity, c.status, c.added, c.removed) for c in diff.changes]
    dist = build(release_history.layout, out=tmp_path / "dist").out
    same = compare(resolve(release_history.layout, "0.2.0"), resolve(release_history.layout, str(dist)))
    assert same.changes == [] and "No entity changed." in markdown(same)


def test_a_release_whose_files_are_gone_is_built_from_its_commit(release_history, diff, tmp_path):
    repo = clone(release_history, tmp_path / "repo")
    shutil.rmtree(repo / "releases-dist" / "0.1.0")
    said = []
    old = resolve(Layout(repo), "0.1.0", log=said.append)
    try:
        again = compare(old, folder_side(repo / "releases-dist" / "0.2.0"))
    finally:
        old.close()
    assert "building release 0.1.0 from its commit" in said[0]
    assert [c.entity for c in again.changes] == [c.entity for c in diff.changes]


def test_a_release_file_that_was_altered_is_refused(release_history, tmp_path):
    repo = clone(release_history, tmp_path / "repo")
    asserted = repo / "releases-dist" / "0.1.0" / "llm-atlas-0.1.0-asserted.nt"
    asserted.write_bytes(asserted.read_bytes()[:-200])
    with pytest.raises(ReleaseError, match="differs from the checksum recorded for release 0.1.0.*llm-atlas rebuild 0.1.0"):
        resolve(Layout(repo), "0.1.0")


def test_the_changelog_section(diff):
    text = changelog(diff)
    assert text.startswith("### Data\n\nGenerated by `llm-atlas diff 0.1.0 0.2.0`")
    assert "| atlas:Organization | 6 | 0 | 1 | 0 | 0 |" in text
    assert "Added:\n- benchmark: Bench Code\n" in text
    assert "- Delta 2B (`model:delta-2b`) retired 2026-12-01: Withdrawn" in text


def test_diff_command(release_history, monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("LLM_ATLAS_ROOT", str(release_history.repo))
    assert main(["diff", "0.1.0", "0.2.0", "--format", "json", "--out", str(tmp_path / "d.json")]) == 0
    assert json.loads((tmp_path / "d.json").read_text())["new"] == "0.2.0"
    assert main(["diff", "0.1.0", "no-such-thing"]) == 2
    assert "'no-such-thing' is neither a folder holding a build, a recorded release (0.1.0, 0.2.0), nor a commit" \
           in capsys.readouterr().err
    assert main(["diff", "0.1.0", str(tmp_path)]) == 2
    assert "holds no build" in capsys.readouterr().err
