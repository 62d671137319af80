# DSCP Think Tank workbook. A new user needs two commands:
#   make pack   create .venv, install, load the bundled sample, build the sample pack
#   make test   run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PERIOD ?= 2024-25-Q4
DB     ?= data/dscp.duckdb

.PHONY: install pack load lab test benchmarks clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m ipykernel install --sys-prefix --name dscp --display-name "DSCP Think Tank (Python 3)" >/dev/null
	$(BYTECODE)
	touch $@

# The package's bytecode, as pip writes it for a regular install (an editable one leaves it to the first
# import, which cannot write it where PYTHONDONTWRITEBYTECODE is set: every process, and every notebook
# kernel of a build, would compile the package again). Python ignores a .pyc older than its source.
BYTECODE = $(BIN)/python -m compileall -q dscp_metrics

load: install
	$(BIN)/dscp load data/sample --db $(DB)

pack: load
	$(BIN)/dscp build --period $(PERIOD) --db $(DB)

# JupyterLab refuses to run as root unless told; an analyst's own account needs nothing.
LAB_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

lab: install
	$(BIN)/jupyter lab $(LAB_ROOT) notebooks/explore.ipynb

NOTEBOOKS := $(wildcard notebooks/*.ipynb notebooks/pack/*.ipynb)

# The browser tests' pinned npm packages (axe-core), exactly as package-lock.json says; skipped without npm
# (those tests then say why they did not run).
NPM := $(shell command -v npm 2>/dev/null)
node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

# The house checks first (lint; notebooks committed without outputs), then the whole test suite.
test: install $(if $(NPM),node_modules/.package-lock.json)
	$(BIN)/ruff check --quiet .
	$(BIN)/nbstripout --verify --keep-id --extra-keys "metadata.papermill cell.metadata.papermill" $(NOTEBOOKS)
	$(BIN)/python -m pytest

# Each script prints its figures beside a floor or peer measured in the same run (medians of several
# whole-process runs, spread, peak memory, goal met?); none fails on a missed goal. Generated stores and
# builds go to benchmarks/.work/ (git-ignored). `make benchmarks BENCH_ARGS=--quick` for fewer runs.
BENCH_ARGS ?=

benchmarks: install
	$(BYTECODE)
	$(BIN)/python benchmarks/bench_load.py
	$(BIN)/python benchmarks/bench_indicators.py $(BENCH_ARGS)
	$(BIN)/python benchmarks/bench_disclosure.py $(BENCH_ARGS)
	$(BIN)/python benchmarks/bench_build.py $(BENCH_ARGS)
	$(BIN)/python benchmarks/bench_explorer.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) outputs/*/ outputs/index.html $(DB)
