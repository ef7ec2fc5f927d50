"""Releases on the server, and the answers for retired IRIs.

- ``/releases``: every recorded release (page, or RDF by negotiation; ``/releases.ttl`` and the other
  suffixes name a format), each with its date, commit, citation, files and checksums, and a link to
  the diff with the release before;
- ``/downloads/<version>/<file>``: a release's files, from ``releases-dist/<version>/`` beside ``dist/``;
  these URLs never change;
- ``/dataset/<version>``: the IRI of a release, 303 to its entry on ``/releases`` (or to the RDF);
- ``/releases/diff/<old>/<new>``: the semantic diff of two releases (page; a changeset graph for RDF
  clients; ``?format=md|json|changelog`` for the other forms);
- a retired IRI (a tombstone) answers ``301`` to its replacement's IRI, whatever the Accept header
  (``/page/…`` to the replacement's page), or ``410 Gone`` with a page saying why and since when
  (or, for RDF clients, the tombstone's triples); its data documents (``/data/…``) stay as they are.

The release list comes from the build's own description (``dist/void.ttl``), not from the
repository, so a server holding only ``dist/`` and ``releases-dist/`` knows it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import Route

from rdflib.namespace import DCAT, DCTERMS, SKOS

from llm_atlas.namespaces import ATLAS, BASE, SPDX, curie
from llm_atlas.query import SUMS, read_checksums
from llm_atlas.serve import negotiation, pages
from llm_atlas.serve.results import write_graph

DATASET = BASE + "dataset"
FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
VERSION_PATH = re.compile(r"^\d+\.\d+\.\d+$")
ENTITY_PATH = re.compile(r"^/(id|page)/([a-z]+)/([^/]+)$")
MAX_HOPS = 10  # a chain of replacements longer than this is a cycle


# --- the releases a build describes ---------------------------------------------------------

@dataclass
class File:
    name: str
    url: str
    sha256: str
    size: int | None
    here: bool  # this server has the file


@dataclass
class Version:
    version: str
    iri: str
    date: str
    commit: str  # empty for the version being built, not recorded as a release yet
    citation: str
    previous: str | None
    files: list[File] = field(default_factory=list)


def read_versions(void: Path, folder: Path) -> list[Version]:
    """The versions ``void.ttl`` describes, newest first; ``folder`` is ``releases-dist/``."""
    if not void.exists():
        return []
    store = ox.Store()
    store.bulk_load(path=str(void), format=ox.RdfFormat.TURTLE)
    query = f"""SELECT ?v ?version ?date ?commit ?citation ?previous WHERE {{
      <{DATASET}> <{DCAT}hasVersion> ?v . ?v <{DCAT}version> ?version ; <{DCTERMS}issued> ?date .
      OPTIONAL {{ ?v <{ATLAS}sourceCommit> ?commit }} OPTIONAL {{ ?v <{DCTERMS}bibliographicCitation> ?citation }}
      OPTIONAL {{ ?v <{DCAT}previousVersion> ?p . ?p <{DCAT}version> ?previous }} }}"""
    versions = {}
    for row in store.query(query):
        value = lambda name: row[name].value if row[name] is not None else ""
        versions[value("v")] = Version(value("version"), value("v"), value("date"), value("commit"), value("citation"),
                                       value("previous") or None)
    files = f"""SELECT ?v ?title ?url ?sha ?size WHERE {{
      {{ ?v <{DCAT}distribution> ?d }} UNION {{ ?part <{DCTERMS}isPartOf> ?v ; <{DCAT}distribution> ?d }}
      ?d <{DCAT}downloadURL> ?url ; <{DCTERMS}title> ?title .
      OPTIONAL {{ ?d <{SPDX}checksum>/<{SPDX}checksumValue> ?sha }} OPTIONAL {{ ?d <{DCAT}byteSize> ?size }} }}
      ORDER BY ?title"""
    for row in store.query(files):
        version = versions.get(row["v"].value)
        if version is None:
            continue
        name = row["title"].value
        version.files.append(File(name, row["url"].value, row["sha"].value if row["sha"] else "",
                                  int(row["size"].value) if row["size"] else None,
                                  (Path(folder) / version.version / name).is_file()))
    return sorted(versions.values(), key=lambda v: tuple(int(p) for p in v.version.split(".")), reverse=True)


def releases_graph(void: Path) -> list:
    """The part of ``void.ttl`` about the releases: ``hasVersion`` links and every version node."""
    if not void.exists():
        return []
    keep = []
    for triple in ox.parse(path=str(void), format=ox.RdfFormat.TURTLE):
        s, p = triple.subject.value, triple.predicate.value
        if (s == DATASET and p in (f"{DCAT}hasVersion", f"{DCAT}hasCurrentVersion")) or s.startswith(DATASET + "/"):
            keep.append(triple)
    return keep


# --- retired IRIs ----------------------------------------------------------------------------

@dataclass
class Tombstone:
    iri: str
    label: str
    was: str  # the class it had
    why: str
    since: str
    replaced_by: str | None  # the live entity at the end of the chain of replacements


TOMBSTONES = f"""SELECT ?e ?label ?was ?why ?since ?next WHERE {{
  ?e a <{ATLAS}RetiredEntity> .
  OPTIONAL {{ ?e <http://www.w3.org/2000/01/rdf-schema#label> ?label }}
  OPTIONAL {{ ?e <{ATLAS}retiredType> ?was }} OPTIONAL {{ ?e <{SKOS}historyNote> ?why }}
  OPTIONAL {{ ?e <{ATLAS}retiredOn> ?since }} OPTIONAL {{ ?e <{DCTERMS}isReplacedBy> ?next }}
}}"""


def tombstones(store: ox.Store) -> dict[str, Tombstone]:
    """Every retired IRI of the served build, its replacement followed to a live entity."""
    rows = {}
    for row in store.query(TOMBSTONES):
        value = lambda name: row[name].value if row[name] is not None else ""
        rows.setdefault(value("e"), (value("label"), value("was"), value("why"), value("since"), value("next") or None))
    found = {}
    for iri, (label, was, why, since, replacement) in rows.items():
        hops = 0
        while replacement in rows and hops < MAX_HOPS:
            replacement, hops = rows[replacement][4], hops + 1
        if hops >= MAX_HOPS:
            replacement = None  # a cycle: answer 410 rather than loop
        found[iri] = Tombstone(iri, label or curie(iri), curie(was) if was else "", why, since, replacement)
    return found


class RetiredIRIs:
    """ASGI middleware: ``/id/…`` and ``/page/…`` of a retired IRI answer 301 or 410 before any route."""

    def __init__(self, app, atlas):
        self.app, self.atlas = app, atlas
        self.table = tombstones(atlas.site.store)

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD") and self.table:
            match = ENTITY_PATH.match(scope["path"])
            iri = pages.entity_iri(match.group(2), match.group(3)) if match else None
            if iri in self.table:
                response = self.answer(Request(scope), match.group(1), self.table[iri])
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)

    def answer(self, request: Request, where: str, gone: Tombstone) -> Response:
        if gone.replaced_by:
            target = pages.site_path(gone.replaced_by)
            location = "/" + (target if where == "page" else target.replace("page/", "id/", 1))
            return Response(status_code=301, headers={"Location": location, "Link": f'<{gone.replaced_by}>; rel="successor-version"'})
        choice = negotiation.page_or_data(request.headers.get("accept"))
        if choice is None:
            return PlainTextResponse(f"410 Gone: {gone.iri} was retired on {gone.since}: {gone.why}\n", 410)
        if choice != "page":
            body = write_graph(self.atlas.site.rdf(gone.iri), choice)
            return Response(body, 410, media_type=negotiation.media_type("graph", choice), headers={"Vary": "Accept"})
        entity = self.atlas.site.entity(gone.iri)
        return self.atlas.render("retired.html", status=410, title=f"Gone: {gone.label}", gone=gone, entity=entity,
                                 replacement_path="",
                                 data_base=pages.data_path(gone.iri, ""), formats=[(k, s) for k, s, _ in negotiation.GRAPH_FILES],
                                 headers={"Vary": "Accept"})


# --- routes -----------------------------------------------------------------------------------

def routes(atlas) -> list[Route]:
    """The release routes of the server (added at the end of the app's routes)."""
    dist = Path(atlas.settings.dist)
    folder = dist.parent / "releases-dist"
    void = dist / "void.ttl"
    diffs: dict[tuple[str, str], object] = {}  # (old, new) -> Diff: release files never change, so neither do their diffs

    def versions() -> list[Version]:
        return read_versions(void, folder)

    def released() -> list[Version]:
        return [v for v in versions() if v.commit]

    def listing(request: Request) -> Response:
        fmt = request.path_params.get("suffix")
        if fmt:
            choice = {suffix.lstrip("."): key for key, suffix in negotiation.SUFFIX.items()}.get(fmt)
        else:
            choice = negotiation.page_or_data(request.headers.get("accept"))
        if fmt and choice is None:
            raise HTTPException(404, f"no format .{fmt}; offered: " + ", ".join(negotiation.SUFFIX.values()))
        if choice is None:
            raise HTTPException(406, "not acceptable; offered: text/html, " + negotiation.offered("graph"))
        if choice != "page":
            return Response(write_graph(releases_graph(void), choice), media_type=negotiation.media_type("graph", choice),
                            headers={"Vary": "Accept"})
        all_versions = versions()
        unreleased = next((v for v in all_versions if not v.commit), None)
        return atlas.render("releases.html", title="Releases", releases=[v for v in all_versions if v.commit],
                            unreleased=unreleased, headers={"Vary": "Accept"})

    def version_iri_route(request: Request) -> Response:
        version = request.path_params["version"]
        if not any(v.version == version for v in versions()):
            raise HTTPException(404, f"no release {version}; see /releases")
        choice = negotiation.page_or_data(request.headers.get("accept"))
        if choice is None:
            raise HTTPException(406, "not acceptable; offered: text/html, " + negotiation.offered("graph"))
        target = f"/releases#v{version}" if choice == "page" else f"/releases{negotiation.SUFFIX[choice]}"
        return Response(status_code=303, headers={"Location": target, "Vary": "Accept"})

    def download(request: Request) -> Response:
        version, name = request.path_params["version"], request.path_params["name"]
        path = folder / version / name
        if not (VERSION_PATH.match(version) and FILE_NAME.match(name) and _listed(folder / version, name)):
            raise HTTPException(404, f"no file {name} of release {version} on this server; see /releases "
                                     f"(a maintainer restores a release's files with `llm-atlas rebuild {version}`)")
        suffix = "." + name.rpartition(".")[2]
        media = next((mt for _, s, mt in negotiation.GRAPH_FILES if s == suffix), "text/plain")
        return FileResponse(path, media_type=media)

    def diff_page(request: Request) -> Response:
        from llm_atlas.releases.diff import changeset_triples, compare, folder_side, render

        old, new = request.path_params["old"], request.path_params["new"]
        known = {v.version for v in released()}
        missing = [v for v in (old, new) if v not in known or not (folder / v).is_dir()]
        if missing:
            raise HTTPException(404, f"no files of release {missing[0]} on this server; see /releases")
        fmt = request.query_params.get("format")
        if fmt not in (None, "md", "json", "changelog"):
            raise HTTPException(400, f"unknown format {fmt!r}; use md, json or changelog (or ask for RDF by Accept)")
        choice = "page" if fmt else negotiation.page_or_data(request.headers.get("accept"))
        if choice is None:
            raise HTTPException(406, "not acceptable; offered: text/html, " + negotiation.offered("graph"))
        if (old, new) not in diffs:
            diffs[(old, new)] = compare(folder_side(folder / old), folder_side(folder / new))
        diff = diffs[(old, new)]
        if fmt:
            media = {"json": "application/json", "md": "text/markdown", "changelog": "text/markdown"}[fmt]
            return Response(render(diff, fmt), media_type=media + "; charset=utf-8")
        if choice != "page":
            from llm_atlas.serialize import oxigraph_triples

            body = render(diff, "ttl").encode() if choice == "ttl" else write_graph(oxigraph_triples(changeset_triples(diff)), choice)
            return Response(body, media_type=negotiation.media_type("graph", choice), headers={"Vary": "Accept"})
        return atlas.render("diff.html", title=f"Changes from {old} to {new}", diff=diff, view=_diff_view(diff),
                            headers={"Vary": "Accept"})

    return [
        Route("/releases", listing),
        Route("/releases.{suffix}", listing),
        Route("/dataset/{version}", version_iri_route),
        Route("/downloads/{version}/{name}", download),
        Route("/releases/diff/{old}/{new}", diff_page),
    ]


def _listed(folder: Path, name: str) -> bool:
    """A release file is served only if the release's SHA256SUMS lists it (no other path is reachable)."""
    if not (folder / SUMS).is_file():
        return False
    return name == SUMS or name in read_checksums(folder)


def _diff_view(diff) -> list[dict]:
    """The diff grouped for the page: class -> status -> entities with their facts as text."""
    from llm_atlas.releases.diff import STATUSES, fact_text, retirement_text

    groups = []
    for cls in sorted({c.cls for c in diff.changes}, key=curie):
        sections = []
        for status in STATUSES:
            items = [{"label": c.label, "path": pages.site_path(c.entity), "curie": curie(c.entity),
                      "note": retirement_text(c, diff.labels).removeprefix(", "),
                      "added": [fact_text(t, c.entity, diff.labels) for t in c.added] if status == "changed" else [],
                      "removed": [fact_text(t, c.entity, diff.labels) for t in c.removed] if status == "changed" else []}
                     for c in diff.changes if c.cls == cls and c.status == status]
            if items:
                sections.append((status, items))
        groups.append((curie(cls), sections))
    return groups


# --- the static export ------------------------------------------------------------------------

def export_static(site, dist: Path, *, render, write, site_url: str = "/") -> list[str]:
    """For ``export-site``: each retired entity's page and data, the releases page, each release's files
    (if ``releases-dist/`` beside ``dist`` holds them) and the diffs between consecutive releases.

    Returns the ``.htaccess`` rules for the retired IRIs (301 to the replacement; 410 with the
    tombstone's page as the error document, Apache 2.4) and for the release IRIs; they go before
    the generic rules.
    """
    from llm_atlas.releases.diff import compare, folder_side

    site_root = site_url if site_url.endswith("/") else site_url + "/"
    rules = ["# Retired IRIs (llm-atlas retire): 301 to the replacement, else 410 Gone with the tombstone's page."]
    for gone in sorted(tombstones(site.store).values(), key=lambda t: t.iri):
        path = pages.site_path(gone.iri)
        kind, slug = path.split("/")[1:3]
        render(path, "retired.html", title=f"Gone: {gone.label}", gone=gone, entity=site.entity(gone.iri),
               replacement_path=pages.site_path(gone.replaced_by) if gone.replaced_by else "",
               data_base=pages.data_path(gone.iri, ""), formats=[(k, s) for k, s, _ in negotiation.GRAPH_FILES])
        triples = site.rdf(gone.iri)
        for key, suffix, _ in negotiation.GRAPH_FILES:
            write(pages.data_path(gone.iri, suffix), write_graph(triples, key))
        name = re.escape(f"{kind}/{slug}")
        if gone.replaced_by:
            target = pages.site_path(gone.replaced_by)[len("page/"):]
            rules += [rf"RewriteRule ^id/{name}$ {site_root}id/{target} [R=301,L]",
                      rf"RewriteRule ^page/{name}\.html$ {site_root}page/{target}.html [R=301,L]"]
        else:
            if site_root.startswith("/"):  # an ErrorDocument that is a full URL would be a redirect, not a 410
                rules += [f'<If "%{{REQUEST_URI}} =~ m#/id/{name}$#">',
                          f"    ErrorDocument 410 {site_root}page/{kind}/{slug}.html", "</If>"]
            rules.append(rf"RewriteRule ^id/{name}$ - [G,L]")
    folder = dist.parent / "releases-dist"
    versions = [v for v in read_versions(dist / "void.ttl", folder) if v.commit]
    render("releases", "releases.html", title="Releases", releases=versions, unreleased=None)
    write("releases.ttl", write_graph(releases_graph(dist / "void.ttl"), "ttl"))
    for version in versions:
        files = folder / version.version
        if (files / SUMS).is_file():  # the release's own list of its files
            for name in [SUMS, *read_checksums(files)]:
                write(f"downloads/{version.version}/{name}", (files / name).read_bytes())
        if version.previous and (folder / version.previous).is_dir() and (folder / version.version).is_dir():
            diff = compare(folder_side(folder / version.previous), folder_side(folder / version.version))
            render(f"releases/diff/{version.previous}/{version.version}", "diff.html",
                   title=f"Changes from {version.previous} to {version.version}", diff=diff, view=_diff_view(diff))
    rules += ["# Release IRIs: each release's entry on the releases page.",
              rf"RewriteRule ^dataset/([0-9]+\.[0-9]+\.[0-9]+)$ {site_root}releases.html#v$1 [R=303,NE,L]", ""]
    return rules
