"""The README stays true: it lists every competency question and the two set-up commands exist."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def test_readme_lists_every_competency_question_with_its_summary():
    for path in sorted((ROOT / "queries" / "cq").glob("cq*.rq")):
        summary = re.search(r"^#\+ summary: (.*)$", path.read_text(), flags=re.M).group(1)
        assert f"| {summary} | [`{path.name}`]" in README, path.name


def test_quickstart_commands_are_make_targets():
    targets = set(re.findall(r"^([a-z-]+):", (ROOT / "Makefile").read_text(), flags=re.M))
    for command in re.findall(r"^make (\w+)", README, flags=re.M):
        assert command in targets


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text() and "make test" in README


def test_version_is_written_in_one_place():
    from llm_atlas import __version__

    hits = [p for p in ROOT.glob("*.toml") if re.search(rf'version\s*=\s*"{re.escape(__version__)}"', p.read_text())]
    assert hits == []


def test_readme_lists_every_predeclared_prefix():
    from llm_atlas.namespaces import PREFIXES

    readme = (ROOT / "README.md").read_text()
    for prefix, namespace in PREFIXES.items():
        assert f"| `{prefix}:` | `{namespace}` |" in readme, prefix
