"""Test helpers for the server in process and the static site it exports."""

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag

from llm_atlas.atlas import Layout
from llm_atlas.serve.app import Atlas, Settings
from llm_atlas.serve.workers import Limits, prepare_store

ROOT = Path(__file__).resolve().parents[1]


def open_atlas(dist: Path, store_folder: Path, **settings) -> Atlas:
    """The server's core over a built dist/: its own on-disk store, the checkout's config and
    competency questions; `settings` override the rest (a 30 s query timeout unless given)."""
    settings.setdefault("limits", Limits(timeout=30))
    return Atlas(Settings(dist=dist, store_path=prepare_store(dist, store_folder), config=Layout(ROOT).config,
                          queries=ROOT / "queries" / "cq", **settings))


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        self.links += [value for name, value in attrs if name in ("href", "src") and value]


def broken_local_links(site: Path) -> list[str]:
    """Every link of an exported site's pages that points inside the site at a file it lacks."""
    broken = []
    for page in site.rglob("*.html"):
        parser = _Links()
        parser.feed(page.read_text())
        for link in parser.links:
            target, _ = urldefrag(link)
            if target and not re.match(r"^[a-z]+:", target) and not (page.parent / target).resolve().is_file():
                broken.append(f"{page.relative_to(site)} -> {link}")
    return broken
