"""The atlas's description of itself: a DCAT 3 catalogue (DCAT-AP 3.0.1 conformant) with VoID
statistics and linksets.

What is described (every node has an IRI under ``…/dataset#``, so the description can be
linked to and the output stays byte-identical between builds):

- ``…/dataset#catalog``, a ``dcat:Catalog`` of the datasets below and of the SPARQL service;
- ``…/dataset``, the atlas itself: the full graph (asserted + inferred + ontology + derived
  links), with VoID statistics, class and property partitions, linksets to the outside
  datasets it links to, and one ``dcat:Distribution`` per format of ``full.*`` — each a whole
  copy of the dataset, as DCAT requires of a distribution;
- its parts and companions as datasets of their own, each with its distributions: the
  curated facts (``#asserted``, a ``void:subset``), the ontology and vocabularies, the SHACL
  shapes, the network analytics derived from the atlas, and Hub imports when built;
- ``…/dataset#sparql``, the ``dcat:DataService`` of the SPARQL endpoint.
"""

from __future__ import annotations

import hashlib
from collections import Counter

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, RDF, SKOS, VOID, XSD

from llm_atlas import __version__
from llm_atlas.namespaces import ATLAS, BASE, ID, ONTOLOGY_IRI, SPDX, SPDX_LICENSES, VOCAB_IRI, curie
from llm_atlas.releases.describe import add_versions
from llm_atlas.serialize import FORMATS

DATASET = URIRef(BASE + "dataset")
D = Namespace(BASE + "dataset#")
CATALOG, SERVICE, PUBLISHER = D["catalog"], D["sparql"], D["publisher"]
IANA = "https://www.iana.org/assignments/media-types/"
MEDIA = {suffix: media for suffix, media in FORMATS.values()}  # ".ttl" -> "text/turtle"
STUDY = URIRef("https://arxiv.org/abs/2509.25397")

# The other dist/ graphs, each a dataset of its own: name -> (title, description, relation to the atlas).
COMPANIONS = {
    "asserted": ("LLM Atlas: curated facts", "The facts as curators wrote them in graph/, without anything inferred or derived.", VOID.subset),
    "ontology": ("LLM Atlas ontology and vocabularies", "The OWL ontology and the SKOS concept schemes the atlas uses.", None),
    "shapes": ("LLM Atlas SHACL shapes", "The SHACL shapes every curated file is validated against.", None),
    "analytics": ("LLM Atlas network analytics", "Centralities and communities of the organisation and project networks, derived from the atlas (never mixed into its facts).", PROV.wasDerivedFrom),
    "imported": ("LLM Atlas Hub imports", "Models imported from the Hugging Face Hub's model tree below curated models; checked, never mixed into the curated facts.", PROV.wasDerivedFrom),
}

# The outside datasets the atlas links to: key -> (title, homepage, IRI prefix of its entities, link predicate).
# A skos:exactMatch to a dataset not in this table fails the crosswalk-form check.
TARGETS = {
    "ror": ("Research Organization Registry (ROR)", "https://ror.org/", "https://ror.org/", SKOS.exactMatch),
    "wikidata": ("Wikidata", "https://www.wikidata.org/", "http://www.wikidata.org/entity/", SKOS.exactMatch),
    "geonames": ("GeoNames", "https://www.geonames.org/", "https://sws.geonames.org/", SKOS.exactMatch),
    "dbpedia": ("DBpedia", "https://www.dbpedia.org/", "http://dbpedia.org/resource/", SKOS.exactMatch),
    "doi": ("DOI", "https://www.doi.org/", "https://doi.org/", SKOS.exactMatch),
    "arxiv": ("arXiv", "https://arxiv.org/", "https://arxiv.org/abs/", SKOS.exactMatch),
    "huggingface": ("Hugging Face Hub", "https://huggingface.co/", "https://huggingface.co/", FOAF.page),
    "github": ("GitHub", "https://github.com/", "https://github.com/", ATLAS.sourceRepository),
    "iso639": ("Library of Congress ISO 639 languages", "https://id.loc.gov/vocabulary/languages.html", "http://id.loc.gov/vocabulary/iso639-", DCTERMS.language),
    "lexvo": ("Lexvo ISO 639-3 languages", "http://lexvo.org/", "http://lexvo.org/id/iso639-3/", DCTERMS.language),
    "spdx": ("SPDX License List", "https://spdx.org/licenses/", str(SPDX_LICENSES), ATLAS.license),
}


