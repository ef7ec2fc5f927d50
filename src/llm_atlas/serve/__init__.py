"""Publishing the atlas as linked data: a SPARQL 1.1 endpoint, dereferenceable IRIs,
HTML pages and downloads (``llm-atlas serve``), or the same site as static files
(``llm-atlas export-site``).

Modules, one concern each:

- ``negotiation``: the one table of media types, Accept parsing with q-values;
- ``results``: SPARQL results and RDF writers with row caps;
- ``workers``: the on-disk store and the pool of killable query worker processes;
- ``sparql``: the SPARQL 1.1 Protocol (request parsing, service description);
- ``pages``: what the HTML pages show, and the Jinja2 environment (autoescaped);
- ``netmap``: the network maps (organisations, projects, ecosystem, neighbourhoods) as SVG;
- ``app``: the Starlette application and its routes;
- ``export``: the static site and its w3id-style redirect rules;
- ``cli``: the ``serve`` and ``export-site`` commands.
"""
