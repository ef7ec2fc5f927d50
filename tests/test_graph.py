"""The real atlas: every file under graph/ is found by glob and must validate."""

from pathlib import Path

import pytest

from llm_atlas.atlas import Layout, read_sources
from llm_atlas.validation import format_report, validate

ROOT = Path(__file__).resolve().parents[1]
FILES = sorted((ROOT / "graph").rglob("*.ttl"))


@pytest.fixture(scope="module")
def problems_by_file():
    problems = validate(read_sources(Layout(ROOT)))
    by_file = {}
    for p in problems:
        by_file.setdefault(Path(p.path).resolve(), []).append(p)
    return by_file


def test_the_atlas_has_data():
    assert FILES


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT / "graph")))
def test_graph_file_validates(path, problems_by_file):
    problems = problems_by_file.get(path.resolve(), [])
    assert not problems, format_report(problems)


def test_no_problem_outside_a_file(problems_by_file):
    assert Path("(no file)").resolve() not in problems_by_file
