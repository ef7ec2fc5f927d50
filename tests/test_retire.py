"""Retiring an entity (llm_atlas.releases.retire): the file becomes a tombstone that keeps its IRI
answering, passes both SHACL engines, and counts in no competency question and no network."""

import shutil
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from llm_atlas.atlas import Layout, read_sources
from llm_atlas.build import build
from llm_atlas.cli import main
from llm_atlas.loading import parse_turtle
from llm_atlas.namespaces import ATLAS
from llm_atlas.query import load_store, rows, run_query, term_text
from llm_atlas.releases.record import ReleaseError
from llm_atlas.releases.retire import retire, rewrite_links
from llm_atlas.validation import validate
from release_history import clone

ROOT = Path(__file__).resolve().parents[1]
ID = "https://w3id.org/llm-atlas/id/"
XSD_DATE = URIRef("http://www.w3.org/2001/XMLSchema#date")
CQS = sorted((ROOT / "queries" / "cq").glob("cq*.rq"))


@pytest.fixture
def repo(release_history, tmp_path):
    return clone(release_history, tmp_path / "repo")


def triples_of(path: Path) -> set:
    return set(parse_turtle(path))


# --- the tombstone ----------------------------------------------------------------------------

def test_a_merge_leaves_a_tombstone_pointing_to_the_replacement(release_history):
    node = URIRef(ID + "org/beta-corporation")
    assert triples_of(release_history.repo / "graph" / "org" / "beta-corporation.ttl") == {
        (node, RDF.type, ATLAS.RetiredEntity),
        (node, RDFS.label, Literal("Beta Corporation", lang="en")),
        (node, ATLAS.retiredType, ATLAS.Organization),
        (node, OWL.deprecated, Literal(True)),
        (node, DCTERMS.isReplacedBy, URIRef(ID + "org/beta-corp")),
        (node, SKOS.historyNote, Literal("Duplicate of Beta Corp: the same company under its former name.", lang="en")),
        (node, ATLAS.retiredOn, Literal("2026-12-01", datatype=XSD_DATE)),
        (node, DCTERMS.source, URIRef("https://example.org/org/beta-corporation")),
    }


def test_a_withdrawal_keeps_the_entity_s_sources_and_adds_the_evidence(release_history):
    found = triples_of(release_history.repo / "graph" / "model" / "delta-2b.ttl")
    node = URIRef(ID + "model/delta-2b")
    assert {o for s, p, o in found if p == DCTERMS.source} == {
        URIRef("https://example.org/model/delta-2b"), URIRef("https://example.org/news/delta-2b-withdrawn")}
    assert not [t for t in found if t[1] == DCTERMS.isReplacedBy]
    assert (node, ATLAS.retiredType, ATLAS.Model) in found and (node, RDF.type, ATLAS.Model) not in found


def test_a_merge_rewrites_the_links_and_nothing_else(release_history):
    original = (ROOT / "tests" / "fixtures" / "release-history" / "0.1.0" / "model" / "beta-1b-chat.ttl").read_text()
    after = (release_history.repo / "graph" / "model" / "beta-1b-chat.ttl").read_text()
    assert after == original.replace("organization:beta-corporation ;", "organization:beta-corp ;")


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
def test_tombstones_pass_the_shapes_with_both_engines(release_history, engine):
    assert validate(read_sources(release_history.layout), engine=engine) == []


def test_tombstones_count_in_no_competency_question_and_no_network(release_history, tmp_path):
    """The atlas with its two tombstones answers every CQ, and measures every network, as it would without them."""
    with_tombstones = build(release_history.layout, out=tmp_path / "with").out
    graph = tmp_path / "graph"
    shutil.copytree(release_history.repo / "graph", graph)
    (graph / "org" / "beta-corporation.ttl").unlink()
    (graph / "model" / "delta-2b.ttl").unlink()
    without = build(Layout(release_history.repo, graph=graph), out=tmp_path / "without").out
    assert (with_tombstones / "analytics.nt").read_bytes() == (without / "analytics.nt").read_bytes()
    a, b = load_store(with_tombstones), load_store(without)
    for path in CQS:
        text = path.read_text()
        answer = lambda store: sorted(tuple(term_text(t) for t in row) for row in rows(run_query(store, text))[1])
        assert answer(a) == answer(b), path.name
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?e a atlas:Model }"
    assert rows(run_query(a, count))[1][0][0].value == "6"


# --- what retire refuses ------------------------------------------------------------------------

