# The two commands a new user needs: `make run` and `make test`. Both install what they need.
# Python 3.11+ and make are the only prerequisites; uv is installed from PyPI when missing.

SHELL := /bin/bash
UV := $(shell command -v uv 2>/dev/null || echo "$(HOME)/.local/bin/uv")
ROWS ?= 200000
SEED ?= 42
WORKDIR ?= work
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install lint typecheck unit simulate train serve bench clean

$(UV):
	python3 -m pip install --quiet --user uv || python3 -m pip install --quiet uv

install: $(UV)
	$(UV) sync --frozen

## Main job: simulate -> train -> register (MLflow, SQLite in this folder) -> serve.
run: install
	$(UV) run umkm simulate --rows $(ROWS) --seed $(SEED) --output $(WORKDIR)/sim
	$(UV) run umkm train --data $(WORKDIR)/sim/history.parquet --truth $(WORKDIR)/sim/truth.parquet
	$(UV) run umkm serve --host $(HOST) --port $(PORT)

## Tests: lint, types, Dockerfile lint, then the suite (browser tests skip without Chromium).
test: install lint typecheck unit

lint: $(UV)
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	$(UV) run hadolint Dockerfile

typecheck: $(UV)
	$(UV) run mypy

unit: $(UV)
	$(UV) run pytest

bench: $(UV)
	$(UV) sync --frozen --group bench
	$(UV) run python benchmarks/run_all.py

clean:
	rm -rf $(WORKDIR) mlruns mlartifacts mlflow.db .pytest_cache .mypy_cache .ruff_cache
