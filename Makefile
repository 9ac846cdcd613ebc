# The two commands of the README:
#   make run   - set up and run the bot (console chat when no platform token is configured)
#   make test  - set up and run the whole test suite (starts its own throwaway PostgreSQL)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: run test bench screenshots install clean system-packages

# Debian packages the project needs from the system, installed when missing (as root, e.g. in CI):
# python3-venv for `python3 -m venv` (every target); PostgreSQL's server binaries, which the test
# session runs as a throwaway server, and Chromium, the browser of the dashboard tests (make test and
# make screenshots). Not root: the command to run is printed.
NEEDS := python3-venv
test: NEEDS := python3-venv postgresql chromium
screenshots: NEEDS := python3-venv chromium

system-packages:
	@missing=""; \
	for need in $(NEEDS); do \
	  case $$need in \
	    python3-venv) $(PYTHON) -c "import ensurepip" 2>/dev/null || missing="$$missing python3-venv" ;; \
	    postgresql) command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 \
	                || missing="$$missing postgresql" ;; \
	    chromium) command -v chromium >/dev/null 2>&1 || missing="$$missing chromium" ;; \
	  esac; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing:$$missing"; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	  else \
	    echo "missing system packages:$$missing (run: sudo apt-get install -y$$missing)"; \
	  fi; \
	fi

$(STAMP): pyproject.toml | system-packages
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/factbot run

test: system-packages $(STAMP)
	$(BIN)/python -m pytest

# The benchmarks: matching, in one table with the semantic stage's rows (with its lexical reference,
# the bench extra; BENCH_ARGS=--million adds 1M phrasings), the dashboard, the semantic stage's details
# and the evaluation report.
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	$(BIN)/python bench/bench_matching.py $(BENCH_ARGS)
	$(BIN)/python bench/bench_dashboard.py
	$(BIN)/python bench/bench_semantic.py
	$(BIN)/python bench/eval_report.py

# The dashboard's screenshots in docs/images, taken by the tests' browser (shipped knowledge, a
# generated month of questions).
screenshots: system-packages $(STAMP)
	$(BIN)/python -m pytest -q tests/dashboard/test_dashboard_screenshots.py --screenshots=docs/images

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
