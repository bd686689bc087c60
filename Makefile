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

.PHONY: run test lint fmt typecheck unit integration infra e2e bench bench-reset soak synth docs expire rebuild-totals migrate-history reset setup clean help runtime-python bundle-check screens recompute-draw bench-sale sam-api sam-invoke

help:
	@echo "make run    start shoken locally with demo data (http://127.0.0.1:8000)"
	@echo "            HOST=0.0.0.0 make run: on the LAN over https, so a phone can be the till"
	@echo "make test   every check: lint, types, unit, integration, infra, e2e"
	@echo "make bench  benchmarks (figures printed as a table)"
	@echo "make soak   the stateful money machine for 50,000 steps (MONEY_MACHINE_SEED=<n> repeats a run)"
	@echo "make synth  synthesize the CDK app offline (cdk.out), bundles built as the deploy builds them"
	@echo "make sam-api  the functions in the Lambda images (SAM CLI + Docker) behind the local UIs (docs/deploy.md)"
	@echo "make sam-invoke FN=workers-schedule EVENT=local/events/schedule.json  one function, while sam-api runs"
	@echo "make screens  screenshots of the main screens at PC and phone size (docs/screens/)"
	@echo "make expire run the daily schedule on the running local server (DATE=YYYY-MM-DD to pretend)"
	@echo "make rebuild-totals COMMITTEE=1 FROM=YYYY-MM-DD TO=YYYY-MM-DD  recompute past days' report totals"
	@echo "make migrate-history FROM=YYYY-MM-DD [TO=… COMMITTEE=…]  move pre-sharding history rows to their shards"
	@echo "make reset  forget local data; the next 'make run' seeds the demo city again"

# --- set-up (each step reruns only when its inputs change) ---------------------------------
# `make run` installs only what running needs (requirements/run.txt, npm "dependencies": jsQR);
# `make test` and the other targets add the rest (requirements/dev.txt, npm "devDependencies").
# The run set is installed without compiling every module (moto alone has thousands): the server
# compiles what it imports on its first start, into .local/pycache, and reuses that afterwards.
# Each step first checks what it needs (local/preflight.py), so a missing Python or Node.js, a port
# in use or no network stops it with one line naming the fix, before anything is half-installed.
PIP_INSTALL := $(PY) -m pip install --quiet --disable-pip-version-check
RUN_STAMPS := $(STAMPS)/python-run $(STAMPS)/npm-run
PREFLIGHT = @command -v $(PYTHON) >/dev/null 2>&1 || { \
  echo "make: $(PYTHON) not found: install Python 3.11 or newer, or name it with PYTHON=python3.11 make run" >&2; \
  exit 1; }; $(PYTHON) local/preflight.py

$(STAMPS)/python-run: requirements/run.txt requirements/lambda.txt
	$(PREFLIGHT) python pypi
	@echo "installing the Python packages of requirements/run.txt into $(VENV)"
	@mkdir -p $(STAMPS)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) --no-compile -r requirements/run.txt
	@touch $@

$(STAMPS)/python: requirements/dev.txt requirements/sam.txt $(STAMPS)/python-run
	$(PREFLIGHT) pypi
	$(PIP_INSTALL) -r requirements/dev.txt
	@# the run set went in uncompiled; the test processes (which write no bytecode) read it compiled
	$(PY) -m compileall -q -j 0 $(VENV)/lib/python3*/site-packages >/dev/null
	@touch $@

# `npm ci` installs exactly package-lock.json; --omit=dev leaves out the CDK CLI and axe-core. It
# replaces node_modules, so the run-only install forgets that the full one was done.
$(STAMPS)/npm-run: package.json package-lock.json
	$(PREFLIGHT) npm
	@echo "installing jsQR from npm (package-lock.json, without the devDependencies)"
	@mkdir -p $(STAMPS)
	npm ci --omit=dev --no-audit --no-fund --loglevel=error
	@rm -f $(STAMPS)/npm
	@touch $@

$(STAMPS)/npm: package.json package-lock.json $(STAMPS)/npm-run
	$(PREFLIGHT) npm
	npm ci --no-audit --no-fund --loglevel=error
	@touch $(STAMPS)/npm-run $@

