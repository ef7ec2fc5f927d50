"""Hugging Face Hub licence keys -> atlas licence IRIs: one table, nothing guessed.

A Hub model card names its licence with a key from the Hub's list (``license: apache-2.0``),
or ``license: other`` plus a free ``license_name``. Keys that name an SPDX-listed licence map
to its SPDX IRI; keys for model-specific licences map to the atlas licence in ``graph/license/``.
Everything else is *unknown*: :func:`map_license` returns ``None`` and the importer keeps the
key as a literal and reports it, never dropping it.

>>> map_license("apache-2.0")
rdflib.term.URIRef('http://spdx.org/licenses/Apache-2.0')
>>> map_license("llama3.1")
rdflib.term.URIRef('https://w3id.org/llm-atlas/id/license/llama-3-1-community-license')
>>> map_license("other", "qwen")
rdflib.term.URIRef('https://w3id.org/llm-atlas/id/license/qwen-license')
>>> map_license("openrail") is None
True
>>> license_key("other", "coqui-public-model-license")
'other:coqui-public-model-license'
"""

from __future__ import annotations

from rdflib import URIRef

from llm_atlas.namespaces import ID, SPDX_LICENSES

# Hub licence key -> SPDX identifier (only where the Hub key names exactly one SPDX licence;
# ambiguous keys such as "gpl-3.0" (only or or-later?) or "bsd" stay unknown on purpose).
SPDX_KEYS = {
    "apache-2.0": "Apache-2.0",
    "mit": "MIT",
    "bsd-2-clause": "BSD-2-Clause",
    "bsd-3-clause": "BSD-3-Clause",
    "bsd-3-clause-clear": "BSD-3-Clause-Clear",
    "bsl-1.0": "BSL-1.0",
    "isc": "ISC",
    "mpl-2.0": "MPL-2.0",
    "unlicense": "Unlicense",
    "zlib": "Zlib",
    "cc0-1.0": "CC0-1.0",
    "cc-by-2.0": "CC-BY-2.0",
    "cc-by-3.0": "CC-BY-3.0",
    "cc-by-4.0": "CC-BY-4.0",
    "cc-by-sa-3.0": "CC-BY-SA-3.0",
    "cc-by-sa-4.0": "CC-BY-SA-4.0",
    "cc-by-nc-2.0": "CC-BY-NC-2.0",
    "cc-by-nc-3.0": "CC-BY-NC-3.0",
    "cc-by-nc-4.0": "CC-BY-NC-4.0",
    "cc-by-nd-4.0": "CC-BY-ND-4.0",
    "cc-by-nc-nd-3.0": "CC-BY-NC-ND-3.0",
    "cc-by-nc-nd-4.0": "CC-BY-NC-ND-4.0",
    "cc-by-nc-sa-2.0": "CC-BY-NC-SA-2.0",
    "cc-by-nc-sa-3.0": "CC-BY-NC-SA-3.0",
    "cc-by-nc-sa-4.0": "CC-BY-NC-SA-4.0",
    "cdla-permissive-1.0": "CDLA-Permissive-1.0",
    "cdla-permissive-2.0": "CDLA-Permissive-2.0",
    "cdla-sharing-1.0": "CDLA-Sharing-1.0",
    "agpl-3.0": "AGPL-3.0-only",
    "lgpl-2.1": "LGPL-2.1-only",
    "lgpl-3.0": "LGPL-3.0-only",
    "epl-2.0": "EPL-2.0",
    "eupl-1.2": "EUPL-1.2",
    "odc-by": "ODC-By-1.0",
    "odbl": "ODbL-1.0",
    "pddl": "PDDL-1.0",
    "wtfpl": "WTFPL",
}

# Hub licence key -> slug of an atlas licence in graph/license/ (model-specific licences).
ATLAS_KEYS = {
    "llama2": "llama-2-community-license",
    "llama3": "llama-3-community-license",
    "llama3.1": "llama-3-1-community-license",
    "llama3.2": "llama-3-2-community-license",
    "llama3.3": "llama-3-3-community-license",
    "llama4": "llama-4-community-license",
    "gemma": "gemma-terms-of-use",
    "bigscience-bloom-rail-1.0": "bigscience-bloom-rail-1-0",
}

# ``license: other`` + ``license_name`` -> slug of an atlas licence (names seen on the
# official repositories of those models; any other name stays unknown).
ATLAS_OTHER_NAMES = {
    "qwen": "qwen-license",
    "qwen-research": "qwen-research-license",
    "deepseek": "deepseek-license",
    "deepseek-license": "deepseek-license",
}


def license_key(key: str | None, name: str | None = None) -> str | None:
    """The Hub's licence as one string: the key, or ``other:<license_name>``."""
    if not key:
        return None
    key = str(key).strip().lower()
    if key == "other" and name:
        return f"other:{str(name).strip().lower()}"
    return key


def map_license(key: str | None, name: str | None = None) -> URIRef | None:
    """The atlas IRI for a Hub licence key (and ``license_name`` for ``other``), or None."""
    if not key:
        return None
    key = str(key).strip().lower()
    if key in SPDX_KEYS:
        return SPDX_LICENSES[SPDX_KEYS[key]]
    if key in ATLAS_KEYS:
        return ID[f"license/{ATLAS_KEYS[key]}"]
    if key == "other" and name and str(name).strip().lower() in ATLAS_OTHER_NAMES:
        return ID[f"license/{ATLAS_OTHER_NAMES[str(name).strip().lower()]}"]
    return None
