"""Reconciliation: name matching on the fixture atlas, and the Reconciliation Service API v0.2 at /reconcile.

Every answer the service gives is validated against the specification's JSON Schemas (draft 7)
in ../shared/standards/reconciliation-api-0.2/0.2/schemas/, and the specification's own valid
and invalid examples run through the same validator first, so the validator is known to accept
what the spec accepts and refuse what it refuses.
"""

import json
from pathlib import Path

import pytest

from llm_atlas.query import load_store
from standards import standards
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from llm_atlas.atlas import Layout
from llm_atlas.reconcile import BadQuery, Name, Reconciler, split_legal_form, tokens
from llm_atlas.serve.reconcile import PREVIEW_CSP, preview_html
from served import open_atlas

ROOT = Path(__file__).resolve().parents[1]
ID = "https://w3id.org/llm-atlas/id/"
ATLAS = "https://w3id.org/llm-atlas/ontology#"
SCHEMAS = "https://reconciliation-api.github.io/specs/0.2/schemas/"


SPEC = standards() / "reconciliation-api-0.2" / "0.2"

# Which schema checks each folder of the spec's examples: a folder named like a schema file
# uses that schema (as the spec's own test.sh does); the metadata folders use the part of the
# manifest schema that describes them.
EXAMPLE_SCHEMAS = {
    "manifest": SCHEMAS + "manifest.json",
    "reconciliation-query-batch": SCHEMAS + "reconciliation-query.json",  # the file's own $id
    "reconciliation-result-batch": SCHEMAS + "reconciliation-result-batch.json",
    "suggest-entities-response": SCHEMAS + "suggest-entities-response.json",
    "suggest-properties-response": SCHEMAS + "suggest-properties-response.json",
    "suggest-types-response": SCHEMAS + "suggest-types-response.json",
    "data-extension-property-proposal": "https://reconciliation-api.github.io/specs/draft/schemas/data-extension-property-proposal.json",
    "data-extension-query": SCHEMAS + "data-extension-query.json",
    "data-extension-response": SCHEMAS + "data-extension-response.json",
    "preview-metadata": SCHEMAS + "manifest.json#/properties/preview",
    "suggest-metadata": SCHEMAS + "manifest.json#/properties/suggest/definitions/service_definition",
    "data-extension-metadata": SCHEMAS + "manifest.json#/properties/extend",
    "reconciliation-candidate": SCHEMAS + "reconciliation-result-batch.json#/patternProperties/^.*$/properties/result/items",
    "security-scheme": "http://swagger.io/v2/schema.json#/definitions/securityDefinitions/additionalProperties",
    "flyout-response": None,  # the spec gives no schema: {"id": …, "html": …} by its text
    "preview-response": None,  # an HTML example, not JSON
}
# The spec's example of HTTP basic authentication is written in OpenAPI 3 terms ("type": "http",
# "scheme": "basic"), while the manifest schema refers to Swagger 2.0's security definitions,
# which spell it "type": "basic": the example and the schema disagree.
KNOWN_SPEC_INCONSISTENCIES = {"security-scheme/valid/http_basic_auth.json":
                              "the spec's example uses OpenAPI 3 terms; its schema is Swagger 2.0's"}


def registry() -> Registry:
    resources = []
    for path in sorted((SPEC / "schemas").glob("*.json")):
        contents = json.loads(path.read_text(encoding="utf-8"))
        resources.append((contents["$id"].rstrip("#"), Resource.from_contents(contents, default_specification=DRAFT7)))
    return Registry().with_resources(resources)


REGISTRY = registry()


def validator(ref: str) -> Draft7Validator:
    return Draft7Validator({"$ref": ref}, registry=REGISTRY)


def assert_valid(schema: str, value) -> None:
    """``value`` conforms to the spec's schema named by file (``manifest``) or by full reference."""
    ref = schema if "://" in schema else EXAMPLE_SCHEMAS[schema]
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator(ref).iter_errors(value)]
    assert not errors, errors


# --- the validator on the spec's own examples ----------------------------------------------

