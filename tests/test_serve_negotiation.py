"""Content negotiation: a table of Accept headers and format parameters and what each gets."""

import doctest

import pytest

from llm_atlas.serve import negotiation, pages
from llm_atlas.serve.negotiation import UnknownFormat, choose, page_or_data

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


@pytest.mark.parametrize("accept, expected", [
    (None, "json"),
    ("", "json"),
    ("*/*", "json"),
    ("application/sparql-results+json", "json"),
    ("application/json", "json"),
    ("application/sparql-results+xml", "xml"),
    ("text/csv", "csv"),
    ("text/tab-separated-values", "tsv"),
    ("text/csv;q=0.5, text/tab-separated-values", "tsv"),
    ("text/csv, text/tab-separated-values;q=0.9", "csv"),
    ("text/*", "csv"),
    ("application/sparql-results+xml, application/sparql-results+json;q=0.1", "xml"),
    ("application/sparql-results+json;q=0, */*;q=0.1", "xml"),
    ("image/png", None),
    ("text/turtle", None),
    (BROWSER, "xml"),
])
def test_results_formats(accept, expected):
    assert choose("results", accept) == expected


@pytest.mark.parametrize("accept, expected", [
    (None, "ttl"),
    ("text/turtle", "ttl"),
    ("application/n-triples", "nt"),
    ("application/ld+json", "jsonld"),
    ("application/json", "jsonld"),
    ("application/rdf+xml", "rdf"),
    ("application/rdf+xml;q=0.9, text/turtle;q=0.8", "rdf"),
    ("text/turtle;q=0.5, application/ld+json", "jsonld"),
    ("text/csv", None),
])
def test_graph_formats(accept, expected):
    assert choose("graph", accept) == expected


@pytest.mark.parametrize("accept, expected", [
    (BROWSER, "page"),
    ("text/html", "page"),
    ("*/*", "page"),
    (None, "page"),
    ("text/turtle", "ttl"),
    ("application/ld+json", "jsonld"),
    ("text/html;q=0.5, text/turtle", "ttl"),
    ("text/turtle;q=0.5, text/html", "page"),
    ("application/rdf+xml", "rdf"),
    ("image/png", None),
])
def test_resource_page_or_data(accept, expected):
    assert page_or_data(accept) == expected


@pytest.mark.parametrize("kind, fmt, expected", [
    ("results", "json", "json"),
    ("results", "XML", "xml"),
    ("results", "text/csv", "csv"),
    ("results", "application/sparql-results+json", "json"),
    ("graph", "json", "jsonld"),
    ("graph", "turtle", "ttl"),
    ("graph", "xml", "rdf"),
    ("graph", "csv", None),  # a format, but not one for graphs
])
def test_format_parameter_wins_over_accept(kind, fmt, expected):
    assert choose(kind, "text/tab-separated-values, text/turtle", fmt=fmt) == expected


def test_unknown_format_parameter_is_an_error():
    with pytest.raises(UnknownFormat, match="unknown format 'yaml'"):
        choose("results", None, fmt="yaml")


def test_every_format_has_one_answered_media_type_and_textual_ones_a_charset():
    for kind, formats in negotiation.TABLE.items():
        for key in formats:
            mt = negotiation.media_type(kind, key)
            assert mt.startswith(formats[key][0])
            assert "charset=utf-8" in mt


@pytest.mark.parametrize("module", [negotiation, pages], ids=lambda m: m.__name__)
def test_doctests(module):
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
