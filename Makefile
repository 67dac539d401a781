# Two commands a reader needs: `make book` and `make test`.
# Each creates .venv from requirements.txt on first use (python3 >= 3.11).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NOTEBOOKS := $(sort $(wildcard notebooks/[0-9]*.ipynb))
# pytest workers (pytest-xdist); each notebook, and the book build, stays on one worker,
# and each worker gives TensorFlow its share of the cores (tests/conftest.py). Two on
# the project's 2-core machine, one per core: more workers only added CPU time (the
# README gives the measurements).
WORKERS ?= 2
# TensorFlow reads these at import: no start-up notices in outputs or logs.
export TF_CPP_MIN_LOG_LEVEL := 3
export TF_ENABLE_ONEDNN_OPTS := 0

.PHONY: book test test-unit lint lab notebooks sweeps bench clean help

help:
	@echo "make book       build the HTML book into _build/html"
	@echo "make test       run every test: package, notebooks (nbval), book build, browser"
	@echo "make test-unit  the fast tier only (pytest -m unit), in seconds"
	@echo "make lint       ruff check and ruff format --check (also part of make test)"
	@echo "make lab        open the notebooks in a local JupyterLab"
	@echo "make notebooks  re-execute every notebook in place (Restart & Run All)"
	@echo "make sweeps     rerun every stored experiment (about an hour and a half on 2 cores)"
	@echo "make bench      time fit, Keras' tuned fit and alphalstm on every chapter"

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("python >= 3.11 needed, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build . -W --keep-going
	@echo "Open _build/html/index.html"

LINTED := alphalstm tests notebooks

test: $(STAMP) lint
	$(BIN)/python -m pytest tests $(NOTEBOOKS) --nbval-lax --nbval-current-env \
	  -n $(WORKERS) --dist loadgroup --durations=12

# ruff, pinned in requirements.txt: lint and 88-column format of the package, the
# tests and the notebooks' code (configured in pyproject.toml).
lint: $(STAMP)
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)

test-unit: $(STAMP)
	$(BIN)/python -m pytest tests -m unit -q

lab: $(STAMP) $(VENV)/.lab
	$(BIN)/jupyter lab notebooks

$(VENV)/.lab: requirements-lab.txt $(STAMP)
	$(BIN)/python -m pip install --quiet -c requirements.txt -r requirements-lab.txt
	touch $@

# Restart & Run All on every chapter, then record which package version made the outputs.
notebooks: $(STAMP)
	$(BIN)/jupyter execute --inplace --timeout=600 $(NOTEBOOKS)
	$(BIN)/python -m alphalstm fingerprint --stamp $(NOTEBOOKS)

# Every stored experiment the chapters read, from the registry in alphalstm/experiments.py.
sweeps: $(STAMP)
	for name in $$($(BIN)/python -m alphalstm experiment --names); do \
	  $(BIN)/python -m alphalstm experiment $$name --data notebooks/data || exit 1; \
	done
	$(BIN)/python -m alphalstm stream-grid --data notebooks/data --jobs 2

# Three-sided benchmark of every chapter's recipe, then of the original tutorial's
# recipes that differ from the chapters' (--original); three rounds each. Then the
# profile (compile time, time per update) of the fast sides on three recipes.
bench: $(STAMP)
	for ch in $$($(BIN)/python -c 'from alphalstm import recipes; print(*recipes.CHAPTERS)'); do \
	  $(BIN)/python -m alphalstm bench $$ch --out notebooks/data/bench.jsonl || exit 1; \
	done
	for ch in $$($(BIN)/python -c 'from alphalstm import recipes as r; print(*[n for n, o in r.ORIGINALS.items() if o is not r.RECIPES[n]])'); do \
	  $(BIN)/python -m alphalstm bench $$ch --original --out notebooks/data/bench.jsonl || exit 1; \
	done
	for ch in stateful recall-stateful recall-window; do \
	  $(BIN)/python -m alphalstm bench $$ch --profile --out notebooks/data/bench_profile.jsonl || exit 1; \
	done

clean:
	rm -rf _build $(VENV)
