"""Outside identifiers -> atlas IRIs: the forms people type, the index, `llm-atlas lookup` and GET /lookup.

The fixture atlas links its organisations to ROR and Wikidata, holds Hub ids, arXiv ids, SPDX
licences and source repositories; `shared_id_dist` (conftest) adds one Wikidata item shared by a
project and its model (the Gamma project and Gamma 3B), so a lookup can have two answers.
"""

import pyoxigraph as ox
import pytest

from llm_atlas.cli import main
from llm_atlas.lookup import BadIdentifier, Index, Key, keys
from llm_atlas.query import load_store
from served import open_atlas

ID = "https://w3id.org/llm-atlas/id/"
ATLAS = "https://w3id.org/llm-atlas/ontology#"
SKOS_EXACT_MATCH = "http://www.w3.org/2004/02/skos/core#exactMatch"


# --- the forms people type ----------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("Q42", ["wikidata:Q42"]),
    ("q42", ["wikidata:Q42"]),
    ("wd:Q42", ["wikidata:Q42"]),
    ("http://www.wikidata.org/entity/Q42", ["wikidata:Q42", "iri:https://www.wikidata.org/entity/Q42"]),
    ("https://www.wikidata.org/wiki/Q42", ["wikidata:Q42", "iri:https://www.wikidata.org/wiki/Q42"]),
    ("<http://www.wikidata.org/entity/Q42>", ["wikidata:Q42", "iri:https://www.wikidata.org/entity/Q42"]),
    ("https://ror.org/05AMSZ404", ["ror:05amsz404", "iri:https://ror.org/05AMSZ404"]),
    ("ror.org/05amsz404", ["ror:05amsz404"]),
    ("05amsz404", ["ror:05amsz404"]),
    ("arXiv:2307.09288v2", ["arxiv:2307.09288"]),
    ("arxiv: 2307.09288", ["arxiv:2307.09288"]),
    ("2307.09288", ["arxiv:2307.09288"]),
    ("https://arxiv.org/pdf/2307.09288v1.pdf", ["arxiv:2307.09288", "iri:https://arxiv.org/pdf/2307.09288v1.pdf"]),
    ("10.48550/arXiv.2307.09288", ["arxiv:2307.09288", "doi:10.48550/arxiv.2307.09288"]),
    ("cs/0112017", ["arxiv:cs/0112017", "huggingface:cs/0112017", "github:cs/0112017"]),
    ("10.18653/V1/2020.ACL-main.747", ["doi:10.18653/v1/2020.acl-main.747"]),
    ("doi:10.1000/xyz", ["doi:10.1000/xyz"]),
    ("https://doi.org/10.1000/xyz", ["doi:10.1000/xyz", "iri:https://doi.org/10.1000/xyz"]),
    ("spdx:Apache-2.0", ["spdx:apache-2.0"]),
    ("https://spdx.org/licenses/MIT.html", ["spdx:mit", "iri:https://spdx.org/licenses/MIT.html"]),
    ("https://huggingface.co/meta-llama/Llama-2-7b-hf/tree/main",
     ["huggingface:meta-llama/llama-2-7b-hf", "iri:https://huggingface.co/meta-llama/Llama-2-7b-hf/tree/main"]),
    ("hf.co/datasets/allenai/dolma", ["huggingface:allenai/dolma"]),
    ("https://huggingface.co/allenai", ["huggingface:allenai", "iri:https://huggingface.co/allenai"]),
    ("hf:allenai/OLMo-2-1124-7B", ["huggingface:allenai/olmo-2-1124-7b"]),
    ("https://huggingface.co/spaces/open-llm-leaderboard/open_llm_leaderboard",
     ["iri:https://huggingface.co/spaces/open-llm-leaderboard/open_llm_leaderboard"]),
    ("https://github.com/EleutherAI/gpt-neox.git", ["github:eleutherai/gpt-neox", "iri:https://github.com/EleutherAI/gpt-neox.git"]),
    ("git@github.com:EleutherAI/gpt-neox.git", ["github:eleutherai/gpt-neox"]),
    ("model:alpha-7b", [f"iri:{ID}model/alpha-7b"]),
    ("HTTP://Example.ORG/x/", ["iri:https://example.org/x"]),
    ("urn:isbn:0451450523", ["iri:urn:isbn:0451450523"]),
])
def test_identifier_forms(text, expected):
    assert [str(k) for k in keys(text)] == expected


