"""A synthetic model tree in the shape of the Hugging Face Hub's, for scale benchmarks.

Base models from a few organisations; each derived model picks a parent by preferential
attachment within its family (popular models get more children, as on the Hub) and is a
fine-tune, quantisation, adapter or merge (merges have two parents). Every model has a
licence, most fine-tunes a dataset. Output is N-Triples, streamed: nothing is held in
memory but the list of model ids of the current family.

    python bench/lineage.py --triples 1000000 > lineage.nt
"""

from __future__ import annotations

import argparse
import random
import sys

ATLAS = "https://w3id.org/llm-atlas/ontology#"
VOCAB = "https://w3id.org/llm-atlas/vocab#"
ID = "https://w3id.org/llm-atlas/id/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SOURCE = "http://purl.org/dc/terms/source"
KINDS = [("finetune", 0.5), ("quantized", 0.25), ("adapter", 0.15), ("merge", 0.10)]
LICENSES = ["http://spdx.org/licenses/Apache-2.0", "http://spdx.org/licenses/MIT", ID + "license/synthetic-community",
            ID + "license/synthetic-rail", "http://spdx.org/licenses/CC-BY-NC-4.0"]
TRIPLES_PER_MODEL = 11  # average, measured on the generator's output; used to size the tree


def _t(s, p, o):
    return f"<{s}> <{p}> {o} .\n"


def _iri(x):
    return f"<{x}>"


def generate(target_triples: int, *, seed: int = 0, family_size: int = 2000, out=sys.stdout) -> dict:
    """Write about ``target_triples`` triples; return counts (models, bases, triples)."""
    rng = random.Random(seed)
    models_wanted = max(target_triples // TRIPLES_PER_MODEL, 1)
    written = models = bases = 0
    orgs = [f"{ID}org/synthetic-{i}" for i in range(200)]
    datasets = [f"{ID}dataset/synthetic-{i}" for i in range(500)]
    kinds, weights = zip(*KINDS)
    buffer = []

    def emit(line):
        nonlocal written
        buffer.append(line)
        written += 1
        if len(buffer) >= 10000:
            out.write("".join(buffer))
            buffer.clear()

    family = 0
    while models < models_wanted:
        family += 1
        # Each model stands in the bag once, plus once per child: a uniform draw from the
        # bag is preferential attachment in O(1).
        bag: list[str] = []
        size = min(family_size, models_wanted - models)
        for i in range(size):
            model = f"{ID}model/synthetic-{family}-{i}"
            emit(_t(model, RDF_TYPE, _iri(ATLAS + "Model")))
            emit(_t(model, LABEL, f'"Synthetic {family}-{i}"@en'))
            emit(_t(model, ATLAS + "developedBy", _iri(rng.choice(orgs))))
            emit(_t(model, ATLAS + "license", _iri(rng.choice(LICENSES))))
            emit(_t(model, SOURCE, _iri(f"https://example.org/synthetic/{family}/{i}")))
            if i == 0:
                bases += 1
                emit(_t(model, ATLAS + "trainedOn", _iri(rng.choice(datasets))))
            else:
                kind = rng.choices(kinds, weights)[0]
                parents = {rng.choice(bag)}
                if kind == "merge":
                    parents.add(rng.choice(bag))
                for n, parent in enumerate(sorted(parents)):
                    derivation = f"{model}#derivation-{n}"
                    emit(_t(model, ATLAS + "derivedFrom", _iri(parent)))
                    emit(_t(model, ATLAS + "qualifiedDerivation", _iri(derivation)))
                    emit(_t(derivation, RDF_TYPE, _iri(ATLAS + "Derivation")))
                    emit(_t(derivation, ATLAS + "baseModel", _iri(parent)))
                    emit(_t(derivation, ATLAS + "derivationKind", _iri(VOCAB + kind)))
                    bag.append(parent)
                if kind == "finetune" and rng.random() < 0.6:
                    emit(_t(model, ATLAS + "trainedOn", _iri(rng.choice(datasets))))
            bag.append(model)
            models += 1
    out.write("".join(buffer))
    return {"models": models, "bases": bases, "families": family, "triples": written}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=float, default=1e6, help="about how many triples (default 1e6)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    counts = generate(int(args.triples), seed=args.seed)
    print(counts, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
