"""The ``#+ key: value`` headers at the top of the atlas's .rq files.

A value may continue on following ``#+   …`` lines (indented), which are joined with spaces.

>>> headers("#+ summary: Who builds?\\n#+ explanation: One line\\n#+   and another.\\nSELECT * {}")
{'summary': 'Who builds?', 'explanation': 'One line and another.'}
"""

from __future__ import annotations

import re
from pathlib import Path


def headers(text: str) -> dict[str, str]:
    found: dict[str, str] = {}
    key = None
    for line in text.splitlines():
        start = re.match(r"^#\+ (\w+): (.*)$", line)
        more = re.match(r"^#\+\s{2,}(\S.*)$", line)
        if start:
            key = start.group(1)
            found[key] = start.group(2).strip()
        elif more and key:
            found[key] += " " + more.group(1).strip()
        else:
            key = None
    return found


def required(path: Path, *keys: str) -> tuple[str, dict[str, str]]:
    """The text of ``path`` and its headers; ValueError naming the file if a key is missing."""
    text = path.read_text(encoding="utf-8")
    found = headers(text)
    missing = [k for k in keys if k not in found]
    if missing:
        raise ValueError(f"{path}: needs " + " and ".join(f"'#+ {k}:'" for k in missing) + " header(s)")
    return text, found
