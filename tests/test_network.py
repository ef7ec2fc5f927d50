"""Network analysis on the fixture graph: values checked by hand, exports round-trip, plots are valid."""

from decimal import Decimal
from xml.etree import ElementTree

import networkx as nx
import pytest
from rdflib import Graph, URIRef

from llm_atlas import network
from llm_atlas.namespaces import ATLAS, ID
from llm_atlas.netplot import plot
from llm_atlas.validation import shacl_problems, shacl_results
from llm_atlas.atlas import read_sources

O = lambda slug: str(ID[f"org/{slug}"])
P = lambda slug: str(ID[f"project/{slug}"])


@pytest.fixture(scope="module")
def orgs(fixture_store):
    return network.organizations(fixture_store)


def test_organisation_network_links_and_weights(orgs):
    # alpha-lab and zeta-university share project alpha and the alpha-evaluation collaboration
    assert orgs[O("alpha-lab")][O("zeta-university")]["weight"] == 2
    assert sorted(orgs[O("alpha-lab")][O("zeta-university")]["shared"]) == [
        str(ID["collaboration/alpha-evaluation"]), P("alpha")]
    # the compute partnership links the provider with the project's developer
    assert orgs.has_edge(O("delta-hpc"), O("alpha-lab"))
    assert orgs.number_of_nodes() == 6 and orgs.number_of_edges() == 6


def test_centralities_by_hand(orgs):
    m = network.metrics(orgs)
    # gamma-collective joins two pendants and the triangle; alpha-lab joins one pendant to it:
    # betweenness = pairs through the node / C(5, 2)
    assert m[O("gamma-collective")]["betweenness"] == 0.7
    assert m[O("alpha-lab")]["betweenness"] == 0.4
    assert m[O("zeta-university")]["betweenness"] == 0.0
    assert (m[O("alpha-lab")]["degree"], m[O("alpha-lab")]["weightedDegree"]) == (3, 4)
    assert (m[O("zeta-university")]["degree"], m[O("zeta-university")]["weightedDegree"]) == (2, 3)
    assert m[O("alpha-lab")]["eigenvector"] > m[O("delta-hpc")]["eigenvector"] > 0


def test_project_network_by_shared_artefacts(fixture_store):
    g = network.projects(fixture_store)
    # web-corpus is used by three projects (1/2 to each pair), bench-qa and trainer-x by two (1 each)
    assert g[P("alpha")][P("beta")]["weight"] == 2.5
    assert g[P("beta")][P("gamma")]["kinds"] == ["dataset", "framework"]
    assert g[P("alpha")][P("gamma")]["shared"] == [str(ID["dataset/web-corpus"])]


def test_most_shared_artefacts(fixture_store):
    top = network.most_shared_artefacts(fixture_store, top=2)
    assert top[0] == (str(ID["dataset/web-corpus"]), "dataset", 3)
    assert top[1][2] == 2


def test_bridges_between_organisational_models(fixture_store):
    found = network.bridges(network.projects(fixture_store), "organizationalModel")
    assert found[("vocab:single-company", "vocab:single-research-institute")] == 2.5


def test_a_consortium_does_not_swamp_the_network():
    """Newman's weighting: a 30-member consortium gives each member weighted degree 1, while an
    organisation in two small projects has 2 and ranks above the consortium's members."""
    import networkx as nx

    g = nx.Graph()
    members = {f"urn:member-{i:02}" for i in range(30)}
    g.add_nodes_from(sorted(members | {"urn:hub", "urn:a", "urn:b"}))
    network._project(g, {"urn:consortium": members, "urn:p1": {"urn:hub", "urn:a"}, "urn:p2": {"urn:hub", "urn:b"}})
    m = network.metrics(g)
    assert g["urn:member-00"]["urn:member-01"]["weight"] == round(1 / 29, 6)
    assert m["urn:member-00"]["degree"] == 29 and m["urn:member-00"]["weightedDegree"] == pytest.approx(1.0, abs=1e-5)
    assert m["urn:hub"]["weightedDegree"] == 2.0
    ranked = sorted(m, key=lambda n: -m[n]["weightedDegree"])
    assert ranked[0] == "urn:hub"