def describe(full: set, files: dict[str, bytes], config: dict, *, kinds: dict, releases=()) -> Graph:
    """The catalogue record of a build: ``full`` is the atlas (a set of triples), ``files`` the
    distribution files (name -> bytes); ``releases`` (the recorded ones) are described as its versions."""
    pub, release = config["publication"], config["release"]
    g = Graph(bind_namespaces="none")
    add = g.add
    license_ = URIRef(pub["license"])
    issued = Literal(release["date"], datatype=XSD.date)

    add((PUBLISHER, RDF.type, FOAF.Agent))
    add((PUBLISHER, FOAF.name, Literal(pub["title"], lang="en")))
    add((PUBLISHER, FOAF.homepage, URIRef(pub["base"])))
    add((license_, RDF.type, DCTERMS.LicenseDocument))
    add((URIRef(pub["base"]), RDF.type, FOAF.Document))  # the home page, as DCAT-AP types pages
    add((SPDX.checksumAlgorithm_sha256, RDF.type, SPDX.ChecksumAlgorithm))

    add((CATALOG, RDF.type, DCAT.Catalog))
    add((CATALOG, DCTERMS.title, Literal(pub["title"], lang="en")))
    add((CATALOG, DCTERMS.description, Literal("The datasets and services of the LLM Atlas: the atlas, its parts, "
                                                "its ontology, shapes and derived analytics.", lang="en")))
    add((CATALOG, DCTERMS.publisher, PUBLISHER))
    add((CATALOG, DCTERMS.license, license_))
    add((CATALOG, DCTERMS.modified, issued))
    add((CATALOG, FOAF.homepage, URIRef(pub["base"])))
    add((CATALOG, DCAT.dataset, DATASET))
    add((CATALOG, DCAT.service, SERVICE))

    add((DATASET, RDF.type, VOID.Dataset))
    add((DATASET, RDF.type, DCAT.Dataset))
    add((DATASET, DCTERMS.title, Literal(pub["title"], lang="en")))
    add((DATASET, DCTERMS.description, Literal(pub["description"], lang="en")))
    add((DATASET, DCTERMS.publisher, PUBLISHER))
    add((DATASET, DCTERMS.license, license_))
    add((DATASET, DCTERMS.issued, issued))
    add((DATASET, DCTERMS.modified, issued))
    add((DATASET, URIRef(str(DCAT) + "version"), Literal(__version__)))  # DCAT 3; not in rdflib's DCAT namespace
    add((DATASET, OWL.versionInfo, Literal(__version__)))
    add((DATASET, DCTERMS.conformsTo, URIRef(ONTOLOGY_IRI)))
    add((URIRef(ONTOLOGY_IRI), RDF.type, DCTERMS.Standard))
    add((DATASET, VOID.vocabulary, URIRef(ONTOLOGY_IRI + "#")))
    add((DATASET, VOID.vocabulary, URIRef(VOCAB_IRI + "#")))
    add((DATASET, VOID.uriSpace, Literal(str(ID))))
    add((DATASET, VOID.sparqlEndpoint, URIRef(pub["sparql_endpoint"])))
    add((DATASET, DCTERMS.references, STUDY))  # the study the atlas starts from (dct:source would claim a dcat:Dataset)
    add((DATASET, FOAF.homepage, URIRef(pub["base"])))
    add((DATASET, DCAT.landingPage, URIRef(pub["base"])))
    _statistics(g, full, kinds)
    _linksets(g, full)

    add((SERVICE, RDF.type, DCAT.DataService))
    add((SERVICE, DCTERMS.title, Literal("LLM Atlas SPARQL 1.1 endpoint", lang="en")))
    add((SERVICE, DCAT.endpointURL, URIRef(pub["sparql_endpoint"])))
    add((SERVICE, DCAT.endpointDescription, URIRef(pub["sparql_endpoint"])))  # a GET answers its Service Description
    add((SERVICE, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    add((URIRef("https://www.w3.org/TR/sparql11-protocol/"), RDF.type, DCTERMS.Standard))
    add((SERVICE, DCAT.servesDataset, DATASET))
    add((SERVICE, DCTERMS.license, license_))

    stems = sorted({name.rsplit(".", 1)[0] for name in files if name.rsplit(".", 1)[-1] in ("ttl", "nt", "jsonld")})
    for stem in stems:
        if stem == "full":
            dataset = DATASET
        elif stem in COMPANIONS:
            dataset = _companion(g, stem, license_, issued)
        else:
            continue
        for name in sorted(n for n in files if n.rsplit(".", 1)[0] == stem):
            _distribution(g, dataset, name, files[name], pub, license_)
    add_versions(g, files, config, list(releases))  # each release: dcat:hasVersion, previousVersion, fixed URLs
    return g


def _companion(g: Graph, stem: str, license_, issued) -> URIRef:
    title, description, relation = COMPANIONS[stem]
    node = D[stem]
    g.add((CATALOG, DCAT.dataset, node))
    g.add((node, RDF.type, DCAT.Dataset))
    g.add((node, RDF.type, VOID.Dataset))
    g.add((node, DCTERMS.title, Literal(title, lang="en")))
    g.add((node, DCTERMS.description, Literal(description, lang="en")))
    g.add((node, DCTERMS.publisher, PUBLISHER))
    g.add((node, DCTERMS.license, license_))
    g.add((node, DCTERMS.issued, issued))
    if relation == VOID.subset:
        g.add((DATASET, VOID.subset, node))
    elif relation is not None:
        g.add((node, relation, DATASET))
    return node


def _distribution(g: Graph, dataset, name: str, data: bytes, pub: dict, license_) -> None:
    stem, suffix = name.rsplit(".", 1)
    node = D["dist-" + name.replace(".", "-")]
    url = URIRef(pub["base"] + "downloads/" + name)
    media_type = URIRef(IANA + MEDIA["." + suffix])
    g.add((dataset, DCAT.distribution, node))
    g.add((node, RDF.type, DCAT.Distribution))
    g.add((node, DCTERMS.title, Literal(f"{stem} ({suffix})", lang="en")))
    g.add((node, DCAT.accessURL, url))
    g.add((node, DCAT.downloadURL, url))
    g.add((node, DCAT.mediaType, media_type))
    g.add((media_type, RDF.type, DCTERMS.MediaType))
    g.add((node, DCAT.byteSize, Literal(len(data), datatype=XSD.nonNegativeInteger)))
    g.add((node, DCTERMS.license, license_))
    checksum = D["sha256-" + name.replace(".", "-")]
    g.add((node, SPDX.checksum, checksum))
    g.add((checksum, RDF.type, SPDX.Checksum))
    g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
    g.add((checksum, SPDX.checksumValue, Literal(hashlib.sha256(data).hexdigest(), datatype=XSD.hexBinary)))
    if dataset == DATASET:
        g.add((DATASET, VOID.dataDump, url))


def _statistics(g: Graph, triples: set, kinds: dict) -> None:
    add = g.add
    all_subjects = {s for s, _, _ in triples}
    entities = {s for s in all_subjects if isinstance(s, URIRef) and str(s).startswith(str(ID)) and "#" not in str(s)}
    add((DATASET, VOID.triples, Literal(len(triples))))
    add((DATASET, VOID.entities, Literal(len(entities))))
    add((DATASET, VOID.distinctSubjects, Literal(len(all_subjects))))
    add((DATASET, VOID.properties, Literal(len({p for _, p, _ in triples}))))
    typed = {(s, o) for s, p, o in triples if p == RDF.type}
    for kind, cls in sorted(kinds.items()):
        count = sum(1 for s, o in typed if o == cls and (s in entities or str(s).startswith(str(SPDX_LICENSES))))
        node = D["class-" + kind]
        add((DATASET, VOID.classPartition, node))
        add((node, VOID["class"], cls))
        add((node, VOID.entities, Literal(count)))
    per_property = Counter(p for _, p, _ in triples)
    for prop, count in sorted(per_property.items()):
        node = D["property-" + _fragment(prop)]
        add((DATASET, VOID.propertyPartition, node))
        add((node, VOID.property, prop))
        add((node, VOID.triples, Literal(count)))


def linkset_counts(triples) -> dict[str, int]:
    """Links per outside dataset: triples of the target's link predicate from an atlas IRI
    (entity, sub-node or vocabulary concept) to an IRI in the target's namespace."""
    counts: Counter = Counter()
    for s, p, o in triples:
        if not (isinstance(o, URIRef) and str(s).startswith(BASE)):
            continue
        for key, (_, _, prefix, predicate) in TARGETS.items():
            if p == predicate and str(o).startswith(prefix):
                counts[key] += 1
    return dict(counts)


def _linksets(g: Graph, triples: set) -> None:
    for key, count in sorted(linkset_counts(triples).items()):
        title, homepage, prefix, predicate = TARGETS[key]
        target, linkset = D["target-" + key], D["linkset-" + key]
        g.add((target, RDF.type, VOID.Dataset))
        g.add((target, DCTERMS.title, Literal(title, lang="en")))
        g.add((target, FOAF.homepage, URIRef(homepage)))
        g.add((target, VOID.uriSpace, Literal(prefix)))
        g.add((DATASET, VOID.subset, linkset))
        g.add((linkset, RDF.type, VOID.Linkset))
        g.add((linkset, DCTERMS.title, Literal(f"LLM Atlas → {title}", lang="en")))
        g.add((linkset, VOID.subjectsTarget, DATASET))
        g.add((linkset, VOID.objectsTarget, target))
        g.add((linkset, VOID.linkPredicate, predicate))
        g.add((linkset, VOID.triples, Literal(count)))


def _fragment(iri) -> str:
    """A readable, unique fragment for a property: its prefixed name, or a hash if it has none."""
    name = curie(iri)
    if name.startswith("<"):
        return "iri-" + hashlib.sha1(str(iri).encode()).hexdigest()[:12]
    return name.replace(":", "-")