def examples():
    for path in sorted((SPEC / "examples").glob("*/*/*")):
        name = path.relative_to(SPEC / "examples").as_posix()
        marks = [pytest.mark.xfail(strict=True, reason=KNOWN_SPEC_INCONSISTENCIES[name])] \
            if name in KNOWN_SPEC_INCONSISTENCIES else []
        yield pytest.param(path, id=name, marks=marks)


def test_every_example_folder_has_a_schema_or_a_reason():
    folders = {p.name for p in (SPEC / "examples").iterdir() if p.is_dir()}
    assert folders == set(EXAMPLE_SCHEMAS)
    assert {p.stem for p in (SPEC / "schemas").glob("*.json")} - {"type", "openapi"} <= set(EXAMPLE_SCHEMAS)


@pytest.mark.parametrize("path", list(examples()))
def test_spec_example_against_its_schema(path):
    folder, verdict = path.parts[-3], path.parts[-2]
    if path.suffix != ".json":
        return  # preview-response/example.html: HTML, nothing to validate
    value = json.loads(path.read_text(encoding="utf-8"))
    if EXAMPLE_SCHEMAS[folder] is None:  # flyout: by the spec's text
        assert set(value) == {"id", "html"} and all(isinstance(v, str) for v in value.values())
        return
    errors = list(validator(EXAMPLE_SCHEMAS[folder]).iter_errors(value))
    if verdict == "valid":
        assert errors == []
    else:
        assert verdict == "invalid" and errors, f"{path.name} should not validate"


# --- names -----------------------------------------------------------------------------------

@pytest.mark.parametrize("a, b", [
    ("Llama-2-7b", "Llama 2 7B"),
    ("llama2-7b", "LLAMA 2 7B"),
    ("Qwen2.5-7B-Instruct", "Qwen 2.5 7B Instruct"),
    ("Zephyr-7B-β", "zephyr 7b beta"),
    ("Forschungszentrum Jülich", "Forschungszentrum Julich"),
    ("Beta Corp.", "Beta Corporation"),
    ("Alpha Holdings S.A.", "Alpha Holdings SA"),
    ("Allen Institute for Artificial Intelligence", "Allen Institute for AI"),
    ("Vector Institute Centre", "Vector Institute Center"),
])
def test_names_written_differently_have_one_key(a, b):
    assert Name.of(a, "query").key == Name.of(b, "query").key


def test_legal_forms_are_split_off_only_at_the_end():
    assert split_legal_form(tokens("Mistral AI SAS")) == (["mistral", "ai"], ["sas"])
    assert split_legal_form(tokens("Company of Heroes Ltd")) == (["company", "of", "heroes"], ["ltd"])
    assert split_legal_form(tokens("Co")) == (["co"], [])


# --- matching on the fixture atlas ---------------------------------------------------------

@pytest.fixture(scope="module")
def reconciler(fixture_store):
    return Reconciler(fixture_store)


def top(reconciler, query):
    found = reconciler.reconcile(query)
    return (found[0][0].entity.iri.removeprefix(ID), found[0][1]) if found else (None, False)


@pytest.mark.parametrize("query, expected, match", [
    # labels as written elsewhere: case, separators, spacing
    ({"query": "Alpha 7B"}, "model/alpha-7b", True),
    ({"query": "alpha-7b"}, "model/alpha-7b", True),
    ({"query": "ALPHA 7b instruct"}, "model/alpha-7b-instruct", True),
    ({"query": "Alpha7B"}, "model/alpha-7b", True),
    ({"query": "gamma_3b_q4"}, "model/gamma-3b-q4", True),
    # aliases, other languages, abbreviations, legal forms
    ({"query": "Beta Corporation"}, "org/beta-corp", True),
    ({"query": "Beta Corp. Inc."}, "org/beta-corp", True),
    ({"query": "Alpha Laboratories"}, "org/alpha-lab", True),
    ({"query": "Zeta Univ."}, "org/zeta-university", True),
    ({"query": "ZU"}, "org/zeta-university", True),
    ({"query": "Zeta-Universität"}, "org/zeta-university", True),
    ({"query": "Delta HPC Center"}, "org/delta-hpc", True),
    # identifiers as queries
    ({"query": "Q1000001"}, "org/alpha-lab", True),
    ({"query": "https://ror.org/05betac34"}, "org/beta-corp", True),
    ({"query": "alpha/alpha-7b-instruct"}, "model/alpha-7b-instruct", True),
    ({"query": "arXiv:2401.00002"}, "publication/bench-qa-paper", True),
    ({"query": "Apache-2.0"}, "http://spdx.org/licenses/Apache-2.0", True),
    # misspellings: found, never matched automatically
    ({"query": "Alpah Lab"}, "org/alpha-lab", False),
    ({"query": "Gama Collective"}, "org/gamma-collective", False),
    ({"query": "Trainer-Z"}, "framework/trainer-x", False),
    # the developer's name first
    ({"query": "Alpha Lab Alpha 7B"}, "model/alpha-7b", False),
])
def test_top_candidate(reconciler, query, expected, match):
    iri = expected.removeprefix(ID)
    assert top(reconciler, query) == (iri, match)


