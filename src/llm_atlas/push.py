"""Load a built ``dist/`` into a SPARQL 1.1 Graph Store Protocol endpoint.

Each graph of the release is sent as one HTTP ``PUT`` of its N-Triples file to
``<store>?graph=<graph IRI>`` (the protocol's indirect graph identification): the full atlas
to :data:`FULL_GRAPH` (a Graph Store has no default graph every server lets us write, so
clients choose it with ``default-graph-uri``), then each graph of :data:`llm_atlas.query.GRAPHS`
whose file the build wrote. A graph of that table the build did not write (``imported``,
when there were no Hub imports) is deleted, so the store holds what the release holds.

What is atomic is up to the store. One ``PUT`` replaces one graph in one request; a store that
runs each request as one transaction never shows that graph half loaded, but the protocol
does not require it, and Virtuoso 7.2.5 does show it: readers polling during pushes saw the
full graph empty and partly loaded (docs/deployment.md). The set of graphs is never swapped
at once: between two requests a reader can see the new full atlas beside the old asserted
graph. No staging graph is used: the protocol has no rename, and moving a staged graph over
the live one on the server (SPARQL Update ``MOVE``) is again a replace that the store may or
may not isolate. So push into a store no reader is using: a replica taken out of the load
balancer, or a store before it goes live.

Before anything is sent, each file is checked against ``SHA256SUMS``, so a damaged or half
copied ``dist/`` never reaches the store. Only the URL the user names is contacted.

>>> graph_url("http://127.0.0.1:8890/sparql-graph-crud", FULL_GRAPH)
'http://127.0.0.1:8890/sparql-graph-crud?graph=https%3A%2F%2Fw3id.org%2Fllm-atlas%2Fgraph%2Ffull'
>>> graph_url("http://localhost:3030/ds/data?x=1", FULL_GRAPH).split("&")[1]
'graph=https%3A%2F%2Fw3id.org%2Fllm-atlas%2Fgraph%2Ffull'
"""

from __future__ import annotations

import base64
import hashlib
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from llm_atlas.query import DEFAULT_GRAPH_FILE, FULL_GRAPH, GRAPHS, SUMS, read_checksums

MEDIA_TYPE = "application/n-triples"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is reported, not followed: only the URL the user named is contacted


# Direct connections only (no proxy from the environment), redirects not followed.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())


class PushError(Exception):
    """The push stopped: bad dist/, unreachable store, or a request the store refused."""


@dataclass
class Sent:
    """One request that succeeded: which graph, from which file, with what answer."""

    method: str
    graph: str
    file: str | None
    size: int
    triples: int
    status: int
    seconds: float

    def text(self) -> str:
        if self.method == "DELETE":
            return f"DELETE {self.graph} (not in this release) → {self.status}"
        return f"PUT {self.graph} ← {self.file} ({self.triples} triples, {self.size} bytes) → {self.status} in {self.seconds:.1f} s"


def release_graphs(dist: Path) -> list[tuple[str, str | None]]:
    """(graph IRI, dist/ file name or None to delete), in the order they are sent."""
    if not (dist / DEFAULT_GRAPH_FILE).exists():
        raise PushError(f"{dist} holds no build (no {DEFAULT_GRAPH_FILE}); run `llm-atlas build` first")
    return [(FULL_GRAPH, DEFAULT_GRAPH_FILE)] + [
        (graph, name if (dist / name).exists() else None) for graph, name in GRAPHS.items()
    ]


def check_sums(dist: Path, names: list[str]) -> None:
    """PushError unless every file in ``names`` matches its line in ``dist/SHA256SUMS``."""
    try:
        sums = read_checksums(dist)
    except FileNotFoundError:
        raise PushError(f"{dist / SUMS} is missing: push only a complete build") from None
    for name in names:
        if name not in sums:
            raise PushError(f"{dist / name} is not listed in SHA256SUMS: push only a complete build")
        if hashlib.sha256((dist / name).read_bytes()).hexdigest() != sums[name]:
            raise PushError(f"{dist / name} does not match SHA256SUMS: the dist/ is damaged or half copied; rebuild or copy it again")


def graph_url(store: str, graph: str) -> str:
    """The store URL with ``graph=<IRI>`` added to its query string."""
    return store + ("&" if "?" in store else "?") + urllib.parse.urlencode({"graph": graph})


