"""The network pages in-process: the maps' nodes and links, the filters' data attributes, the
tables, each entity's neighbourhood map, escaping, and the static export of the maps."""

import re
import shutil
import warnings
from pathlib import Path
from urllib.parse import urldefrag
from xml.etree import ElementTree

import networkx as nx
import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette's TestClient asks for httpx2; httpx is what is packaged
    from starlette.testclient import TestClient

from llm_atlas import network
from llm_atlas.atlas import Layout
from llm_atlas.build import build
from llm_atlas.namespaces import ID
from llm_atlas.serve import netmap
from llm_atlas.serve.app import Atlas, Settings, create_app
from llm_atlas.serve.export import export_site
from llm_atlas.serve.workers import Limits, prepare_store

ROOT = Path(__file__).resolve().parents[1]
FIXTURE_GRAPH = ROOT / "tests" / "fixtures" / "graph"
ORGS = {"alpha-lab": "Alpha Lab", "beta-corp": "Beta Corp", "delta-hpc": "Delta HPC Centre",
        "epsilon-cloud": "Epsilon Cloud", "gamma-collective": "Gamma Collective", "zeta-university": "Zeta University"}
HOSTILE = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'
HOSTILE_ESCAPED = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt;"


def _atlas(dist, store_dir):
    store = prepare_store(dist, store_dir)
    return Atlas(Settings(dist=dist, store_path=store, config=Layout(ROOT).config, queries=ROOT / "queries" / "cq",
                          workers=1, limits=Limits(timeout=30)))


