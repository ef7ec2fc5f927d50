# The two commands of the README. Each sets up everything it needs on a fresh machine
# (a virtual environment in .venv), then runs: `run` installs only what running needs,
# `test` adds the test extras and the Debian packages the tests need (tools/system-packages.sh).
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin

.PHONY: run test build clean

run: $(VENV)/.installed-run      ## build the atlas and serve it on http://127.0.0.1:8000 (main job)
	$(BIN)/llm-atlas serve

test: $(VENV)/.installed-test    ## the full test suite (installs missing Debian packages: needs root)
	tools/system-packages.sh
	$(BIN)/python -m pytest

build: $(VENV)/.installed-run
	$(BIN)/llm-atlas build

$(VENV)/.installed-run: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed-run
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

clean:
	rm -rf dist .dist.* $(VENV)
