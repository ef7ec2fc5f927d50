"""The atlas's description of itself: VoID statistics and a DCAT 3 catalogue record.

Every node has an IRI under ``…/dataset#`` (no blank nodes), so the description can be
linked to and the output stays byte-identical between builds.
"""

from __future__ import annotations

from collections import Counter

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, VOID, XSD

from llm_atlas import __version__
from llm_atlas.namespaces import BASE, ID, ONTOLOGY_IRI, SPDX, SPDX_LICENSES, VOCAB_IRI, curie
from llm_atlas.releases.describe import add_versions
from llm_atlas.serialize import FORMATS

DATASET = URIRef(BASE + "dataset")
D = Namespace(BASE + "dataset#")


def describe(full: set, files: dict[str, bytes], config: dict, *, kinds: dict, releases=()) -> Graph:
    """VoID + DCAT description of the ``full`` graph (a set of triples) and the distribution
    ``files`` (name -> bytes); ``releases`` (the recorded ones) are described as its versions."""
    import hashlib

    pub, release = config["publication"], config["release"]
    g = Graph(bind_namespaces="none")
    add = g.add
    add((DATASET, RDF.type, VOID.Dataset))
    add((DATASET, RDF.type, DCAT.Dataset))
    add((DATASET, DCTERMS.title, Literal(pub["title"], lang="en")))
    add((DATASET, DCTERMS.description, Literal(pub["description"], lang="en")))
    add((DATASET, DCTERMS.license, URIRef(pub["license"])))
    add((DATASET, DCTERMS.issued, Literal(release["date"], datatype=XSD.date)))
    add((DATASET, DCTERMS.modified, Literal(release["date"], datatype=XSD.date)))
    add((DATASET, URIRef(str(DCAT) + "version"), Literal(__version__)))  # DCAT 3; not in rdflib's DCAT namespace
    add((DATASET, OWL.versionInfo, Literal(__version__)))
    add((DATASET, DCTERMS.conformsTo, URIRef(ONTOLOGY_IRI)))
    add((DATASET, VOID.vocabulary, URIRef(ONTOLOGY_IRI + "#")))
    add((DATASET, VOID.vocabulary, URIRef(VOCAB_IRI + "#")))
    add((DATASET, VOID.uriSpace, Literal(str(ID))))
    add((DATASET, VOID.sparqlEndpoint, URIRef(pub["sparql_endpoint"])))
    add((DATASET, DCTERMS.source, URIRef("https://arxiv.org/abs/2509.25397")))
    add((DATASET, FOAF.homepage, URIRef(pub["base"])))

    triples = full
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

    media = {suffix: media for suffix, media in FORMATS.values()}
    for name, data in sorted(files.items()):
        stem, suffix = name.rsplit(".", 1)
        node = D["dist-" + name.replace(".", "-")]
        url = URIRef(pub["base"] + "downloads/" + name)
        add((DATASET, DCAT.distribution, node))
        add((node, RDF.type, DCAT.Distribution))
        add((node, DCTERMS.title, Literal(f"{stem} ({suffix})", lang="en")))
        add((node, DCAT.downloadURL, url))
        add((node, DCAT.mediaType, URIRef("https://www.iana.org/assignments/media-types/" + media["." + suffix])))
        add((node, DCAT.byteSize, Literal(len(data), datatype=XSD.nonNegativeInteger)))
        add((node, DCTERMS.license, URIRef(pub["license"])))
        checksum = D["sha256-" + name.replace(".", "-")]
        add((node, SPDX.checksum, checksum))
        add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        add((checksum, SPDX.checksumValue, Literal(hashlib.sha256(data).hexdigest(), datatype=XSD.hexBinary)))
        if stem == "full":
            add((DATASET, VOID.dataDump, url))
    add_versions(g, files, config, list(releases))  # each release: dcat:hasVersion, previousVersion, fixed URLs
    return g


def _fragment(iri) -> str:
    """A readable, unique fragment for a property: its prefixed name, or a hash if it has none."""
    name = curie(iri)
    if name.startswith("<"):
        import hashlib

        return "iri-" + hashlib.sha1(str(iri).encode()).hexdigest()[:12]
    return name.replace(":", "-")
