import sys

from llm_atlas.cli import main

sys.exit(main())
