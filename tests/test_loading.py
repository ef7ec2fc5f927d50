"""Layout rules of graph files: one entity per file, named by its IRI, no blank nodes."""

from pathlib import Path

import pytest

from llm_atlas.loading import SourceError, parse_turtle, read_graph_file

HEAD = """@prefix atlas: <https://w3id.org/llm-atlas/ontology#> .
@prefix model: <https://w3id.org/llm-atlas/id/model/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""


def write(root: Path, rel: str, body: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEAD + body)
    return path


def rules(root, path):
    return [p.rule for p in read_graph_file(root, path)[1]]


def test_a_well_formed_file_breaks_no_layout_rule(tmp_path):
    path = write(tmp_path, "model/a.ttl", 'model:a a atlas:Model ; rdfs:label "A"@en .\n'
                 '<https://w3id.org/llm-atlas/id/model/a#derivation> a atlas:Derivation .\n')
    assert rules(tmp_path, path) == []


def test_a_tombstone_keeps_its_file_under_the_kind_it_had(tmp_path):
    path = write(tmp_path, "model/a.ttl", 'model:a a atlas:RetiredEntity ; atlas:retiredType atlas:Model .')
    assert rules(tmp_path, path) == []


@pytest.mark.parametrize("rel, body, rule", [
    ("model/a.ttl", 'model:a a atlas:Model ; rdfs:seeAlso [ rdfs:label "x" ] .', "no-blank-nodes"),
    ("model/a.ttl", 'model:a a atlas:Model .\nmodel:b a atlas:Model .', "one-entity-per-file"),
    ("model/a.ttl", 'model:a a atlas:Dataset .', "file-class"),
    ("model/a.ttl", 'model:a a atlas:RetiredEntity ; atlas:retiredType atlas:Dataset .', "file-class"),
    ("model/b.ttl", 'model:a a atlas:Model .', "one-entity-per-file"),
    ("models/a.ttl", 'model:a a atlas:Model .', "file-layout"),
    ("model/A_b.ttl", '<https://w3id.org/llm-atlas/id/model/A_b> a atlas:Model .', "slug-form"),
    ("model/a.ttl", '# curator-slice-A\nmodel:a a atlas:Model .', "stray-comment"),
])
def test_layout_rule(tmp_path, rel, body, rule):
    assert rule in rules(tmp_path, write(tmp_path, rel, body))


def test_spdx_licence_file_is_named_by_its_id(tmp_path):
    body = '@prefix spdx: <http://spdx.org/licenses/> .\nspdx:Apache-2.0 a atlas:License .'
    assert rules(tmp_path, write(tmp_path, "license/apache-2-0.ttl", body)) == []
    assert "one-entity-per-file" in rules(tmp_path, write(tmp_path, "license/mit.ttl", body))


def test_syntax_error_names_line_and_column(tmp_path):
    path = write(tmp_path, "model/a.ttl", "model:a a atlas:Model ;\n    rdfs:label .\n")
    with pytest.raises(SourceError) as err:
        parse_turtle(path)
    assert (err.value.line, err.value.column) == (5, 16)  # 1-based: the "." where an object should be
    assert str(err.value).startswith(f"{path}:5:16: ")


def test_plain_literals_stay_plain():
    path = Path(__file__).parent / "fixtures" / "graph" / "model" / "alpha-7b.ttl"
    literals = [o for _, _, o in parse_turtle(path) if getattr(o, "value", None) == "alpha/alpha-7b"]
    assert literals and literals[0].datatype is None
