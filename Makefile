# Two commands do everything: `make run` and `make test`. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app wsgi

.PHONY: run test test-postgres setup setup-dev migrate courses translations messages lint bench bench-capacity clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Re-install only when pyproject.toml changes. The `authoring` extra (readability scores for
# `flask courses lint` and the reading levels the import stores) comes with it here, on the
# machine where courses are written and imported; deploy/README.md installs the web server
# without it.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[authoring]'
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

setup: $(VENV)/.installed translations
setup-dev: $(VENV)/.installed-dev translations

translations:
	@if ls course_app/translations/*/LC_MESSAGES/messages.po >/dev/null 2>&1; then \
		$(BIN)/pybabel compile -d course_app/translations; fi

migrate: setup
	@mkdir -p instance
	$(FLASK) db upgrade

courses: migrate
	$(FLASK) courses import

run: courses
	@echo ""
	@echo "  Library Learning is running at http://127.0.0.1:$(PORT)"
	@echo "  Create an administrator (in another terminal):"
	@echo "      $(FLASK) users create-admin YOUR-NAME"
	@echo "  then sign in at http://127.0.0.1:$(PORT)/account/sign-in"
	@echo "  Stop with Ctrl+C. Your data stays in instance/course_app.db,"
	@echo "  queued jobs (mail) in instance/jobs.db."
	@echo ""
	@# One job worker beside the web server; it stops with it (the trap, and the worker
	@# itself when this shell goes away).
	$(FLASK) jobs worker --stop-with-parent & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/gunicorn --config deploy/gunicorn.conf.py --bind 127.0.0.1:$(PORT) wsgi:app

test: setup-dev
	$(BIN)/pytest -q

# The suite against PostgreSQL (a scratch database is made and dropped on this server). The
# two-server test already runs on PostgreSQL in `make test`.
test-postgres: setup-dev
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test} \
		$(BIN)/pytest -q -m "not browser and not multiserver"

# Extract every UI string into the catalogue template that translators work from.
messages: setup
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o course_app/translations/messages.pot .
	$(BIN)/pybabel update -i course_app/translations/messages.pot -d course_app/translations --no-fuzzy-matching

lint: setup-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: setup-dev
	$(BIN)/python bench/http_bench.py

# Learners using the app, step by step; options in ARGS, e.g. ARGS="--database postgresql".
bench-capacity: setup-dev
	$(BIN)/python bench/capacity.py $(ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
