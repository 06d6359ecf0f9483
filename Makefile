# The commands developers and CI use. VENV selects the virtual environment (default .venv).
VENV ?= .venv
PY := $(VENV)/bin/python
LINT_DIR := tools/cypherlint

.PHONY: setup setup-test run test test-fast lint bench clean

$(PY):
	python3 -m venv $(VENV)

setup: $(PY)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[test]"

# Neo4j's Cypher 5 linter (Node), used by the tests to check every query file.
setup-test: setup
	cd $(LINT_DIR) && npm ci --no-audit --no-fund --silent

# Set up, start the embedded engine, load the knowledge base, ontology and demo twins, serve.
run: setup
	$(VENV)/bin/kgtwin serve --demo

test: setup-test
	$(PY) -m pytest -q

test-fast:
	$(PY) -m pytest -q -x

lint:
	$(VENV)/bin/ruff check kg tests bench
	$(VENV)/bin/ruff format --check kg tests bench
	$(VENV)/bin/mypy

bench:
	$(PY) bench/store.py

clean:
	rm -rf $(VENV) .venv-ci $(LINT_DIR)/node_modules