class Credentials:
    """Authorization for every request to the store, learnt from one body-less probe.

    The probe (a ``HEAD`` of the first graph, harmless) finds out whether the store asks for
    Basic or Digest authentication, and checks the credentials before anything is changed.
    Each ``PUT`` then carries its Authorization header from the start: a store that answers
    401 before reading a large body and closes the connection would otherwise break the upload.
    """

    def __init__(self, store: str, user: str | None, password: str | None):
        self.user, self.password = user, password
        self.passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        if user is not None:
            self.passwords.add_password(None, store, user, password or "")
        self.digest = urllib.request.HTTPDigestAuthHandler(self.passwords)
        self.scheme, self.challenge = None, None

    def probe(self, url: str, timeout: float) -> None:
        """Learn the scheme from a HEAD request to ``url``; PushError if credentials are missing or refused."""
        for attempt in ("learn", "check"):
            request = urllib.request.Request(url, method="HEAD")
            self.sign(request)
            try:
                _OPENER.open(request, timeout=timeout).close()
                return
            except urllib.error.HTTPError as err:
                if err.code != 401:
                    return  # any other answer (404, 405, 501…) means we are let in
                offered = err.headers.get_all("WWW-Authenticate") or []
            except (urllib.error.URLError, OSError) as err:
                raise PushError(f"HEAD {url} failed: cannot reach the store ({getattr(err, 'reason', err)})") from None
            if self.user is None:
                raise PushError(f"{url} asks for authentication ({', '.join(offered) or 'no scheme named'}): "
                                "give --user and --password (or LLM_ATLAS_STORE_USER/PASSWORD)")
            if attempt == "check":
                raise PushError(f"{url} refused the credentials of user {self.user!r} (HTTP 401)")
            self._choose(offered)

    def _choose(self, offered: list[str]) -> None:
        for header in offered:
            scheme, _, params = header.partition(" ")
            if scheme.lower() == "digest":
                self.scheme = "digest"
                self.challenge = urllib.request.parse_keqv_list(filter(None, urllib.request.parse_http_list(params)))
                return
        if any(h.split(" ", 1)[0].lower() == "basic" for h in offered):
            self.scheme = "basic"
            return
        raise PushError(f"the store asks for an authentication scheme push does not speak: {', '.join(offered)}")

    def sign(self, request: urllib.request.Request) -> None:
        """Add the Authorization header the store asked for (nothing if it asked for none)."""
        if self.scheme == "basic":
            token = base64.b64encode(f"{self.user}:{self.password}".encode()).decode()
            request.add_unredirected_header("Authorization", f"Basic {token}")
        elif self.scheme == "digest":
            request.add_unredirected_header("Authorization", "Digest " + self.digest.get_authorization(request, self.challenge))


def push(dist: Path, store: str, *, user: str | None = None, password: str | None = None,
         timeout: float = 300.0, log=lambda message: None) -> list[Sent]:
    """Replace the release's graphs in the Graph Store at ``store``; PushError on the first failure."""
    if urllib.parse.urlsplit(store).scheme not in ("http", "https"):
        raise PushError(f"--store must be an http:// or https:// Graph Store Protocol URL, not {store!r}")
    dist = Path(dist)
    graphs = release_graphs(dist)
    check_sums(dist, [name for _, name in graphs if name])
    credentials = Credentials(store, user, password)
    credentials.probe(graph_url(store, graphs[0][0]), timeout)
    done: list[Sent] = []
    for graph, name in graphs:
        body = (dist / name).read_bytes() if name else None
        request = urllib.request.Request(graph_url(store, graph), data=body, method="PUT" if name else "DELETE")
        if name:
            request.add_header("Content-Type", MEDIA_TYPE)
        credentials.sign(request)
        clock = time.perf_counter()
        try:
            with _OPENER.open(request, timeout=timeout) as response:
                status = response.status
        except urllib.error.HTTPError as err:
            if err.code == 404 and not name:  # nothing to delete
                status = err.code
            else:
                detail = f"redirected to {err.headers.get('Location')}; give that URL as --store" if 300 <= err.code < 400 else _detail(err)
                raise PushError(_failed(request, graph, done, f"HTTP {err.code} {err.reason}", detail)) from None
        except (urllib.error.URLError, OSError) as err:
            reason = getattr(err, "reason", err)
            raise PushError(_failed(request, graph, done, f"cannot reach the store ({reason})", "")) from None
        sent = Sent(request.get_method(), graph, name, len(body or b""), _count_triples(body), status, time.perf_counter() - clock)
        log(sent.text())
        done.append(sent)
    return done


def _count_triples(body: bytes | None) -> int:
    """Statements in an N-Triples file as the build writes it: one per line, no comments."""
    return sum(1 for line in (body or b"").splitlines() if line.strip() and not line.startswith(b"#"))


def _detail(err: urllib.error.HTTPError) -> str:
    """The text of an error response (markup removed, shortened), for the message."""
    try:
        text = err.read(4000).decode("utf-8", "replace")
    except OSError:
        return ""
    text = re.sub(r"<!DOCTYPE[^>]*>|<(title|style|script)[^>]*>.*?</\1>|<[^>]+>", " ", text, flags=re.S | re.I)
    text = " ".join(text.split())
    return text if len(text) <= 400 else text[:400] + "…"


def _failed(request, graph: str, done: list[Sent], what: str, detail: str) -> str:
    message = f"{request.get_method()} {request.full_url} (graph {graph}) failed: {what}"
    if detail:
        message += f": {detail}"
    replaced = ", ".join(s.graph for s in done) or "none"
    return message + f"\n  already replaced: {replaced}; the graphs after it were not sent"
