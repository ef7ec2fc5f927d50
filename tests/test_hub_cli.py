"""The reuse commands in-process, with exit codes; and the build with and without an import area."""

import shutil
from pathlib import Path

import pytest

from llm_atlas.cli import main

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
HUB = FIXTURES / "hub"


@pytest.fixture(scope="module")
def checkout(tmp_path_factory):
    """A graph folder (the fixture atlas) with an import area beside it, imported offline, and built."""
    tmp = tmp_path_factory.mktemp("reuse")
    graph = tmp / "graph"
    shutil.copytree(FIXTURES / "graph", graph)
    code = main(["import", "huggingface", "--base", "beta-corp/beta-1b", "--depth", "2", "--offline", str(HUB), "--graph", str(graph)])
    assert code == 0
    assert main(["build", "--graph", str(graph), "--out", str(tmp / "dist")]) == 0
    return tmp


def test_import_writes_into_the_area_beside_the_graph(checkout, capsys):
    assert (checkout / "imported" / "huggingface" / "beta-corp-beta-1b.nt").stat().st_size > 0
    assert (checkout / "imported" / "huggingface" / "beta-corp-beta-1b.state.json").exists()


def test_import_reports_unknown_licences(tmp_path, capsys):
    graph = tmp_path / "graph"
    shutil.copytree(FIXTURES / "graph", graph)
    assert main(["import", "huggingface", "--base", "beta-corp/beta-1b", "--offline", str(HUB), "--graph", str(graph)]) == 0
    out = capsys.readouterr().out
    assert "imported 4 models derived from beta-corp/beta-1b" in out
    assert "unknown licence key 'other:beta-community-license'" in out
    assert "not readable on the Hub (skipped): ghost/removed-model" in out


@pytest.mark.parametrize("argv, message", [
    (["--base", "nobody/not-curated"], "is not a curated model"),
    (["--base", "beta-corp/beta-1b", "--record", "never-written"], "give one"),
    (["--base", "beta-corp/beta-1b", "--depth", "0"], "at least 1"),
])
def test_import_usage_errors_exit_2(argv, message, tmp_path, capsys):
    assert main(["import", "huggingface", *argv, "--offline", str(HUB), "--graph", str(FIXTURES / "graph"), "--area", str(tmp_path)]) == 2
    assert message in capsys.readouterr().err


def test_import_offline_folder_must_exist(tmp_path, capsys):
    argv = ["import", "huggingface", "--base", "beta-corp/beta-1b", "--offline", str(tmp_path / "none"), "--graph", str(FIXTURES / "graph")]
    assert main(argv) == 2
    assert "no such folder" in capsys.readouterr().err


def test_build_publishes_the_imported_graph(checkout):
    dist = checkout / "dist"
    for suffix in ("nt", "ttl", "jsonld"):
        assert (dist / f"imported.{suffix}").exists()
    assert "imported.nt" in (dist / "SHA256SUMS").read_text()
    assert "hf-someone-beta-1b-chat" not in (dist / "full.nt").read_text()  # never mixed into the curated atlas


def test_the_imported_graph_is_a_named_graph_of_the_store(checkout):
    from llm_atlas.query import load_store, rows, run_query

    store = load_store(checkout / "dist")
    q = "SELECT (COUNT(?m) AS ?n) WHERE { GRAPH <https://w3id.org/llm-atlas/graph/imported> { ?m a atlas:Model } }"
    _, table = rows(run_query(store, q))
    assert int(table[0][0].value) == 5


def test_build_without_import_area_has_no_imported_files(fixture_dist):
    assert not (fixture_dist / "imported.nt").exists()


def test_lineage_report_shows_warnings_with_paths_and_exits_0(checkout, capsys):
    assert main(["lineage", "report", "--graph", str(checkout / "graph"), "--dist", str(checkout / "dist")]) == 0
    out = capsys.readouterr().out
    assert "path: beta-corp/beta-1b -> someone/beta-1b-chat" in out
    assert "hubLicense: openrail" in out
    assert out.endswith("6 lineage warnings\n")


def test_lineage_report_base_filter_and_strict(checkout, capsys):
    argv = ["lineage", "report", "--graph", str(checkout / "graph"), "--dist", str(checkout / "dist")]
    assert main(argv + ["--base", "someone/beta-1b-chat", "--strict"]) == 1
    out = capsys.readouterr().out
    assert out.endswith("2 lineage warnings\n")  # the base itself (Apache-2.0 below a community licence) and its quantisation
    assert "- someone/beta-1b-chat" in out and "- quantfolk/beta-1b-chat-GGUF" in out
    assert main(argv + ["--base", "nobody/none"]) == 2
    assert "no model nobody/none" in capsys.readouterr().err


def test_lineage_family_of_a_base_and_most_derived(checkout, capsys):
    argv = ["lineage", "family", "--graph", str(checkout / "graph"), "--dist", str(checkout / "dist")]
    assert main(argv + ["--base", "beta-corp/beta-1b"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == ["beta-corp/beta-1b: 5 descendants", "  depth 1: 4", "  depth 2: 1", "  vocab:adapter: 1",
                                "  vocab:finetune: 1", "  vocab:merge: 1", "  vocab:quantized: 2"]
    assert main(argv + ["--top", "1"]) == 0
    assert capsys.readouterr().out == "beta-corp/beta-1b  5 descendants, 4 direct\n"
    assert main(argv + ["--base", "nobody/none"]) == 2


def test_import_honours_hf_endpoint_and_still_cites_the_hub(tmp_path, capsys, monkeypatch):
    """HF_ENDPOINT points every Hugging Face tool at a mirror: here a local Hub-shaped server
    answering from the fixture responses. Requests go there; the imported data cites huggingface.co."""
    import http.server
    import json
    import threading
    from urllib.parse import parse_qs, urlsplit

    seen = []

    class Hub(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            seen.append(self.path)
            url = urlsplit(self.path)
            if url.path == "/api/models" and "filter" in parse_qs(url.query):
                repo = parse_qs(url.query)["filter"][0].removeprefix("base_model:")
                page = HUB / "children" / repo / "page-0001.json"
                body = page.read_bytes() if page.exists() else b"[]"
            else:
                info = HUB / "models" / (url.path.removeprefix("/api/models/") + ".json")
                if not info.exists():
                    self.send_response(404)
                    self.end_headers()
                    return
                body = info.read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hub)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{server.server_address[1]}")
        graph = tmp_path / "graph"
        shutil.copytree(FIXTURES / "graph", graph)
        assert main(["import", "huggingface", "--base", "beta-corp/beta-1b", "--delay", "0", "--graph", str(graph)]) == 0
    finally:
        server.shutdown()
        server.server_close()
    assert any(path.startswith("/api/models/") for path in seen) and any("filter=base_model" in p for p in seen)
    data = (tmp_path / "imported" / "huggingface" / "beta-corp-beta-1b.nt").read_text()
    assert "<https://huggingface.co/api/models/" in data and "127.0.0.1" not in data
    assert json.dumps(seen)  # the requests were real, and went to the local server only