def test_an_ambiguous_name_has_candidates_but_no_match(reconciler):
    """'Gamma' is the Gamma project's label and an alias of Gamma Collective."""
    found = reconciler.reconcile({"query": "Gamma"})
    assert [(c.entity.iri.removeprefix(ID), c.score, m) for c, m in found[:2]] == [
        ("project/gamma", 100.0, False), ("org/gamma-collective", 100.0, False)]


@pytest.mark.parametrize("types, expected", [
    ("atlas:Organization", "org/gamma-collective"),
    (ATLAS + "Organization", "org/gamma-collective"),
    (["Project"], "project/gamma"),
    ("project", "project/gamma"),
])
def test_a_type_decides_an_ambiguous_name(reconciler, types, expected):
    found = reconciler.reconcile({"query": "Gamma", "type": types})
    assert {c.entity.type for c, _ in found} == {ATLAS + ("Organization" if "org" in expected else "Project")}
    assert (found[0][0].entity.iri, found[0][1]) == (ID + expected, True)


def test_an_identifier_two_entities_share_is_no_match(shared_id_dist):
    found = Reconciler(load_store(shared_id_dist)).reconcile({"query": "wd:Q1000004"})
    assert sorted(c.entity.iri for c, _ in found[:2]) == [ID + "model/gamma-3b", ID + "project/gamma"]
    assert not any(m for _, m in found)


def test_an_unknown_name_is_never_a_match(reconciler):
    assert not any(m for _, m in reconciler.reconcile({"query": "Omega Model 9000"}))
    assert reconciler.reconcile({"query": "Completely Unrelated Words"}) == []


@pytest.mark.parametrize("constraint, expected, match", [
    ({"pid": "atlas:developedBy", "v": "Gamma Collective"}, "project/gamma", True),
    ({"pid": "developer", "v": {"id": ID + "org/gamma-collective", "name": "Gamma Collective"}}, "project/gamma", True),
    ({"pid": "developedBy", "v": "https://ror.org/04abcde12"}, "project/gamma", False),  # Alpha Lab: contradicts
])
def test_a_developer_constraint(reconciler, constraint, expected, match):
    found = reconciler.reconcile({"query": "Gamma", "type": ["Project", "Model"], "properties": [constraint]})
    assert (found[0][0].entity.iri, found[0][1]) == (ID + expected, match)


def test_a_contradicting_property_forbids_a_match_and_lowers_the_score(reconciler):
    found = reconciler.reconcile({"query": "Alpha 7B", "properties": [{"pid": "developer", "v": "Beta Corp"}]})
    alpha = next(c for c, _ in found if c.entity.iri == ID + "model/alpha-7b")
    assert (alpha.score, alpha.veto, alpha.features["atlas:developedBy"]) == (75.0, True, False)
    assert not any(m for _, m in found)


@pytest.mark.parametrize("country, agrees", [("DE", True), ("de", True), ("Germany", True),
                                             ("https://w3id.org/llm-atlas/vocab#country-DE", True), ("France", False),
                                             ("USA", False), ("Atlantis", None)])
def test_a_country_constraint(reconciler, country, agrees):
    found = reconciler.reconcile({"query": "Alpha Lab", "type": "Organization",
                                  "properties": [{"pid": "country", "v": country}]})
    candidate, match = found[0]
    assert candidate.entity.iri == ID + "org/alpha-lab"
    assert candidate.features.get("atlas:country") is agrees
    assert match is (agrees is not False)