def test_a_bare_word_is_only_a_guess():
    """A bare word may be an SPDX id or a Hub account; the reading says it was guessed."""
    assert [(str(k), k.reading) for k in keys("allenai")] == [("spdx:allenai", "guess"), ("huggingface:allenai", "guess")]
    assert all(k.reading == "strict" for k in keys("allenai/dolma"))


@pytest.mark.parametrize("text, message", [
    ("", "no identifier given"),
    ("   ", "no identifier given"),
    ("Alpha Lab", "is not an identifier the atlas reads"),
    ("x" * 3000, "longer than 2048 characters"),
    ("Q42\x00", "control characters"),
])
def test_bad_input_is_refused_with_a_message(text, message):
    with pytest.raises(BadIdentifier, match=message):
        keys(text)


# --- the index on the fixture atlas ---------------------------------------------------------

@pytest.fixture(scope="module")
def index(fixture_store):
    return Index.from_store(fixture_store)


@pytest.mark.parametrize("text, entity", [
    ("https://ror.org/04abcde12", "org/alpha-lab"),
    ("04ABCDE12", "org/alpha-lab"),
    ("ror.org/05betac34", "org/beta-corp"),
    ("Q1000001", "org/alpha-lab"),
    ("wd:Q1000002", "org/beta-corp"),
    ("https://www.wikidata.org/wiki/Q1000002", "org/beta-corp"),
    ("alpha/alpha-7b", "model/alpha-7b"),
    ("Alpha/Alpha-7B-Instruct", "model/alpha-7b-instruct"),
    ("https://huggingface.co/alpha/alpha-7b/blob/main/README.md", "model/alpha-7b"),
    ("https://huggingface.co/datasets/alpha/web-corpus", "dataset/web-corpus"),
    ("https://huggingface.co/alpha", "org/alpha-lab"),
    ("beta-corp", "org/beta-corp"),  # a bare Hub account
    ("2401.00002", "publication/bench-qa-paper"),
    ("arXiv:2509.00001v3", "publication/study"),
    ("https://arxiv.org/abs/2509.00001", "publication/study"),
    ("10.48550/arXiv.2401.00002", "publication/bench-qa-paper"),
    ("MIT", "http://spdx.org/licenses/MIT"),
    ("apache-2.0", "http://spdx.org/licenses/Apache-2.0"),
    ("https://spdx.org/licenses/ODC-By-1.0.html", "http://spdx.org/licenses/ODC-By-1.0"),
    ("https://github.com/Gamma-Collective/evalkit.git", "framework/evalkit"),
    ("http://git.example.org/trainer-x/", "framework/trainer-x"),
    (f"{ID}model/beta-1b", "model/beta-1b"),
    ("dataset:yoruba-corpus", "dataset/yoruba-corpus"),
])
def test_lookup_finds_the_entity(index, text, entity):
    iri = entity if entity.startswith("http") else ID + entity
    assert [m.iri for m in index.lookup(text)] == [iri]


def test_lookup_of_an_identifier_two_entities_share(shared_id_dist):
    """One Wikidata item for the Gamma project and its model: both, by label."""
    found = Index.from_store(load_store(shared_id_dist)).lookup("http://www.wikidata.org/entity/Q1000004")
    assert [(m.iri, m.label, m.type) for m in found] == [
        (ID + "project/gamma", "Gamma", ATLAS + "Project"),
        (ID + "model/gamma-3b", "Gamma 3B", ATLAS + "Model"),
    ]
    assert found[0].via == (Key("wikidata", "Q1000004"), Key("iri", "https://www.wikidata.org/entity/Q1000004"))


