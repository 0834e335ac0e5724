# The two commands a new reader needs: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export XLWINGS_LICENSE_KEY ?= noncommercial

.PHONY: demo test lint format bench workbooks check-workbooks clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@ $(VENV)/.installed

demo: $(VENV)/.installed
	$(BIN)/cpcxl build --out out/workbooks
	$(BIN)/cpcxl demo --out out --overwrite

test: $(VENV)/.installed-dev
	$(BIN)/ruff check cpcxl tests bench
	$(BIN)/ruff format --check cpcxl tests bench
	$(BIN)/python -m mypy
	$(BIN)/python -m pytest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check cpcxl tests bench
	$(BIN)/ruff format --check cpcxl tests bench
	$(BIN)/python -m mypy

format: $(VENV)/.installed-dev
	$(BIN)/ruff format cpcxl tests bench
	$(BIN)/ruff check --fix cpcxl tests bench

bench: $(VENV)/.installed-dev
	for b in bench/*.py; do $(BIN)/python $$b || exit 1; done

workbooks: $(VENV)/.installed
	$(BIN)/cpcxl build --out workbooks --overwrite

check-workbooks: $(VENV)/.installed
	$(BIN)/cpcxl build --out workbooks --check

clean:
	rm -rf out .pytest_cache .ruff_cache
