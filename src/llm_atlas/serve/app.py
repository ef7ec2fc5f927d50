"""The web application: routes for the SPARQL endpoint, resource IRIs, pages and downloads.

Status codes: 303 from a resource IRI to its page or data; 400 malformed query or
parameter (with the parser's message); 403 refused (update, SERVICE, LOAD, foreign
FROM); 404 unknown resource; 405 wrong method; 406 nothing acceptable; 413 request too
large; 415 unsupported POST body; 500 query timed out, too large an answer or failed
(with a message); 503 every worker busy and the waiting line full (``Retry-After``).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from llm_atlas.namespaces import KINDS, ONTOLOGY_IRI, PREFIX_IRIS, VOCAB_IRI
from llm_atlas.query import absent_iris
from llm_atlas.releases import web as releases_web
from llm_atlas.serve import negotiation, netmap, pages, reconcile, sparql
from llm_atlas.serve.body import read_body
from llm_atlas.serve.cache import AnswerCache
from llm_atlas.serve.results import write_graph
from llm_atlas.serve.workers import Answer, Busy, Job, Limits, QueryTimeout, WorkerFailed, WorkerPool, open_store

STATIC = Path(__file__).parent / "static"
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                               "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
SUFFIX_FORMAT = {suffix: key for key, suffix in negotiation.SUFFIX.items()}
DOWNLOAD_FORMATS = {"results": ("json", "csv", "tsv", "xml"), "graph": ("ttl", "nt", "jsonld", "rdf")}
MAX_SEARCH_CHARS = 200


@dataclass
class Settings:
    dist: Path
    store_path: Path  # an on-disk store made by workers.prepare_store, or dist/ itself (loaded into memory)
    config: dict
    queries: Path | None = None  # queries/cq: the competency questions
    workers: int = 2
    limits: Limits = field(default_factory=Limits)
    max_waiting: int = 64  # requests waiting for a worker before 503: more than the clients we expect at once
    max_body: int = 128 * 1024
    cache_bytes: int = 64 * 1024 * 1024  # answers of repeated queries (0: off)


class Atlas:
    """What the routes share: the settings, the pages' store, the worker pool, cached CQ answers."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.site = pages.Site(open_store(settings.store_path), dist=settings.dist,
                               config=settings.config, queries=settings.queries)
        self.pool = WorkerPool(settings.store_path, size=settings.workers, limits=settings.limits,
                               max_waiting=settings.max_waiting)
        self.env = pages.environment()
        self.questions = pages.questions(settings.queries)
        self.networks = netmap.Networks(self.site.store)  # computed on the first page that needs them
        self._cq_tables: dict[str, dict] = {}
        self.cache = AnswerCache(settings.cache_bytes)

    def close(self) -> None:
        self.pool.close()

    def render(self, template: str, status: int = 200, headers: dict | None = None, **context) -> HTMLResponse:
        html = self.env.get_template(template).render(urls=pages.Urls(), config=self.settings.config, **context)
        return HTMLResponse(html, status, headers={**SECURITY_HEADERS, **(headers or {})})

    def run(self, job: Job) -> Answer:
        """Answer a job from the cache or in the pool; the pool's refusals become answers."""
        answer = self.cache.get(job)
        if answer is not None:
            return answer
        try:
            answer = self.pool.run(job)
            self.cache.put(job, answer)
            return answer
        except QueryTimeout as err:
            return Answer.error(500, f"timeout: {err}")
        except Busy as err:
            answer = Answer.error(503, str(err))
            answer.headers["Retry-After"] = "5"
            return answer
        except WorkerFailed as err:
            return Answer.error(500, str(err))

    def table(self, text: str) -> dict:
        """An HTML-ready result of ``text``, or ``{"error": message}``."""
        answer = self.run(Job(text, html=True))
        if answer.status != 200:
            return {"error": answer.body.decode().strip()}
        table = answer.table
        table["views"] = [[pages.value_view(cell) for cell in row] for row in table["rows"]]
        table["max_rows"] = self.settings.limits.max_rows
        return table

    def cq_table(self, question: pages.Question) -> dict:
        if question.name not in self._cq_tables:
            table = self.table(question.text)
            if "error" in table:
                return table
            self._cq_tables[question.name] = table
        return self._cq_tables[question.name]


