"""The atlas's namespaces and the one prefix table every serialiser and query uses.

The IRIs here are a published contract: users' queries and outside links rely on them.
"""

from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SH, SKOS, VOID, XSD

BASE = "https://w3id.org/llm-atlas/"
ONTOLOGY_IRI = BASE + "ontology"
VOCAB_IRI = BASE + "vocab"
ATLAS = Namespace(ONTOLOGY_IRI + "#")
VOCAB = Namespace(VOCAB_IRI + "#")
SHAPES = Namespace(BASE + "shapes#")
ID = Namespace(BASE + "id/")
SPDX_LICENSES = Namespace("http://spdx.org/licenses/")
SCHEMA = Namespace("http://schema.org/")
FAIR4ML = Namespace("https://w3id.org/fair4ml#")
ORG = Namespace("http://www.w3.org/ns/org#")
SPDX = Namespace("http://spdx.org/rdf/terms#")

# Directory under graph/ -> (IRI kind segment, class its files describe).
KINDS = {
    "project": ATLAS.Project,
    "model": ATLAS.Model,
    "org": ATLAS.Organization,
    "dataset": ATLAS.Dataset,
    "benchmark": ATLAS.Benchmark,
    "leaderboard": ATLAS.Leaderboard,
    "framework": ATLAS.SoftwareFramework,
    "compute": ATLAS.ComputeResource,
    "partnership": ATLAS.ComputePartnership,
    "license": ATLAS.License,
    "forum": ATLAS.CommunityForum,
    "collaboration": ATLAS.Collaboration,
    "publication": ATLAS.Publication,
}

PREFIXES = {
    "atlas": ATLAS,
    "vocab": VOCAB,
    "shapes": SHAPES,
    "project": ID["project/"],
    "model": ID["model/"],
    "organization": ID["org/"],
    "dataset": ID["dataset/"],
    "benchmark": ID["benchmark/"],
    "leaderboard": ID["leaderboard/"],
    "framework": ID["framework/"],
    "compute": ID["compute/"],
    "partnership": ID["partnership/"],
    "license": ID["license/"],
    "forum": ID["forum/"],
    "collaboration": ID["collaboration/"],
    "publication": ID["publication/"],
    "spdx": SPDX_LICENSES,
    "spdx-rdf": SPDX,
    "dcat": DCAT,
    "dcterms": DCTERMS,
    "fair4ml": FAIR4ML,
    "foaf": FOAF,
    "org": ORG,
    "owl": OWL,
    "prov": PROV,
    "rdf": RDF,
    "rdfs": RDFS,
    "schema": SCHEMA,
    "sh": SH,
    "skos": SKOS,
    "void": VOID,
    "xsd": XSD,
}
PREFIX_IRIS = {p: str(ns) for p, ns in PREFIXES.items()}  # the table as plain strings (Oxigraph, JSON-LD)


def sparql_prologue() -> str:
    """PREFIX lines for every prefix in the table, for queries written against the atlas."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


def curie(iri) -> str:
    """The shortest prefixed name of ``iri`` from the prefix table, or ``<iri>``."""
    text = str(iri)
    best = None
    for prefix, ns in PREFIXES.items():
        ns = str(ns)
        if text.startswith(ns) and (best is None or len(ns) > len(str(PREFIXES[best]))):
            best = prefix
    return f"{best}:{text[len(str(PREFIXES[best])):]}" if best else f"<{text}>"
