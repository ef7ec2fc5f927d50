"""OWL 2 RL inference, restricted to the rules the atlas's ontology uses.

owlrl is the reference (tests compare against it on the atlas) but closes a 10k-triple
graph in ~25 s; this engine reads the same axioms from the ontology and applies only
the rules they trigger, with a worklist, in well under a second:

- cax-sco, scm-sco, cax-eqc: subclass and equivalent-class typing
- prp-spo1, scm-spo, prp-eqp: subproperty and equivalent-property propagation
- prp-dom, prp-rng: domain and range typing
- prp-inv1/2, prp-symp: inverse and symmetric properties
- prp-trp: transitive properties
- prp-spo2: property chains (``owl:propertyChainAxiom``)

It does not produce owlrl's trivial output (``owl:sameAs`` reflexivity, ``owl:Thing``
typing, datatype axioms), nor anything from axioms the ontology does not contain:
an axiom of another kind fails loudly rather than being ignored (see ``SUPPORTED``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS

# Axiom predicates this engine understands; any other OWL axiom on an atlas term is an error.
SUPPORTED = {
    RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range, OWL.inverseOf,
    OWL.equivalentClass, OWL.equivalentProperty, OWL.propertyChainAxiom,
}
UNSUPPORTED = {
    OWL.sameAs, OWL.hasKey, OWL.someValuesFrom, OWL.allValuesFrom, OWL.hasValue, OWL.intersectionOf,
    OWL.unionOf, OWL.oneOf, OWL.maxCardinality, OWL.maxQualifiedCardinality, OWL.disjointWith,
    OWL.propertyDisjointWith, OWL.complementOf,
}


class UnsupportedAxiom(ValueError):
    pass


def closure(pairs: dict) -> dict:
    """Reflexive-transitive closure of a 'direct supers' map: node -> all supers incl. itself."""
    result = {}

    def supers(node, seen):
        out = {node}
        for parent in pairs.get(node, ()):
            if parent not in seen:
                out |= supers(parent, seen | {parent})
        return out

    for node in list(pairs):
        result[node] = supers(node, {node})
    return result


@dataclass
class TBox:
    """The axioms of the ontology, indexed for the rules."""

    superclasses: dict = field(default_factory=dict)
    superproperties: dict = field(default_factory=dict)
    domains: dict = field(default_factory=lambda: defaultdict(set))
    ranges: dict = field(default_factory=lambda: defaultdict(set))
    inverses: dict = field(default_factory=lambda: defaultdict(set))
    symmetric: set = field(default_factory=set)
    transitive: set = field(default_factory=set)
    chains: list = field(default_factory=list)  # (result property, [p1, p2, ...])

    @classmethod
    def from_graph(cls, ontology: Graph) -> "TBox":
        for pred in UNSUPPORTED:
            for s, _, _ in ontology.triples((None, pred, None)):
                raise UnsupportedAxiom(f"{s} uses {pred}, which the atlas reasoner does not implement; "
                                       "extend llm_atlas.reasoning (and its owlrl comparison test) first")
        sub_c, sub_p = defaultdict(set), defaultdict(set)
        for s, o in ontology.subject_objects(RDFS.subClassOf):
            if isinstance(o, URIRef):
                sub_c[s].add(o)
        for s, o in ontology.subject_objects(OWL.equivalentClass):
            if isinstance(o, URIRef):
                sub_c[s].add(o)
                sub_c[o].add(s)
        for s, o in ontology.subject_objects(RDFS.subPropertyOf):
            sub_p[s].add(o)
        for s, o in ontology.subject_objects(OWL.equivalentProperty):
            sub_p[s].add(o)
            sub_p[o].add(s)
        tbox = cls(superclasses=closure(sub_c), superproperties=closure(sub_p))
        for s, o in ontology.subject_objects(RDFS.domain):
            tbox.domains[s].add(o)
        for s, o in ontology.subject_objects(RDFS.range):
            tbox.ranges[s].add(o)
        for s, o in ontology.subject_objects(OWL.inverseOf):
            tbox.inverses[s].add(o)
            tbox.inverses[o].add(s)
        tbox.symmetric = set(ontology.subjects(RDF.type, OWL.SymmetricProperty))
        tbox.transitive = set(ontology.subjects(RDF.type, OWL.TransitiveProperty))
        for s, lst in ontology.subject_objects(OWL.propertyChainAxiom):
            tbox.chains.append((s, list(Collection(ontology, lst))))
        return tbox


def infer(ontology: Graph, asserted) -> set:
    """The triples OWL 2 RL entails from ``asserted`` under ``ontology``, minus those asserted."""
    tbox = TBox.from_graph(ontology)
    facts: set = set()
    by_sp: dict = defaultdict(set)  # (s, p) -> {o}
    by_po: dict = defaultdict(set)  # (p, o) -> {s}
    chain_positions = defaultdict(list)  # p -> [(chain index, position)]
    for i, (_, props) in enumerate(tbox.chains):
        for pos, p in enumerate(props):
            chain_positions[p].append((i, pos))
    queue = []

    def add(triple):
        if triple not in facts:
            facts.add(triple)
            s, p, o = triple
            by_sp[(s, p)].add(o)
            by_po[(p, o)].add(s)
            queue.append(triple)

    for triple in asserted:
        add(triple)
    asserted_set = set(facts)

    def walk(props, start, forward):
        """Nodes reachable from ``start`` along ``props`` (in order, or reversed backwards)."""
        nodes = {start}
        for p in props:
            nodes = {n2 for n in nodes for n2 in (by_sp[(n, p)] if forward else by_po[(p, n)])}
        return nodes

    while queue:
        s, p, o = queue.pop()
        resource_object = not isinstance(o, Literal)
        if p == RDF.type:
            for sup in tbox.superclasses.get(o, ()):
                add((s, RDF.type, sup))
            continue
        for sup in tbox.superproperties.get(p, ()):
            add((s, sup, o))
        for cls in tbox.domains.get(p, ()):
            add((s, RDF.type, cls))
        if resource_object:
            for cls in tbox.ranges.get(p, ()):
                add((o, RDF.type, cls))
            for inv in tbox.inverses.get(p, ()):
                add((o, inv, s))
            if p in tbox.symmetric:
                add((o, p, s))
        if p in tbox.transitive:
            for z in list(by_sp[(o, p)]):
                add((s, p, z))
            for w in list(by_po[(p, s)]):
                add((w, p, o))
        for i, pos in chain_positions.get(p, ()):
            result, props = tbox.chains[i]
            for start in walk(reversed(props[:pos]), s, forward=False):
                for end in walk(props[pos + 1:], o, forward=True):
                    add((start, result, end))
    return facts - asserted_set