def _answer(answer: Answer) -> Response:
    headers = {"Vary": "Accept", **answer.headers}
    return Response(answer.body, answer.status, headers=headers, media_type=answer.content_type)


def _alternates(iri: str) -> str:
    """The ``Link`` header naming a resource's page and data documents."""
    links = [f'</{pages.site_path(iri)}>; rel="alternate"; type="text/html"']
    links += [f'</{pages.data_path(iri, suffix)}>; rel="alternate"; type="{mt}"' for _, suffix, mt in negotiation.GRAPH_FILES]
    return ", ".join(links)


def create_app(atlas: Atlas) -> Starlette:
    """The Starlette application serving ``atlas``."""
    site = atlas.site

    async def endpoint(request: Request) -> Response:
        body = await read_body(request, atlas.settings.max_body) if request.method == "POST" else b""
        accept = request.headers.get("accept")
        endpoint_iri = str(request.url.replace(query=""))
        parsed = sparql.parse_request(request.method, request.headers.get("content-type"),
                                      list(request.query_params.multi_items()), body, accept, endpoint_iri)
        if parsed is None:
            if negotiation.page_or_data(accept) == "page":
                return RedirectResponse("/query", 303, headers={"Vary": "Accept"})
            fmt = negotiation.choose("graph", accept, fmt=request.query_params.get("format"))
            if fmt is None:
                return PlainTextResponse(f"not acceptable; offered: {negotiation.offered('graph')}\n", 406)
            return Response(sparql.service_description(endpoint_iri, fmt), headers={"Vary": "Accept"},
                            media_type=negotiation.media_type("graph", fmt))
        if isinstance(parsed, Answer):
            return _answer(parsed)
        return _answer(await run_in_threadpool(atlas.run, parsed))

    def resource(request: Request) -> Response:
        kind, slug = request.path_params["kind"], request.path_params["slug"]
        iri = pages.entity_iri(kind, slug) if kind in KINDS else None
        if iri is None or not site.exists(iri):
            raise HTTPException(404, f"no entity {kind}/{slug} in the atlas")
        choice = negotiation.page_or_data(request.headers.get("accept"))
        if choice is None:
            return PlainTextResponse("not acceptable; offered: text/html, " + negotiation.offered("graph") + "\n", 406,
                                     headers={"Vary": "Accept"})
        target = pages.site_path(iri) if choice == "page" else pages.data_path(iri, negotiation.SUFFIX[choice])
        return Response(status_code=303, headers={"Location": "/" + target, "Vary": "Accept", "Link": _alternates(iri)})

    def entity_page(request: Request) -> Response:
        kind, slug = request.path_params["kind"], request.path_params["slug"]
        iri = pages.entity_iri(kind, slug)
        entity = site.entity(iri) if iri else None
        if entity is None:
            raise HTTPException(404, f"no entity {kind}/{slug} in the atlas")
        data_base = pages.data_path(iri, "")
        return atlas.render("entity.html", title=entity.label, entity=entity, formats=negotiation.GRAPH_FILES,
                            data_base=data_base, neighbourhood=atlas.networks.neighbourhood(iri),
                            headers={"Link": _alternates(iri)})

    def entity_data(request: Request) -> Response:
        kind, name = request.path_params["kind"], request.path_params["name"]
        stem, dot, ext = name.rpartition(".")
        fmt = SUFFIX_FORMAT.get(dot + ext)
        iri = pages.entity_iri(kind, stem) if fmt and stem else None
        triples = site.rdf(iri) if iri else []
        if not triples:
            raise HTTPException(404, f"no data {kind}/{name} in the atlas")
        return Response(write_graph(triples, fmt), media_type=negotiation.media_type("graph", fmt),
                        headers={"Link": f'</{pages.site_path(iri)}>; rel="alternate"; type="text/html"'})

    def vocabulary(which: str):
        def handler(request: Request) -> Response:
            choice = negotiation.page_or_data(request.headers.get("accept"))
            if choice is None:
                raise HTTPException(406, "not acceptable; offered: text/html, " + negotiation.offered("graph"))
            if choice != "page":
                return _graph_file(atlas.settings.dist / "ontology.nt", choice)
            namespace = ONTOLOGY_IRI + "#" if which == "ontology" else VOCAB_IRI + "#"
            title = "The LLM Atlas ontology" if which == "ontology" else "The LLM Atlas vocabularies (SKOS)"
            formats = [(key, f"/downloads/ontology{negotiation.SUFFIX[key]}") for key in ("ttl", "nt", "jsonld")]
            return atlas.render("terms.html", title=title, namespace=namespace, terms=site.terms(which),
                                formats=formats, headers={"Vary": "Accept"})
        return handler

    def void(request: Request) -> Response:
        fmt = negotiation.choose("graph", request.headers.get("accept"))
        if fmt is None:
            raise HTTPException(406, "not acceptable; offered: " + negotiation.offered("graph"))
        return _graph_file(atlas.settings.dist / "void.ttl", fmt)

    def dataset(request: Request) -> Response:
        """The dataset IRI (…/dataset, and …/dataset#catalog etc.): its description for RDF
        clients, 303 to the downloads page for browsers."""
        choice = negotiation.page_or_data(request.headers.get("accept"))
        if choice is None:
            raise HTTPException(406, "not acceptable; offered: text/html, " + negotiation.offered("graph"))
        if choice == "page":
            return RedirectResponse("/downloads", 303, headers={"Vary": "Accept"})
        return _graph_file(atlas.settings.dist / "void.ttl", choice)

    def _graph_file(path: Path, fmt: str) -> Response:
        suffix = negotiation.SUFFIX[fmt]
        same = path.with_suffix(suffix)
        if same.exists():
            body = same.read_bytes()
        else:
            source_format = ox.RdfFormat.TURTLE if path.suffix == ".ttl" else ox.RdfFormat.N_TRIPLES
            body = write_graph([q.triple for q in ox.parse(path=str(path), format=source_format)], fmt)
        return Response(body, media_type=negotiation.media_type("graph", fmt), headers={"Vary": "Accept"})

    def home(request: Request) -> Response:
        return atlas.render("home.html", title="Home", counts=site.counts())

    def browse(request: Request) -> Response:
        kind = request.path_params["kind"]
        if kind not in KINDS:
            raise HTTPException(404, f"no class {kind}; classes: {', '.join(KINDS)}")
        items = [(v, "") for v in site.browse(kind)]
        return atlas.render("list.html", title=f"{pages.curie(KINDS[kind])}: {len(items)}", items=items, query=None)

    def search(request: Request) -> Response:
        text = request.query_params.get("q", "").strip()[:MAX_SEARCH_CHARS]
        items = site.search(text) if text else []
        return atlas.render("list.html", title=f"Search: {text}" if text else "Search", items=items, query=text)

    def network_page(request: Request) -> Response:
        name = request.path_params.get("name", "organizations")
        if name not in netmap.MAPS:
            raise HTTPException(404, f"no network {name}; networks: {', '.join(netmap.MAPS)}")
        if request.path_params.get("name") == "organizations":
            return RedirectResponse("/" + netmap.path(name), 301)
        return atlas.render("network.html", **netmap.context(atlas.networks, name))

    def gallery(request: Request) -> Response:
        items = [(q, atlas.cq_table(q)) for q in atlas.questions]
        return atlas.render("cq.html", title="Competency questions", items=items)

    def query_page(request: Request) -> Response:
        params = request.query_params
        example = params.get("example", "")
        text = params.get("query", "")
        chosen = next((q for q in atlas.questions if q.name == example), None)
        if chosen and ("load" in params or not text):
            text, run = chosen.text, False
        else:
            run = bool(text.strip())
        table, error = None, None
        if len(text) > sparql.MAX_QUERY_CHARS:
            error, run = f"the query is longer than {sparql.MAX_QUERY_CHARS} characters", False
        absent = []
        if run:
            result = atlas.table(text)
            error, table = result.get("error"), (None if "error" in result else result)
            if table is not None and not table["rows"] and not table.get("boolean"):
                absent = absent_iris(site.store, text)  # an empty answer: say which IRIs occur nowhere
        if not text:
            text = atlas.questions[0].text if atlas.questions else "SELECT * WHERE { ?s ?p ?o } LIMIT 10"
        return atlas.render("query.html", title="Query", questions=atlas.questions, example=example, query=text,
                            table=table, error=error, status=400 if error else 200, absent=absent,
                            prefixes=list(PREFIX_IRIS.items()),
                            downloads=DOWNLOAD_FORMATS["graph" if table and table["form"] in ("CONSTRUCT", "DESCRIBE") else "results"])

    def downloads(request: Request) -> Response:
        return atlas.render("downloads.html", title="Downloads", files=site.downloads(), void_href="downloads/void.ttl")

    def download(request: Request) -> Response:
        name = request.path_params["name"]
        files = {f["name"] for f in site.downloads()}
        if name not in files:
            raise HTTPException(404, f"no file {name}; see /downloads")
        suffix = "." + name.rpartition(".")[2]
        media = next((negotiation.TABLE["graph"][k][0] for k, s in negotiation.SUFFIX.items() if s == suffix), "text/plain")
        return FileResponse(atlas.settings.dist / name, media_type=media)

    async def http_error(request: Request, exc: HTTPException) -> Response:
        message = exc.detail or "error"
        if exc.status_code == 405:
            message = f"method {request.method} not allowed here"
        headers = dict(exc.headers or {})
        path = request.url.path
        if path.startswith(("/sparql", "/data/", "/downloads/", "/.well-known/", "/static/")) or \
                negotiation.page_or_data(request.headers.get("accept")) != "page":
            return PlainTextResponse(message + "\n", exc.status_code, headers=headers)
        titles = {404: "Not found", 405: "Method not allowed", 406: "Not acceptable", 413: "Too large"}
        return atlas.render("error.html", status=exc.status_code, headers=headers,
                            title=titles.get(exc.status_code, "Error"), message=message)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        yield
        atlas.close()

    routes = [
        Route("/", home),
        Route("/sparql", endpoint, methods=["GET", "POST"]),
        Route("/id/{kind}/{slug}", resource),
        Route("/page/{kind}/{slug}", entity_page),
        Route("/data/{kind}/{name}", entity_data),
        Route("/ontology", vocabulary("ontology")),
        Route("/ontology/{version}", vocabulary("ontology")),  # the owl:versionIRI of a release
        Route("/vocab", vocabulary("vocab")),
        Route("/browse/{kind}", browse),
        Route("/search", search),
        Route("/network", network_page),
        Route("/network/{name}", network_page),
        Route("/cq", gallery),
        Route("/query", query_page),
        Route("/downloads", downloads),
        Route("/downloads/{name}", download),
        Route("/.well-known/void", void),
        Route("/dataset", dataset),
        Route("/favicon.ico", lambda request: Response(status_code=204)),  # no icon; spares browsers a 404
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
        *reconcile.routes(atlas),  # /lookup and the reconciliation service (/reconcile…)
        *releases_web.routes(atlas),  # /releases, /downloads/<version>/…, /dataset/<version>, release diffs
    ]
    middleware = [Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST"],
                             allow_headers=["Accept", "Content-Type"], expose_headers=["Link", "X-SPARQL-MaxRows"]),
                  Middleware(releases_web.RetiredIRIs, atlas=atlas)]  # retired IRIs: 301 to the replacement or 410
    return Starlette(routes=routes, middleware=middleware, exception_handlers={HTTPException: http_error},
                     lifespan=lifespan)