def test_the_same_network_gives_the_same_picture_in_any_process(fixture_dist, tmp_path):
    """Louvain iterates over sets, and sets of strings are ordered by the per-process hash seed:
    two processes with different seeds must still draw the same bytes."""
    import os
    import subprocess
    import sys

    script = ("import sys; from pathlib import Path; from llm_atlas import network; from llm_atlas.netplot import plot; "
              "from llm_atlas.query import load_store; "
              "plot(network.organizations(load_store(Path(sys.argv[1]))), Path(sys.argv[2]), colour_by='organizationType')")
    pictures = []
    for seed in ("1", "2"):
        out = tmp_path / f"map-{seed}.svg"
        subprocess.run([sys.executable, "-c", script, str(fixture_dist), str(out)], check=True,
                       env={**os.environ, "PYTHONHASHSEED": seed})
        pictures.append(out.read_bytes())
    assert pictures[0] == pictures[1]


def test_grassroots_vs_research_compute(fixture_store):
    rows = {r[0]: r[1:] for r in network.compute_by_organizational_model(fixture_store)}
    assert rows["vocab:non-profit-sponsored-grassroots"] == (1, 0, 1)  # a company cloud
    assert rows["vocab:single-research-institute"] == (1, 1, 0)  # a public supercomputer


@pytest.mark.parametrize("fmt, reader", [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
@pytest.mark.parametrize("kind", network.KINDS)
def test_exports_read_back_with_the_same_counts(fixture_store, tmp_path, fmt, reader, kind):
    g = network.build_network(fixture_store, kind)
    path = tmp_path / f"net.{fmt}"
    network.export(g, fmt, path)
    back = reader(path)
    assert (back.number_of_nodes(), back.number_of_edges()) == (g.number_of_nodes(), g.number_of_edges())


def test_ecosystem_has_typed_nodes_and_edges(fixture_store):
    g = network.ecosystem(fixture_store)
    kinds = {d["kind"] for _, d in g.nodes(data=True)}
    assert {"Project", "Organization", "Model", "Dataset", "Benchmark", "Leaderboard", "SoftwareFramework", "ComputeResource"} <= kinds
    assert g.has_edge(str(ID["model/alpha-7b"]), str(ID["dataset/web-corpus"]), key="trainedOn")
    assert g.has_edge(P("gamma"), str(ID["compute/sky-cloud"]), key="usesCompute")


@pytest.mark.parametrize("suffix", [".svg", ".png"])
def test_plot_writes_a_valid_picture(fixture_store, tmp_path, suffix):
    path = plot(network.projects(fixture_store), tmp_path / f"map{suffix}", colour_by="organizationalModel")
    data = path.read_bytes()
    if suffix == ".png":
        assert data.startswith(b"\x89PNG\r\n\x1a\n")
    else:
        root = ElementTree.fromstring(data)
        assert root.tag.endswith("svg") and b"Alpha" in data


def test_analytics_graph_is_separate_and_valid(fixture_dist, fixture_layout):
    analytics = Graph().parse(fixture_dist / "analytics.nt")
    full = Graph().parse(fixture_dist / "full.nt")
    assert not list(full.triples((None, ATLAS.betweennessCentrality, None)))
    record = URIRef("https://w3id.org/llm-atlas/analytics/organizations/org/gamma-collective")
    assert analytics.value(record, ATLAS.betweennessCentrality).toPython() == Decimal("0.7")
    sources = read_sources(fixture_layout)
    assert shacl_problems(sources, shacl_results(sources, analytics)) == []


def test_public_compute_has_one_answer_whichever_way_it_is_asked(fixture_store):
    """cq24 and the network's compute table count the same projects as having public compute:
    Delta HPC is a company by legal form and public by ownership, and counts as public in both."""
    from pathlib import Path

    from llm_atlas.query import rows, run_query

    cq24 = (Path(__file__).resolve().parents[1] / "queries" / "cq" / "cq24-projects-with-public-compute.rq").read_text()
    _, table = rows(run_query(fixture_store, cq24))
    by_question = {row[0].value for row in table}
    assert by_question == {P("alpha")}
    assert sum(public for _, _, public, _ in network.compute_by_organizational_model(fixture_store)) == len(by_question)
