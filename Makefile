# specshop: `make run` serves the demo catalog; `make test` runs every quality gate.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
SDK_VENV ?= .venv-sdk
SDK_PY := $(SDK_VENV)/bin/python
export PYTHONWARNINGS ?= ignore::DeprecationWarning,ignore:Using `httpx`:Warning

.PHONY: install run generate check compat lint coverage sdk sdk-test test test-sqlite test-postgres bench clean docs-report

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

# The SDK generators have their own virtualenv: their dependencies (pydantic, typer, ruff...) stay out of the server's.
$(SDK_VENV)/.installed: sdk/requirements.txt
	$(PYTHON) -m venv $(SDK_VENV)
	$(SDK_PY) -m pip install --quiet -r sdk/requirements.txt
	touch $@

run: install  ## migrate, seed on first run, serve on 127.0.0.1:8000
	$(VENV)/bin/specshop run

generate: install  ## specs/ -> generated/
	$(PY) -m codegen

check: install  ## generated/ matches the specs, the specs pass lint, and nothing breaks a client of the baseline
	$(PY) -m codegen --check
	$(PY) -m codegen.lint
	$(PY) -m codegen.compat

compat: install  ## breaking changes against specs/baseline/ (listed ones need a reason in specs/baseline/CHANGES.yaml)
	$(PY) -m codegen.compat

coverage: install  ## implemented vs 501 per area, and coverage of the Bagisto catalog
	$(PY) -m server.coverage

sdk: $(SDK_VENV)/.installed  ## generated/ -> var/sdk/: Python clients of the shop and admin documents (openapi-python-client) and SDL (ariadne-codegen); a warning fails
	$(SDK_PY) sdk/generate.py

sdk-test: install sdk  ## the storefront and admin recipes through each generated client, against `specshop run` on a scratch database
	SPECSHOP_PYTHON=$(PY) $(SDK_PY) -m pytest -q sdk/tests

test: check sdk  ## drift check, lint, SDK build, behaviour + contract tests, SDK recipes, docs conformance gate (SQLite, and PostgreSQL side by side if DATABASE_URL is set)
	$(PY) -m tests.run_suites
	SPECSHOP_PYTHON=$(PY) $(SDK_PY) -m pytest -q sdk/tests
	$(PY) -m server.coverage

docs-report: install  ## every Bagisto documentation example against the spec and the demo catalog (own SQLite database; ARGS="--failures AREA")
	env -u DATABASE_URL $(PY) -m tests.docs.report $(ARGS)

bench: install  ## throughput and statements vs a minimal Starlette baseline at 10,000 and 100,000 products (wrk when installed), search at 100,000 products, reports on 100,000 orders; full guest checkout (orders/s, statements per step, memory), cold start, 2 workers vs 1 (DATABASE_URL, REDIS_URL)
	$(PY) -m bench.run
	$(PY) -m bench.checkout
	$(PY) -m bench.cold_start
	$(PY) -m bench.workers
	$(PY) -m bench.search
	$(PY) -m bench.reports

clean:
	rm -rf var/ .hypothesis/ bench/results/
