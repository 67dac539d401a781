# Two commands a reader needs: `make book` and `make test`.
# Each creates .venv from requirements.txt on first use (python3 >= 3.11).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NOTEBOOKS := $(sort $(wildcard notebooks/[0-9]*.ipynb))

.PHONY: book test lab notebooks sweeps bench clean help

help:
	@echo "make book       build the HTML book into _build/html"
	@echo "make test       run every test: package, notebooks (nbval), book build"
	@echo "make lab        open the notebooks in a local JupyterLab"
	@echo "make notebooks  re-execute every notebook in place (Restart & Run All)"
	@echo "make sweeps     retrain every chapter on seeds 0-9 and store the results"
	@echo "make bench      benchmark the original recipes against the fast trainer"

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

test: $(STAMP)
	$(BIN)/python -m pytest tests $(NOTEBOOKS) --nbval-lax --durations=5

lab: $(STAMP) $(VENV)/.lab
	$(BIN)/jupyter lab notebooks

$(VENV)/.lab: requirements-lab.txt $(STAMP)
	$(BIN)/python -m pip install --quiet -r requirements-lab.txt
	touch $@

notebooks: $(STAMP)
	$(BIN)/jupyter execute --inplace --timeout=600 $(NOTEBOOKS)

SWEEP_CHAPTERS ?= one-char feature-window timestep-window batch-state stateful variable-length stateful-batched

# Regenerate the stored 10-seed sweeps the notebooks plot (a few minutes).
sweeps: $(STAMP)
	for ch in $(SWEEP_CHAPTERS); do \
	  $(BIN)/python -m alphalstm sweep $$ch --seeds 0-9 --csv notebooks/data/sweep_$$ch.csv || exit 1; \
	done

BENCH_CHAPTERS ?= one-char feature-window timestep-window batch-state stateful stateful-batched

# Original recipe (Keras fit) against the fast trainer, recorded in
# notebooks/data/bench.csv (about 12 minutes). Variable length is benchmarked
# on 5 epochs: its full recipe is over an hour of fit.
bench: $(STAMP)
	for ch in $(BENCH_CHAPTERS); do \
	  $(BIN)/python -m alphalstm bench $$ch --csv notebooks/data/bench.csv || exit 1; \
	done
	$(BIN)/python -m alphalstm bench variable-length --epochs 5 --csv notebooks/data/bench.csv

clean:
	rm -rf _build $(VENV)
