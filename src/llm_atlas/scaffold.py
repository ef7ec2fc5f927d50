"""``llm-atlas new <kind> <slug>``: a skeleton entity file to fill in.

Every value to fill in is a "TODO: …" string, which the shapes reject, so a skeleton
only validates once each TODO is replaced with a sourced value.
"""

from __future__ import annotations

from pathlib import Path

from llm_atlas.atlas import Layout
from llm_atlas.namespaces import KINDS, PREFIXES, curie
from llm_atlas.slug import slugify

# kind -> the properties its shape requires, with a hint for the value
REQUIRED = {
    "project": [("atlas:developedBy", "organization:<slug> of the leading organisation")],
    "model": [("atlas:developedBy", "organization:<slug>"), ("atlas:license", "spdx:<ID> or license:<slug>")],
    "org": [("atlas:organizationType", "vocab:research-institute, vocab:company, … (ontology/vocab/organization-types.ttl)")],
    "dataset": [("atlas:developedBy", "organization:<slug>")],
    "benchmark": [("atlas:developedBy", "organization:<slug>")],
    "leaderboard": [("atlas:developedBy", "organization:<slug>"), ("atlas:usesBenchmark", "benchmark:<slug>"),
                    ("foaf:homepage", "<https://…> of the ranking")],
    "framework": [("atlas:developedBy", "organization:<slug>")],
    "compute": [("atlas:operatedBy", "organization:<slug>"), ("atlas:resourceType", "vocab:supercomputer, vocab:cluster or vocab:cloud")],
    "partnership": [("atlas:supportsProject", "project:<slug>"), ("atlas:computeProvider", "organization:<slug>")],
    "license": [("atlas:licenseCategory", "vocab:osi-permissive, vocab:responsible-ai, … (ontology/vocab/license-categories.ttl)")],
    "forum": [],
    "collaboration": [("atlas:inProject", "project:<slug>"), ("atlas:participant", "organization:<slug>"),
                      ("atlas:artefactDomain", "vocab:data, vocab:models, …"), ("atlas:lifecycleStage", "vocab:pre-training, …"),
                      ("atlas:evidence", "vocab:developer-documentation or vocab:third-party-report")],
    "publication": [],
}


class ScaffoldError(ValueError):
    pass


def skeleton(kind: str, slug: str) -> str:
    """The Turtle text of a new entity of ``kind`` called ``slug``."""
    prefix = "organization" if kind == "org" else kind
    used = ["atlas", "dcterms", "foaf", "rdfs", "vocab", "xsd", "spdx", "organization", "project", "benchmark", prefix]
    lines = [f"@prefix {p}: <{PREFIXES[p]}> ." for p in sorted(set(used))]
    lines += ["", f"{prefix}:{slug} a {curie(KINDS[kind])} ;",
              '    rdfs:label "TODO: name as its developers write it"@en ;',
              '    dcterms:description "TODO: one or two sentences in your own words"@en ;']
    for prop, hint in REQUIRED[kind]:
        lines.append(f'    {prop} "TODO: {hint}" ;')
    lines.append('    dcterms:source "TODO: <https://…> of each document you read that states these facts" .')
    return "\n".join(lines) + "\n"


def new_entity(layout: Layout, kind: str, slug: str) -> Path:
    """Write ``graph/<kind>/<slug>.ttl``; refuse an unknown kind, a non-slug or an existing file."""
    if kind not in KINDS:
        raise ScaffoldError(f"unknown kind {kind!r}; use one of: {', '.join(KINDS)}")
    if slug != slugify(slug) or not slug:
        raise ScaffoldError(f"{slug!r} is not a slug; use {slugify(slug)!r}")
    path = layout.graph / kind / f"{slug}.ttl"
    if path.exists():
        raise ScaffoldError(f"{path} exists already; edit it instead")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(skeleton(kind, slug), encoding="utf-8")
    return path
