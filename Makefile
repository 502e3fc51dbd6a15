# Two commands matter: `make demo` (embedded store, no Java, no Docker) and
# `make test` (the whole suite, with a real Neo4j started by the test run).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PYTEST_ARGS ?=

.PHONY: demo test serve bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

demo: $(VENV)/.installed
	$(BIN)/alumni-graph demo

serve: $(VENV)/.installed
	$(BIN)/alumni-graph serve

test: $(VENV)/.installed
	tools/ensure-system-deps.sh
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# BENCH_ARGS, e.g. "--scale M" or "--only load queries" (see bench/RESULTS.md).
BENCH_ARGS ?=
bench: $(VENV)/.installed
	tools/ensure-system-deps.sh
	$(BIN)/pip install --quiet -e ".[test,fast,bench]"
	-command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y -q wrk >/dev/null; } || true
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .cache .pytest_cache .hypothesis test-artifacts
