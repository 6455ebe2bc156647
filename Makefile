# Set-up is automatic: every target that needs Python creates .venv and installs the project first.
RAW ?= data/raw
DATA ?= data
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: build-dataset test test-slow shell stats check report explore bench clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

build-dataset: $(STAMP)
	$(BIN)/imr build --raw $(RAW) --data $(DATA)

test: $(STAMP)
	$(BIN)/pytest

test-slow: $(STAMP)
	$(BIN)/pytest -m slow

shell: $(STAMP)
	$(BIN)/duckdb -readonly $(DATA)/imr.duckdb

stats: $(STAMP)
	$(BIN)/imr stats $(DATA)

check: $(STAMP)
	$(BIN)/imr check $(DATA)

report: $(STAMP)
	$(BIN)/imr report $(DATA) --out report.html

explore: $(STAMP)
	IMR_DATA=$(abspath $(DATA)) $(BIN)/jupyter-execute examples/explore.ipynb --output=explore.out.ipynb

bench: $(STAMP)
	$(BIN)/python -m bench.bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(DATA)/parquet $(DATA)/builds $(DATA)/imr.duckdb
