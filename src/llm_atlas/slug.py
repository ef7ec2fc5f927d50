"""The one slug function: how a name becomes the last segment of an atlas IRI."""

import re
import unicodedata


def slugify(name: str) -> str:
    """Lower-case kebab-case ASCII, stable and idempotent.

    >>> slugify("Qwen2.5-7B-Instruct")
    'qwen2-5-7b-instruct'
    >>> slugify("Allen Institute for AI (Ai2)")
    'allen-institute-for-ai-ai2'
    >>> slugify("Łukasiewicz & Æther")
    'lukasiewicz-aether'
    >>> slugify(slugify("Apache-2.0"))
    'apache-2-0'
    """
    name = name.replace("Ł", "L").replace("ł", "l").replace("Æ", "AE").replace("æ", "ae").replace("ß", "ss")
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
