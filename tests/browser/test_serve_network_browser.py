"""The network map as a person uses it, in headless Chromium: filter, hover, click through.
Screenshots are saved in test-artifacts/."""

import re
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

pytestmark = pytest.mark.browser


def visible_labels(page, figure):
    return sorted(n.get_attribute("data-label") for n in page.locator(f"#{figure} g.node").all() if n.is_visible())


def test_filters_hide_the_nodes_that_do_not_match(page, site_url):
    page.goto(site_url + "/network/ecosystem")
    form = page.locator("form.netfilters")
    assert form.is_visible()  # shown by the script only: without it the filters could do nothing
    assert form.locator("output").inner_text() == "showing 26 of 26 nodes"
    form.locator('select[data-filter="kind"]').select_option("Model")
    assert visible_labels(page, "map-ecosystem") == ["Alpha 7B", "Alpha 7B Instruct", "Beta 1B", "Gamma 3B", "Gamma 3B Q4"]
    assert form.locator("output").inner_text() == "showing 5 of 26 nodes"
    # only links between two models stay: the derivations
    shown = [line for line in page.locator("#map-ecosystem g.edges line").all() if line.is_visible()]
    assert shown and all("derivedFrom" in line.locator("title").text_content() for line in shown)
    assert page.locator("#map-ecosystem g.labels text.off").count() > 0  # labels hide with their nodes
    form.locator('select[data-filter="region"]').select_option("vocab:region-africa")
    assert visible_labels(page, "map-ecosystem") == ["Gamma 3B", "Gamma 3B Q4"]
    form.locator('select[data-filter="kind"]').select_option("")
    form.locator('select[data-filter="region"]').select_option("")
    form.locator('select[data-filter="model"]').select_option("vocab:single-company")
    assert visible_labels(page, "map-ecosystem") == ["Beta", "Beta 1B", "Beta Corp"]
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#map-ecosystem").screenshot(path=str(ARTIFACTS / "network-ecosystem-filtered.png"))


def test_hover_shows_the_label_and_click_opens_the_entity_page(page, site_url):
    page.goto(site_url + "/network")
    tip = page.locator("#map-organizations g.tip")
    assert tip.get_attribute("visibility") == "hidden"
    figure = page.locator("#map-organizations")
    figure.scroll_into_view_if_needed()
    delta = page.locator('#map-organizations g.node[data-label="Delta HPC Centre"]')
    delta.locator("circle").hover()
    assert tip.get_attribute("visibility") == "visible"
    assert tip.locator("text").text_content() == "Delta HPC Centre"
    assert "hot" in delta.get_attribute("class").split()
    hot = page.locator("#map-organizations g.edges line.hot")
    assert hot.count() == 1 and hot.locator("title").text_content() == "Alpha Lab — Delta HPC Centre: Alpha on Big Machine"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "network-organizations-hover.png"), clip=figure.bounding_box())  # the pointer stays
    page.mouse.move(0, 0)
    assert tip.get_attribute("visibility") == "hidden" and hot.count() == 0
    delta.locator("circle").click()
    page.wait_for_url(site_url + "/page/org/delta-hpc")
    assert page.locator("h1").inner_text() == "Delta HPC Centre"
    near = page.locator("#map-near")
    assert near.is_visible()
    assert sorted(n.get_attribute("data-label") for n in near.locator("g.node").all()) == [
        "Alpha", "Big Machine", "Delta HPC Centre"]
    near.locator('g.node[data-label="Big Machine"] circle').click()
    page.wait_for_url(site_url + "/page/compute/big-machine")
    assert re.match(r"Big Machine", page.locator("h1").inner_text())


def test_switching_networks_and_tables(page, site_url):
    page.goto(site_url + "/")
    page.locator("header nav a", has_text="Network").click()
    page.wait_for_url(site_url + "/network")
    page.locator("nav.networks a", has_text="Projects").click()
    page.wait_for_url(site_url + "/network/projects")
    assert page.locator("#map-projects g.node").count() == 3
    assert page.locator("table.centrality tbody tr").count() == 3
    assert page.locator("table.shared tbody tr").first.locator("td").all_inner_texts() == ["Web Corpus", "dataset", "3"]
