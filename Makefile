# Set-up is automatic: every target that needs Python creates .venv and installs the project first,
# exactly the locked set (requirements.lock, with hashes; `make lock` regenerates it).
RAW ?= data/raw
DATA ?= data
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOCK := requirements.lock
# uv only resolves the lock (make lock); installing needs nothing but pip.
UV_VERSION := 0.13.9
TOOLS := .venv-tools

.PHONY: lock build-dataset test test-slow shell stats check report explore bench clean

$(STAMP): pyproject.toml $(LOCK)
	rm -rf $(VENV) && $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --require-hashes --no-deps --no-compile -r $(LOCK)
	$(BIN)/pip install -q --no-deps --no-build-isolation -e .
	touch $(STAMP)

# Python 3.11 on linux x86_64, the runtime dependencies, the test extra and the build backend.
lock:
	test -x $(TOOLS)/bin/uv || { $(PYTHON) -m venv $(TOOLS) && $(TOOLS)/bin/pip install -q uv==$(UV_VERSION); }
	$(PYTHON) -c 'import tomllib; print(*tomllib.load(open("pyproject.toml", "rb"))["build-system"]["requires"], sep="\n")' \
	  | $(TOOLS)/bin/uv pip compile -q pyproject.toml - --extra test --generate-hashes --python-version 3.11 \
	      --python-platform x86_64-manylinux_2_28 --custom-compile-command 'make lock' -o $(LOCK) $(LOCK_ARGS)

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
	rm -rf $(VENV) $(TOOLS) $(DATA)/parquet $(DATA)/builds $(DATA)/imr.duckdb