@pytest.mark.parametrize("text", ["Q999999", "https://ror.org/012345678", "nobody/nothing", "2401.99999",
                                  "GPL-3.0-only", "https://example.org/nothing", f"{ID}model/no-such-model"])
def test_unknown_identifiers_find_nothing(index, text):
    assert index.lookup(text) == []


def test_a_strict_reading_wins_over_a_guess(fixture_store):
    """If a bare word is an SPDX id of one entity and a Hub account of another, both are guesses
    and both are answers; a strict form (``spdx:MIT``) names only its own."""
    store = ox.Store()
    store.extend(fixture_store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    store.add(ox.Quad(ox.NamedNode(ID + "org/beta-corp"), ox.NamedNode(ATLAS + "huggingFaceId"), ox.Literal("mit")))
    index = Index.from_store(store)
    assert sorted(m.iri for m in index.lookup("MIT")) == ["http://spdx.org/licenses/MIT", ID + "org/beta-corp"]
    assert [m.iri for m in index.lookup("spdx:MIT")] == ["http://spdx.org/licenses/MIT"]


def test_dois_are_found_in_any_case_and_form(fixture_store):
    """Publications link their DOI as skos:exactMatch <https://doi.org/10.…>; DOIs ignore case."""
    store = ox.Store()
    store.extend(fixture_store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    store.add(ox.Quad(ox.NamedNode(ID + "publication/study"), ox.NamedNode(SKOS_EXACT_MATCH),
                      ox.NamedNode("https://doi.org/10.5555/Study.2025")))
    index = Index.from_store(store)
    for text in ("10.5555/study.2025", "doi:10.5555/STUDY.2025", "https://doi.org/10.5555/Study.2025",
                 "http://dx.doi.org/10.5555/study.2025"):
        assert [m.iri for m in index.lookup(text)] == [ID + "publication/study"], text


def test_links_are_counted_per_outside_dataset(index):
    """Each identifier the atlas states counts once, in its most specific dataset (an arXiv id and
    the abstract IRI the build derives from it are one; arXiv's DOI is another); an entity's own
    IRI (an SPDX licence's too) is no link."""
    counts = {scheme: dict(by_class) for scheme, by_class in index.counts().items()}
    assert counts == {
        "wikidata": {ATLAS + "Organization": 2, ATLAS + "Model": 1},
        "doi": {ATLAS + "Publication": 2},
        "ror": {ATLAS + "Organization": 3},
        "huggingface": {ATLAS + "Organization": 2, ATLAS + "Model": 3, ATLAS + "Dataset": 1},
        "arxiv": {ATLAS + "Publication": 2},
        "spdx": {ATLAS + "License": 3},
        "github": {ATLAS + "SoftwareFramework": 1},
        "iri": {ATLAS + "SoftwareFramework": 1},  # Trainer X's repository on its own host
    }


# --- llm-atlas lookup ---------------------------------------------------------------------

def test_cli_prints_the_iri_label_and_class(fixture_dist, capsys):
    assert main(["lookup", "https://ror.org/04abcde12", "--dist", str(fixture_dist)]) == 0
    assert capsys.readouterr().out == f"{ID}org/alpha-lab\tAlpha Lab\tatlas:Organization\n"


def test_cli_lists_every_entity_of_a_shared_identifier(shared_id_dist, capsys):
    assert main(["lookup", "Q1000004", "--dist", str(shared_id_dist)]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == [f"{ID}project/gamma\tGamma\tatlas:Project", f"{ID}model/gamma-3b\tGamma 3B\tatlas:Model"]
    assert "2 atlas entities have the identifier 'Q1000004'" in err


def test_cli_json(fixture_dist, capsys):
    import json

    assert main(["lookup", "alpha/alpha-7b", "--dist", str(fixture_dist), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == [{"id": ID + "model/alpha-7b", "name": "Alpha 7B", "type": ATLAS + "Model"}]


def test_cli_not_found_exits_1(fixture_dist, capsys):
    assert main(["lookup", "Q999999", "--dist", str(fixture_dist)]) == 1
    out, err = capsys.readouterr()
    assert out == "" and "no atlas entity has the identifier 'Q999999' (read as wikidata:Q999999)" in err


def test_cli_bad_input_exits_2(fixture_dist, capsys):
    assert main(["lookup", "not an id", "--dist", str(fixture_dist)]) == 2
    assert "is not an identifier the atlas reads" in capsys.readouterr().err


def test_cli_without_a_build_exits_2(tmp_path, capsys):
    assert main(["lookup", "Q1", "--dist", str(tmp_path)]) == 2
    assert "holds no build" in capsys.readouterr().err


# --- GET /lookup ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def atlas(shared_id_dist, tmp_path_factory):
    atlas = open_atlas(shared_id_dist, tmp_path_factory.mktemp("store"), workers=1)
    yield atlas
    atlas.close()


def test_http_one_entity_answers_303_to_its_iri(client):
    r = client.get("/lookup", params={"id": "wd:Q1000001"})
    assert r.status_code == 303
    assert r.headers["location"] == ID + "org/alpha-lab"
    assert "Accept" in r.headers["vary"]


def test_http_several_entities_answer_300_with_the_choices(client):
    r = client.get("/lookup", params={"id": "Q1000004"})
    assert r.status_code == 300 and "location" not in r.headers
    assert r.text.splitlines()[1:] == [f"{ID}project/gamma\tGamma\tatlas:Project", f"{ID}model/gamma-3b\tGamma 3B\tatlas:Model"]
    page = client.get("/lookup", params={"id": "Q1000004"}, headers={"Accept": "text/html"})
    assert page.status_code == 300 and page.headers["content-type"].startswith("text/html")
    assert '<a href="/page/project/gamma">Gamma</a>' in page.text and '<a href="/page/model/gamma-3b">Gamma 3B</a>' in page.text
    data = client.get("/lookup", params={"id": "Q1000004"}, headers={"Accept": "application/json"}).json()
    assert [m["id"] for m in data["matches"]] == [ID + "project/gamma", ID + "model/gamma-3b"]
    assert data["matches"][0]["type"] == {"id": ATLAS + "Project", "name": "Project"}


def test_http_unknown_identifier_is_404(client):
    r = client.get("/lookup", params={"id": "https://ror.org/012345678"})
    assert r.status_code == 404
    assert r.text == "no atlas entity has the identifier 'https://ror.org/012345678' " \
                     "(read as ror:012345678, iri:https://ror.org/012345678)\n"
    data = client.get("/lookup", params={"id": "Q999999"}, headers={"Accept": "application/json"})
    assert data.status_code == 404 and data.json()["matches"] == [] and "Q999999" in data.json()["message"]


@pytest.mark.parametrize("params, message", [
    ({}, "give an identifier: /lookup?id="),
    ({"id": ""}, "give an identifier: /lookup?id="),
    ({"id": "Alpha Lab"}, "'Alpha Lab' is not an identifier the atlas reads"),
])
def test_http_bad_input_is_400_with_a_message(client, params, message):
    r = client.get("/lookup", params=params)
    assert r.status_code == 400 and message in r.text
    assert "/reconcile" in r.text  # where names are looked up instead


def test_http_errors_are_escaped_in_html(client):
    r = client.get("/lookup", params={"id": '"><script>alert(1)</script>'}, headers={"Accept": "text/html"})
    assert r.status_code == 400 and r.headers["content-type"].startswith("text/html")
    assert "<script>" not in r.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text
