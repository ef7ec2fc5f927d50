"""Shared fixtures: the checkout, the fixture graph, and atlases built from both."""

from pathlib import Path

import pytest

from llm_atlas.atlas import Layout
from llm_atlas.build import build
from llm_atlas.query import load_store

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture(scope="session")
def fixture_layout() -> Layout:
    return Layout(ROOT, graph=FIXTURES / "graph")


@pytest.fixture(scope="session")
def fixture_dist(fixture_layout, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("fixture") / "dist"
    build(fixture_layout, out=out)
    return out


@pytest.fixture(scope="session")
def fixture_store(fixture_dist):
    return load_store(fixture_dist)


@pytest.fixture(scope="session")
def shared_id_dist(fixture_dist, tmp_path_factory) -> Path:
    """The fixture atlas plus one outside identifier claimed twice (the Gamma project gets its
    model's Wikidata item): what lookup must answer when data has such a pair. The graph files
    cannot hold it (the shared-outside-id check refuses it), so it is added to the built copy."""
    import shutil

    out = tmp_path_factory.mktemp("shared-id") / "dist"
    shutil.copytree(fixture_dist, out)
    with (out / "full.nt").open("a", encoding="utf-8") as fh:
        fh.write("<https://w3id.org/llm-atlas/id/project/gamma> <http://www.w3.org/2004/02/skos/core#exactMatch> "
                 "<http://www.wikidata.org/entity/Q1000004> .\n")
    return out


@pytest.fixture(scope="session")
def atlas_dist(tmp_path_factory) -> Path:
    """The real atlas (graph/), built once per test session."""
    out = tmp_path_factory.mktemp("atlas") / "dist"
    build(Layout(ROOT), out=out)
    return out


@pytest.fixture(scope="session")
def atlas_store(atlas_dist):
    return load_store(atlas_dist)


@pytest.fixture(scope="module")
def client(atlas):
    """An in-process HTTP client of the server app, for the module's own ``atlas`` fixture."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # starlette's TestClient asks for httpx2; httpx is what is packaged
        from starlette.testclient import TestClient

        from llm_atlas.serve.app import create_app

        yield TestClient(create_app(atlas), follow_redirects=False)


@pytest.fixture(scope="session")
def release_history(tmp_path_factory):
    """A git repository holding the fixture atlas with releases 0.1.0 and 0.2.0, made by the real
    `release` and `retire` (tests/release_history.py, tests/fixtures/release-history/)."""
    from release_history import make_history

    return make_history(tmp_path_factory.mktemp("history") / "repo")
