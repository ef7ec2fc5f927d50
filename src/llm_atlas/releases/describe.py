"""Each release as a version of the dataset: catalogue triples and the citation (``CITATION.cff``).

In the catalogue record (``void.ttl``, DCAT-AP 3) the dataset ``…/dataset`` (the moving latest
build, ``/downloads/<file>``) has one ``dcat:hasVersion`` per release, ``…/dataset/<version>``,
with ``dcat:version``, ``dcterms:issued``, ``dcat:previousVersion``, the commit it was built from
(``atlas:sourceCommit``), its citation, and its distributions ``llm-atlas-<version>.{ttl,nt,jsonld}``,
whose download URLs (``/downloads/<version>/…``) and checksums never change. The release's other
files belong to its parts (``…/dataset/<version>#asserted``, ``#ontology``, …), each a version of
the matching part of the dataset. Recorded releases come from ``releases/releases.toml``; the
version being built (``__version__``), if not recorded yet, is described from the files at hand,
so the build of a release's commit describes that release too, byte for byte as it was published.
"""

from __future__ import annotations

import hashlib

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL, RDF, VOID, XSD

from llm_atlas import __version__
from llm_atlas.namespaces import ATLAS, BASE, ONTOLOGY_IRI, SPDX
from llm_atlas.releases.record import (VERSION, Release, dist_name, download_url, previous, version_key,
                                       versioned_name)

DCAT3 = Namespace(str(DCAT))  # hasVersion, isVersionOf, previousVersion, hasCurrentVersion, version: DCAT 3
DATASET = URIRef(BASE + "dataset")


def current_release(files: dict[str, bytes], config: dict) -> Release:
    """The version being built, as a release not yet recorded (no commit: a build cannot name its own)."""
    names = {versioned_name(__version__, name): data for name, data in files.items()}
    return Release(__version__, str(config["release"]["date"]), "",
                   sha256={n: hashlib.sha256(d).hexdigest() for n, d in names.items()},
                   sizes={n: len(d) for n, d in names.items()})


def versions(files: dict[str, bytes], config: dict, releases: list[Release]) -> list[Release]:
    """Every version the description names, oldest first: the recorded ones and the one being built
    (unless it is recorded already, or is no release version at all, such as ``0.3.0.dev1``)."""
    known = list(releases)
    if VERSION.match(__version__) and all(r.version != __version__ for r in known):
        known.append(current_release(files, config))
    return sorted(known, key=lambda r: version_key(r.version))


def stamp_prior_version(ontology: Graph, releases: list[Release]) -> None:
    """``owl:priorVersion`` of the ontology being built: the version IRI of the release before it."""
    prior = previous(releases, __version__) if VERSION.match(__version__) else (releases[-1] if releases else None)
    if prior is not None:
        ontology.add((URIRef(ONTOLOGY_IRI), OWL.priorVersion, URIRef(f"{ONTOLOGY_IRI}/{prior.version}")))


def add_versions(g: Graph, files: dict[str, bytes], config: dict, releases: list[Release]) -> None:
    """Add each release, and the version being built, to the catalogue record ``g`` (DCAT-AP 3 as the
    rest of it: a release is a dataset whose distributions are whole copies of it, ``llm-atlas-V.*``;
    its other files belong to its parts, ``…/dataset/V#asserted`` and so on, versions of the parts
    of the moving dataset)."""
    from llm_atlas.void import COMPANIONS, D

    pub = config["publication"]
    chain = versions(files, config, releases)
    if not chain:
        return
    before = None
    for release in chain:
        node = URIRef(release.iri)
        _dataset(g, node, f"{pub['title']} {release.version}",
                 f"Release {release.version} of the LLM Atlas: {pub['description']} Its files and their checksums never change.",
                 release, pub)
        g.add((DATASET, DCAT3.hasVersion, node))
        g.add((node, DCAT3.isVersionOf, DATASET))
        g.add((node, DCTERMS.conformsTo, URIRef(f"{ONTOLOGY_IRI}/{release.version}")))
        g.add((URIRef(f"{ONTOLOGY_IRI}/{release.version}"), RDF.type, DCTERMS.Standard))
        g.add((node, DCTERMS.bibliographicCitation, Literal(citation(config, release), lang="en")))
        if release.commit:
            g.add((node, ATLAS.sourceCommit, Literal(release.commit)))
        if before is not None:
            g.add((node, DCAT3.previousVersion, URIRef(before.iri)))
        for name, digest in sorted(release.sha256.items()):
            stem = dist_name(release.version, name).rsplit(".", 1)[0]
            if stem == "full":
                owner = node
            elif stem in COMPANIONS:
                owner = URIRef(f"{release.iri}#{stem}")
                title, description, _ = COMPANIONS[stem]
                _dataset(g, owner, f"{title}, release {release.version}", description, release, pub)
                g.add((owner, DCTERMS.isPartOf, node))
                g.add((owner, DCAT3.isVersionOf, D[stem]))
                g.add((D[stem], DCAT3.hasVersion, owner))
            else:
                continue  # the description (void.ttl) does not describe itself
            _distribution(g, owner, release, name, digest, pub, dump=owner == node)
        before = release
    g.add((DATASET, DCAT3.hasCurrentVersion, URIRef(chain[-1].iri)))