def test_a_country_constraint_reaches_through_the_developer(reconciler):
    """A model has no country: its developer's counts (Alpha 7B by Alpha Lab, Germany)."""
    found = reconciler.reconcile({"query": "Alpha 7B", "properties": [{"pid": "country", "v": "DE"}]})
    assert found[0][0].features["atlas:country"] is True


def test_properties_alone_find_by_identifier(reconciler, shared_id_dist):
    found = reconciler.reconcile({"properties": [{"pid": "huggingFaceId", "v": "Alpha/Alpha-7B"}]})
    assert [(c.entity.iri, m) for c, m in found] == [(ID + "model/alpha-7b", True)]
    found = Reconciler(load_store(shared_id_dist)).reconcile({"properties": [{"pid": "skos:exactMatch", "v": "Q1000004"}]})
    assert sorted(c.entity.iri for c, _ in found) == [ID + "model/gamma-3b", ID + "project/gamma"]


@pytest.mark.parametrize("query, message", [
    ({}, "needs a non-empty 'query' or at least one property"),
    ({"query": "  "}, "needs a non-empty 'query' or at least one property"),
    ({"query": 7}, "'query' is a string"),
    ({"query": "x", "type": "Q5"}, "unknown type 'Q5'; types: atlas:Project"),
    ({"query": "x", "limit": 0}, "'limit' is a positive integer"),
    ({"query": "x", "limit": "3"}, "'limit' is a positive integer"),
    ({"query": "x", "properties": [{"pid": "P17", "v": "DE"}]}, "unknown property 'P17'; properties: atlas:developedBy"),
    ({"query": "x", "properties": [{"v": "DE"}]}, "each property constraint is an object with 'pid'"),
    ({"query": "x", "props": []}, "unknown field(s) in a reconciliation query: props"),
    ({"query": "x", "type_strict": "most"}, "'type_strict' is one of any, should, all"),
])
def test_bad_queries_are_refused_with_a_message(reconciler, query, message):
    with pytest.raises(BadQuery) as err:
        reconciler.reconcile(query)
    assert message in str(err.value)


def test_limit(reconciler):
    assert len(reconciler.reconcile({"query": "Alpha", "limit": 2})) == 2
    assert len(reconciler.reconcile({"query": "Alpha", "limit": 1})) == 1


def test_data_extension_values(reconciler):
    answer = reconciler.extend({"ids": [ID + "model/alpha-7b", ID + "org/alpha-lab", ID + "model/nope"],
                                "properties": [{"id": "developer"}, {"id": "atlas:license"}, {"id": ATLAS + "huggingFaceId"},
                                               {"id": "country"}, {"id": "skos:exactMatch"}]})
    assert_valid("data-extension-response", answer)
    assert answer["rows"][ID + "model/alpha-7b"] == {
        "developer": [{"id": ID + "org/alpha-lab", "name": "Alpha Lab"}],
        "atlas:license": [{"id": "http://spdx.org/licenses/Apache-2.0", "name": "Apache License 2.0"}],
        ATLAS + "huggingFaceId": [{"str": "alpha/alpha-7b"}],
        "country": [],
        "skos:exactMatch": [],
    }
    assert answer["rows"][ID + "org/alpha-lab"]["country"] == [{"str": "DE"}]
    assert answer["rows"][ID + "org/alpha-lab"]["skos:exactMatch"] == [
        {"str": "http://www.wikidata.org/entity/Q1000001"}, {"str": "https://ror.org/04abcde12"}]
    assert all(v == [] for v in answer["rows"][ID + "model/nope"].values())
    assert answer["meta"][0] == {"id": "developer", "name": "developer", "type": {"id": ATLAS + "Organization", "name": "Organization"}}