@pytest.mark.parametrize("target, kwargs, message", [
    ("models/x", {}, "not KIND/SLUG with KIND one of"),
    ("model/Alpha_7B", {}, "'Alpha_7B' is not a slug"),
    ("model/no-such-model", {}, "no file .* and no recorded release published model:no-such-model"),
    ("model/delta-2b", {}, "model:delta-2b is retired already"),
    ("org/alpha-lab", {"replaced_by": "org/nobody"}, "the replacement organization:nobody has no file .* a rename is retire \\+ add"),
    ("org/alpha-lab", {"replaced_by": "org/beta-corporation"}, "organization:beta-corporation is retired itself; use its replacement, organization:beta-corp"),
    ("org/alpha-lab", {"replaced_by": "org/alpha-lab"}, "cannot be replaced by itself"),
    ("org/alpha-lab", {}, r"other entities link to organization:alpha-lab \(.*graph/model/alpha-7b.ttl:\d+.*give --replaced-by"),
    ("license/mit", {}, "describes an SPDX licence"),
    ("model/beta-1b", {"why": "  "}, "say why"),
    ("benchmark/bench-code", {"sources": ["ftp://example.org/x"]}, "is not an http\\(s\\) IRI"),
])
def test_retire_refuses(repo, target, kwargs, message):
    kwargs = {"why": "A reason.", **kwargs}
    before = {p: p.read_bytes() for p in (repo / "graph").rglob("*.ttl")}
    with pytest.raises(ReleaseError, match=message):
        retire(Layout(repo), target, **kwargs)
    assert {p: p.read_bytes() for p in (repo / "graph").rglob("*.ttl")} == before, "nothing written"


def test_links_to_a_sub_node_are_not_rewritten_silently(repo):
    derivation = repo / "graph" / "model" / "bench-user.ttl"
    derivation.write_text((repo / "graph" / "model" / "beta-1b-chat.ttl").read_text()
                          .replace("model:beta-1b-chat ", "model:bench-user ")
                          + f"model:bench-user <{ID}model/x> <{ID}benchmark/bench-code#run> .\n")
    with pytest.raises(ReleaseError, match="links to sub-nodes of benchmark:bench-code .* edit them by hand"):
        retire(Layout(repo), "benchmark/bench-code", replaced_by="benchmark/bench-math", why="Merged.")


def test_retire_command_exit_codes(repo, monkeypatch, capsys):
    monkeypatch.setenv("LLM_ATLAS_ROOT", str(repo))
    assert main(["retire", "org/delta-hpc", "--why", "Closed."]) == 2
    assert "other entities link to organization:delta-hpc" in capsys.readouterr().err
    code = main(["retire", "benchmark/bench-code", "--replaced-by", "benchmark/bench-math", "--why", "Same test set.",
                 "--date", "2026-12-09", "--source", "https://example.org/bench-code-is-bench-math"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "retired benchmark:bench-code" in out and "will answer 301 to benchmark:bench-math" in out
    assert '"2026-12-09"^^xsd:date' in (repo / "graph" / "benchmark" / "bench-code.ttl").read_text()
    assert validate(read_sources(Layout(repo))) == []


# --- rewriting links ----------------------------------------------------------------------------

HEAD = """@prefix atlas: <https://w3id.org/llm-atlas/ontology#> .
@prefix organization: <https://w3id.org/llm-atlas/id/org/> .
@prefix model: <https://w3id.org/llm-atlas/id/model/> .
"""


def test_rewrite_links_changes_only_that_iri_in_every_spelling(tmp_path):
    text = HEAD + ("model:m atlas:developedBy organization:a, organization:a-labs ;\n"
                   "    atlas:participant <https://w3id.org/llm-atlas/id/org/a> ;\n"
                   "    atlas:operatedBy organization:a.\n")
    path = tmp_path / "m.ttl"
    new = rewrite_links(path, text, ID + "org/a", ID + "org/b")
    assert new == HEAD + ("model:m atlas:developedBy organization:b, organization:a-labs ;\n"
                          "    atlas:participant <https://w3id.org/llm-atlas/id/org/b> ;\n"
                          "    atlas:operatedBy organization:b.\n")


def test_rewrite_links_writes_a_full_iri_where_the_file_has_no_prefix_for_it(tmp_path):
    text = HEAD + "model:m atlas:developedBy organization:a .\n"
    new = rewrite_links(tmp_path / "m.ttl", text, ID + "org/a", ID + "project/p")
    assert new.endswith(f"atlas:developedBy <{ID}project/p> .\n")
