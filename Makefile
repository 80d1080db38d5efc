# The one task runner. Every target creates .venv on first use (fresh clone: no set-up needed).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PY := $(BIN)/python
# Tests and CI run on 2 cores; pytest runs in one process (the suite starts its own servers).
PYTEST_ARGS ?=

.PHONY: venv demo test pytest lint format typecheck sync generate check-generated regen-golden bench clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,codegen]'
	touch $(STAMP)

demo: $(STAMP)
	$(PY) -m generator._demo

test: lint typecheck check-generated pytest

pytest: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

typecheck: $(STAMP)
	$(BIN)/mypy

# Refresh the committed snapshot from the live models endpoint (needs OXEN_API_KEY).
sync: $(STAMP)
	$(BIN)/oxgen sync --out generated/_schemas

generate: $(STAMP)
	$(BIN)/oxgen generate --from generated/_schemas --out generated

check-generated: $(STAMP)
	$(BIN)/oxgen generate --from generated/_schemas --out generated --check

regen-golden: $(STAMP)
	OXGEN_REGEN_GOLDEN=1 $(PY) -m pytest tests/generator/test_golden.py tests/generator/test_diff_report.py -q

bench: $(STAMP)
	$(PY) -m tests.bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis build dist
