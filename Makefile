# Academy: `make run` serves the demo site, `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= academy.settings.dev

.PHONY: run test install lint format check messages translations bench worker clean cjk-font

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

# Certificates and sign-in sheets embed a CJK font; install one where we can.
cjk-font:
	@if ! ls /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc >/dev/null 2>&1 && [ -z "$$CJK_FONT_PATH" ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			(apt-get install -y -qq fonts-wqy-zenhei >/dev/null 2>&1 || \
			 (apt-get update -qq && apt-get install -y -qq fonts-wqy-zenhei >/dev/null)) || true; \
		else \
			echo "Note: no CJK font found; set CJK_FONT_PATH or install fonts-wqy-zenhei for embedded PDF fonts."; \
		fi; \
	fi

# Certificates issued by the demo point their QR code at the port it is served on.
run: export BASE_URL = http://127.0.0.1:$(PORT)
run: install translations cjk-font
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo ""
	@echo "Academy is at http://127.0.0.1:$(PORT)/ and its admin at http://127.0.0.1:$(PORT)/admin/"
	@echo "Log in with one of the demo accounts listed above."
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	DJANGO_SETTINGS_MODULE=academy.settings.test $(BIN)/mypy academy courses enrollments cms_pages

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
	$(BIN)/python manage.py makemessages --locale zh_Hans --locale en --no-obsolete \
		--ignore ".venv/*" --ignore "tests/*" --ignore "courses/*" --ignore "enrollments/*" \
		--ignore "bench/*" --ignore "docs/*" --ignore "static_collected/*" --ignore "test-artifacts/*"
	for app in courses enrollments; do \
		(cd $$app && ../$(BIN)/django-admin makemessages --locale zh_Hans --locale en --no-obsolete \
			--settings=academy.settings.dev --pythonpath=..); \
	done

# The benchmark at the academy's real scale (PostgreSQL and Redis from DATABASE_URL and
# REDIS_URL; BENCH_SCALE=small for a quick run). See docs/benchmarks.md.
bench: install translations cjk-font
	$(BIN)/python bench/run.py

# An RQ worker (academy.worker.SimpleWorker: no fork per job, starts again after
# WORKER_MAX_JOBS jobs) whose scheduler also runs enrollments/cron.py: the sweep that
# queues again every job lost in a Redis outage or a killed worker. README: worker flags.
worker: install
	$(BIN)/python manage.py rqworker default certificates --with-scheduler

clean:
	rm -rf $(VENV) static_collected test-artifacts .pytest_cache
