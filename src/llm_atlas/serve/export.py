"""The whole site as static files, so the atlas can be published without a running server.

``export_site(dist, out)`` writes the pages (links relative, ``.html`` files: the folder
works from a web server or straight from disk), the network maps (SVG in the page),
every entity's data in four RDF formats, the ``dist/`` dumps, the stylesheet and
scripts, and ``.htaccess`` redirect rules for a persistent-IRI resolver (w3id style):
``…/id/<kind>/<slug>`` answers 303 to the data file whose media type the Accept header
names, else to the page. The query editor needs the SPARQL endpoint
and is left out; the competency questions are exported with their results.
"""

from __future__ import annotations

from pathlib import Path

from llm_atlas.namespaces import KINDS
from llm_atlas.query import load_store
from llm_atlas.releases import web as releases_web
from llm_atlas.serve import negotiation, netmap, pages
from llm_atlas.serve.results import write_graph
from llm_atlas.serve.workers import Job, Limits, execute

STATIC = Path(__file__).parent / "static"


def htaccess(site_url: str = "/", first=()) -> str:
    """Apache rewrite rules for the atlas IRIs, redirecting to the site at ``site_url``; ``first``: rules
    that come before the generic ones (retired IRIs and releases, from :mod:`llm_atlas.releases.web`).

    mod_rewrite cannot weigh q-values: the first RDF media type the Accept header names
    (Turtle, N-Triples, JSON-LD, RDF/XML, in that order) wins, and anything else gets HTML.
    """
    site = site_url if site_url.endswith("/") else site_url + "/"
    lines = [
        "# LLM Atlas: persistent IRIs https://w3id.org/llm-atlas/… (written by `llm-atlas export-site`).",
        "# Entities answer 303 See Other: to their data for RDF clients, to their page for browsers.",
        "Options +FollowSymLinks",
        "RewriteEngine on",
        "",
        "<IfModule mod_headers.c>",
        '    Header append Vary Accept "expr=%{REQUEST_URI} =~ m#^/?(id/|ontology|vocab)#"',
        "</IfModule>",
        "",
        *first,
    ]
    patterns = {"ttl": r"text/turtle|application/x-turtle", "nt": r"application/n-triples",
                "jsonld": r"application/ld\+json", "rdf": r"application/rdf\+xml"}
    for key, suffix, _ in negotiation.GRAPH_FILES:
        lines += [f"RewriteCond %{{HTTP_ACCEPT}} ({patterns[key]})",
                  rf"RewriteRule ^id/([a-z]+)/([A-Za-z0-9._-]+)$ {site}data/$1/$2{suffix} [R=303,L]"]
    lines += [rf"RewriteRule ^id/([a-z]+)/([A-Za-z0-9._-]+)$ {site}page/$1/$2.html [R=303,L]", ""]
    for key in ("ttl", "nt", "jsonld"):
        suffix = negotiation.SUFFIX[key]
        lines += [f"RewriteCond %{{HTTP_ACCEPT}} ({patterns[key]})",
                  rf"RewriteRule ^(ontology|vocab)(/.*)?$ {site}downloads/ontology{suffix} [R=303,L]"]
    lines += [
        rf"RewriteRule ^(ontology|vocab)(/.*)?$ {site}$1.html [R=303,L]",
        rf"RewriteRule ^dataset$ {site}downloads/void.ttl [R=303,L]",
        rf"RewriteRule ^\.well-known/void$ {site}downloads/void.ttl [R=303,L]",
        rf"RewriteRule ^$ {site}index.html [R=302,L]",
    ]
    if site != "/":  # the site lives elsewhere: send the dumps there too
        lines.append(rf"RewriteRule ^downloads/(.+)$ {site}downloads/$1 [R=302,L]")
    lines.append("")
    return "\n".join(lines)


def export_site(dist: Path, out: Path, *, config: dict, queries: Path | None = None, site_url: str = "/",
                log=lambda message: None) -> int:
    """Write the static site of ``dist`` to ``out``; returns the number of files written."""
    dist, out = Path(dist), Path(out)
    store = load_store(dist)
    site = pages.Site(store, dist=dist, config=config, queries=queries)
    env = pages.environment()
    networks = netmap.Networks(store)
    written = 0

    def write(path: str, data: bytes | str) -> None:
        nonlocal written
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data.encode() if isinstance(data, str) else data)
        written += 1

    def render(path: str, template: str, **context) -> None:
        urls = pages.Urls(prefix="../" * path.count("/"), static_site=True)
        write((path or "index") + ".html", env.get_template(template).render(urls=urls, config=config, **context))

    log("exporting pages…")
    render("", "home.html", title="Home", counts=site.counts())
    entities = []
    for kind in KINDS:
        items = site.browse(kind)
        render(f"browse/{kind}", "list.html", title=f"{pages.curie(KINDS[kind])}: {len(items)}",
               items=[(v, "") for v in items], query=None)
        entities += [v.path for v in items if v.path and v.path.startswith("page/")]
    for path in sorted(set(entities)):
        kind, slug = path.split("/")[1:3]
        iri = pages.entity_iri(kind, slug)
        entity = site.entity(iri)
        if entity is None:
            continue
        render(path, "entity.html", title=entity.label, entity=entity, formats=negotiation.GRAPH_FILES,
               data_base=pages.data_path(iri, ""), neighbourhood=networks.neighbourhood(iri))
        triples = site.rdf(iri)
        for key, suffix, _ in negotiation.GRAPH_FILES:
            write(pages.data_path(iri, suffix), write_graph(triples, key))
    for which, title in (("ontology", "The LLM Atlas ontology"), ("vocab", "The LLM Atlas vocabularies (SKOS)")):
        namespace = pages.ONTOLOGY_IRI + "#" if which == "ontology" else pages.VOCAB_IRI + "#"
        formats = [(key, f"downloads/ontology{negotiation.SUFFIX[key]}") for key in ("ttl", "nt", "jsonld")]
        render(which, "terms.html", title=title, namespace=namespace, terms=site.terms(which), formats=formats)
    log("drawing the networks…")
    for name in netmap.MAPS:
        render(netmap.path(name), "network.html", **netmap.context(networks, name))
    log("running the competency questions…")
    items = []
    for question in pages.questions(queries):
        answer = execute(store, Job(question.text, html=True), Limits())
        table = answer.table if answer.status == 200 else {"error": answer.body.decode().strip()}
        if "rows" in table:
            table["views"] = [[pages.value_view(cell) for cell in row] for row in table["rows"]]
        items.append((question, table))
    render("cq", "cq.html", title="Competency questions", items=items)
    render("downloads", "downloads.html", title="Downloads", files=site.downloads(), void_href="downloads/void.ttl")
    for file in sorted(p for p in dist.iterdir() if p.is_file()):
        write("downloads/" + file.name, file.read_bytes())
    for asset in sorted(STATIC.iterdir()):
        write("static/" + asset.name, asset.read_bytes())
    first = releases_web.export_static(site, dist, render=render, write=write, site_url=site_url)  # tombstones, releases
    write(".htaccess", htaccess(site_url, first))
    return written
