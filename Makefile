# Samverkansytan – everyday commands. `make run` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi
export INTRANET_ENV ?= development

.PHONY: run test test-sqlite test-postgres install lock translations extract-messages lint clean bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Every package from the lock file, each checked against its hashes, then the project itself
# (its build requirements, setuptools and Babel, are in the lock too: no build isolation).
$(VENV)/.installed: pyproject.toml requirements-test.lock | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements-test.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

install: $(VENV)/.installed

# The lock files pin every package, direct or not, with its hashes, for Python 3.11 on Linux
# x86_64: requirements.lock the app's and its build's (what production installs),
# requirements-test.lock those and the test extra's. Run after changing a dependency in
# pyproject.toml; pins already in the files are kept unless `make lock LOCK_ARGS=--upgrade`.
UV := $(VENV)/tools/bin/uv
COMPILE = $(UV) pip compile --quiet --generate-hashes --python-version 3.11 \
	--python-platform x86_64-unknown-linux-gnu --custom-compile-command "make lock" $(LOCK_ARGS)
BUILD_REQUIRES = $(PYTHON) -c 'import tomllib; \
	print(*tomllib.load(open("pyproject.toml", "rb"))["build-system"]["requires"], sep="\n")'

$(UV):
	$(PYTHON) -m venv $(VENV)/tools
	$(VENV)/tools/bin/pip install --quiet uv==0.13.8

lock: | $(UV)
	$(BUILD_REQUIRES) | $(COMPILE) pyproject.toml - -o requirements.lock
	$(BUILD_REQUIRES) | $(COMPILE) pyproject.toml - --extra test -c requirements.lock \
		-o requirements-test.lock

translations: install
	$(BIN)/pybabel compile --use-fuzzy -d intranet/translations -D messages --statistics

# Collect the interface texts into the catalogue after changing them.
extract-messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 -o intranet/translations/messages.pot .
	$(BIN)/pybabel update -i intranet/translations/messages.pot -d intranet/translations --no-fuzzy-matching

# Development server with demo data on SQLite under instance/, and beside it the mail sender:
# what the app sends appears as .eml files under instance/mail within a second or two. The
# sender stops when the server does (Ctrl-C, or the server ending on its own).
run: translations
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo
	@$(BIN)/flask deliver-mail --watch & sender=$$!; \
	trap 'kill $$sender 2>/dev/null; wait $$sender' EXIT; \
	trap 'exit 130' INT; trap 'exit 143' TERM; \
	$(BIN)/flask run --host 127.0.0.1 --port 5000

# The whole suite on TEST_WORKERS processes (0: in this one); on PostgreSQL too when
# TEST_DATABASE_URL is set, each worker on its own database (test_gw0, test_gw1, ...).
TEST_WORKERS ?= 2

test: translations
	env -u TEST_DATABASE_URL $(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== the same suite on PostgreSQL ($$TEST_DATABASE_URL)"; \
		$(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS); \
	fi

# The benchmark at the scale of all Swedish municipalities; writes BENCHMARKS.md. Not part of
# `make test`. BENCH_SECONDS (20), BENCH_DATABASES (sqlite,postgresql), BENCH_POSTGRES_URL.
bench: translations
	$(BIN)/python -m bench.run

# ruff, then the layers: lint-imports checks the import contracts in pyproject.toml.
lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache

clean:
	rm -rf $(VENV) .pytest_cache
