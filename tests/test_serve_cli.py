"""The `serve` and `export-site` commands in-process: refusals and their exit codes; the
on-disk store they prepare."""

import shutil

import pyoxigraph as ox

from llm_atlas.cli import main
from llm_atlas.serve.workers import MARKER, open_store, prepare_store, snapshot_dist


def test_serve_refuses_bad_limits(capsys):
    assert main(["serve", "--timeout", "0", "--no-build"]) == 2
    assert "must be positive" in capsys.readouterr().err


def test_serve_no_build_without_a_build_exits_2(tmp_path, capsys):
    assert main(["serve", "--no-build", "--dist", str(tmp_path / "nothing")]) == 2
    assert "holds no build" in capsys.readouterr().err


def test_serve_refuses_a_foreign_store_folder(tmp_path, fixture_dist, capsys):
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("do not delete")
    assert main(["serve", "--no-build", "--dist", str(fixture_dist), "--store", str(foreign)]) == 2
    assert "holds no atlas store" in capsys.readouterr().err
    assert (foreign / "notes.txt").read_text() == "do not delete"


def test_help_names_every_serve_option(capsys):
    try:
        main(["serve", "--help"])
    except SystemExit as done:
        assert done.code == 0
    out = capsys.readouterr().out
    for option in ("--host", "--port", "--timeout", "--workers", "--max-waiting", "--cache-mb", "--no-build", "--store"):
        assert option in out


def test_store_is_reused_while_dist_is_unchanged_and_reloaded_when_it_changes(tmp_path, fixture_dist):
    dist = tmp_path / "dist"
    shutil.copytree(fixture_dist, dist)
    folder = tmp_path / "store"
    path = prepare_store(dist, folder)
    digest = (folder / MARKER).read_text()
    store = ox.Store.read_only(str(path))
    triples = len(list(store.quads_for_pattern(None, None, None, ox.DefaultGraph())))
    del store
    assert triples == sum(1 for line in (dist / "full.nt").read_text().splitlines() if line.strip())
    assert prepare_store(dist, folder) == path and (folder / MARKER).read_text() == digest
    (dist / "SHA256SUMS").write_text((dist / "SHA256SUMS").read_text() + "\n")  # a different build
    prepare_store(dist, folder)
    assert (folder / MARKER).read_text() != digest


def test_without_a_store_folder_each_process_loads_a_private_copy_of_the_release(tmp_path, fixture_dist):
    dist = tmp_path / "dist"
    shutil.copytree(fixture_dist, dist)
    source = snapshot_dist(dist, tmp_path / "run")
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    before = next(iter(open_store(source).query(count)))["n"].value
    (dist / "full.nt").write_text("")  # a rebuild while serving must not reach later workers
    store = open_store(source)
    assert not (source / "oxigraph").exists()  # in memory: nothing loaded on disk
    assert next(iter(store.query(count)))["n"].value == before != "0"
    graphs = {g.value for g in store.named_graphs()}
    assert "https://w3id.org/llm-atlas/graph/asserted" in graphs