def test_property_proposals_follow_the_data(reconciler):
    def ids(answer):
        return [p["id"].rpartition("#")[2] for p in answer["properties"]]
    models = reconciler.propose_properties("atlas:Model")
    assert_valid("data-extension-property-proposal", models)
    assert ids(models) == ["developedBy", "license", "huggingFaceId", "exactMatch"]
    assert ids(reconciler.propose_properties("Organization")) == ["country", "huggingFaceId", "exactMatch"]
    assert reconciler.propose_properties("Model", limit=2)["limit"] == 2
    assert len(reconciler.propose_properties("Model", limit=2)["properties"]) == 2


def test_suggest(reconciler):
    entities = reconciler.suggest_entities("alp")
    assert_valid("suggest-entities-response", entities)
    names = [e["name"] for e in entities["result"]]
    assert names[:2] == ["Alpha", "Alpha 7B"] and "Alpha Lab" in names  # shortest first
    assert [e["name"] for e in reconciler.suggest_entities("alp", type="Organization")["result"]] == ["Alpha Lab"]
    assert [e["name"] for e in reconciler.suggest_entities("Q1000002")["result"]] == ["Beta Corp"]  # an identifier
    assert [e["name"] for e in reconciler.suggest_entities("corp")["result"]] == ["Beta Corp", "Web Corpus", "Yoruba Corpus"]  # a later word
    assert reconciler.suggest_entities("alp", cursor=1, limit=1)["result"][0]["name"] == "Alpha 7B"
    types = reconciler.suggest_types("mod")
    assert_valid("suggest-types-response", types)
    assert [t["name"] for t in types["result"]] == ["Model"]
    assert types["result"][0]["description"].startswith("A released")  # the class's skos:definition
    props = reconciler.suggest_properties("dev")
    assert_valid("suggest-properties-response", props)
    assert [p["id"] for p in props["result"]] == [ATLAS + "developedBy"]


def test_preview_card_escapes_everything():
    card = {"iri": ID + "model/x", "label": "<script>alert(1)</script>", "type": "Model", "description": '"><img src=x>',
            "aliases": ["<b>"], "developers": ["A & B"], "countries": [], "identifiers": []}
    page = preview_html(card, "/page/model/x")
    assert "<script>" not in page and "<img" not in page and "<b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "A &amp; B" in page


# --- the service over HTTP -------------------------------------------------------------------

@pytest.fixture(scope="module")
def atlas(fixture_dist, tmp_path_factory):
    atlas = open_atlas(fixture_dist, tmp_path_factory.mktemp("store"), workers=1)
    yield atlas
    atlas.close()


BATCH = {
    "q0": {"query": "Alpha 7B"},
    "q1": {"query": "Gamma", "type": "atlas:Organization", "limit": 3},
    "q2": {"query": "Gamma", "type": [ATLAS + "Project", ATLAS + "Model"],
           "properties": [{"pid": ATLAS + "developedBy", "v": ["Gamma Collective", {"id": ID + "org/gamma-collective"}]}]},
    "q3": {"properties": [{"pid": ATLAS + "huggingFaceId", "v": "beta-corp/beta-1b"}]},
    "q4": {"query": "Nothing Like This Here"},
}


def test_manifest(client):
    r = client.get("/reconcile")
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    manifest = r.json()
    assert_valid("manifest", manifest)
    assert manifest["versions"] == ["0.2"]
    assert manifest["identifierSpace"] == ID and manifest["schemaSpace"] == ATLAS
    assert {"id": ATLAS + "Model", "name": "Model"} in manifest["defaultTypes"] and len(manifest["defaultTypes"]) == 13
    assert manifest["view"]["url"] == "http://testserver/reconcile/view?id={{id}}"
    assert manifest["preview"]["url"] == "http://testserver/reconcile/preview?id={{id}}"
    assert manifest["suggest"]["entity"] == {"service_url": "http://testserver", "service_path": "/reconcile/suggest/entity"}
    assert manifest["extend"]["propose_properties"] == {"service_url": "http://testserver", "service_path": "/reconcile/properties"}
    assert manifest["batchSize"] == 50


