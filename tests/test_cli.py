"""The command line, in-process: output and exit codes (0 ok, 1 violations, 2 errors)."""

import json
import shutil
from pathlib import Path

import pytest

from llm_atlas import __version__
from llm_atlas.cli import main

ROOT = Path(__file__).resolve().parents[1]
FIXTURE_GRAPH = ROOT / "tests" / "fixtures" / "graph"


@pytest.fixture
def graph(tmp_path):
    copy = tmp_path / "graph"
    shutil.copytree(FIXTURE_GRAPH, copy)
    return copy


def test_version(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0 and __version__ in capsys.readouterr().out


def test_validate_conforming_graph_exits_0(graph, capsys):
    assert main(["validate", str(graph)]) == 0
    assert "conforms" in capsys.readouterr().out


def test_validate_reports_file_line_entity_and_rule(graph, capsys):
    path = graph / "model" / "alpha-7b.ttl"
    path.write_text(path.read_text().replace("atlas:parameterCount 7000000000", 'atlas:parameterCount "7B"'))
    assert main(["validate", str(graph)]) == 1
    out = capsys.readouterr().out
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if text.startswith("model:alpha-7b "))
    assert f"{path}:{line}: model:alpha-7b" in out
    assert "shapes:ModelShape DatatypeConstraintComponent, MinInclusiveConstraintComponent [atlas:parameterCount] (value: 7B)" in out


def test_validate_files_checks_them_in_context_and_reports_only_them(graph, capsys, monkeypatch):
    monkeypatch.setattr("llm_atlas.atlas.Layout.__post_init__", lambda self: setattr(self, "graph", graph) or setattr(self, "root", ROOT))
    forum = graph / "forum" / "gamma-forum.ttl"
    forum.write_text(forum.read_text().replace("rdfs:label", "rdfs:comment"))
    assert main(["validate", str(graph / "model" / "alpha-7b.ttl")]) == 0  # its links resolve in the whole graph
    assert main(["validate", str(forum)]) == 1
    assert "forum:gamma-forum" in capsys.readouterr().out


def test_malformed_turtle_exits_2_with_file_line_and_column(graph, capsys):
    path = graph / "org" / "beta-corp.ttl"
    text = path.read_text().replace('"Beta Corp"@en ;', '"Beta Corp"@en ;;;; ,')
    path.write_text(text)
    assert main(["validate", str(graph)]) == 2
    err = capsys.readouterr().err
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "Beta Corp" in t)
    assert f"{path}:{line}:" in err


def test_undeclared_term_is_caught(graph, capsys):
    path = graph / "model" / "beta-1b.ttl"
    path.write_text(path.read_text().replace("atlas:trainedOn", "atlas:trainedon"))
    assert main(["validate", str(graph)]) == 1
    assert "undeclared-term (value: https://w3id.org/llm-atlas/ontology#trainedon)" in capsys.readouterr().out


def test_missing_file_exits_2(capsys):
    assert main(["validate", "no/such/file.ttl"]) == 2


