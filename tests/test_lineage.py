"""Lineage checks: each fires on its own fixture (exact derivative, ancestor, path) and none on a clean one."""

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from llm_atlas.lineage import Lineage, format_report, lineage_checks, resolve_model, run_lineage_checks

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "lineage"
CHECKS = lineage_checks(ROOT / "queries")
M = "https://w3id.org/llm-atlas/id/model/"


def store_of(path: Path) -> ox.Store:
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    return store


def findings(name: str):
    store = store_of(FIXTURES / f"{name}-001.ttl")
    return {(f.check, f.derivative.removeprefix(M), f.ancestor.removeprefix(M), tuple(p.removeprefix(M) for p in f.path))
            for f in run_lineage_checks(store, CHECKS)}


def test_there_are_the_three_lineage_checks():
    assert {c.name for c in CHECKS} == {"restrictions-dropped", "non-commercial-base-commercial", "missing-license"}


@pytest.mark.parametrize("path", sorted((ROOT / "queries" / "lineage").glob("*.rq")), ids=lambda p: p.stem)
def test_check_is_named_and_explained(path):
    text = path.read_text()
    assert path.stem.endswith("-warning")
    assert re.search(r"^#\+ summary: \S.*\?$", text, flags=re.M)
    assert re.search(r"^#\+ tags: \[.*lineage.*\]$", text, flags=re.M)
    assert re.search(r"^#\+ explanation: \S", text, flags=re.M)
    assert "?derivative" in text and "?ancestor" in text


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.name)
def test_check_has_a_fixture_that_fires_it(check):
    assert (FIXTURES / f"{check.name}-001.ttl").exists()
    assert {f[0] for f in findings(check.name)} == {check.name}


def test_no_check_fires_on_the_clean_fixture():
    assert run_lineage_checks(store_of(FIXTURES / "clean.ttl"), CHECKS) == []


def test_restrictions_dropped_names_each_restricted_ancestor_with_its_path():
    assert findings("restrictions-dropped") == {
        ("restrictions-dropped", "quant", "tune", ("tune", "quant")),
        ("restrictions-dropped", "quant", "base", ("base", "tune", "quant")),
    }


def test_non_commercial_base_released_commercially():
    assert findings("non-commercial-base-commercial") == {("non-commercial-base-commercial", "tune", "base", ("base", "tune"))}


def test_missing_license_shows_the_unmapped_hub_key():
    store = store_of(FIXTURES / "missing-license-001.ttl")
    [finding] = run_lineage_checks(store, CHECKS)
    assert (finding.check, finding.derivative, finding.ancestor) == ("missing-license", M + "tune", M + "base")
    assert finding.details == (("hubLicense", "openrail"),)


def test_base_filter_keeps_only_the_tree_below_the_base():
    store = store_of(FIXTURES / "restrictions-dropped-001.ttl")
    assert len(run_lineage_checks(store, CHECKS, base=M + "tune")) == 2
    assert run_lineage_checks(store, CHECKS, base=M + "quant") != []  # the derivative itself counts
    store.load(path=str(FIXTURES / "missing-license-001.ttl"), format=ox.RdfFormat.TURTLE)
    assert {f.check for f in run_lineage_checks(store, CHECKS, base=M + "quant")} == {"restrictions-dropped"}


def test_models_resolve_by_hub_id_curie_or_iri():
    store = store_of(FIXTURES / "restrictions-dropped-001.ttl")
    assert resolve_model(store, "ORG/Tune") == M + "tune"
    assert resolve_model(store, "model:quant") == M + "quant"
    assert resolve_model(store, M + "base") == M + "base"
    assert resolve_model(store, "nobody/nothing") is None


def test_report_shows_question_explanation_and_path_by_hub_id():
    store = store_of(FIXTURES / "restrictions-dropped-001.ttl")
    lineage = Lineage.read(store)
    text = format_report(run_lineage_checks(store, CHECKS, lineage=lineage), CHECKS, lineage)
    assert "== restrictions-dropped: 2 warnings" in text
    assert "path: org/base -> org/tune -> org/quant" in text
    assert "ancestorLicense: license:community" in text
    assert text.endswith("2 lineage warnings\n")


def test_family_counts_descendants_by_depth_and_kind():
    from llm_atlas.lineage import family

    store = store_of(FIXTURES / "restrictions-dropped-001.ttl")
    fam = family(store, M + "base")
    assert (fam.descendants, fam.levels, fam.kinds) == (2, {1: 1, 2: 1}, {"unstated": 2})
    assert family(store, M + "quant").descendants == 0


def test_most_derived_bases_come_first():
    from llm_atlas.lineage import most_derived

    store = store_of(FIXTURES / "restrictions-dropped-001.ttl")
    assert [(m.removeprefix(M), n, d) for m, n, d in most_derived(store)] == [("base", 2, 1), ("tune", 1, 1)]
