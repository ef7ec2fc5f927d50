"""Counts that tell curators and readers how big and how complete the atlas is."""

from __future__ import annotations

from llm_atlas.namespaces import KINDS
from llm_atlas.query import rows, run_query, term_text

SECTIONS = {
    "entities per class": """
        SELECT ?class (COUNT(DISTINCT ?e) AS ?count) WHERE {
            VALUES ?class { %s }
            ?e a ?class .
        } GROUP BY ?class ORDER BY ?class""" % " ".join(f"<{c}>" for c in KINDS.values()),
    "projects per region (of the leading organisation)": """
        SELECT ?region (COUNT(DISTINCT ?p) AS ?count) WHERE {
            ?p a atlas:Project ; atlas:developedBy/atlas:country/skos:broader ?region .
        } GROUP BY ?region ORDER BY DESC(?count) ?region""",
    "organisations per region": """
        SELECT ?region (COUNT(DISTINCT ?o) AS ?count) WHERE {
            ?o a atlas:Organization ; atlas:country/skos:broader ?region .
        } GROUP BY ?region ORDER BY DESC(?count) ?region""",
    "organisations per type": """
        SELECT ?type (COUNT(DISTINCT ?o) AS ?count) WHERE {
            ?o a atlas:Organization ; atlas:organizationType ?type .
        } GROUP BY ?type ORDER BY DESC(?count) ?type""",
    "projects per organisational model (judgements)": """
        SELECT ?model ?evidence (COUNT(DISTINCT ?p) AS ?count) WHERE {
            ?p atlas:qualifiedOrganizationalModel [ atlas:assessedValue ?model ; atlas:evidence ?evidence ] .
        } GROUP BY ?model ?evidence ORDER BY DESC(?count) ?model""",
    "share of entities with a dcterms:source": """
        SELECT (COUNT(DISTINCT ?e) AS ?entities) (COUNT(DISTINCT ?sourced) AS ?sourced) WHERE {
            VALUES ?class { %s }
            ?e a ?class .
            OPTIONAL { ?e dcterms:source ?s . BIND (?e AS ?sourced) }
        }""" % " ".join(f"<{c}>" for c in KINDS.values()),
}


# Who counts as a legal body: not an informal community or a consortium without legal personality.
LEGAL_BODY = ("?e a atlas:Organization FILTER NOT EXISTS { ?e atlas:organizationType ?t "
              "FILTER (?t IN (vocab:grassroots-community, vocab:consortium)) }")
# Depth: (what, the entities ?e counted, the pattern an entity must match). Shares, not only
# counts, so anyone can see how complete the atlas is on the study's dimensions and the facts
# users ask for.
DEPTH = [
    ("projects with an organisational-model assessment", "?e a atlas:Project", "?e atlas:qualifiedOrganizationalModel ?x"),
    ("projects with a motivation assessment", "?e a atlas:Project", "?e atlas:qualifiedMotivation ?x"),
    ("projects with a collaboration", "?e a atlas:Project", "?x atlas:inProject ?e"),
    ("models with training data (trainedOn)", "?e a atlas:Model", "?e atlas:trainedOn ?x"),
    ("models with a base model (derivedFrom)", "?e a atlas:Model", "?e atlas:derivedFrom ?x"),
    ("models with languages", "?e a atlas:Model", "?e atlas:language ?x"),
    ("models with a Hub id", "?e a atlas:Model", "?e atlas:huggingFaceId ?x"),
    ("models with a parameter count", "?e a atlas:Model", "?e atlas:parameterCount ?x"),
    ("models with a release date", "?e a atlas:Model", "?e atlas:releaseDate ?x"),
    ("organisations with a country", "?e a atlas:Organization", "?e atlas:country ?x"),
    ("organisations with an ownership", "?e a atlas:Organization", "?e atlas:ownership ?x"),
    ("legal bodies linked to ROR or Wikidata", LEGAL_BODY,
     "?e skos:exactMatch ?x FILTER (STRSTARTS(STR(?x), 'https://ror.org/') || STRSTARTS(STR(?x), 'http://www.wikidata.org/entity/'))"),
]


def depth(store) -> list[tuple[str, int, int]]:
    """(what, entities with it, entities counted)."""
    out = []
    for what, scope, pattern in DEPTH:
        query = (f"SELECT (COUNT(DISTINCT ?e) AS ?all) (COUNT(DISTINCT ?with) AS ?n) WHERE {{ {scope} "
                 f"OPTIONAL {{ {pattern} BIND (?e AS ?with) }} }}")
        row = next(iter(run_query(store, query)))
        out.append((what, int(row["n"].value), int(row["all"].value)))
    return out


def stats(store) -> dict[str, tuple[list[str], list[list[str]]]]:
    """Section title -> (column names, rows as text)."""
    out = {}
    for title, query in SECTIONS.items():
        names, table = rows(run_query(store, query))
        out[title] = (names, [[term_text(t) for t in row] for row in table])
    out["depth (share of entities with …)"] = (["what", "with", "of", "share"], [
        [what, str(n), str(total), f"{100 * n / total:.0f}%" if total else "-"] for what, n, total in depth(store)])
    return out


def format_stats(result: dict) -> str:
    lines = []
    for title, (names, table) in result.items():
        lines.append(f"{title}:")
        if not table:
            lines.append("  (none)")
        for row in table:
            lines.append("  " + "  ".join(row))
        if names == ["entities", "sourced"] and table:
            entities, sourced = (int(x) for x in table[0])
            lines.append(f"  {100 * sourced / entities:.1f}% sourced" if entities else "  (no entities)")
    return "\n".join(lines) + "\n"
