# Blueprint Tracker: the two commands of the quick start are `make run` and `make test`.
# Everything they need is installed from here: a venv from pinned requirements.txt,
# and Debian's Chromium (browser tests, board pack PDF) and poppler-utils (the board pack tests read
# the PDF with pdftotext).

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
DB     ?= data/tracker.duckdb
PORT   ?= 8501

.PHONY: run test lint venv chromium nginx demo bench clean-db help

help:
	@echo "make run    set up, build the demo database if there is none, start the dashboard"
	@echo "make test   set up (venv + Chromium) and run the whole test suite (lint first)"
	@echo "make lint   ruff (lint and format), mypy, and the import contract (pyproject.toml)"
	@echo "make demo   rebuild the demo database from scratch"
	@echo "make bench  run the benchmarks (ingest, metrics, pages, boardpack, loadtest)"

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

venv: $(VENV)/.installed

chromium:
	@if [ -x /usr/bin/chromium ] && command -v pdftotext >/dev/null; then :; \
	elif [ "$$(id -u)" = "0" ]; then \
	  echo "Installing Debian's Chromium and poppler-utils for the browser and board pack tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils >/dev/null; \
	elif command -v sudo >/dev/null; then \
	  sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils >/dev/null; \
	else \
	  echo "Chromium or poppler-utils is missing: install Debian's packages (apt-get install chromium poppler-utils) and run make test again." >&2; exit 1; \
	fi

# The demo is published as release 1, so viewers read a release from the first start, as
# they do in production (store.releases; docs/deployment.md).
$(DB): | venv
	$(PY) -m store init --demo --db $(DB)
	$(PY) -m store publish --db $(DB) --note "Demo data" --user demo

run: venv $(DB)
	$(PY) -m streamlit run dashboard.py --server.port $(PORT) --server.headless true

demo: venv
	rm -f $(DB) $(DB).wal
	rm -rf $(dir $(DB))releases
	$(PY) -m store init --demo --db $(DB)
	$(PY) -m store publish --db $(DB) --note "Demo data" --user demo

# ruff, mypy and import-linter read their settings from pyproject.toml; any finding fails.
lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

# Two workers (pytest-xdist; CI has two cores), a test file per worker at a time: the
# browser files share a server per file.
test: venv chromium lint
	$(PY) -m pytest -q -n 2 --dist loadfile

# nginx: the load test's balancer in front of two replicas (not needed by make test).
nginx:
	@if command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; then :; \
	elif [ "$$(id -u)" = "0" ]; then \
	  echo "Installing Debian's nginx for the load test"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; \
	elif command -v sudo >/dev/null; then \
	  sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; \
	else \
	  echo "nginx is missing: install Debian's package (apt-get install nginx) and run make bench again." >&2; exit 1; \
	fi

bench: venv chromium nginx
	$(PY) benchmarks/ingest.py
	$(PY) benchmarks/metrics.py
	$(PY) benchmarks/pages.py
	$(PY) benchmarks/boardpack.py
	$(PY) benchmarks/loadtest.py