def test_reconcile_a_batch_by_post_and_by_get(client):
    assert_valid("reconciliation-query-batch", BATCH)
    posted = client.post("/reconcile", data={"queries": json.dumps(BATCH)})
    assert posted.status_code == 200
    result = posted.json()
    assert_valid("reconciliation-result-batch", result)
    assert client.get("/reconcile", params={"queries": json.dumps(BATCH)}).json() == result
    best = {qid: (r["result"][0]["id"], r["result"][0]["match"]) if r["result"] else None for qid, r in result.items()}
    assert best == {"q0": (ID + "model/alpha-7b", True), "q1": (ID + "org/gamma-collective", True),
                    "q2": (ID + "project/gamma", True), "q3": (ID + "model/beta-1b", True), "q4": None}
    first = result["q0"]["result"][0]
    assert first["name"] == "Alpha 7B" and first["type"] == [{"id": ATLAS + "Model", "name": "Model"}]
    assert first["score"] == 100 and {"id": "exact", "value": True} in first["features"]


def test_the_spec_query_examples(client):
    """The spec's valid query batches are read (the atlas has none of their types or properties,
    which is said); its invalid ones are refused, each with a message."""
    for path in sorted((SPEC / "examples" / "reconciliation-query-batch").glob("*/*.json")):
        r = client.post("/reconcile", data={"queries": path.read_text(encoding="utf-8")})
        if path.parent.name == "valid" and r.status_code == 200:
            assert_valid("reconciliation-result-batch", r.json())
        else:
            assert r.status_code == 400 and r.json()["error"], path.name
    r = client.post("/reconcile", data={"queries": (SPEC / "examples/reconciliation-query-batch/valid/example-full.json").read_text()})
    assert "unknown type 'DifferentiatedPerson'" in r.json()["error"]


def test_data_extension_by_post_and_get(client):
    query = {"ids": [ID + "model/beta-1b", ID + "dataset/web-corpus"],
             "properties": [{"id": ATLAS + "developedBy"}, {"id": ATLAS + "license"}, {"id": ATLAS + "huggingFaceId"}]}
    assert_valid("data-extension-query", query)
    posted = client.post("/reconcile", data={"extend": json.dumps(query)})
    assert posted.status_code == 200
    assert_valid("data-extension-response", posted.json())
    assert client.get("/reconcile", params={"extend": json.dumps(query)}).json() == posted.json()
    row = posted.json()["rows"][ID + "dataset/web-corpus"]
    assert row[ATLAS + "license"] == [{"id": "http://spdx.org/licenses/ODC-By-1.0", "name": "Open Data Commons Attribution License v1.0"}]


@pytest.mark.parametrize("path, params, schema", [
    ("/reconcile/suggest/entity", {"prefix": "gam"}, "suggest-entities-response"),
    ("/reconcile/suggest/entity", {"prefix": "gam", "type": "atlas:Model", "cursor": "0"}, "suggest-entities-response"),
    ("/reconcile/suggest/type", {"prefix": "org"}, "suggest-types-response"),
    ("/reconcile/suggest/property", {"prefix": "coun"}, "suggest-properties-response"),
    ("/reconcile/properties", {"type": ATLAS + "Dataset"}, "data-extension-property-proposal"),
    ("/reconcile/properties", {"type": "Model", "limit": "2"}, "data-extension-property-proposal"),
])
def test_suggest_and_proposals_over_http(client, path, params, schema):
    r = client.get(path, params=params)
    assert r.status_code == 200
    assert_valid(schema, r.json())
    assert r.json().get("result", r.json().get("properties"))


def test_preview(client):
    r = client.get("/reconcile/preview", params={"id": ID + "org/beta-corp"})
    assert r.status_code == 200 and r.headers["content-type"] == "text/html; charset=utf-8"
    assert '<a href="/page/org/beta-corp" target="_blank" rel="noopener">Beta Corp</a>' in r.text
    assert "Beta Corporation" in r.text and "https://ror.org/05betac34" in r.text
    assert r.headers["content-security-policy"] == PREVIEW_CSP and "frame-ancestors *" in PREVIEW_CSP
    assert client.get("/reconcile/preview", params={"id": ID + "org/nope"}).status_code == 404


def test_view_goes_to_the_page(client):
    r = client.get("/reconcile/view", params={"id": "http://spdx.org/licenses/MIT"})
    assert (r.status_code, r.headers["location"]) == (303, "/page/spdx/MIT")
    assert client.get("/reconcile/view", params={"id": ID + "model/nope"}).status_code == 404


