# The two commands a new user needs: `make run` and `make test`. Both install what they need.
# Python 3.11+ and make are the only prerequisites; uv is installed from PyPI when missing.

SHELL := /bin/bash
UV := $(shell command -v uv 2>/dev/null || echo "$(HOME)/.local/bin/uv")
ROWS ?= 200000
SEED ?= 42
WORKDIR ?= work
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2

.PHONY: run test install lint typecheck unit docs bench-deps clean

# A Debian or Ubuntu system Python refuses user installs (PEP 668, "externally managed"): uv is
# then installed for this user only with --break-system-packages, which touches no system package.
$(UV):
	python3 -m pip install --quiet --user uv \
	  || python3 -m pip install --quiet --user --break-system-packages uv \
	  || python3 -m pip install --quiet uv

install: $(UV)
	$(UV) sync --frozen

## Main job: simulate -> train -> register (MLflow, SQLite in this folder) -> serve.
run: install
	$(UV) run umkm simulate --rows $(ROWS) --seed $(SEED) --output $(WORKDIR)/sim
	$(UV) run umkm train --data $(WORKDIR)/sim/history.parquet --truth $(WORKDIR)/sim/truth.parquet
	@mkdir -p $(WORKDIR); test -s $(WORKDIR)/api_key || \
	  python3 -c "import secrets; print(secrets.token_urlsafe(24))" > $(WORKDIR)/api_key
	@echo "API key for this demo (X-API-Key header, and the web page): in $(WORKDIR)/api_key"
	@echo "Open http://$(HOST):$(PORT)/ (page), http://$(HOST):$(PORT)/docs (API)"
	UMKM_API_KEYS="$${UMKM_API_KEYS:-$$(cat $(WORKDIR)/api_key)}" \
	  $(UV) run umkm serve --host $(HOST) --port $(PORT) --workers $(WORKERS)

## Tests: lint, types, Dockerfile lint, the docs site (strict), then the suite (browser tests skip without Chromium).
test: install lint typecheck docs unit

lint: $(UV)
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	$(UV) run hadolint Dockerfile

typecheck: $(UV)
	$(UV) run mypy

# One pytest worker per core (pytest-xdist); PYTEST_WORKERS=0 runs them in one process.
PYTEST_WORKERS ?= auto
unit: $(UV)
	$(UV) run pytest -m "slow or not slow" -n $(PYTEST_WORKERS)

## The documentation site (docs/, mkdocs.yml) into site/; strict: a broken link or anchor fails.
docs: $(UV)
	$(UV) run mkdocs build --strict

## Benchmarks are scripts (see docs/results.md); `make bench-deps` adds causalml and scikit-uplift.
bench-deps: $(UV)
	$(UV) sync --frozen --group bench

# Everything `make run` made: the lists in umkm.db name model versions of the mlflow.db removed.
clean:
	rm -rf $(WORKDIR) site mlruns mlartifacts mlflow.db umkm.db umkm.db-wal umkm.db-shm training-output \
	  .pytest_cache .mypy_cache .ruff_cache
