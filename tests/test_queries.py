"""Competency questions: exact rows on the fixture graph, at least one row on the real atlas."""

import csv
import re
from collections import Counter
from pathlib import Path

import pytest

from llm_atlas.query import rows, run_query, term_text

ROOT = Path(__file__).resolve().parents[1]
CQS = sorted((ROOT / "queries" / "cq").glob("cq*.rq"))
EXPECTED = ROOT / "tests" / "fixtures" / "cq"


def test_there_are_at_least_twenty_competency_questions():
    assert len(CQS) >= 20


@pytest.mark.parametrize("path", CQS, ids=lambda p: p.stem)
def test_query_file_is_named_and_documented(path):
    assert re.fullmatch(r"cq\d\d-[a-z0-9]+(-[a-z0-9]+)*", path.stem)
    assert re.search(r"^#\+ summary: \S.*\?$", path.read_text(), flags=re.M), "needs a '#+ summary: <question>?' header"


@pytest.mark.parametrize("path", CQS, ids=lambda p: p.stem)
def test_query_gives_exactly_the_expected_rows_on_the_fixture(path, fixture_store):
    expected_file = EXPECTED / f"{path.stem}.csv"
    with expected_file.open(newline="") as fh:
        expected = list(csv.reader(fh))
    names, table = rows(run_query(fixture_store, path.read_text()))
    assert names == expected[0]
    got = Counter(tuple(term_text(t) for t in row) for row in table)
    assert got == Counter(tuple(r) for r in expected[1:])


@pytest.mark.parametrize("path", CQS, ids=lambda p: p.stem)
def test_query_answers_on_the_real_atlas(path, atlas_store):
    _, table = rows(run_query(atlas_store, path.read_text()))
    assert table, f"{path.name} returns no rows on the atlas"
