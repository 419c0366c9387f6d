# `make demo` and `make test` are all a fresh machine needs (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# The real services that `make services-test` runs the suite against.
SERVICES_ENV := \
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \
	CELERY_BROKER_URL=redis://127.0.0.1:6379/1 \
	CACHE_URL=redis://127.0.0.1:6379/2

# The same, with every service on a PostgreSQL database of its own (docs/architecture.md).
SPLIT_ENV := \
	SHOP_DATABASES=per-app \
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/split \
	CELERY_BROKER_URL=redis://127.0.0.1:6379/3 \
	CACHE_URL=redis://127.0.0.1:6379/4

# payments run alone, for the checks that need no database (make lint).
PAYMENTS_ENV := DJANGO_SETTINGS_MODULE=config.payments_settings

.PHONY: install demo run test services-test split-test e2e-test lint lock worker beat stack \
	split-stack drill clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo --products 200
	$(BIN)/python manage.py seed_demo_sale
	$(BIN)/python manage.py seed_demo_gift_cards
	$(BIN)/python manage.py seed_tax_rates
	$(BIN)/python manage.py seed_demo_shipping
	$(BIN)/python manage.py create_demo_admin
	$(MAKE) run

run: install
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: install
	$(BIN)/pytest -m "not services and not e2e"

services-test: install
	$(SERVICES_ENV) $(BIN)/pytest -m "not e2e"

# The whole suite with a database per service (test_split, test_split_catalog, ...,
# created by the test run), a real Redis and a real Celery worker.
split-test: install
	$(SPLIT_ENV) $(BIN)/pytest -m "not e2e"

# Browser tests: Playwright drives Debian's Chromium (/usr/bin/chromium, or
# E2E_CHROMIUM) against the shop in a subprocess; failures leave screenshots
# and HTML in test-artifacts/e2e/.
e2e-test: install
	$(BIN)/pytest -m e2e tests/e2e

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports importlinter.ini
	$(BIN)/python manage.py check --fail-level WARNING
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py spectacular --validate --fail-on-warn --file /dev/null
	@echo "payments as a service of its own (config/payments_settings.py):"
	$(PAYMENTS_ENV) $(BIN)/python manage.py check --fail-level WARNING
	$(PAYMENTS_ENV) $(BIN)/python manage.py makemigrations --check --dry-run
	$(PAYMENTS_ENV) $(BIN)/python manage.py spectacular --validate --fail-on-warn --file /dev/null

# Re-pin requirements*.txt after editing requirements*.in.
lock: install
	$(BIN)/pip-compile --quiet --strip-extras --no-header --annotation-style=line \
		--no-emit-index-url --no-emit-find-links -o requirements.txt requirements.in
	$(BIN)/pip-compile --quiet --strip-extras --no-header --annotation-style=line \
		--no-emit-index-url --no-emit-find-links -o requirements-dev.txt requirements-dev.in

# Production-style processes (set CELERY_BROKER_URL first).
worker: install
	$(BIN)/celery -A config worker --loglevel INFO

beat: install
	$(BIN)/celery -A config beat --loglevel INFO

# A production-like stack on this machine (README "Production on one machine"):
# DEBUG=0, gunicorn, a Celery worker and beat from the Procfile under honcho,
# against PostgreSQL and Redis. The first run writes .env.
stack: install
	test -f .env || $(BIN)/python deploy/write_env.py
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho run python deploy/prepare.py
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start

# The same with payments as a service of its own (README "Payments as a service of its
# own"): Procfile.split under honcho, the shop on :8000 and payments on :8001, a worker
# and beat each (deploy/split.py gives each process its deployment's settings). The
# first run writes .env.split; every run prepares both deployments' databases first.
split-stack: install
	test -f .env.split || $(BIN)/python deploy/write_env.py --split
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho -e .env.split run python deploy/split.py prepare
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho -e .env.split -f Procfile.split start

# One customer signs up, buys, is declined, retries and gets a refund through the public
# API, on the monolith and on the split topology (ports 8100 and 8101, databases drill_*,
# Redis 10-13); fails on any difference (deploy/drill.py, logs in test-artifacts/drill/).
drill: install
	$(BIN)/python deploy/drill.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles staticfiles-payments
