# The two commands a newcomer runs: `make run` and `make test`. Each installs what it needs;
# pip and apt-get show their own progress as they go.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test system-packages lint check load bench clean

$(BIN)/python:
	@echo "==> creating a virtual environment in $(VENV)"
	$(PYTHON) -m venv $(VENV)
	@echo "==> upgrading pip"
	$(BIN)/python -m pip install --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	@echo "==> installing sourced-claims and its dependencies (first run only, about a minute)"
	$(BIN)/python -m pip install -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	@echo "==> installing sourced-claims with its test, PostgreSQL, extraction and matching extras" \
		"(first run only, a few minutes)"
	$(BIN)/python -m pip install -e ".[dev,postgres,extract,match]"
	touch $@ $(VENV)/.installed-run

## run: install, fill a SQLite store from fixtures/ on first run, serve on :8000
run: $(VENV)/.installed-run
	@echo "==> serving on http://$(HOST):$(PORT) (docs: /docs); a new store is filled first"
	$(BIN)/claims serve --host $(HOST) --port $(PORT)

## test: install the system packages the tests need when missing (chromium, the PostgreSQL
## server, curl: .ci/system-packages, through sudo when not root), install with the dev
## tools, lint, type-check, check the import contracts, then run the whole test suite
## twice: on SQLite, and on a throwaway PostgreSQL server the tests start on loopback and stop
test: system-packages $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pytest
	CLAIMS_TEST_ENGINE=postgresql $(BIN)/pytest

## system-packages: what the tests need from the system, installed when missing
system-packages:
	@.ci/system-packages

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

## check: validate fixtures/ against seeds/ without a database
check: $(VENV)/.installed-run
	$(BIN)/claims check

load: $(VENV)/.installed-run
	$(BIN)/claims load

## bench: the benchmark of bench/README.md (needs wrk: apt-get install wrk); not part of test
bench: $(VENV)/.installed-dev
	$(BIN)/python -m pip install --quiet -e ".[dev,postgres,extract,bench]"
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
