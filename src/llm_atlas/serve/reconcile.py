"""Finding atlas IRIs from outside, over HTTP: ``/lookup`` and the Reconciliation Service API v0.2.

``GET /lookup?id=…`` takes an outside identifier (a Wikidata or ROR id, a Hub repo id, an arXiv
id, a DOI, an SPDX id, an IRI) and answers **303** to the atlas entity's IRI, **300** listing the
entities if several have it, **404** if none, **400** if the text is no identifier.

``/reconcile`` is a reconciliation service as OpenRefine speaks it (v0.2): the service manifest
(plain GET), reconciliation query batches (``queries=``, GET or form POST), data extension
(``extend=``), and beside it ``/reconcile/preview``, ``/reconcile/view``,
``/reconcile/suggest/{entity,type,property}`` and ``/reconcile/properties`` (property proposals).
Entity ids are the atlas IRIs. CORS is on for every route (the app's middleware); JSONP, which
the specification leaves optional, is not offered: a ``callback`` parameter is ignored, so no
input is ever reflected into a script.

The matching itself lives in :mod:`llm_atlas.reconcile` and :mod:`llm_atlas.lookup`; they are
built once, on the first request that needs them, from the server's read-only store.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import threading
from urllib.parse import parse_qsl

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from llm_atlas import __version__
from llm_atlas.lookup import FORMS, BadIdentifier, Index, keys
from llm_atlas.namespaces import ATLAS, ID, curie
from llm_atlas.reconcile import BadQuery, Reconciler
from llm_atlas.serve import negotiation, pages
from llm_atlas.serve.body import read_body

BATCH_SIZE = 50  # reconciliation queries in one batch (the manifest's batchSize); more: 413
MAX_BODY = 1024 * 1024
MAX_IDS = 1000  # entities in one data extension query
PREVIEW_WIDTH, PREVIEW_HEIGHT = 420, 180
SUGGEST_PAGE = 10
PREVIEW_STYLE = ("body{font:14px/1.35 system-ui,sans-serif;margin:6px;color:#222}h1{font-size:16px;margin:0 0 2px}"
                 ".type{color:#666;font-size:12px}p{margin:4px 0}dl{margin:4px 0;font-size:12px}"
                 "dt{float:left;clear:left;color:#666;margin-right:4px}dd{margin:0}")
# The preview is meant to be shown in other sites' frames (OpenRefine's); it runs no script and
# loads nothing, and its one stylesheet is allowed by its hash.
PREVIEW_CSP = ("default-src 'none'; style-src 'sha256-" +
               base64.b64encode(hashlib.sha256(PREVIEW_STYLE.encode()).digest()).decode() +
               "'; base-uri 'none'; form-action 'none'; frame-ancestors *")


class Services:
    """The lookup index and the reconciler, built on first use from a read-only store."""

    def __init__(self, store):
        self.store = store
        self._reconciler: Reconciler | None = None
        self._lock = threading.Lock()

    @property
    def reconciler(self) -> Reconciler:
        if self._reconciler is None:
            with self._lock:
                if self._reconciler is None:
                    self._reconciler = Reconciler(self.store)
        return self._reconciler

    @property
    def index(self) -> Index:
        return self.reconciler.index


def manifest(base: str, reconciler: Reconciler, name: str = "LLM Atlas") -> dict:
    """The service manifest, with every service URL under ``base`` (the server's root URL)."""
    return {
        "versions": ["0.2"],
        "name": name,
        "identifierSpace": str(ID),
        "schemaSpace": str(ATLAS),
        "serviceVersion": __version__,
        "defaultTypes": [{"id": iri, "name": type_name} for iri, type_name in reconciler.types.items()],
        "view": {"url": base + "/reconcile/view?id={{id}}"},
        "preview": {"url": base + "/reconcile/preview?id={{id}}", "width": PREVIEW_WIDTH, "height": PREVIEW_HEIGHT},
        "suggest": {kind: {"service_url": base, "service_path": f"/reconcile/suggest/{kind}"}
                    for kind in ("entity", "type", "property")},
        "extend": {"propose_properties": {"service_url": base, "service_path": "/reconcile/properties"},
                   "property_settings": []},
        "batchSize": BATCH_SIZE,
    }


def preview_html(card: dict | None, page: str | None) -> str:
    """The preview card of an entity (every value escaped), or a 'not in the atlas' card."""
    e = html.escape
    def head(title: str) -> str:
        return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
                f'<style>{PREVIEW_STYLE}</style></head><body>')
    if card is None:
        return head("Not in the atlas") + "<p>The atlas has no entity with this id.</p></body></html>"
    title = e(card["label"])
    link = f'<a href="{e(page)}" target="_blank" rel="noopener">{title}</a>' if page else title
    parts = [head(title), f'<h1>{link}</h1><div class="type">{e(card["type"])} · {e(curie(card["iri"]))}</div>']
    if card["description"]:
        parts.append(f"<p>{e(card['description'])}</p>")
    rows = [("Also", ", ".join(card["aliases"])), ("Developer", ", ".join(card["developers"])),
            ("Country", ", ".join(card["countries"])), ("Ids", ", ".join(card["identifiers"]))]
    items = "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in rows if v)
    if items:
        parts.append(f"<dl>{items}</dl>")
    parts.append("</body></html>")
    return "".join(parts)


