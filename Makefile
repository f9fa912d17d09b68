# Annuaire SPRO Auvergne-Rhône-Alpes: `make run` serves the site, `make test` runs the tests.
# Both create .venv/ when missing and install the pinned dependencies.

PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
PYTEST_ARGS ?=
# Local targets run in development mode unless told otherwise (production: see README).
export DEBUG ?= true

.DEFAULT_GOAL := help
.PHONY: help run serve-prod test setup-db createsuperuser lint format lock clean

help:
	@echo "make run   installe, prépare la base (référentiels + démo) et sert le site sur http://127.0.0.1:$(PORT)"
	@echo "make test  installe puis lance toute la suite de tests sur la base par défaut"
	@echo "make serve-prod  sert le site comme en production (gunicorn, PostgreSQL, Redis ; voir README)"
	@echo "make lint  vérifie le style (django-upgrade, ruff, djlint) et les migrations ; les mêmes contrôles à chaque commit : .venv/bin/pre-commit install"

$(BIN)/python:
	@PYTHON="$${PYTHON:-$$(bin/find-python)}" && test -n "$$PYTHON" && "$$PYTHON" -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# requirements/*.txt give every file's hash (written by `make lock` from requirements/*.in): pip
# refuses anything else.
$(VENV)/.installed-base: requirements/base.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/base.txt
	@touch $@

$(VENV)/.installed-dev: requirements/base.txt requirements/dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/dev.txt
	@touch $@ $(VENV)/.installed-base

# After editing requirements/*.in: the same versions, with the hash of every file, for every
# platform and Python 3.12 or newer.
lock: $(VENV)/.installed-dev
	$(BIN)/uv pip compile --quiet --generate-hashes --no-header --universal --python-version 3.12 requirements/base.in -o requirements/base.txt
	$(BIN)/uv pip compile --quiet --generate-hashes --no-header --universal --python-version 3.12 requirements/dev.in -o requirements/dev.txt

setup-db: $(VENV)/.installed-base
	$(MANAGE) migrate --noinput
	$(MANAGE) load_reference_data
	$(MANAGE) load_demo_data --if-empty

run: setup-db
	$(MANAGE) runserver 127.0.0.1:$(PORT)

# As in production: PostgreSQL (DATABASE_URL), Redis (REDIS_URL), DEBUG off, gunicorn (bin/serve-prod).
serve-prod: $(VENV)/.installed-base
	bin/serve-prod

createsuperuser: setup-db
	$(MANAGE) createsuperuser

test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	git ls-files -z '*.py' | xargs -0 $(BIN)/django-upgrade --target-version 6.0
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/djlint --lint templates
	$(MANAGE) makemigrations --check --dry-run
	$(MANAGE) check

format: $(VENV)/.installed-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache test-results