def _dataset(g: Graph, node: URIRef, title: str, description: str, release: Release, pub: dict) -> None:
    from llm_atlas.void import PUBLISHER

    g.add((node, RDF.type, DCAT.Dataset))
    g.add((node, RDF.type, VOID.Dataset))
    g.add((node, DCTERMS.title, Literal(title, lang="en")))
    g.add((node, DCTERMS.description, Literal(description, lang="en")))
    g.add((node, DCTERMS.publisher, PUBLISHER))
    g.add((node, DCTERMS.license, URIRef(pub["license"])))
    g.add((node, DCTERMS.issued, Literal(release.date, datatype=XSD.date)))
    g.add((node, DCAT3.version, Literal(release.version)))


def _distribution(g: Graph, owner: URIRef, release: Release, name: str, digest: str, pub: dict, *, dump: bool) -> None:
    from llm_atlas.void import IANA, MEDIA

    dist = URIRef(f"{release.iri}#{name}")
    url = URIRef(download_url(release.version, name))
    suffix = "." + name.rsplit(".", 1)[1]
    g.add((owner, DCAT.distribution, dist))
    g.add((dist, RDF.type, DCAT.Distribution))
    g.add((dist, DCTERMS.title, Literal(name, lang="en")))
    g.add((dist, DCAT.accessURL, url))
    g.add((dist, DCAT.downloadURL, url))
    if suffix in MEDIA:
        media = URIRef(IANA + MEDIA[suffix])
        g.add((dist, DCAT.mediaType, media))
        g.add((media, RDF.type, DCTERMS.MediaType))
    if name in release.sizes:
        g.add((dist, DCAT.byteSize, Literal(release.sizes[name], datatype=XSD.nonNegativeInteger)))
    g.add((dist, DCTERMS.license, URIRef(pub["license"])))
    g.add((URIRef(pub["license"]), RDF.type, DCTERMS.LicenseDocument))
    checksum = URIRef(f"{release.iri}#sha256-{name}")
    g.add((dist, SPDX.checksum, checksum))
    g.add((checksum, RDF.type, SPDX.Checksum))
    g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
    g.add((SPDX.checksumAlgorithm_sha256, RDF.type, SPDX.ChecksumAlgorithm))
    g.add((checksum, SPDX.checksumValue, Literal(digest, datatype=XSD.hexBinary)))
    if dump:
        g.add((owner, VOID.dataDump, url))


def citation(config: dict, release: Release) -> str:
    """How to cite one release, in the usual dataset form.

    >>> citation({"publication": {"title": "LLM Atlas", "creator": "The LLM Atlas contributors",
    ...           "license_id": "CC-BY-4.0"}}, Release("0.2.0", "2026-12-01", ""))
    'The LLM Atlas contributors (2026). LLM Atlas, version 0.2.0 [Data set], released 2026-12-01. https://w3id.org/llm-atlas/dataset/0.2.0. Licence CC-BY-4.0.'
    """
    pub = config["publication"]
    return (f"{pub['creator']} ({release.date[:4]}). {pub['title']}, version {release.version} [Data set], "
            f"released {release.date}. {release.iri}. Licence {pub['license_id']}.")


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def citation_cff(config: dict, releases: list[Release]) -> str:
    """The text of ``CITATION.cff``: the latest recorded release, or no version at all before the first."""
    pub = config["publication"]
    lines = ["# Written by `llm-atlas release` from atlas.toml and releases/releases.toml: do not edit by hand.",
             "cff-version: 1.2.0",
             "message: " + _quoted("If you use the LLM Atlas, please cite the release you used as below, and link "
                                   "to its IRIs; every release can be downloaded and rebuilt from its commit."),
             "type: dataset",
             "title: " + _quoted(pub["title"]),
             "abstract: " + _quoted(pub["description"]),
             "authors:",
             "  - name: " + _quoted(pub["creator"]),
             "license: " + pub["license_id"],
             "url: " + _quoted(pub["base"])]
    if releases:
        latest = releases[-1]
        lines += ["version: " + _quoted(latest.version),
                  "date-released: " + _quoted(latest.date),
                  "commit: " + _quoted(latest.commit),
                  "identifiers:",
                  "  - type: url",
                  "    value: " + _quoted(latest.iri),
                  "    description: " + _quoted(f"Release {latest.version}: its DCAT record, files and checksums"),
                  "  - type: url",
                  "    value: " + _quoted(download_url(latest.version, versioned_name(latest.version, "full.nt"))),
                  "    description: " + _quoted(f"The full graph of release {latest.version} (N-Triples)")]
    lines += ["references:",
              "  - type: article",
              "    title: " + _quoted("A Cartography of Open Collaboration in Open Source AI"),
              "    authors:",
              "      - family-names: Linåker",
              "      - family-names: Osborne",
              "      - family-names: Ding",
              "      - family-names: Burtenshaw",
              "    year: 2025",
              "    identifiers:",
              "      - type: url",
              "        value: " + _quoted("https://arxiv.org/abs/2509.25397")]
    return "\n".join(lines) + "\n"