def _flavour(accept: str | None) -> str:
    """How to write a lookup answer's body: ``html`` for browsers, ``json`` for clients that ask
    for it, ``text`` otherwise (curl's ``*/*`` included)."""
    ranges = negotiation.parse_accept(accept)

    def q(media_type: str) -> float:
        best = max(((r.matches(media_type), r.q) for r in ranges if r.matches(media_type) >= 0), default=(-1, 0.0))
        return best[1]

    scores = {"text": q("text/plain"), "json": q("application/json"), "html": q("text/html")}
    best = max(scores.values())
    return next(k for k in ("text", "json", "html") if scores[k] == best) if best > 0 else "text"


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status)


async def _form(request: Request) -> dict[str, str] | Response:
    """The parameters of a request: the query string, and for POST the form-encoded body."""
    params = dict(request.query_params)
    if request.method != "POST":
        return params
    content_type = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
    if content_type not in ("", "application/x-www-form-urlencoded"):
        return _error(415, "send the request form-encoded (application/x-www-form-urlencoded), as the "
                           "reconciliation API specifies: queries=… or extend=…")
    try:
        body = await read_body(request, MAX_BODY)
    except HTTPException as err:
        return _error(err.status_code, err.detail)
    try:
        params.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    except UnicodeDecodeError:
        return _error(400, "the request body is not UTF-8")
    return params


def _json_param(params: dict, name: str):
    try:
        return json.loads(params[name])
    except ValueError as err:
        raise BadQuery(f"'{name}' is not JSON: {err}") from None


