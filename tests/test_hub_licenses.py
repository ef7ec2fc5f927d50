"""The Hub licence-key table: SPDX keys to SPDX IRIs, model licences to atlas licences, the rest unknown."""

from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from llm_atlas.hub.licenses import ATLAS_KEYS, ATLAS_OTHER_NAMES, SPDX_KEYS, license_key, map_license
from llm_atlas.namespaces import ATLAS

ROOT = Path(__file__).resolve().parents[1]
SPDX = "http://spdx.org/licenses/"
LIC = "https://w3id.org/llm-atlas/id/license/"


@pytest.mark.parametrize("key, iri", [
    ("apache-2.0", SPDX + "Apache-2.0"),
    ("mit", SPDX + "MIT"),
    ("cc-by-4.0", SPDX + "CC-BY-4.0"),
    ("cc-by-nc-4.0", SPDX + "CC-BY-NC-4.0"),
    ("cc-by-nc-sa-4.0", SPDX + "CC-BY-NC-SA-4.0"),
    ("bsd-3-clause", SPDX + "BSD-3-Clause"),
    ("odc-by", SPDX + "ODC-By-1.0"),
    ("Apache-2.0", SPDX + "Apache-2.0"),  # keys are case-insensitive
    ("llama2", LIC + "llama-2-community-license"),
    ("llama3", LIC + "llama-3-community-license"),
    ("llama3.1", LIC + "llama-3-1-community-license"),
    ("llama3.2", LIC + "llama-3-2-community-license"),
    ("llama3.3", LIC + "llama-3-3-community-license"),
    ("llama4", LIC + "llama-4-community-license"),
    ("gemma", LIC + "gemma-terms-of-use"),
    ("bigscience-bloom-rail-1.0", LIC + "bigscience-bloom-rail-1-0"),
])
def test_known_keys_map_to_their_licence(key, iri):
    assert map_license(key) == URIRef(iri)


@pytest.mark.parametrize("name, iri", [("qwen", LIC + "qwen-license"), ("qwen-research", LIC + "qwen-research-license"),
                                       ("deepseek", LIC + "deepseek-license")])
def test_other_with_a_known_license_name_maps(name, iri):
    assert map_license("other", name) == URIRef(iri)


@pytest.mark.parametrize("key, name", [("openrail", None), ("creativeml-openrail-m", None), ("gpl-3.0", None), ("bsd", None),
                                       ("other", None), ("other", "coqui-public-model-license"), ("unknown", None), ("", None), (None, None)])
def test_unknown_or_ambiguous_keys_map_to_nothing(key, name):
    assert map_license(key, name) is None


def test_license_key_keeps_the_name_of_other_licences():
    assert license_key("other", "My-Licence") == "other:my-licence"
    assert license_key("MIT") == "mit"
    assert license_key(None) is None


def _described_licences():
    g = Graph()
    for path in sorted((ROOT / "graph" / "license").glob("*.ttl")):
        g.parse(path)
    return set(g.subjects(predicate=None, object=ATLAS.License))


@pytest.mark.parametrize("slug", sorted(set(ATLAS_KEYS.values()) | set(ATLAS_OTHER_NAMES.values())))
def test_every_atlas_licence_target_is_described_in_the_atlas(slug):
    assert URIRef(LIC + slug) in _described_licences(), f"graph/license/{slug}.ttl is missing"


def test_spdx_ids_in_the_table_are_the_ids_the_atlas_uses():
    described = {str(iri)[len(SPDX):] for iri in _described_licences() if str(iri).startswith(SPDX)}
    assert described <= set(SPDX_KEYS.values()) | {"GPL-3.0-only"}  # the Hub's "gpl-3.0" is ambiguous: not mapped
