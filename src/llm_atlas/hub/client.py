"""Reading the Hugging Face Hub's public API: live (polite, retrying), recorded or offline.

Two calls, both public and unauthenticated:

- ``GET /api/models?filter=base_model:<id>&limit=…``: the models whose card names ``<id>``
  as a base model (a JSON array; further pages through the ``Link: <…>; rel="next"`` header,
  as ``huggingface_hub.utils.paginate`` follows them);
- ``GET /api/models/<id>``: one model's info (``id``, ``author``, ``createdAt``, ``downloads``,
  ``likes``, ``tags`` with ``base_model:<relation>:<id>`` and ``license:<key>``, ``cardData``
  with ``base_model``, ``base_model_relation``, ``license``, ``license_name``, ``datasets``,
  ``language``).

A *response folder* (``--record DIR`` writes it, ``--offline DIR`` reads it) holds each
response body exactly as the API sent it::

    models/<owner>/<name>.json                 GET /api/models/<owner>/<name>
    children/<owner>/<name>/page-0001.json     GET /api/models?filter=base_model:<owner>/<name> (page 1, 2, …)
"""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path
from urllib.parse import quote

ENDPOINT = "https://huggingface.co"  # the canonical Hub: what imported data cites, whichever server answered
PAGE_SIZE = 1000


def requested_endpoint() -> str:
    """Where requests go: ``$HF_ENDPOINT`` if set (the variable every Hugging Face tool honours,
    for mirrors and local Hub-shaped servers), else the Hub itself.

    >>> os.environ["HF_ENDPOINT"] = "http://127.0.0.1:9000/"; requested_endpoint()
    'http://127.0.0.1:9000'
    >>> del os.environ["HF_ENDPOINT"]; requested_endpoint()
    'https://huggingface.co'
    """
    return (os.environ.get("HF_ENDPOINT") or ENDPOINT).rstrip("/")
RETRY_STATUS = {429, 500, 502, 503, 504}


class HubError(Exception):
    """The Hub could not be read (after retries), or a saved response is missing."""


class NotFound(HubError):
    """The model does not exist (or is private or gated away from anonymous reads)."""


def info_url(repo_id: str, endpoint: str = ENDPOINT) -> str:
    """The API URL of one model's info: the ``dcterms:source`` of what is imported from it.

    >>> info_url("bigscience/bloom")
    'https://huggingface.co/api/models/bigscience/bloom'
    """
    return f"{endpoint}/api/models/{quote(repo_id, safe='/')}"


def children_url(repo_id: str, endpoint: str = ENDPOINT) -> str:
    """>>> children_url("bigscience/bloom")
    'https://huggingface.co/api/models?filter=base_model%3Abigscience%2Fbloom&limit=1000'
    """
    return f"{endpoint}/api/models?filter={quote('base_model:' + repo_id, safe='')}&limit={PAGE_SIZE}"


def next_link(link_header: str | None) -> str | None:
    """The ``rel="next"`` URL of a ``Link`` header, or None.

    >>> next_link('<https://huggingface.co/api/models?cursor=abc>; rel="next"')
    'https://huggingface.co/api/models?cursor=abc'
    >>> next_link(None) is None
    True
    """
    for part in (link_header or "").split(","):
        match = re.match(r'\s*<([^>]*)>\s*;(.*)', part)
        if match and re.search(r'rel="?next"?', match.group(2)):
            return match.group(1)
    return None


def _safe_path(repo_id: str) -> Path:
    parts = repo_id.split("/")
    if not all(parts) or any(p in (".", "..") for p in parts):
        raise HubError(f"not a Hub repo id: {repo_id!r}")
    return Path(*parts)


class ResponseFolder:
    """Saved API responses, laid out as in the module docstring."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def info_path(self, repo_id: str) -> Path:
        p = _safe_path(repo_id)
        return self.root / "models" / p.parent / f"{p.name}.json"

    def page_path(self, repo_id: str, page: int) -> Path:
        return self.root / "children" / _safe_path(repo_id) / f"page-{page:04d}.json"

    def save(self, path: Path, body) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(body, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        tmp.replace(path)

    def load(self, path: Path):
        return json.loads(path.read_text(encoding="utf-8"))


class OfflineHub:
    """Reads a response folder; never touches the network."""

    def __init__(self, folder: Path):
        self.folder = ResponseFolder(folder)
        self.requests = 0

    def model_info(self, repo_id: str) -> dict:
        path = self.folder.info_path(repo_id)
        if not path.exists():
            raise NotFound(f"no saved response for {repo_id} ({path})")
        self.requests += 1
        return self.folder.load(path)

    def children(self, repo_id: str):
        page = 1
        while (path := self.folder.page_path(repo_id, page)).exists():
            self.requests += 1
            yield from self.folder.load(path)
            page += 1


class LiveHub:
    """The public Hub API through ``huggingface_hub``'s HTTP session, at ``endpoint`` (default:
    ``$HF_ENDPOINT`` or the Hub). Imported data always cites the canonical Hub (``ENDPOINT``):
    a mirror is a way to reach it, not a source.

    Polite: at most one request per ``delay`` seconds. Retries 429 and 5xx answers and
    connection errors with exponential backoff (honouring ``Retry-After``), up to ``retries``
    times. ``record`` (a folder) saves every response body for ``--offline`` runs and tests.
    """

    def __init__(self, *, delay: float = 0.5, retries: int = 5, backoff: float = 2.0, record: Path | None = None,
                 session=None, endpoint: str | None = None, sleep=time.sleep, clock=time.monotonic):
        if session is None:
            from huggingface_hub.utils import get_session

            session = get_session()
        self.session = session
        self.delay, self.retries, self.backoff = delay, retries, backoff
        self.record = ResponseFolder(record) if record else None
        self.endpoint = endpoint or requested_endpoint()
        self.sleep, self.clock = sleep, clock
        self._last = None
        self.requests = 0

    def _get(self, url: str):
        for attempt in range(self.retries + 1):
            if self._last is not None:
                wait = self.delay - (self.clock() - self._last)
                if wait > 0:
                    self.sleep(wait)
            self._last = self.clock()
            self.requests += 1
            try:
                response = self.session.get(url, timeout=30)
            except Exception as err:  # connection reset, timeout, DNS: all worth a retry
                if attempt == self.retries:
                    raise HubError(f"GET {url} failed: {err}") from None
                self.sleep(self.backoff ** attempt)
                continue
            if response.status_code == 200:
                return response.json(), response.headers.get("link") or response.headers.get("Link")
            if response.status_code in (401, 403, 404):
                raise NotFound(f"GET {url}: HTTP {response.status_code}")
            if response.status_code not in RETRY_STATUS or attempt == self.retries:
                raise HubError(f"GET {url}: HTTP {response.status_code}")
            retry_after = response.headers.get("retry-after") or response.headers.get("Retry-After")
            try:
                pause = float(retry_after)
            except (TypeError, ValueError):
                pause = self.backoff ** attempt
            self.sleep(pause)
        raise HubError(f"GET {url} failed")  # pragma: no cover

    def model_info(self, repo_id: str) -> dict:
        body, _ = self._get(info_url(repo_id, self.endpoint))
        if self.record:
            self.record.save(self.record.info_path(repo_id), body)
        return body

    def children(self, repo_id: str):
        url, page = children_url(repo_id, self.endpoint), 1
        while url:
            body, link = self._get(url)
            if self.record:
                self.record.save(self.record.page_path(repo_id, page), body)
            yield from body
            url, page = next_link(link), page + 1
