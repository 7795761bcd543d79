# Two set-up commands: `make run` (the demo on embedded defaults) and `make test`.
SHELL := /bin/bash
PORT ?= 8000
export PATH := $(HOME)/.local/bin:$(PATH)
UV ?= uv

.PHONY: install run test lint bench

install:
	@command -v $(UV) >/dev/null 2>&1 || python3 -m pip install --quiet --user uv || python3 -m pip install --quiet uv
	@$(UV) sync --frozen --quiet

run: install
	$(UV) run python manage.py collectstatic --noinput --verbosity 0
	$(UV) run python manage.py migrate --noinput --verbosity 1
	$(UV) run python manage.py seed_demo
	PORT=$(PORT) $(UV) run python scripts/run_demo.py

test: install
	$(UV) run pytest

lint: install
	$(UV) run ruff check .
	$(UV) run ruff format --check .

bench: install
	$(UV) run python -m bench.run
