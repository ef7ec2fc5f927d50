"""The site as a person sees it, in headless Chromium: home, an entity page, a CQ run in the
query page. Screenshots are saved in test-artifacts/."""

import pytest

pytestmark = pytest.mark.browser


def test_home_page_shows_counts_and_browses_to_an_entity(page, site_url):
    page.goto(site_url + "/")
    assert page.title() == "Home · LLM Atlas"
    row = page.locator("table.counts tr", has_text="atlas:Model")
    assert row.locator("td.num").inner_text() == "5"
    row.locator("a").click()
    page.wait_for_url(site_url + "/browse/model")
    page.get_by_role("link", name="Alpha 7B", exact=True).click()
    page.wait_for_url(site_url + "/page/model/alpha-7b")
    assert page.locator("h1").inner_text() == "Alpha 7B"


def test_search_finds_by_label(page, site_url):
    page.goto(site_url + "/")
    page.fill("#q", "gamma")
    page.press("#q", "Enter")
    page.wait_for_url("**/search?q=gamma")
    assert page.locator("ul.entities li").count() >= 2


def test_entity_page_links_properties_sources_and_data(page, site_url):
    response = page.goto(site_url + "/id/project/alpha")  # the IRI, redirected to the page
    assert response.ok and page.url == site_url + "/page/project/alpha"
    assert page.locator("h1").inner_text() == "Alpha"
    assert page.locator("table.props a", has_text="Alpha Lab").count() >= 1
    assert page.locator("#organizational-model").is_visible()
    assert page.locator("ul.sources a").count() >= 1
    page.locator("p.downloads a", has_text="ttl").click()
    assert "Alpha" in page.content()


def test_query_page_runs_a_competency_question_and_shows_its_table(page, site_url):
    page.goto(site_url + "/query")
    page.select_option("#examples", "cq03-datasets-shared-by-projects")
    assert "HAVING (COUNT(DISTINCT ?project) >= 2)" in page.input_value("#query")
    page.click("#run")
    page.wait_for_selector("table.results")
    headers = page.locator("table.results th").all_inner_texts()
    assert headers == ["dataset", "projects"]
    first = page.locator("table.results tbody tr").first.locator("td").all_inner_texts()
    assert first[1] == "3"
    assert page.locator("p.count").inner_text().endswith("rows") or page.locator("p.count").inner_text().endswith("row")


def test_competency_question_gallery_shows_tables(page, site_url):
    page.goto(site_url + "/cq")
    assert page.locator("section.cq").count() >= 20
    assert page.locator("section.cq table.results").count() >= 20
    assert page.locator(".error").count() == 0