def routes(atlas) -> list[Route]:
    """The routes of /lookup and /reconcile for the app serving ``atlas`` (an ``app.Atlas``)."""
    services = Services(atlas.site.store)

    def base_url(request: Request) -> str:
        return str(request.base_url).rstrip("/")

    def lookup(request: Request) -> Response:
        given = request.query_params.get("id", "")
        flavour = _flavour(request.headers.get("accept"))
        headers = {"Vary": "Accept"}
        try:
            if not given.strip():
                raise BadIdentifier("give an identifier: /lookup?id=…; " + FORMS)
            matches = services.index.lookup(given)
        except BadIdentifier as err:
            message = f"{err}. To find an entity by its name, use /search?q=… or the reconciliation service at /reconcile."
            return answer(400, "Bad request", message, given, [], flavour, headers)
        read_as = ", ".join(str(k) for k in keys(given))
        if not matches:
            return answer(404, "Not found", f"no atlas entity has the identifier {given!r} (read as {read_as})",
                          given, [], flavour, headers)
        if len(matches) == 1:
            headers["Location"] = matches[0].iri
            return answer(303, "See Other", matches[0].iri, given, matches, flavour, headers)
        return answer(300, f"{len(matches)} atlas entities have the identifier {given}",
                      f"{len(matches)} atlas entities have the identifier {given!r} (read as {read_as}); choose one",
                      given, matches, flavour, headers)

    def answer(status, title, message, given, matches, flavour, headers) -> Response:
        types = services.reconciler.types
        if flavour == "json":
            body = {"id": given, "matches": [{"id": m.iri, "name": m.label,
                                              "type": {"id": m.type, "name": types.get(m.type, curie(m.type))}}
                                             for m in matches]}
            if status >= 400 or status == 300:
                body["message"] = message
            return JSONResponse(body, status, headers=headers)
        if flavour == "html" and status != 303:
            if status == 300:
                items = [(pages.value_view({"type": "uri", "value": m.iri}, m.label), types.get(m.type, "")) for m in matches]
                return atlas.render("list.html", status=status, headers=headers, title=title, items=items, query=None)
            return atlas.render("error.html", status=status, headers=headers, title=title, message=message)
        lines = [message] + [f"{m.iri}\t{m.label}\t{curie(m.type)}" for m in matches if status == 300]
        return PlainTextResponse("\n".join(lines) + "\n", status, headers=headers)

    async def endpoint(request: Request) -> Response:
        params = await _form(request)
        if isinstance(params, Response):
            return params
        try:
            if "queries" in params and "extend" in params:
                raise BadQuery("send either 'queries' (reconciliation) or 'extend' (data extension), not both")
            if "queries" in params:
                batch = _json_param(params, "queries")
                if isinstance(batch, dict) and len(batch) > BATCH_SIZE:
                    return _error(413, f"a batch holds at most {BATCH_SIZE} queries (the manifest's batchSize)")
                return JSONResponse(await run_in_threadpool(services.reconciler.reconcile_batch, batch))
            if "extend" in params:
                query = _json_param(params, "extend")
                if isinstance(query, dict) and isinstance(query.get("ids"), list) and len(query["ids"]) > MAX_IDS:
                    return _error(413, f"a data extension query names at most {MAX_IDS} ids")
                return JSONResponse(await run_in_threadpool(services.reconciler.extend, query))
        except BadQuery as err:
            return _error(400, str(err))
        reconciler = await run_in_threadpool(lambda: services.reconciler)
        return JSONResponse(manifest(base_url(request), reconciler, atlas.settings.config.get("publication", {})
                                     .get("title", "LLM Atlas")))

    def paging(request: Request) -> tuple[str, int, int]:
        params = request.query_params
        try:
            cursor = int(params.get("cursor", "0") or 0)
            limit = int(params.get("limit", str(SUGGEST_PAGE)) or SUGGEST_PAGE)
        except ValueError:
            raise BadQuery("'cursor' and 'limit' are integers") from None
        if cursor < 0 or limit < 1:
            raise BadQuery("'cursor' is 0 or more, 'limit' 1 or more")
        return params.get("prefix", ""), cursor, min(limit, 100)

    def suggest(kind: str):
        def handler(request: Request) -> Response:
            try:
                prefix, cursor, limit = paging(request)
                reconciler = services.reconciler
                if kind == "entity":
                    return JSONResponse(reconciler.suggest_entities(prefix, type=request.query_params.get("type") or None,
                                                                    cursor=cursor, limit=limit))
                if kind == "type":
                    return JSONResponse(reconciler.suggest_types(prefix, cursor=cursor, limit=limit))
                return JSONResponse(reconciler.suggest_properties(prefix, cursor=cursor, limit=limit))
            except BadQuery as err:
                return _error(400, str(err))
        return handler

    def properties(request: Request) -> Response:
        params = request.query_params
        try:
            limit = int(params["limit"]) if params.get("limit") else None
            if limit is not None and limit < 1:
                raise ValueError
        except ValueError:
            return _error(400, "'limit' is a positive integer")
        try:
            return JSONResponse(services.reconciler.propose_properties(params.get("type") or None, limit))
        except BadQuery as err:
            return _error(400, str(err))

    def preview(request: Request) -> Response:
        iri = request.query_params.get("id", "")
        card = services.reconciler.preview(iri)
        path = pages.site_path(iri) if card else None
        headers = {"Content-Security-Policy": PREVIEW_CSP, "X-Content-Type-Options": "nosniff",
                   "Referrer-Policy": "no-referrer"}
        return Response(preview_html(card, "/" + path if path else None), 200 if card else 404,
                        headers=headers, media_type="text/html; charset=utf-8")

    def view(request: Request) -> Response:
        iri = request.query_params.get("id", "")
        path = pages.site_path(iri) if iri in services.reconciler.entities else None
        if path is None:
            return PlainTextResponse(f"no atlas entity has the id {iri!r}\n", 404)
        return Response(status_code=303, headers={"Location": "/" + path})

    return [
        Route("/lookup", lookup),
        Route("/reconcile", endpoint, methods=["GET", "POST"]),
        Route("/reconcile/preview", preview),
        Route("/reconcile/view", view),
        Route("/reconcile/suggest/entity", suggest("entity")),
        Route("/reconcile/suggest/type", suggest("type")),
        Route("/reconcile/suggest/property", suggest("property")),
        Route("/reconcile/properties", properties),
    ]
