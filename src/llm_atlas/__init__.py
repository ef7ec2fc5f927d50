"""LLM Atlas: a linked-data knowledge graph of the open LLM ecosystem."""

__version__ = "0.3.0"