# The browser tests see what users see: Debian's Chromium with Japanese fonts (fonts-noto-cjk) and its
# Japanese UI (chromium-l10n: without ja.pak Chromium falls back to en-US, and date fields and file
# pickers read "10/23/2026, 12:00 AM" / "Choose File" whatever the page's locale).
$(STAMPS)/chromium-ja:
	@mkdir -p $(STAMPS)
	@{ command -v chromium >/dev/null 2>&1 && dpkg -s fonts-noto-cjk chromium-l10n >/dev/null 2>&1; } || { \
	  echo "installing Debian's chromium, chromium-l10n and fonts-noto-cjk for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium chromium-l10n fonts-noto-cjk >/dev/null; }
	@touch $@

setup: $(STAMPS)/python $(STAMPS)/npm

# --- the two front-door commands -----------------------------------------------------------
# Everything is checked before the first install: the port, and the tools and network still needed.
run:
	$(PREFLIGHT) port $$($(MAKE) -sq $(STAMPS)/python-run || echo python pypi) $$($(MAKE) -sq $(STAMPS)/npm-run || echo npm)
	@SHOKEN_PREFLIGHT_DONE=1 $(MAKE) -s --no-print-directory $(RUN_STAMPS)
	PYTHONDONTWRITEBYTECODE= PYTHONPYCACHEPREFIX=$(CURDIR)/.local/pycache $(PY) -m local.server

test: setup $(STAMPS)/chromium-ja lint typecheck unit integration infra synth bundle-check e2e
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

e2e: setup $(STAMPS)/chromium-ja
	$(PY) -m pytest -q tests/e2e

bench: setup runtime-python
	PYTHONPATH=layers/shared/python:functions:. $(PY) -m bench

# 10,000 applications (申込) through the local API: applications/s, none lost or doubled (issue 15.8).
# Not part of `make test` or `make bench` (it takes minutes); APPLICATIONS=… WALLETS=… to resize.
bench-sale: setup runtime-python
	PYTHONPATH=layers/shared/python:functions:. $(PY) -m bench.sale --applications $(or $(APPLICATIONS),10000) --wallets $(or $(WALLETS),40)

# Recompute a draw from the console's 申込一覧 CSV, its rule and seed, and compare with the stored
# result (issue 15.3): make recompute-draw FILE=applications_P1.csv SEED=<seed> RULE=lot UNITS=1000
recompute-draw: setup
	PYTHONPATH=layers/shared/python $(PY) -m shoken.draw_check "$(FILE)" --seed "$(SEED)" --rule "$(RULE)" --units "$(UNITS)"

bench-reset: setup  ## password reset: existing vs unknown login ID answer in the same time (issue 12.3)
	PYTHONPATH=layers/shared/python:functions:. $(PY) -m bench --only reset

# The stateful money machine at length (make test runs 2,000 steps): a fresh seed, printed; repeat a
# run with MONEY_MACHINE_SEED=<seed> make soak. SOAK_STEPS sets the length.
SOAK_STEPS ?= 50000
soak: setup
	MONEY_MACHINE_STEPS=$(SOAK_STEPS) $(PY) -m pytest -q -s tests/integration/test_money_machine.py

docs: setup
	$(PY) -m local.docs

# Screenshots of each app's main screens at 1366×768 and 390×844 (docs/screens/, shown in the README).
screens: setup $(STAMPS)/chromium-ja
	$(PY) -m tests.e2e.screens

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

# Recompute the report totals of past days from the transactions on the running local server (in AWS:
# invoke the schedule function, docs/deploy.md). COMMITTEE=1 FROM=YYYY-MM-DD TO=YYYY-MM-DD (TO < today).
migrate-history:
	curl -sS -X POST "http://127.0.0.1:$${PORT:-8000}/_local/migrate-history?date_from=$(FROM)&date_to=$(TO)&committee=$(COMMITTEE)"; echo

rebuild-totals:
	curl -sS -X POST "http://127.0.0.1:$${PORT:-8000}/_local/rebuild-totals?committee=$(or $(COMMITTEE),1)&date_from=$(FROM)&date_to=$(TO)"; echo

reset:
	rm -rf .local/state
	@echo "local data removed; 'make run' will seed the demo city again"

clean:
	rm -rf $(VENV) $(STAMPS) node_modules cdk.out .local .mypy_cache .ruff_cache .pytest_cache

# --- the real Lambda runtime, locally (issue 20; docs/deploy.md "Test on the real runtime") ---------
# Needs Docker, so never part of `make test` (which lints the same templates and runs bundle-check).
# The SAM CLI (~340 MB, ~6 minutes to install) lives in its own venv outside the repository, made once
# per version; moto's HTTP server (requirements/sam.txt) is added to .venv. The Docker check comes
# first, so a machine without Docker installs nothing and gets one line naming the fix.
SAM_CLI_VERSION := 1.170.0
export SHOKEN_SAM_VENV ?= $(HOME)/.cache/shoken/sam-cli-$(SAM_CLI_VERSION)
export SAM_STAGE ?= local

$(SHOKEN_SAM_VENV)/bin/sam:
	@echo "installing aws-sam-cli==$(SAM_CLI_VERSION) into $(SHOKEN_SAM_VENV) (once: ~340 MB, ~6 minutes)"
	@rm -rf $(SHOKEN_SAM_VENV) && $(PYTHON) -m venv $(SHOKEN_SAM_VENV)
	$(SHOKEN_SAM_VENV)/bin/python -m pip install --quiet --disable-pip-version-check aws-sam-cli==$(SAM_CLI_VERSION)

$(STAMPS)/sam: requirements/sam.txt $(STAMPS)/python-run
	$(PIP_INSTALL) -r requirements/sam.txt
	@touch $@

sam-api: setup
	@PYTHONPATH=layers/shared/python:functions:. $(PY) -m infra.sam preflight
	@$(MAKE) -s --no-print-directory runtime-python $(SHOKEN_SAM_VENV)/bin/sam $(STAMPS)/sam
	@PYTHONPATH=layers/shared/python:functions:. $(PY) -m infra.sam api

sam-invoke: setup
	@PYTHONPATH=layers/shared/python:functions:. $(PY) -m infra.sam invoke "$(FN)" "$(EVENT)"