def test_build_and_query_formats(graph, tmp_path, capsys, monkeypatch):
    out = tmp_path / "dist"
    assert main(["build", "--graph", str(graph), "--out", str(out)]) == 0
    assert "atlas:Model 5" in capsys.readouterr().out
    monkeypatch.setattr("llm_atlas.atlas.Layout.dist", property(lambda self: out))
    query = "SELECT ?m WHERE { ?m a atlas:Model ; atlas:parameterCount ?n FILTER (?n > 5000000000) } ORDER BY ?m"
    assert main(["query", "-e", query]) == 0
    assert capsys.readouterr().out.splitlines()[2:4] == ["model:alpha-7b", "model:alpha-7b-instruct"]
    assert main(["query", "-e", query, "--format", "csv"]) == 0
    assert capsys.readouterr().out == "m\nmodel:alpha-7b\nmodel:alpha-7b-instruct\n"
    assert main(["query", "-e", query, "--format", "json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["results"]["bindings"]) == 2
    assert main(["query", str(ROOT / "queries/cq/cq03-datasets-shared-by-projects.rq")]) == 0
    assert "dataset:web-corpus  3" in capsys.readouterr().out
    assert main(["query", "-e", "CONSTRUCT WHERE { ?m atlas:huggingFaceId ?id }", "--format", "ttl"]) == 0
    assert '"alpha/alpha-7b"' in capsys.readouterr().out
    assert main(["stats"]) == 0
    assert "atlas:Project  3" in capsys.readouterr().out


def test_an_empty_answer_names_the_iris_that_occur_nowhere(capsys, monkeypatch, fixture_dist):
    """org: is W3C ORG's prefix; a user who guesses it for an atlas organisation is told so."""
    monkeypatch.setattr("llm_atlas.atlas.Layout.dist", property(lambda self: fixture_dist))
    assert main(["query", "-e", "SELECT ?p WHERE { ?p atlas:developedBy org:alpha-lab }"]) == 0
    captured = capsys.readouterr()
    assert "(0 rows)" in captured.out
    assert ("note: no results, and these IRIs occur nowhere in the atlas: <http://www.w3.org/ns/org#alpha-lab> "
            "(did you mean organization:alpha-lab?)") in captured.err
    assert main(["query", "-e", "SELECT ?p WHERE { ?p atlas:developedBy organization:alpha-lab }"]) == 0
    assert "note:" not in capsys.readouterr().err  # rows: no hint
    assert main(["query", "-e", "SELECT ?p WHERE { ?p atlas:developedBy organization:alpha-lab ; a atlas:Model }"]) == 0
    assert "note:" not in capsys.readouterr().err  # empty, but every IRI exists: nothing to say


def test_query_lists_the_predeclared_prefixes(capsys):
    assert main(["query", "--prefixes"]) == 0
    out = capsys.readouterr().out
    assert "organization:\thttps://w3id.org/llm-atlas/id/org/\n" in out and "org:\thttp://www.w3.org/ns/org#\n" in out


def test_query_on_an_atlas_that_does_not_validate_exits_1_with_the_report(graph, tmp_path, capsys, monkeypatch):
    path = graph / "model" / "alpha-7b.ttl"
    path.write_text(path.read_text().replace("atlas:parameterCount 7000000000", 'atlas:parameterCount "7B"'))
    monkeypatch.setattr("llm_atlas.atlas.Layout.__post_init__", lambda self: setattr(self, "graph", graph) or setattr(self, "root", ROOT))
    monkeypatch.setattr("llm_atlas.atlas.Layout.dist", property(lambda self: tmp_path / "no-dist"))
    assert main(["query", "-e", "ASK {}"]) == 1
    captured = capsys.readouterr()
    assert "model:alpha-7b" in captured.out and "does not validate" in captured.err


def test_query_refuses_service_and_bad_syntax(capsys, monkeypatch, fixture_dist):
    monkeypatch.setattr("llm_atlas.atlas.Layout.dist", property(lambda self: fixture_dist))
    assert main(["query", "-e", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"]) == 2
    assert "SERVICE is not allowed" in capsys.readouterr().err
    assert main(["query", "-e", "SELECT * WHERE { ?s ?p "]) == 2
    assert "line 1" in capsys.readouterr().err


def test_new_writes_a_skeleton_that_validates_only_once_filled(graph, capsys, monkeypatch):
    monkeypatch.setattr("llm_atlas.atlas.Layout.__post_init__", lambda self: setattr(self, "graph", graph) or setattr(self, "root", ROOT))
    assert main(["new", "model", "delta-2b"]) == 0
    path = graph / "model" / "delta-2b.ttl"
    assert main(["validate", str(graph)]) == 1
    report = capsys.readouterr().out
    assert "model:delta-2b" in report and "TODO" in path.read_text()
    text = path.read_text()
    for todo, value in [
        ('"TODO: name as its developers write it"@en', '"Delta 2B"@en'),
        ('"TODO: one or two sentences in your own words"@en', '"A small test model."@en'),
        ('"TODO: organization:<slug>"', "organization:delta-hpc"),
        ('"TODO: spdx:<ID> or license:<slug>"', "spdx:MIT"),
        ('"TODO: <https://…> of each document you read that states these facts"', "<https://example.org/delta-2b>"),
    ]:
        text = text.replace(todo, value)
    path.write_text(text)
    assert "TODO" not in text
    assert main(["validate", str(graph)]) == 0
    assert main(["new", "model", "delta-2b"]) == 2
    assert main(["new", "model", "Not A Slug"]) == 2
    assert main(["new", "spaceship", "x"]) == 2


def test_every_todo_fails_validation_and_is_reported_once(graph, capsys, monkeypatch):
    """Filling only the required values leaves label and description as TODOs: they must fail,
    and each placeholder is one finding (not one per constraint it breaks)."""
    monkeypatch.setattr("llm_atlas.atlas.Layout.__post_init__", lambda self: setattr(self, "graph", graph) or setattr(self, "root", ROOT))
    assert main(["new", "model", "delta-2b"]) == 0
    path = graph / "model" / "delta-2b.ttl"
    text = path.read_text()
    assert main(["validate", str(path)]) == 1
    report = capsys.readouterr().out
    assert report.count("(value: TODO:") == 5 and "5 problem(s)" in report
    assert "placeholder; shapes:ModelShape ClassConstraintComponent, NodeKindConstraintComponent [atlas:developedBy]" in report
    for todo, value in [('"TODO: organization:<slug>"', "organization:delta-hpc"),
                        ('"TODO: spdx:<ID> or license:<slug>"', "spdx:MIT"),
                        ('"TODO: <https://…> of each document you read that states these facts"', "<https://example.org/d>")]:
        text = text.replace(todo, value)
    path.write_text(text)
    assert main(["validate", str(path)]) == 1
    report = capsys.readouterr().out
    assert "placeholder [rdfs:label] (value: TODO: name as its developers write it)" in report
    assert "placeholder [dcterms:description]" in report and "2 problem(s)" in report


def test_a_draft_outside_the_graph_is_checked_against_the_shapes_too(graph, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("llm_atlas.atlas.Layout.__post_init__", lambda self: setattr(self, "graph", graph) or setattr(self, "root", ROOT))
    draft = tmp_path / "drafts" / "draft.ttl"
    draft.parent.mkdir()
    draft.write_text((graph / "model" / "alpha-7b.ttl").read_text().replace("atlas:parameterCount 7000000000", 'atlas:parameterCount "7B"'))
    assert main(["validate", str(draft)]) == 1
    report = capsys.readouterr().out
    assert f"{draft}:1: model:alpha-7b" in report
    assert "file-layout: This draft is not under graph/model/; it was checked as graph/model/alpha-7b.ttl" in report
    assert "shapes:ModelShape DatatypeConstraintComponent, MinInclusiveConstraintComponent [atlas:parameterCount] (value: 7B)" in report
    assert "2 problem(s) in 1 file(s)" in report  # only the draft's findings; it stands in for graph/model/alpha-7b.ttl


def test_network_command_tables_exports_and_plots(tmp_path, capsys, monkeypatch, fixture_dist):
    monkeypatch.setattr("llm_atlas.atlas.Layout.dist", property(lambda self: fixture_dist))
    assert main(["network", "--kind", "organizations", "--top", "3"]) == 0
    out = capsys.readouterr().out
    assert "organizations network: 6 nodes, 6 edges" in out and "organization:gamma-collective" in out
    assert main(["network", "--kind", "projects", "--export", "gexf", str(tmp_path / "p.gexf"), "--plot", str(tmp_path / "p.svg")]) == 0
    assert (tmp_path / "p.gexf").exists() and (tmp_path / "p.svg").exists()
    assert main(["network", "--export", "dot", str(tmp_path / "x.dot")]) == 2
    assert main(["network", "--plot", str(tmp_path / "x.pdf")]) == 2


def test_stats_depth_shares_count_legal_bodies_apart(fixture_store):
    from llm_atlas.stats import depth

    rows = {what: (n, total) for what, n, total in depth(fixture_store)}
    # Six fixture organisations; Gamma Collective is a grassroots community, so five legal bodies,
    # of which Alpha Lab, Beta Corp and Zeta University carry ROR or Wikidata IRIs.
    assert rows["legal bodies linked to ROR or Wikidata"] == (3, 5)
    assert rows["organisations with an ownership"] == (2, 6)
    assert rows["organisations with a country"] == (6, 6)
