# Academy: `make run` serves the demo site, `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= academy.settings.dev

.PHONY: run test install lint format check messages translations bench worker clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the dependencies change.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

translations: install
	$(BIN)/python manage.py compile_translations

run: install translations
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo ""
	@echo "Academy is at http://127.0.0.1:$(PORT)/ and its admin at http://127.0.0.1:$(PORT)/admin/"
	@echo "Log in with one of the demo accounts listed above."
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

check: install translations
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

test: lint check
	DJANGO_SETTINGS_MODULE=academy.settings.test $(BIN)/python -m pytest $(PYTEST_ARGS)

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Refresh the message catalogues from the source (needs GNU gettext).
messages: install
	$(BIN)/python manage.py makemessages --locale zh_Hans --locale en --ignore ".venv/*" --ignore "tests/*" --no-obsolete
	$(BIN)/python manage.py makemessages --locale zh_Hans --locale en --domain djangojs --ignore ".venv/*" --ignore "static_collected/*" --no-obsolete

worker: install
	$(BIN)/python manage.py rqworker default --with-scheduler

clean:
	rm -rf $(VENV) static_collected test-artifacts .pytest_cache
