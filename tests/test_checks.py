"""Check queries (lint): each fires on a fixture made to break it, and none fires on the fixture graph."""

import re
from pathlib import Path

import pytest

from llm_atlas.atlas import read_sources
from llm_atlas.loading import parse_turtle
from llm_atlas.validation import check_queries, check_rows, to_store

ROOT = Path(__file__).resolve().parents[1]
CHECKS = check_queries(ROOT / "queries")
CASES = Path(__file__).parent / "fixtures" / "checks"


@pytest.fixture(scope="module")
def sources(fixture_layout):
    return read_sources(fixture_layout)


def test_no_check_fires_on_the_fixture_graph(sources):
    assert check_rows(CHECKS, to_store(sources.data_graph(), sources.ontology)) == []


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.rule)
def test_check_fires_on_its_case(sources, check):
    case = CASES / f"{check.rule}.ttl"
    assert case.exists(), f"every check query needs a case that makes it fire: {case}"
    expected = set(re.findall(r"^# expect-entity: (\S+)$", case.read_text(), flags=re.M))
    data = sources.data_graph()
    for triple in parse_turtle(case):
        data.add(triple)
    fired = {entity for _, entity, _, _ in check_rows([check], to_store(data, sources.ontology))}
    assert fired == expected
