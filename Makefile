# chainboard — the two commands: `make demo` and `make test`.
SHELL := /bin/bash
PY := .venv/bin/python
UV := .venv/bin/uv
CB := .venv/bin/chainboard
# the demo always runs the development settings (DEBUG on), even where `chainboard init` wrote a config
DEV := DJANGO_SETTINGS_MODULE=chainboard.settings.dev
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
HOST ?= 127.0.0.1
PORT ?= 8000
VENDOR := src/chainboard/static/vendor

.PHONY: demo test venv assets system-deps lint test-sqlite test-postgres serve bench clean

demo: venv assets  ## build and serve the sample city on http://127.0.0.1:8000
	$(DEV) $(CB) migrate --no-input -v0
	$(DEV) $(CB) demo --if-empty
	$(DEV) $(CB) collectstatic --no-input -v0
	@echo "chainboard: http://$(HOST):$(PORT)/  (logins printed above)"
	@# the background worker (evaluation runs, PDFs) runs beside the server and stops with it
	$(DEV) $(CB) worker -v0 & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT; \
	  $(DEV) $(CB) runserver $(HOST):$(PORT)

test: venv-test assets system-deps lint test-sqlite test-postgres  ## the whole suite, SQLite then PostgreSQL

.venv/bin/python:
	python3 -m venv .venv
	.venv/bin/pip install -q --disable-pip-version-check uv

venv: .venv/bin/python
	$(UV) pip install -q --python $(PY) -e .

venv-test: .venv/bin/python
	$(UV) pip install -q --python $(PY) -e '.[dev,spark]'

# static/vendor/<file> ← its npm package (package.json): ECharts, htmx, Swagger UI for /api/docs.
# The stylesheet's source map is copied too: collectstatic's manifest storage follows its
# sourceMappingURL comment and fails on a missing file.
VENDOR_FROM_echarts.min.js := node_modules/echarts/dist/echarts.min.js
VENDOR_FROM_htmx.min.js := node_modules/htmx.org/dist/htmx.min.js
VENDOR_FROM_swagger-ui-bundle.js := node_modules/swagger-ui-dist/swagger-ui-bundle.js
VENDOR_FROM_swagger-ui.css := node_modules/swagger-ui-dist/swagger-ui.css
VENDOR_FROM_swagger-ui.css.map := node_modules/swagger-ui-dist/swagger-ui.css.map
VENDOR_FILES := $(patsubst VENDOR_FROM_%,$(VENDOR)/%,$(filter VENDOR_FROM_%,$(.VARIABLES)))

assets: $(VENDOR_FILES)

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

# re-copied whenever `npm ci` ran (package.json or the lock file changed) or the copy is missing
$(VENDOR_FILES): $(VENDOR)/%: node_modules/.package-lock.json
	mkdir -p $(VENDOR)
	cp $(VENDOR_FROM_$*) $@

system-deps:  ## Debian packages the tests need (chromium for browser tests, CJK fonts, Java for Spark)
	scripts/system-deps.sh

lint:  ## ruff, format check, mypy, the import-linter contracts (layers: ARCHITECTURE.md), check, migrations
	.venv/bin/ruff check src tests benchmarks
	.venv/bin/ruff format --check src tests benchmarks
	.venv/bin/mypy src
	.venv/bin/lint-imports
	DJANGO_SETTINGS_MODULE=chainboard.settings.test $(CB) check
	DJANGO_SETTINGS_MODULE=chainboard.settings.test $(CB) makemigrations --check --dry-run -v0

# pytest-xdist: one worker per core (2 on the reference machine); a test file stays on one worker
# (--dist loadfile), so module fixtures are built once; files are handed out in collection order,
# the slowest first (tests/conftest.py SLOW_FILES_FIRST). Each worker has its own test database
# (settings/test.py) and its own upload/media folders.
TEST_WORKERS ?= 2
PYTEST := HYPOTHESIS_PROFILE=ci $(PY) -m pytest -q -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

test-sqlite:
	$(PYTEST)

# The Django tests again on PostgreSQL. Left out: the pure analytics tests (no database) and the
# browser tests (they check what the browser shows; the views and queries they call are the ones
# the Django tests run here on PostgreSQL).
test-postgres:
	DATABASE_URL=$(PG_URL) $(PYTEST) --ignore=tests/analytics --ignore=tests/browser

bench:
	for b in $(filter-out benchmarks/_%,$(wildcard benchmarks/*.py)); do echo "== $$b"; $(PY) $$b || exit 1; done

clean:
	rm -rf var/ node_modules/ $(VENDOR) .pytest_cache
