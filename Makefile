# Set-up and everyday tasks. `make serve` and `make test` are the README's Quickstart.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export NO_MKDOCS_2_WARNING := 1

.PHONY: serve build test lint browser venv docs-check clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

venv: $(BIN)/python

# Build and serve this project's own site (docs/ plus the runbooks in checklists/).
serve: venv
	$(BIN)/python -m pip install --quiet -e .
	$(BIN)/mkdocs serve

build: venv
	$(BIN)/python -m pip install --quiet -e .
	$(BIN)/mkdocs build --strict

# Headless Chromium and its driver for the browser tests (Debian packages).
browser:
	@if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium chromium-driver shellcheck; \
	else sudo apt-get update -qq && sudo apt-get install -y -qq chromium chromium-driver shellcheck; fi

# Install everything the tests need, then run them all.
test: venv browser
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	$(BIN)/python -m pytest

lint: venv
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) site build dist .pytest_cache .mypy_cache .ruff_cache
