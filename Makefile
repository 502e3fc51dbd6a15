# Two commands matter: `make demo` (embedded store, no Java, no Docker) and
# `make test` (the whole suite, with a real Neo4j started by the test run).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PYTEST_ARGS ?=
# Test worker processes (pytest-xdist), each with its own Neo4j and Chromium.
# 0 runs in this process; with NEO4J_URI (one database for all) it must be 0.
TEST_WORKERS ?= $(if $(NEO4J_URI),0,2)

.PHONY: demo test serve bench clean

# Installing prints setuptools' warnings that look like a failure: they go to
# $(VENV)/install.log, shown only when the install really fails.
$(VENV)/.installed: pyproject.toml
	@echo "Menyiapkan Python (sekali saja) / setting up Python (once)..."
	@$(PYTHON) -m venv $(VENV)
	@$(BIN)/pip install --quiet --upgrade pip > $(VENV)/install.log 2>&1 || { cat $(VENV)/install.log; exit 1; }
	@$(BIN)/pip install --quiet -e ".[test]" >> $(VENV)/install.log 2>&1 || { cat $(VENV)/install.log; exit 1; }
	@touch $@

demo: $(VENV)/.installed
	@$(BIN)/alumni-graph demo

serve: $(VENV)/.installed
	$(BIN)/alumni-graph serve

test: $(VENV)/.installed
	tools/ensure-system-deps.sh
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

# BENCH_ARGS, e.g. "--scale M" or "--only load queries" (see bench/RESULTS.md).
BENCH_ARGS ?=
bench: $(VENV)/.installed
	tools/ensure-system-deps.sh
	$(BIN)/pip install --quiet -e ".[test,fast,bench]"
	-command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y -q wrk >/dev/null; } || true
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .cache .pytest_cache .hypothesis test-artifacts
