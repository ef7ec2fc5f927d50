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


def stats(store) -> dict[str, tuple[list[str], list[list[str]]]]:
    """Section title -> (column names, rows as text)."""
    out = {}
    for title, query in SECTIONS.items():
        names, table = rows(run_query(store, query))
        out[title] = (names, [[term_text(t) for t in row] for row in table])
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
