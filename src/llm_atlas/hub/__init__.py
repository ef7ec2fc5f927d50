"""Post-release reuse: importing the Hugging Face Hub's model tree into a separate import area.

Modules: :mod:`~llm_atlas.hub.client` (the Hub API: live, recorded, offline),
:mod:`~llm_atlas.hub.licenses` (Hub licence keys -> atlas licence IRIs),
:mod:`~llm_atlas.hub.importer` (the walk, streamed to N-Triples, resumable),
:mod:`~llm_atlas.hub.area` (the import area the build loads, and its shape),
:mod:`~llm_atlas.hub.cli` (``llm-atlas import huggingface`` and ``llm-atlas lineage report``).
"""
