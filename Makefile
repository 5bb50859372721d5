# The two commands a newcomer needs: `make run` and `make test`.
VENV    ?= .venv
PY      := $(VENV)/bin/python
FLASK   := $(VENV)/bin/flask --app wsgi
HOST    ?= 127.0.0.1
PORT    ?= 5000

.PHONY: install run test test-sqlite test-postgres serve worker clean

$(VENV)/.installed: requirements.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements.txt
	touch $@

# Page checkers for the test suite (Nu validator, axe-core), from the npm registry; skipped without npm.
node_modules/.installed: package.json
	@if command -v npm >/dev/null; then npm install --no-audit --no-fund --silent && touch $@; \
	else echo "npm not found: HTML/accessibility checks will be skipped"; fi

install: $(VENV)/.installed node_modules/.installed
	$(FLASK) i18n compile

run: install
	$(FLASK) db upgrade
	$(FLASK) demo load --if-empty
	@echo "Serving on http://$(HOST):$(PORT)"
	$(FLASK) run --host $(HOST) --port $(PORT)

# SQLite always; then PostgreSQL when TEST_DATABASE_URL points at a server (browser tests run once, on SQLite).
test: install test-sqlite test-postgres

test-sqlite:
	env -u TEST_DATABASE_URL $(PY) -m pytest -q

test-postgres:
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== again on PostgreSQL =="; \
		$(PY) -m pytest -q -m "not browser"; \
	else echo "TEST_DATABASE_URL not set: PostgreSQL run skipped"; fi

# Production-like: gunicorn (core/gunicorn_conf.py) with WEB_CONCURRENCY workers (default 2) on BIND
# (default 127.0.0.1:8000), JSON request logs; the master's pid in PIDFILE (stop: kill $$(cat instance/gunicorn.pid)).
serve: install
	$(FLASK) db upgrade
	LOG_FORMAT=$${LOG_FORMAT:-json} $(VENV)/bin/gunicorn -c core/gunicorn_conf.py \
		--pid $${PIDFILE:-$${INSTANCE_PATH:-instance}/gunicorn.pid} wsgi:app

# Background jobs (needs REDIS_URL): RQ worker with its scheduler, which runs retries when they are due.
worker: install
	@if [ -z "$$REDIS_URL" ]; then echo "REDIS_URL is not set: jobs run inline, no worker needed" >&2; exit 2; fi
	$(FLASK) jobs worker

clean:
	rm -rf $(VENV) .pytest_cache
