"""Repeated queries are answered from the cache, never a worker; errors and other formats are not mixed up."""

from pathlib import Path

import pytest

from llm_atlas.atlas import Layout
from llm_atlas.serve.app import Atlas, Settings
from llm_atlas.serve.cache import AnswerCache
from llm_atlas.serve.workers import Answer, Job, prepare_store

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def atlas(fixture_dist, tmp_path_factory):
    store = prepare_store(fixture_dist, tmp_path_factory.mktemp("store"))
    atlas = Atlas(Settings(dist=fixture_dist, store_path=store, config=Layout(ROOT).config, workers=1))
    yield atlas
    atlas.close()


@pytest.fixture
def counted(atlas, client):
    calls = []
    real = atlas.pool.run

    def run(job):
        calls.append(job.query)
        return real(job)

    atlas.pool.run = run
    yield atlas, client, calls
    atlas.pool.run = real


def test_a_repeated_query_is_answered_without_a_worker(counted):
    atlas, client, calls = counted
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s a atlas:Model } # cache test 1"
    first = client.get("/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
    second = client.get("/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert calls == [query]


def test_another_format_is_another_answer(counted):
    atlas, client, calls = counted
    query = "SELECT ?s WHERE { ?s a atlas:Model } LIMIT 2 # cache test 2"
    as_json = client.get("/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
    as_csv = client.get("/sparql", params={"query": query}, headers={"Accept": "text/csv"})
    assert as_json.headers["content-type"].startswith("application/sparql-results+json")
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert len(calls) == 2


def test_errors_are_not_kept(counted):
    atlas, client, calls = counted
    query = "SELECT ?s WHERE { ?s a } # cache test 3"
    for _ in range(2):
        assert client.get("/sparql", params={"query": query}).status_code == 400
    assert len(calls) == 2


def test_the_cache_drops_least_recently_used_answers_past_its_size():
    cache = AnswerCache(max_bytes=3 * (1000 + 256))
    jobs = [Job(f"ASK {{ }} # {i}", {"results": "json"}) for i in range(4)]
    for job in jobs[:3]:
        cache.put(job, Answer(200, b"x" * 1000))
    assert cache.get(jobs[0]) is not None  # now most recently used
    cache.put(jobs[3], Answer(200, b"x" * 1000))
    assert cache.get(jobs[1]) is None and cache.get(jobs[0]) is not None and cache.get(jobs[3]) is not None
    assert len(cache) == 3


def test_a_zero_size_cache_keeps_nothing():
    cache = AnswerCache(max_bytes=0)
    job = Job("ASK { }", {"results": "json"})
    cache.put(job, Answer(200, b"true"))
    assert cache.get(job) is None