@pytest.mark.parametrize("method, kwargs, status, message", [
    ("post", {"data": {"queries": "{not json"}}, 400, "'queries' is not JSON"),
    ("post", {"data": {"queries": "[]"}}, 400, "a reconciliation query batch is a JSON object"),
    ("post", {"data": {"queries": json.dumps({"q0": {"query": "x", "type": "Person"}})}}, 400, "query 'q0': unknown type 'Person'"),
    ("post", {"data": {"queries": json.dumps({f"q{i}": {"query": "x"} for i in range(51)})}}, 413, "at most 50 queries"),
    ("post", {"data": {"queries": "{}", "extend": "{}"}}, 400, "not both"),
    ("post", {"data": {"queries": "{}", "pad": "x" * (1024 * 1024)}}, 413, "the request body is larger than 1048576 bytes"),
    ("post", {"content": json.dumps(BATCH), "headers": {"Content-Type": "application/json"}}, 415, "form-encoded"),
    ("post", {"data": {"extend": json.dumps({"ids": ["x"], "properties": [{"id": "P17"}]})}}, 400, "unknown property 'P17'"),
    ("post", {"data": {"extend": json.dumps({"ids": "x"})}}, 400, "a data extension query is"),
    ("get", {"url": "/reconcile/suggest/entity?prefix=a&cursor=x"}, 400, "'cursor' and 'limit' are integers"),
    ("get", {"url": "/reconcile/suggest/entity?prefix=a&type=Person"}, 400, "unknown type 'Person'"),
    ("get", {"url": "/reconcile/properties?type=Person"}, 400, "unknown type 'Person'"),
    ("get", {"url": "/reconcile/properties?type=Model&limit=0"}, 400, "'limit' is a positive integer"),
])
def test_bad_requests_are_answered_with_a_message(client, method, kwargs, status, message):
    url = kwargs.pop("url", "/reconcile")
    r = getattr(client, method)(url, **kwargs)
    assert r.status_code == status and r.headers["content-type"] == "application/json"
    assert message in r.json()["error"]


def test_no_jsonp_and_cors_for_everyone(client):
    """JSONP is optional in 0.2 and not offered: a callback is ignored, never reflected. CORS is on."""
    r = client.get("/reconcile", params={"callback": "alert(document.domain)//"}, headers={"Origin": "http://localhost:3333"})
    assert r.headers["content-type"] == "application/json" and r.text.startswith("{")
    assert "alert" not in r.text
    assert r.headers["access-control-allow-origin"] == "*"


def test_export_site_leaves_the_services_out(fixture_dist, tmp_path):
    """The static site has no server to answer /lookup or /reconcile: it neither writes nor links them."""
    from llm_atlas.serve.export import export_site

    export_site(fixture_dist, tmp_path, config=Layout(ROOT).config, queries=ROOT / "queries" / "cq")
    assert not list(tmp_path.rglob("*reconcile*")) and not list(tmp_path.rglob("*lookup*"))
    for page in tmp_path.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "/reconcile" not in text and "/lookup" not in text, page


# --- the matching benchmark stays runnable ---------------------------------------------------

def test_the_matching_benchmark_list_and_script(reconciler, fixture_dist, capsys):
    """bench/linking.py measures on the real atlas (docs/linking.md); here only its list is
    checked and the script run once, on the fixtures, where none of the list's entities exist."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("linking_bench", ROOT / "bench" / "linking.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    rows = bench.read_names(bench.NAMES)
    assert len(rows) >= 50 and sum(r["iri"] is None for r in rows) >= 3
    for row in rows:
        assert row["name"].strip() and row["differs"].strip(), row
        assert row["iri"] is None or row["iri"].startswith(("https://w3id.org/llm-atlas/id/", "http://spdx.org/licenses/"))
        if row["type"]:
            reconciler.type_iri(row["type"])  # a class the atlas has
    assert bench.main(["--dist", str(fixture_dist), "--show", "all"]) == 0
    out = capsys.readouterr().out
    assert "| top-1 recall" in out and "Left out, their entity is not in this release" in out
    assert "| Wikidata | 3 |" in out  # the link counts
