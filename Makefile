# shoken's commands. `make run` and `make test` are the whole set-up on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMPS := .stamps
export AWS_DEFAULT_REGION ?= ap-northeast-1
# Node 24 from the npm registry's `node` package (package.json): jsii no longer supports the
# machine's Node 20, so npx cdk and the CDK app's jsii runtime find node_modules/.bin/node first.
export PATH := $(CURDIR)/node_modules/.bin:$(PATH)
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test lint fmt typecheck unit integration infra e2e bench synth docs expire reset setup clean help runtime-python bundle-check

help:
	@echo "make run    start shoken locally with demo data (http://127.0.0.1:8000)"
	@echo "make test   every check: lint, types, unit, integration, infra, e2e"
	@echo "make bench  benchmarks (figures printed as a table)"
	@echo "make synth  synthesize the CDK app offline (cdk.out), bundles built as the deploy builds them"
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

test: setup $(STAMPS)/chromium lint typecheck unit integration infra synth bundle-check e2e
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

bench: setup runtime-python
	PYTHONPATH=layers/shared/python:functions:. $(PY) -m bench

docs: setup
	$(PY) -m local.docs

synth: setup runtime-python
	npx cdk synth --quiet

# The Lambda runtime's Python (3.13), built once from Debian trixie's source package into
# ~/.cache/shoken (about 4 CPU-minutes); the bundle's bytecode and the cold-import bench use it.
runtime-python:
	@bash infra/runtime_python.sh >/dev/null

# After synth: every function's handler and layers resolve to files in cdk.out, with 3.13 bytecode,
# and each handler imports from its bundle on Python 3.13.
bundle-check: synth
	PYTHONPATH=layers/shared/python:functions:. $(PY) -m infra.check_bundles

# Run the daily schedule (e.g. lapse of expired value) on the running local server; DATE=YYYY-MM-DD to pretend.
expire:
	curl -fsS -X POST "http://127.0.0.1:$${PORT:-8000}/_local/schedule$(if $(DATE),?date=$(DATE),)"; echo

reset:
	rm -rf .local/state
	@echo "local data removed; 'make run' will seed the demo city again"

clean:
	rm -rf $(VENV) $(STAMPS) node_modules cdk.out .local .mypy_cache .ruff_cache .pytest_cache
