"""Where the standards' test material lives: ``shared/standards/`` beside the checkout (see
../shared/standards/SOURCES.md), looked for in the checkout's parent folders so a worktree or a
clone elsewhere finds it too, or wherever ``$LLM_ATLAS_STANDARDS`` points. Missing material
fails the tests that need it: it is never skipped."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def standards() -> Path:
    if os.environ.get("LLM_ATLAS_STANDARDS"):
        return Path(os.environ["LLM_ATLAS_STANDARDS"])
    for folder in ROOT.parents:
        if (folder / "shared" / "standards" / "SOURCES.md").is_file():
            return folder / "shared" / "standards"
    raise AssertionError("the standards' test material is missing: expected shared/standards/ beside the "
                         "checkout (or set LLM_ATLAS_STANDARDS)")
