# The two set-up commands in the README: `make demo` and `make test`. Both work on a fresh
# Debian machine: they create .venv, install sretui into it, and (for tests) make sure the real
# Prometheus and Alertmanager binaries are there.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test lint format servers bench snapshots clean

demo: $(STAMP)
	$(VENV)/bin/sretui --demo

test: $(STAMP) servers
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) -m pytest $(PYTEST_ARGS)

servers:
	@sh scripts/ensure-servers.sh

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports

format: $(STAMP)
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

snapshots: $(STAMP) servers
	$(PY) -m pytest tests/test_snapshots.py --snapshot-update

bench: $(STAMP) servers
	$(PY) benchmarks/run_all.py $(BENCH_ARGS)

$(STAMP): pyproject.toml
	@sh scripts/ensure-python.sh $(PYTHON)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $@

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache snapshot_report.html
