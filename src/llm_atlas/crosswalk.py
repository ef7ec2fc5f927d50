"""Links into the web of data that follow from identifiers the curators record.

Curators state an identifier once, as the source states it (``atlas:huggingFaceId
"meta-llama/Llama-2-7b-hf"``, ``atlas:arxivId "2307.09288"``, ``atlas:language "de"``); the
build derives the IRIs other datasets use for the same thing, by the rule each registry
documents, so the links never drift from the identifiers:

- a Hugging Face Hub id → the Hub page, ``foaf:page <https://huggingface.co/…>`` (datasets
  and benchmarks under ``/datasets/``; an organisation's account page);
- an arXiv id → ``skos:exactMatch`` the arXiv abstract IRI and the DOI arXiv registered for
  every paper (``10.48550/arXiv.<id>``, DataCite);
- a BCP 47 language tag → ``dcterms:language`` the Library of Congress ISO 639 IRI of its
  primary subtag (``…/iso639-1/de``; ``…/iso639-2/ceb`` where ISO 639-1 has no code). A tag
  whose primary subtag is in neither list gets no IRI (and the language check says so).

Links that need a reading of a registry (ROR, Wikidata, DOIs of other publishers) are not
derived: curators record them with their sources.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

from rdflib import URIRef
from rdflib.namespace import DCTERMS, FOAF, SKOS

from llm_atlas.namespaces import ATLAS, ID

HUB = "https://huggingface.co/"
ARXIV = "https://arxiv.org/abs/"
ARXIV_DOI = "https://doi.org/10.48550/arXiv."
LOC = "http://id.loc.gov/vocabulary/"
ISO639 = Path(__file__).parent / "data" / "iso639.tsv"
# Entity kinds whose Hub ids name dataset repositories (``/datasets/<id>``); orgs name accounts.
HUB_DATASET_KINDS = ("dataset", "benchmark")


@lru_cache(maxsize=1)
def iso639() -> tuple[frozenset, frozenset]:
    """(ISO 639-1 codes, ISO 639-2 bibliographic codes) of the Library of Congress list."""
    part1, part2 = set(), set()
    for line in ISO639.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        a2, b, *_ = line.split("\t")
        part2.add(b)
        if a2 != "-":
            part1.add(a2)
    return frozenset(part1), frozenset(part2)


def language_iri(tag: str) -> URIRef | None:
    """The Library of Congress IRI of a BCP 47 tag's language, or None.

    >>> language_iri("zh-Hant"), language_iri("ceb"), language_iri("sh")
    (rdflib.term.URIRef('http://id.loc.gov/vocabulary/iso639-1/zh'), rdflib.term.URIRef('http://id.loc.gov/vocabulary/iso639-2/ceb'), None)
    """
    primary = tag.split("-", 1)[0].lower()
    part1, part2 = iso639()
    if len(primary) == 2 and primary in part1:
        return URIRef(f"{LOC}iso639-1/{primary}")
    if len(primary) == 3 and primary in part2:
        return URIRef(f"{LOC}iso639-2/{primary}")
    return None


def hub_page(entity: str, hub_id: str) -> URIRef:
    """>>> str(hub_page("https://w3id.org/llm-atlas/id/dataset/dolma", "allenai/dolma"))
    'https://huggingface.co/datasets/allenai/dolma'
    """
    kind = entity[len(str(ID)):].split("/", 1)[0] if entity.startswith(str(ID)) else ""
    section = "datasets/" if kind in HUB_DATASET_KINDS else ""
    return URIRef(HUB + section + quote(hub_id, safe="/"))


def derived_links(triples) -> set:
    """The links that follow from the identifiers in ``triples`` (asserted curated data)."""
    out = set()
    for s, p, o in triples:
        if p == ATLAS.huggingFaceId:
            out.add((s, FOAF.page, hub_page(str(s), str(o))))
        elif p == ATLAS.arxivId:
            arxiv_id = str(o).strip()
            out.add((s, SKOS.exactMatch, URIRef(ARXIV + arxiv_id)))
            out.add((s, SKOS.exactMatch, URIRef(ARXIV_DOI + arxiv_id)))
        elif p == ATLAS.language:
            iri = language_iri(str(o))
            if iri is not None:
                out.add((s, DCTERMS.language, iri))
    return out
