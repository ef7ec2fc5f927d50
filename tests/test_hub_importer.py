"""The Hub importer on recorded responses: depth, limit, resume, licences kept and reported."""

import json
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF

from llm_atlas.hub.area import check_imported, load_imported
from llm_atlas.hub.client import OfflineHub
from llm_atlas.hub.importer import CuratedIndex, StateError, base_models, import_tree, model_iri, output_paths
from llm_atlas.namespaces import ATLAS, VOCAB

ROOT = Path(__file__).resolve().parents[1]
HUB = ROOT / "tests" / "fixtures" / "hub"
INDEX = CuratedIndex.from_graph_folder(ROOT / "tests" / "fixtures" / "graph")
M = "https://w3id.org/llm-atlas/id/model/"
XSD_NS = "http://www.w3.org/2001/XMLSchema#"
WHEN = "2026-01-02T03:04:05Z"


def run(area, base="beta-corp/beta-1b", hub=None, **kw):
    kw.setdefault("depth", 2)
    return import_tree(hub or OfflineHub(HUB), base, area=area, index=INDEX, clock=lambda: WHEN, **kw)


def graph_of(area, base="beta-corp/beta-1b") -> Graph:
    return Graph().parse(output_paths(area, base)[0], format="nt")


def ids(g: Graph) -> set[str]:
    return {str(o) for o in g.objects(None, ATLAS.huggingFaceId)}


def test_depth_one_imports_the_direct_children_across_pages(tmp_path):
    report = run(tmp_path, depth=1)
    assert ids(graph_of(tmp_path)) == {"someone/beta-1b-chat", "quantfolk/beta-1b-GGUF", "lora-lab/beta-1b-lora", "mergers/beta-alpha-merge"}
    assert report.written == 4 and report.finished and not report.truncated
    assert report.not_found == ["ghost/removed-model"]


def test_depth_two_adds_the_grandchildren(tmp_path):
    run(tmp_path, depth=2)
    assert "quantfolk/beta-1b-chat-GGUF" in ids(graph_of(tmp_path))
    g = graph_of(tmp_path)
    assert (model_iri("quantfolk/beta-1b-chat-GGUF"), ATLAS.derivedFrom, model_iri("someone/beta-1b-chat")) in g


def test_limit_stops_the_walk_and_says_so(tmp_path):
    report = run(tmp_path, limit=2)
    assert report.written == 2 and report.truncated
    assert ids(graph_of(tmp_path)) == {"someone/beta-1b-chat", "quantfolk/beta-1b-GGUF"}


def test_one_model_as_written(tmp_path):
    run(tmp_path)
    g = graph_of(tmp_path)
    m = model_iri("someone/beta-1b-chat")
    api = URIRef("https://huggingface.co/api/models/someone/beta-1b-chat")
    d = URIRef(f"{m}#derivation")
    assert (m, RDF.type, ATLAS.Model) in g
    assert (m, DCTERMS.source, api) in g
    assert (api, PROV.generatedAtTime, Literal(WHEN, datatype=URIRef(XSD_NS + "dateTime"))) in g
    assert (m, ATLAS.license, URIRef("http://spdx.org/licenses/Apache-2.0")) in g
    assert (m, ATLAS.language, Literal("en", datatype=URIRef(XSD_NS + "language"))) in g
    assert (m, ATLAS.trainedOn, URIRef("https://w3id.org/llm-atlas/id/dataset/web-corpus")) in g  # only atlas datasets
    assert len(list(g.objects(m, ATLAS.trainedOn))) == 1
    assert (m, ATLAS.derivedFrom, URIRef(M + "beta-1b")) in g  # the curated base, by its atlas IRI
    assert (d, ATLAS.baseModel, URIRef(M + "beta-1b")) in g
    assert (d, ATLAS.derivationKind, VOCAB.finetune) in g
    assert (d, DCTERMS.source, api) in g
    assert not list(g.objects(m, ATLAS.developedBy))  # "someone" is not an atlas organisation


@pytest.mark.parametrize("repo, kind", [("quantfolk/beta-1b-GGUF", "quantized"), ("lora-lab/beta-1b-lora", "adapter"),
                                        ("someone/beta-1b-chat", "finetune")])
def test_relation_kinds_come_from_the_hub(tmp_path, repo, kind):
    run(tmp_path)
    assert (URIRef(f"{model_iri(repo)}#derivation"), ATLAS.derivationKind, VOCAB[kind]) in graph_of(tmp_path)


