"""The build: complete, self-describing, reproducible byte for byte, and atomic."""

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, VOID

from llm_atlas.atlas import Layout
from llm_atlas.build import GRAPHS, BuildFailed, build
from llm_atlas.namespaces import ATLAS, ONTOLOGY_IRI
from llm_atlas.query import load_store

ROOT = Path(__file__).resolve().parents[1]
FORMATS = {".ttl": "turtle", ".nt": "nt", ".jsonld": "json-ld"}


def test_dist_has_every_graph_in_every_format(fixture_dist):
    names = {p.name for p in fixture_dist.iterdir()}
    assert names == {g + s for g in GRAPHS for s in FORMATS} | {"void.ttl", "SHA256SUMS"}


@pytest.mark.parametrize("graph", GRAPHS)
def test_the_three_formats_hold_the_same_graph(fixture_dist, graph):
    parsed = [Graph().parse(fixture_dist / f"{graph}{suffix}", format=fmt) for suffix, fmt in FORMATS.items()]
    assert len(parsed[0]) > 0
    assert isomorphic(parsed[0], parsed[1]) and isomorphic(parsed[0], parsed[2])


def test_checksums_match_the_files(fixture_dist):
    lines = (fixture_dist / "SHA256SUMS").read_text().splitlines()
    assert len(lines) == len(list(fixture_dist.iterdir())) - 1
    for line in lines:
        digest, name = line.split("  ")
        assert hashlib.sha256((fixture_dist / name).read_bytes()).hexdigest() == digest


def test_void_counts_what_is_there(fixture_dist):
    void = Graph().parse(fixture_dist / "void.ttl")
    full = Graph().parse(fixture_dist / "full.nt")
    dataset = URIRef("https://w3id.org/llm-atlas/dataset")
    assert void.value(dataset, VOID.triples) == Literal(len(full))
    partitions = {void.value(p, VOID["class"]): int(void.value(p, VOID.entities)) for p in void.objects(dataset, VOID.classPartition)}
    assert partitions[ATLAS.Model] == 5 and partitions[ATLAS.Organization] == 6 and partitions[ATLAS.License] == 5
    dumps = set(void.objects(dataset, VOID.dataDump))
    assert URIRef("https://w3id.org/llm-atlas/downloads/full.nt") in dumps


def test_ontology_is_stamped_with_the_release(fixture_dist):
    from llm_atlas import __version__

    onto = Graph().parse(fixture_dist / "ontology.ttl")
    assert onto.value(URIRef(ONTOLOGY_IRI), OWL.versionIRI) == URIRef(f"{ONTOLOGY_IRI}/{__version__}")


def test_asserted_graph_holds_only_curated_data(fixture_dist):
    asserted = Graph().parse(fixture_dist / "asserted.nt")
    assert not list(asserted.triples((None, ATLAS.modelOf, None))), "inferred triples leak into asserted"
    full = Graph().parse(fixture_dist / "full.nt")
    assert list(full.triples((None, ATLAS.modelOf, None)))


def _build_in_subprocess(out: Path, seed: str):
    env = dict(os.environ, PYTHONHASHSEED=seed)
    subprocess.run([sys.executable, "-m", "llm_atlas", "build", "--graph", str(ROOT / "tests/fixtures/graph"), "--out", str(out)],
                   check=True, env=env, cwd=ROOT, capture_output=True)


def test_two_builds_give_identical_bytes(tmp_path):
    _build_in_subprocess(tmp_path / "a", "1")
    _build_in_subprocess(tmp_path / "b", "2")
    a = {p.name: p.read_bytes() for p in (tmp_path / "a").iterdir()}
    b = {p.name: p.read_bytes() for p in (tmp_path / "b").iterdir()}
    assert a.keys() == b.keys()
    assert [n for n in a if a[n] != b[n]] == []


def test_a_failed_build_leaves_the_previous_dist_untouched(tmp_path, fixture_dist):
    graph = tmp_path / "graph"
    shutil.copytree(ROOT / "tests/fixtures/graph", graph)
    out = tmp_path / "dist"
    shutil.copytree(fixture_dist, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    broken = graph / "model" / "beta-1b.ttl"
    broken.write_text(broken.read_text().replace("atlas:developedBy organization:beta-corp ;", ""))
    with pytest.raises(BuildFailed) as failed:
        build(Layout(ROOT, graph=graph), out=out)
    assert "model:beta-1b" in failed.value.report and "atlas:developedBy" in failed.value.report
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist", "graph"], "no staging folder left behind"


def test_a_loaded_store_keeps_the_published_blank_node_labels(fixture_dist):
    """Pages show blank nodes (OWL lists of the ontology) by label: every load must give the
    labels the published full.nt has, not new random ones."""
    def labels(store) -> set[str]:
        return {q.subject.value for q in store if isinstance(q.subject, ox.BlankNode)}

    published = {line.split(" ", 1)[0][2:] for nt in fixture_dist.glob("*.nt")
                 for line in nt.read_text().splitlines() if line.startswith("_:")}
    assert any(label.startswith("ontology") for label in published), "the ontology has OWL lists"
    assert labels(load_store(fixture_dist)) == labels(load_store(fixture_dist)) == published
