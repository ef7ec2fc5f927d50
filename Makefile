# The two commands of the README. Each sets up everything it needs on a fresh machine
# (a virtual environment in .venv with the project and its test extras), then runs.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin

.PHONY: run test build clean

run: $(VENV)/.installed      ## build the atlas and serve it on http://127.0.0.1:8000 (main job)
	$(BIN)/llm-atlas serve

test: $(VENV)/.installed     ## the full test suite
	$(BIN)/python -m pytest

build: $(VENV)/.installed
	$(BIN)/llm-atlas build

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

clean:
	rm -rf dist .dist.* $(VENV)
