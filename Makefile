# The two commands a new user needs: `make demo` and `make test`.
# Each creates .venv on first use; nothing else must be installed by hand.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_DEV := $(VENV)/.installed-dev

.PHONY: demo demo-web test lint typecheck unit docs docs-doctest linkcheck bench mutation mutation-properties clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP_RUN): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(STAMP_DEV): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(STAMP_RUN)

demo: $(STAMP_RUN)
	$(BIN)/salescore demo

# The reference web shell (examples/web) on the SQLite demo company: http://127.0.0.1:8000/
STAMP_WEB := $(VENV)/.installed-web
$(STAMP_WEB): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[web]'
	touch $@ $(STAMP_RUN)

demo-web: $(STAMP_WEB)
	cd examples/web && ../../$(BIN)/python -m webshell --db ../../salescore-web-demo.sqlite

test: lint typecheck unit docs-doctest

lint: $(STAMP_DEV)
	$(BIN)/ruff check src tests benchmarks examples mutation
	$(BIN)/ruff format --check src tests benchmarks examples mutation
	$(BIN)/lint-imports

typecheck: $(STAMP_DEV)
	$(BIN)/mypy

unit: $(STAMP_DEV)
	$(BIN)/pytest -q

docs-doctest: $(STAMP_DEV)
	$(BIN)/sphinx-build -q -E -W -b doctest docs docs/_build/doctest

docs: $(STAMP_DEV)
	$(BIN)/sphinx-build -q -E -W -b html docs docs/_build/html
	$(BIN)/sphinx-build -q -E -W -b doctest docs docs/_build/doctest
	@# A look at the rendered tutorial in a headless browser (Debian's chromium), when installed.
	@if command -v chromium >/dev/null 2>&1; then mkdir -p docs/_build/screenshots && \
		chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1400,9000 \
		--screenshot=docs/_build/screenshots/tutorial.png \
		"file://$(CURDIR)/docs/_build/html/tutorial/index.html" >/dev/null 2>&1 && \
		echo "screenshot: docs/_build/screenshots/tutorial.png"; fi

# Every link of the docs, external ones too (needs the network; not part of `make test`,
# where tests/docs/test_internal_links.py checks the internal links and anchors offline).
linkcheck: $(STAMP_DEV)
	$(BIN)/sphinx-build -q -E -b linkcheck docs docs/_build/linkcheck

bench: $(STAMP_DEV)
	@set -e; for script in benchmarks/bench_*.py; do \
		echo "# $$script"; $(BIN)/python $$script; \
	done

# Mutation testing of the rule core, one module at a time (minutes each; not part of `make test`).
# `make mutation MODULES="money pricing"` runs only those; prints metric mutation_score_<module>.
MODULES ?=
mutation: $(STAMP_DEV)
	$(BIN)/python mutation/run.py $(MODULES)

# The @property bodies mutmut leaves alone (mutation/properties.py), the same MODULES;
# prints metric property_mutation_score_<module>.
mutation-properties: $(STAMP_DEV)
	$(BIN)/python mutation/properties.py $(MODULES)

clean:
	rm -rf $(VENV) docs/_build .mypy_cache .pytest_cache .ruff_cache salescore-demo.sqlite salescore-web-demo.sqlite mutation/.work mutants
