"""Draw a seeded random sample of curated facts for a source audit (docs/audit-*.md).

    python tools/sample_facts.py --seed 2026-12 --n 120 > sample.md

A fact is one asserted triple of graph/ whose predicate states something checkable: not the
type, label, description, sources, nor an assessment's rationale or evidence level (judgements
are audited for being labelled as such, not for truth). Each row names the file, the fact and
the sources of the node it is on (the entity, or its #sub-node): an auditor checks that one of
those sources states the fact.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
from llm_atlas.namespaces import ATLAS, curie  # noqa: E402

SKIP = {RDF.type, RDFS.label, DCTERMS.description, DCTERMS.source, ATLAS.rationale, ATLAS.evidence,
        URIRef("http://www.w3.org/2004/02/skos/core#altLabel")}


def facts(graph_dir: Path):
    for path in sorted(graph_dir.glob("*/*.ttl")):
        g = Graph().parse(path)
        for s, p, o in sorted(g):
            if p in SKIP or not isinstance(s, URIRef):
                continue
            if p in (ATLAS.qualifiedDerivation, ATLAS.qualifiedOrganizationalModel, ATLAS.qualifiedMotivation):
                continue  # the link to a sub-node; the sub-node's own facts are sampled
            label = g.value(o, RDFS.label) if isinstance(o, URIRef) else None
            shown = str(o) if isinstance(o, Literal) else curie(o)
            yield path.relative_to(graph_dir.parent), curie(s), curie(p), shown + (f" ({label})" if label else ""), \
                sorted(str(x) for x in g.objects(s, DCTERMS.source))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", default="audit")
    parser.add_argument("--n", type=int, default=120)
    args = parser.parse_args()
    every = list(facts(ROOT / "graph"))
    sample = random.Random(args.seed).sample(every, args.n)
    print(f"Sample of {args.n} of {len(every)} facts (seed {args.seed!r}).\n")
    print("| # | file | subject | property | value | node's sources | verdict |")
    print("|---|---|---|---|---|---|---|")
    for i, (path, s, p, o, sources) in enumerate(sample, 1):
        print(f"| {i} | {path} | {s} | {p} | {o} | {' '.join(sources)} | |")


if __name__ == "__main__":
    main()