@pytest.fixture(scope="module")
def client(fixture_dist, tmp_path_factory):
    atlas = _atlas(fixture_dist, tmp_path_factory.mktemp("network-store"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield TestClient(create_app(atlas), follow_redirects=False)
    atlas.close()


def svg(html: str, figure: str) -> ElementTree.Element:
    """The SVG of ``<figure id=figure>``, parsed as XML (the maps are well-formed)."""
    start = html.index(f'id="{figure}"')
    text = html[html.index("<svg", start):html.index("</svg>", start) + len("</svg>")]
    return ElementTree.fromstring(text)


def nodes(root) -> list[ElementTree.Element]:
    return [g for g in root.iter("g") if "node" in g.get("class", "").split()]


def edges(root) -> list[ElementTree.Element]:
    return list(next(g for g in root.iter("g") if g.get("class") == "edges").iter("line"))


def node(root, label: str) -> ElementTree.Element:
    return next(g for g in nodes(root) if g.get("data-label") == label)


# --- the organisation network: /network ------------------------------------------------------

def test_network_page_draws_every_organisation_and_link(client):
    r = client.get("/network")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    root = svg(r.text, "map-organizations")
    drawn = nodes(root)
    assert {g.get("data-label") for g in drawn} == set(ORGS.values())
    assert {g.find("a").get("href") for g in drawn} == {f"/page/org/{slug}" for slug in ORGS}
    assert all(g.find("a/title").text == g.get("data-label") for g in drawn)  # the label without script
    lines = edges(root)
    assert len(lines) == 6  # as in the organisation network of the fixture
    ids = {g.get("data-id"): g.get("data-label") for g in drawn}
    pairs = {frozenset((ids[line.get("data-a")], ids[line.get("data-b")])) for line in lines}
    assert frozenset(("Alpha Lab", "Zeta University")) in pairs and frozenset(("Delta HPC Centre", "Alpha Lab")) in pairs
    heaviest = max(lines, key=lambda line: float(line.get("stroke-width")))
    assert heaviest.find("title").text == "Alpha Lab — Zeta University: Alpha evaluation, Alpha"  # weight 2: what they share
    # a line starts and ends at its nodes' circles
    circle = {g.get("data-id"): g.find("a/circle") for g in drawn}
    for line in lines:
        assert (line.get("x1"), line.get("y1")) == (circle[line.get("data-a")].get("cx"), circle[line.get("data-a")].get("cy"))
    assert "6 nodes, 6 links" in r.text


def test_filters_carry_the_nodes_data_attributes(client):
    html = client.get("/network").text
    root = svg(html, "map-organizations")
    zeta, delta, alpha = node(root, "Zeta University"), node(root, "Delta HPC Centre"), node(root, "Alpha Lab")
    assert (zeta.get("data-kind"), zeta.get("data-region"), zeta.get("data-model")) == (
        "vocab:university", "vocab:region-southeast-asia", "vocab:single-research-institute")
    assert delta.get("data-model") == "none"  # takes part in no project with an assessed model
    assert alpha.get("data-model") == "vocab:non-profit-sponsored-grassroots vocab:single-research-institute"
    form = html[html.index('<form class="netfilters" data-map="map-organizations" hidden>'):html.index("</form>")]
    assert re.findall(r'data-filter="(\w+)"', form) == ["kind", "region", "model"]
    assert '<option value="vocab:region-europe">Europe (2)</option>' in form
    assert '<option value="vocab:university">University (1)</option>' in form
    assert '<option value="none">not recorded (2)</option>' in form
    # every value offered matches a node, and every node's value is offered
    offered = dict(re.findall(r'data-filter="(\w+)">(.*?)</select>', form, flags=re.S))
    for key, options in offered.items():
        values = set(re.findall(r'<option value="([^"]+)">', options))
        on_nodes = {v for g in nodes(root) for v in g.get(f"data-{key}").split()}
        assert values == on_nodes, key


def test_centrality_and_shared_artefact_tables(client, fixture_store):
    html = client.get("/network").text
    m = network.metrics(network.organizations(fixture_store))
    expected = sorted(m, key=lambda n: (-m[n]["weightedDegree"], -m[n]["betweenness"], n))
    table = html[html.index('<table class="centrality">'):]
    table = table[:table.index("</table>")]
    shown = re.findall(r'<tr><td><a href="/page/org/([a-z-]+)">', table)
    assert shown == [n.rsplit("/", 1)[1] for n in expected]
    gamma = re.search(r'href="/page/org/gamma-collective">Gamma Collective</a></td><td>Grassroots community</td>'
                      r'<td class="num">(\d+)</td><td class="num">([\d.]+)</td><td class="num">([\d.]+)</td>', table)
    key = str(ID["org/gamma-collective"])
    assert gamma.groups() == (str(m[key]["degree"]), f"{m[key]['weightedDegree']:.2f}", "0.700")
    shared = html[html.index('<table class="shared">'):]
    first = re.search(r'<tbody>\s*<tr><td><a href="([^"]+)">([^<]+)</a></td><td>(\w+)</td><td class="num">(\d+)</td>', shared)
    assert first.groups() == ("/page/dataset/web-corpus", "Web Corpus", "dataset", "3")


# --- the other networks, the routes, the navigation ------------------------------------------

def test_project_network_links_projects_by_what_they_share(client):
    html = client.get("/network/projects").text
    root = svg(html, "map-projects")
    assert {g.get("data-label") for g in nodes(root)} == {"Alpha", "Beta", "Gamma"}
    assert sorted(line.find("title").text for line in edges(root)) == [
        "Alpha — Beta: Bench QA, Web Corpus, Trainer X", "Alpha — Gamma: Web Corpus", "Beta — Gamma: Web Corpus, EvalKit"]
    assert node(root, "Beta").get("data-kind") == "vocab:single-company"  # projects are typed by organisational model
    form = html[html.index('<form class="netfilters"'):html.index("</form>")]
    assert re.findall(r'data-filter="(\w+)"', form) == ["kind", "region"]


def test_ecosystem_network_has_every_typed_node(client, fixture_store):
    g = network.ecosystem(fixture_store)
    root = svg(client.get("/network/ecosystem").text, "map-ecosystem")
    drawn = nodes(root)
    assert len(drawn) == g.number_of_nodes()
    assert len(edges(root)) == nx.Graph(g.to_undirected()).number_of_edges()
    assert sorted(g_.get("data-kind") for g_ in drawn) == sorted(d["kind"] for _, d in g.nodes(data=True))
    assert node(root, "Alpha 7B").find("a").get("href") == "/page/model/alpha-7b"
    titles = {line.find("title").text for line in edges(root)}
    assert "Bench QA — Alpha 7B: evaluatedOn" in titles  # the relations between the two ends
    assert "Alpha Lab — Alpha: collaboratesIn, developedBy" in titles


def test_routes_and_navigation(client):
    home = client.get("/").text
    assert '<a href="/network">Network</a>' in home
    r = client.get("/network/organizations")
    assert r.status_code == 301 and r.headers["location"] == "/network"
    assert client.get("/network/nope").status_code == 404
    html = client.get("/network/projects").text
    assert '<a href="/network">Organisations</a>' in html and '<a href="/network/ecosystem">Ecosystem</a>' in html
    assert '<strong aria-current="page">Projects</strong>' in html


def test_network_page_keeps_to_the_content_security_policy(client):
    r = client.get("/network/ecosystem")
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert re.findall(r"<script[^>]*>", r.text) == ['<script src="/static/netmap.js" defer>']
    assert " style=" not in r.text and not re.search(r"\son[a-z]+=", r.text)
    js = client.get("/static/netmap.js")
    assert js.status_code == 200 and "http" not in js.text.replace("http://www.w3.org/2000/svg", "")


# --- the neighbourhood on entity pages ----------------------------------------------------------

def test_entity_page_shows_its_neighbourhood(client, fixture_store):
    g = network.ecosystem(fixture_store)
    alpha = str(ID["project/alpha"])
    neighbours = set(g.successors(alpha)) | set(g.predecessors(alpha))
    html = client.get("/page/project/alpha").text
    root = svg(html, "map-near")
    drawn = nodes(root)
    assert drawn[0].get("class") == "node labelled centre" and drawn[0].get("data-label") == "Alpha"
    assert {n.find("a").get("href") for n in drawn[1:]} == {"/" + netmap.site_path(n) for n in neighbours}
    titles = {line.find("title").text for line in edges(root)}
    assert "Alpha developedBy Alpha Lab; Alpha Lab collaboratesIn Alpha" in titles
    assert "Delta HPC Centre providesCompute Alpha" in titles
    assert len(edges(root)) == len(neighbours)
    assert '<script src="/static/netmap.js" defer>' in html


def test_entities_outside_the_networks_have_no_neighbourhood(client):
    for path in ["/page/publication/study", "/page/license/beta-community-license", "/page/partnership/alpha-big-machine"]:
        r = client.get(path)
        assert r.status_code == 200, path
        assert "map-near" not in r.text and "netmap.js" not in r.text, path


def test_networks_are_computed_once(fixture_store, monkeypatch):
    calls = []
    build_network = network.build_network
    monkeypatch.setattr(network, "build_network", lambda store, kind: calls.append(kind) or build_network(store, kind))
    networks = netmap.Networks(fixture_store)
    for _ in range(3):
        networks.map("organizations"), networks.map("ecosystem"), networks.neighbourhood(str(ID["org/alpha-lab"]))
    assert sorted(calls) == ["ecosystem", "organizations"]


# --- escaping -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def hostile_client(tmp_path_factory):
    """An atlas built from a copy of the fixture graph whose organisation label holds markup."""
    work = tmp_path_factory.mktemp("hostile-network")
    graph = work / "graph"
    shutil.copytree(FIXTURE_GRAPH, graph)
    org = graph / "org" / "alpha-lab.ttl"
    literal = HOSTILE.replace("\\", "\\\\").replace('"', '\\"')
    org.write_text(org.read_text().replace('rdfs:label "Alpha Lab"@en', f'rdfs:label "{literal}"@en'))
    dist = work / "dist"
    build(Layout(ROOT, graph=graph), out=dist)
    atlas = _atlas(dist, work / "store")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield TestClient(create_app(atlas), follow_redirects=False)
    atlas.close()


@pytest.mark.parametrize("path", ["/network", "/network/ecosystem", "/page/project/alpha", "/page/org/alpha-lab"])
def test_labels_are_escaped_in_maps_and_tables(hostile_client, path):
    r = hostile_client.get(path)
    assert r.status_code == 200
    assert "<script>alert" not in r.text and "<img src=x" not in r.text
    assert f'data-label="{HOSTILE_ESCAPED}"' in r.text  # the attribute the hover label is read from
    assert f"<title>{HOSTILE_ESCAPED}</title>" in r.text


# --- static export ------------------------------------------------------------------------------

def test_export_writes_the_network_pages_with_relative_links(fixture_dist, tmp_path):
    out = tmp_path / "site"
    export_site(fixture_dist, out, config=Layout(ROOT).config, queries=ROOT / "queries" / "cq")
    pages = {"network.html": "map-organizations", "network/projects.html": "map-projects",
             "network/ecosystem.html": "map-ecosystem"}
    for name, figure in pages.items():
        page = out / name
        html = page.read_text()
        root = svg(html, figure)
        assert nodes(root), name
        for link in re.findall(r'(?:href|src)="([^"]+)"', html):
            target = urldefrag(link)[0]
            if target and not re.match(r"^[a-z]+:", target):
                assert not target.startswith("/") and (page.parent / target).resolve().is_file(), (name, link)
    assert node(svg((out / "network.html").read_text(), "map-organizations"), "Alpha Lab").find("a").get("href") == \
        "page/org/alpha-lab.html"
    assert 'id="map-near"' in (out / "page" / "project" / "alpha.html").read_text()
    assert (out / "static" / "netmap.js").is_file()
