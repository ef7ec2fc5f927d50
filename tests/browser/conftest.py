"""Browser tests: Debian's headless Chromium driven by Playwright (no browser download).

The tests fail, not skip, when Chromium is missing: CI installs the Debian package
``chromium`` (see .ci/run). Screenshots go to test-artifacts/ (git-ignored).
"""

import shutil
import socket
import threading
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives headless Chromium (Debian package chromium) with Playwright")


@pytest.fixture(scope="session")
def site_url(fixture_dist, tmp_path_factory):
    """The fixture atlas served by uvicorn on a free loopback port, in a thread of this process."""
    import uvicorn

    from llm_atlas.atlas import Layout
    from llm_atlas.serve.app import Atlas, Settings, create_app
    from llm_atlas.serve.workers import Limits, prepare_store

    store = prepare_store(fixture_dist, tmp_path_factory.mktemp("browser-store"))
    atlas = Atlas(Settings(dist=fixture_dist, store_path=store, config=Layout(ROOT).config,
                           queries=ROOT / "queries" / "cq", limits=Limits(timeout=30)))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(atlas), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(url + "/static/style.css", timeout=5).close()
            break
        except OSError:
            time.sleep(0.1)
    yield url
    server.should_exit = True
    thread.join(30)
    atlas.close()


@pytest.fixture(scope="session")
def browser():
    assert CHROMIUM.exists() or shutil.which("chromium"), (
        "browser tests need Debian's chromium: apt-get install -y chromium (CI's .ci/run installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM if CHROMIUM.exists() else shutil.which("chromium")),
                                    args=ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()
    assert errors == [], errors
