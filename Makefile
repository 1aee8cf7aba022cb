# Two commands: `make run` serves the whole service with demo data; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
export FLASK_APP := wsgi

.PHONY: run test venv dev-venv lint format migrate translations chromium postgres-binaries nginx redis-server wrk lighthouse bench clean

$(BIN)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(BIN)/.installed-dev: requirements.txt requirements-dev.txt $(BIN)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(BIN)/.installed
dev-venv: $(BIN)/.installed-dev

translations: $(BIN)/.installed
	$(BIN)/pybabel compile -d translations >/dev/null

run: venv translations
	$(BIN)/flask db upgrade
	$(BIN)/flask demo-data
	@PUBLIC_BASE_URL=$${PUBLIC_BASE_URL:-http://$(HOST):$(PORT)} $(BIN)/flask show-urls
	@# The notification worker (overdue cases, e-mail, webhook) and the export worker (XLSX, CSV,
	@# PDF and DOCX downloads built in the background) run beside gunicorn and stop with it.
	export PUBLIC_BASE_URL=$${PUBLIC_BASE_URL:-http://$(HOST):$(PORT)}; \
	  $(BIN)/flask deliver-notifications --loop & worker=$$!; \
	  $(BIN)/flask run-exports --loop & exporter=$$!; \
	  trap 'kill $$worker $$exporter 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/gunicorn --bind $(HOST):$(PORT) --workers $(WORKERS) --threads 4 --access-logfile - wsgi:app

# PostgreSQL's server binaries for the durability tests, which start a private cluster of their own.
postgres-binaries:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	  else echo "initdb is missing: install Debian's postgresql package (durability tests need it)"; fi; \
	fi

# Debian's Chromium for the browser tests; never a downloaded browser build.
chromium:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium is missing: install Debian's chromium package (browser tests need it)"; fi; \
	fi

# Debian's nginx and redis-server for the two-instance test (tests/test_two_instances.py) and the
# nginx bench, which start private ones of their own on loopback (never the system's services).
nginx:
	@if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; \
	  else echo "nginx is missing: install Debian's nginx package (the two-instance test needs it)"; fi; \
	fi

redis-server:
	@if ! command -v redis-server >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; \
	  else echo "redis-server is missing: install Debian's redis-server package (the two-instance test needs it)"; fi; \
	fi

lint: dev-venv
	$(BIN)/ruff check .

format: dev-venv
	$(BIN)/ruff format .

test: dev-venv translations chromium postgres-binaries nginx redis-server lint
	$(BIN)/pytest -q
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
	  echo "== the suite again on $$TEST_DATABASE_URL =="; \
	  SUITE_DATABASE=external $(BIN)/pytest -q -m "not browser"; \
	fi

# Debian's wrk for the HTTP benches (bench/load.py drives it with Lua scripts).
wrk:
	@if ! command -v wrk >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	  else echo "wrk is missing: install Debian's wrk package (the ingest and survey benches need it)"; fi; \
	fi

# Lighthouse from npm, pinned, in a project-local folder (.gitignored) for bench/lighthouse_bench.py,
# which drives Debian's Chromium with it (Node 20).
LIGHTHOUSE_VERSION := 12.2.3
lighthouse:
	@if ! grep -qs '"version": "$(LIGHTHOUSE_VERSION)"' bench/.node/node_modules/lighthouse/package.json; then \
	  npm install --prefix bench/.node --save-exact --no-audit --no-fund --loglevel=error lighthouse@$(LIGHTHOUSE_VERSION); \
	fi

bench: dev-venv nginx wrk chromium lighthouse
	$(BIN)/python bench/run_all.py

migrate: venv
	$(BIN)/flask db migrate -m "$(m)"

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