def test_a_merge_has_one_derivation_per_base(tmp_path):
    run(tmp_path)
    g = graph_of(tmp_path)
    m = model_iri("mergers/beta-alpha-merge")
    assert set(g.objects(m, ATLAS.derivedFrom)) == {URIRef(M + "beta-1b"), URIRef(M + "alpha-7b")}
    derivations = set(g.objects(m, ATLAS.qualifiedDerivation))
    assert len(derivations) == 2
    assert {g.value(d, ATLAS.derivationKind) for d in derivations} == {VOCAB.merge}


def test_unknown_licences_are_kept_and_reported(tmp_path):
    report = run(tmp_path)
    g = graph_of(tmp_path)
    assert (model_iri("quantfolk/beta-1b-GGUF"), DCTERMS.license, Literal("other:beta-community-license")) in g
    assert (model_iri("quantfolk/beta-1b-chat-GGUF"), DCTERMS.license, Literal("openrail")) in g
    assert report.unknown_licenses == {"other:beta-community-license": ["quantfolk/beta-1b-GGUF"], "openrail": ["quantfolk/beta-1b-chat-GGUF"]}
    assert report.missing_license == ["lora-lab/beta-1b-lora"]
    assert "unknown licence key 'openrail'" in report.text()


def test_card_languages_that_are_not_tags_are_left_out(tmp_path):
    run(tmp_path)
    langs = {str(o) for o in graph_of(tmp_path).objects(model_iri("quantfolk/beta-1b-chat-GGUF"), ATLAS.language)}
    assert langs == {"en", "yo"}  # "Multilingual" is not a BCP 47 tag


def test_curated_models_are_not_reimported_but_linked(tmp_path):
    report = run(tmp_path, base="alpha/alpha-7b")
    g = graph_of(tmp_path, "alpha/alpha-7b")
    assert report.curated == ["alpha/alpha-7b-instruct"]
    assert ids(g) == {"mergers/beta-alpha-merge", "fan/alpha-7b-instruct-GGUF"}
    assert (model_iri("fan/alpha-7b-instruct-GGUF"), ATLAS.derivedFrom, URIRef(M + "alpha-7b-instruct")) in g
    assert (model_iri("fan/alpha-7b-instruct-GGUF"), ATLAS.developedBy, None) not in g


class Interrupting(OfflineHub):
    """Offline hub that raises KeyboardInterrupt on the n-th model info read."""

    def __init__(self, folder, stop_at):
        super().__init__(folder)
        self.stop_at, self.infos = stop_at, 0

    def model_info(self, repo_id):
        self.infos += 1
        if self.infos == self.stop_at:
            raise KeyboardInterrupt
        return super().model_info(repo_id)


def test_an_interrupted_walk_resumes_to_the_same_output(tmp_path):
    whole = tmp_path / "whole"
    run(whole)
    part = tmp_path / "part"
    with pytest.raises(KeyboardInterrupt):
        run(part, hub=Interrupting(HUB, stop_at=4), checkpoint=2)
    out, state_path = output_paths(part, "beta-corp/beta-1b")
    state = json.loads(state_path.read_text())
    assert not state["finished"] and state["report"]["written"] == 2
    report = run(part)
    assert report.resumed and report.finished and report.written == 5
    assert out.read_bytes() == output_paths(whole, "beta-corp/beta-1b")[0].read_bytes()


def test_resume_with_other_options_is_refused_unless_restarted(tmp_path):
    with pytest.raises(KeyboardInterrupt):
        run(tmp_path, hub=Interrupting(HUB, stop_at=3), checkpoint=1)
    with pytest.raises(StateError):
        run(tmp_path, depth=1)
    assert run(tmp_path, depth=1, restart=True).written == 4


def test_a_finished_walk_runs_afresh(tmp_path):
    run(tmp_path, depth=1)
    report = run(tmp_path, depth=2)
    assert not report.resumed and report.written == 5


def test_imported_data_passes_its_shape_with_a_warning_for_the_missing_licence(tmp_path):
    run(tmp_path / "imported")
    findings = check_imported(load_imported(tmp_path / "imported"))
    assert [(f.severity, f.focus) for f in findings] == [("Warning", str(model_iri("lora-lab/beta-1b-lora")))]


def test_base_models_reads_tags_and_card():
    info = json.loads((HUB / "models/mergers/beta-alpha-merge.json").read_text())
    assert base_models(info) == [("beta-corp/beta-1b", "merge"), ("alpha/alpha-7b", "merge")]
    assert base_models({"cardData": {"base_model": "x/y"}}) == [("x/y", None)]
    assert base_models({}) == []
