# The two commands: `make run` (the office on SQLite, Celery eager) and `make test` (the whole suite).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test bench venv sysdeps lint messages worker beat

$(VENV)/.installed: requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

venv: $(VENV)/.installed

# System libraries WeasyPrint (Pango) and the browser tests (Debian's chromium) need.
# Installed through apt-get only when missing; the PDF font (DejaVu, with Kazakh letters) ships in static/fonts.
sysdeps:
	@bash scripts/sysdeps.sh

run: venv sysdeps
	$(PY) manage.py migrate --noinput
	$(PY) manage.py setup_office --demo
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: venv sysdeps
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest $(PYTEST_ARGS)

bench: venv sysdeps
	$(PY) bench/run_all.py

lint: venv
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

messages: venv
	$(PY) manage.py makemessages -l kk -l ru -l en --ignore=.venv --ignore=tests --ignore=bench
	$(PY) manage.py compilemessages --ignore=.venv

worker: venv
	$(VENV)/bin/celery -A config worker -l info

beat: venv
	$(VENV)/bin/celery -A config beat -l info
