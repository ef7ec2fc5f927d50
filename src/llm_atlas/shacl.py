"""SHACL Core, restricted to the constraint components the atlas shapes use, in plain Python.

pyshacl is the reference engine (``validate --engine pyshacl``; the shape-case tests run every
case through both and require identical results). It takes about a second on the atlas;
this engine indexes the data once and checks the same shapes in a few tens of milliseconds,
which is what makes ``build`` and the contributors' ``validate`` loop fast.

Supported: targets ``sh:targetClass`` (with ``rdfs:subClassOf*``), property shapes whose path
is an IRI or a sequence, and the components in ``COMPONENTS``. A shape using anything else
raises :class:`UnsupportedShape` — silently skipping a constraint would let bad data through.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD

from llm_atlas.reasoning import closure

# Parameters of the supported constraint components -> the component IRI reported.
COMPONENTS = {
    SH["class"]: SH.ClassConstraintComponent,
    SH.nodeKind: SH.NodeKindConstraintComponent,
    SH.minCount: SH.MinCountConstraintComponent,
    SH.maxCount: SH.MaxCountConstraintComponent,
    SH.datatype: SH.DatatypeConstraintComponent,
    SH.pattern: SH.PatternConstraintComponent,
    SH.minInclusive: SH.MinInclusiveConstraintComponent,
    SH.maxInclusive: SH.MaxInclusiveConstraintComponent,
    SH.uniqueLang: SH.UniqueLangConstraintComponent,
    SH["in"]: SH.InConstraintComponent,
    SH["or"]: SH.OrConstraintComponent,
}
# Shape predicates that are not constraints.
STRUCTURE = {RDF.type, SH.targetClass, SH.property, SH.path, SH.message, SH.name, SH.description, RDFS.comment,
             RDFS.label, SH.severity}


class UnsupportedShape(ValueError):
    pass


@dataclass(frozen=True)
class Result:
    """One validation result, with the fields of an ``sh:ValidationResult``."""

    focus: object
    path: object  # an IRI, or a tuple of IRIs for a sequence path
    component: URIRef
    shape: object  # the property shape (a blank node in the atlas shapes)
    value: object | None
    message: str


# Namespace attribute look-ups are slow in loops.
TYPE, SUBCLASS, LANG_STRING, STRING = RDF.type, RDFS.subClassOf, RDF.langString, XSD.string
NODE_KINDS = {SH.IRI: URIRef, SH.BlankNode: BNode, SH.Literal: Literal}


class Index:
    """Subject -> predicate -> objects, and instances per class (through ``rdfs:subClassOf*``)."""

    def __init__(self, *graphs: Graph):
        out: dict = defaultdict(lambda: defaultdict(dict))  # dicts as ordered sets
        for graph in graphs:
            for s, p, o in graph:
                out[s][p][o] = None
        self.out = out
        supers = closure({s: preds[SUBCLASS] for s, preds in out.items() if SUBCLASS in preds})
        self.members = defaultdict(set)  # class -> its instances, incl. those of subclasses
        for s, preds in out.items():
            for t in preds.get(TYPE, ()):
                for cls in supers.get(t, (t,)):
                    self.members[cls].add(s)

    def is_instance(self, node, cls) -> bool:
        return node in self.members.get(cls, ())

    def instances(self, cls) -> set:
        return self.members.get(cls, set())

    def values(self, node, path) -> list:
        nodes = [node]
        for step in (path if isinstance(path, tuple) else (path,)):
            nodes = list(dict.fromkeys(o for n in nodes for o in self.out.get(n, {}).get(step, ())))
        return nodes


@dataclass
class PropertyShape:
    node: BNode | URIRef
    path: object
    constraints: list  # (parameter's local name, e.g. "minCount"; its value)
    message: str


@dataclass
class NodeShape:
    node: URIRef
    targets: list
    properties: list


def compile_shapes(shapes: Graph) -> list[NodeShape]:
    """The node shapes of ``shapes``; UnsupportedShape for anything this engine cannot check."""
    out = []
    for shape in sorted(set(shapes.subjects(RDF.type, SH.NodeShape))):
        for p in set(shapes.predicates(shape)) - STRUCTURE:
            raise UnsupportedShape(f"{shape}: node-shape constraint {p} is not supported; validate with --engine pyshacl")
        props = [_property_shape(shapes, ps) for ps in shapes.objects(shape, SH.property)]
        out.append(NodeShape(shape, sorted(shapes.objects(shape, SH.targetClass)), props))
    return out


def _property_shape(shapes: Graph, node) -> PropertyShape:
    path = shapes.value(node, SH.path)
    if isinstance(path, BNode):
        path = tuple(Collection(shapes, path))
        if not all(isinstance(step, URIRef) for step in path):
            raise UnsupportedShape(f"{node}: only IRI and sequence paths are supported")
    constraints = []
    for p, o in shapes.predicate_objects(node):
        if p in STRUCTURE:
            continue
        if p not in COMPONENTS:
            raise UnsupportedShape(f"property shape on {path}: {p} is not supported; validate with --engine pyshacl")
        if p == SH.nodeKind and o not in NODE_KINDS:
            raise UnsupportedShape(f"sh:nodeKind {o} is not supported")
        if p == SH["in"]:
            o = list(Collection(shapes, o))
        elif p == SH["or"]:
            o = [_alternative(shapes, member) for member in Collection(shapes, o)]
        constraints.append((str(p).removeprefix(str(SH)), o))
    return PropertyShape(node, path, constraints, str(shapes.value(node, SH.message) or ""))


def _alternative(shapes: Graph, member) -> URIRef:
    """A member of an ``sh:or`` list: the atlas uses only ``[ sh:class C ]``."""
    preds = set(shapes.predicates(member))
    if preds != {SH["class"]}:
        raise UnsupportedShape(f"sh:or members must be [ sh:class C ]; found {sorted(preds)}")
    return shapes.value(member, SH["class"])


def validate(data: list[Graph], shapes: list[NodeShape], focus_nodes=None) -> list[Result]:
    """Every violation of ``shapes`` in the union of the ``data`` graphs (only ``focus_nodes`` if given)."""
    index = Index(*data)
    wanted = None if focus_nodes is None else set(focus_nodes)
    results = []
    for shape in shapes:
        focus = set().union(*(index.instances(c) for c in shape.targets)) if shape.targets else set()
        if wanted is not None:
            focus &= wanted
        for node in sorted(focus):
            for prop in shape.properties:
                results += _check(index, node, prop)
    return results


def _check(index: Index, focus, prop: PropertyShape) -> list[Result]:
    values = index.values(focus, prop.path)
    found = []

    def fail(parameter, value=None):
        found.append(Result(focus, prop.path, COMPONENTS[SH[parameter]], prop.node, value, prop.message))

    for parameter, arg in prop.constraints:
        if parameter == "minCount":
            if len(values) < int(arg):
                fail(parameter)
        elif parameter == "maxCount":
            if len(values) > int(arg):
                fail(parameter)
        elif parameter == "uniqueLang":
            if bool(arg.toPython()):
                langs = defaultdict(int)
                for v in values:
                    if isinstance(v, Literal) and v.language:
                        langs[v.language.lower()] += 1
                for n in langs.values():
                    if n > 1:
                        fail(parameter)
        else:
            for v in values:
                if not _value_ok(index, parameter, arg, v):
                    fail(parameter, v)
    return found


def _value_ok(index: Index, parameter, arg, v) -> bool:
    if parameter == "class":
        return not isinstance(v, Literal) and index.is_instance(v, arg)
    if parameter == "nodeKind":
        return isinstance(v, NODE_KINDS[arg])
    if parameter == "datatype":
        if not isinstance(v, Literal):
            return False
        datatype = v.datatype or (LANG_STRING if v.language else STRING)
        return datatype == arg and not v.ill_typed
    if parameter == "pattern":
        return not isinstance(v, BNode) and re.search(str(arg), str(v)) is not None
    if parameter in ("minInclusive", "maxInclusive"):
        return _compare(v, arg, parameter == "minInclusive")
    if parameter == "in":
        return v in arg
    if parameter == "or":
        return not isinstance(v, Literal) and any(index.is_instance(v, cls) for cls in arg)
    raise UnsupportedShape(f"{parameter} is not supported")


def _compare(v, bound: Literal, lower: bool) -> bool:
    """``v >= bound`` (or ``<=``); values that cannot be compared violate the constraint."""
    if not isinstance(v, Literal) or v.ill_typed:
        return False
    a, b = v.toPython(), bound.toPython()
    try:
        return a >= b if lower else a <= b
    except TypeError:
        return False
