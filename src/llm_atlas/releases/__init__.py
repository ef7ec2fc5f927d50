"""Releases others can cite and link to: versioned releases, a semantic diff, IRIs that never break.

Modules, one concern each:

- :mod:`~llm_atlas.releases.record`: the release record in the repository
  (``releases/releases.toml`` and ``releases/<version>/iris.txt``), versions and versioned file names;
- :mod:`~llm_atlas.releases.commits`: a commit as a folder, and building it with its own code;
- :mod:`~llm_atlas.releases.publish`: ``llm-atlas release`` and ``rebuild`` (a release is built from
  its commit, its files written under versioned names, its checksums recorded);
- :mod:`~llm_atlas.releases.describe`: each release in the VoID/DCAT description and in ``CITATION.cff``;
- :mod:`~llm_atlas.releases.neverbreak`: the build check that every published IRI still answers;
- :mod:`~llm_atlas.releases.retire`: ``llm-atlas retire`` (tombstones);
- :mod:`~llm_atlas.releases.diff`: the semantic diff between two builds (``llm-atlas diff``) and the
  CHANGELOG data section made from it;
- :mod:`~llm_atlas.releases.web`: ``/releases``, ``/downloads/<version>/…``, the diff pages, and the
  301/410 answers for retired IRIs;
- :mod:`~llm_atlas.releases.cli`: the ``release``, ``rebuild``, ``diff`` and ``retire`` commands.

Imports point down the data's path: nothing in the build pipeline imports this package except
the one-line hooks in ``validation`` (the never-break check) and ``void`` (the version triples).
"""
