# circuit-court — `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
DB ?= data/matcher.sqlite3
CHROMIUM := /usr/bin/chromium

.DEFAULT_GOAL := help
.PHONY: bytecode help run test check lint format typecheck demo sample clean bench bench-import browser postgres bench-review

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(VENV)/.runtime: requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@$(COMPILE)
	@touch $@

# The project's modules compiled to bytecode, as pip does for an installed package: where
# Python may not write it (PYTHONDONTWRITEBYTECODE, a read-only checkout), each command would
# otherwise compile some sixty modules from source, a quarter of a second before it starts.
# Run again by every target that runs the product; a module already compiled is skipped.
COMPILE = $(PY) -m compileall -q matcher app.py app_pages serve.py >/dev/null
bytecode: $(VENV)/.runtime ## compile the modules to bytecode (done at setup and by run, demo, bench)
	@$(COMPILE)

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

run: bytecode ## set up, load the sample data on first run, open the dashboard
	@case "$(DB)" in \
	  postgres*://*) MATCHER_DB='$(DB)' $(PY) -m matcher db migrate ;; \
	  *) test -f $(DB) || MATCHER_DB=$(DB) $(PY) -m matcher demo ;; \
	esac
	@echo "Tableau de bord : http://localhost:$(PORT)"
	MATCHER_DB='$(DB)' $(PY) -m streamlit run serve.py --server.port $(PORT)

# The browser test drives Debian's Chromium (never a downloaded browser): installed here with
# apt-get when missing and we are root (or have password-less sudo). If that fails, the test is
# skipped with its reason, except in CI (CI set), where it fails.
browser: ## install Chromium (Debian package) for the browser test, if missing
	@if [ -x $(CHROMIUM) ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then SUDO=""; \
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo"; \
	else echo "Chromium absent et pas de droits root : le test navigateur sera sauté."; exit 0; fi; \
	echo "Installation de Chromium (apt-get install chromium)..."; \
	( $$SUDO apt-get update -qq && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null ) \
	  || echo "Chromium n'a pas pu être installé : le test navigateur sera sauté (échouera en CI)."

# The store's tests also run on PostgreSQL: they start a throw-away cluster themselves from
# Debian's server (initdb/pg_ctl under /usr/lib/postgresql/N/bin, run as the postgres user),
# installed here with apt-get when missing, as Chromium is. Without it those tests are skipped
# with the reason, except in CI, where they fail.
postgres: ## install the PostgreSQL server (Debian package) for the tests, if missing
	@if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then SUDO=""; \
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo"; \
	else echo "PostgreSQL absent et pas de droits root : les tests PostgreSQL seront sautés."; exit 0; fi; \
	echo "Installation de PostgreSQL (apt-get install postgresql)..."; \
	( $$SUDO apt-get update -qq && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null ) \
	  || echo "PostgreSQL n'a pas pu être installé : ses tests seront sautés (échoueront en CI)."

test: $(VENV)/.dev browser postgres ## set up and run the whole test suite
	$(PY) -m pytest -q -n 2

check: lint typecheck test ## lint, type check, then tests

lint: $(VENV)/.dev ## ruff lint and format check
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

# The library only (files = ["matcher"] in pyproject.toml); not part of `make test`, to keep it short.
typecheck: $(VENV)/.dev ## mypy on the library (config in pyproject.toml)
	$(PY) -m mypy

format: $(VENV)/.dev ## format the code
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

demo: bytecode ## (re)load the sample data into the database
	rm -f $(DB) $(DB)-wal $(DB)-shm
	MATCHER_DB=$(DB) $(PY) -m matcher demo

sample: $(VENV)/.runtime ## regenerate the sample files under data/sample/
	$(PY) -m matcher sample --seed 2026

bench: $(VENV)/.dev bytecode ## benchmarks, small sizes: 1k x 10k chain vs bare TF-IDF, Dask, incremental, start
	$(PY) benchmarks/bench_chain.py --small
	$(PY) benchmarks/bench_ranking.py --small

bench-import: bytecode ## benchmark: import of a 50,000-row offers workbook (time, memory)
	$(PY) benchmarks/bench_import.py --rows 50000 --refusal

bench-review: $(VENV)/.runtime ## benchmark: 16 writers x 200 decisions and crash loop, SQLite then PostgreSQL
	$(PY) benchmarks/review_stress.py --backend both

clean: ## remove the virtual environment and the local database
	rm -rf $(VENV) $(DB) $(DB)-wal $(DB)-shm
