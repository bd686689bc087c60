# shoken's commands. `make run` and `make test` are the whole set-up on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMPS := .stamps
export AWS_DEFAULT_REGION ?= ap-northeast-1
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test lint fmt typecheck unit integration infra e2e bench synth docs expire reset setup clean help screens

help:
	@echo "make run    start shoken locally with demo data (http://127.0.0.1:8000)"
	@echo "make test   every check: lint, types, unit, integration, infra, e2e"
	@echo "make bench  benchmarks (figures printed as a table)"
	@echo "make synth  synthesize the CDK app offline (cdk.out)"
	@echo "make screens  screenshots of the main screens at PC and phone size (docs/screens/)"
	@echo "make expire run the daily schedule on the running local server (DATE=YYYY-MM-DD to pretend)"
	@echo "make reset  forget local data; the next 'make run' seeds the demo city again"

# --- set-up (each step reruns only when its inputs change) ---------------------------------
$(STAMPS)/python: requirements/dev.txt requirements/lambda.txt
	@mkdir -p $(STAMPS)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements/dev.txt
	@touch $@

$(STAMPS)/npm: package.json package-lock.json
	@mkdir -p $(STAMPS)
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# The browser tests see what users see: Debian's Chromium with Japanese fonts (fonts-noto-cjk).
$(STAMPS)/chromium:
	@mkdir -p $(STAMPS)
	@{ command -v chromium >/dev/null 2>&1 && dpkg -s fonts-noto-cjk >/dev/null 2>&1; } || { \
	  echo "installing Debian's chromium and fonts-noto-cjk for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; }
	@touch $@

setup: $(STAMPS)/python $(STAMPS)/npm

# --- the two front-door commands -----------------------------------------------------------
run: setup
	$(PY) -m local.server

test: setup $(STAMPS)/chromium lint typecheck unit integration infra synth e2e
	@echo "all checks passed"

# --- suites --------------------------------------------------------------------------------
lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fmt: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

typecheck: setup
	$(VENV)/bin/mypy layers/shared/python functions local infra

unit: setup
	$(PY) -m pytest -q tests/unit

integration: setup
	$(PY) -m pytest -q tests/integration

infra: setup
	$(PY) -m pytest -q tests/infra

e2e: setup $(STAMPS)/chromium
	$(PY) -m pytest -q tests/e2e

bench: setup
	PYTHONPATH=layers/shared/python:functions:. $(PY) -m bench

docs: setup
	$(PY) -m local.docs

# Screenshots of each app's main screens at 1366×768 and 390×844 (docs/screens/, shown in the README).
screens: setup $(STAMPS)/chromium
	$(PY) -m tests.e2e.screens

synth: setup
	npx cdk synth --quiet

# Run the daily schedule (e.g. lapse of expired value) on the running local server; DATE=YYYY-MM-DD to pretend.
expire:
	curl -fsS -X POST "http://127.0.0.1:$${PORT:-8000}/_local/schedule$(if $(DATE),?date=$(DATE),)"; echo

reset:
	rm -rf .local/state
	@echo "local data removed; 'make run' will seed the demo city again"

clean:
	rm -rf $(VENV) $(STAMPS) node_modules cdk.out .local .mypy_cache .ruff_cache .pytest_cache
