# Two set-up commands: `make run` (the demo on embedded defaults) and `make test`.
# Nothing here downloads from outside the package registries: uv comes from PyPI through pip.
SHELL := /bin/bash
PORT ?= 8000
export PATH := $(HOME)/.local/bin:$(PATH)
# uv on PATH, or else the one `install` puts in with pip (pip's scripts folder may not be on
# PATH, e.g. under pyenv before a rehash, so run it as a module).
UV ?= $(shell command -v uv 2>/dev/null || echo python3 -m uv)

.PHONY: install run test lint bench

install:
	@$(UV) --version >/dev/null 2>&1 || python3 -m pip install --quiet uv \
		|| python3 -m pip install --quiet --user uv \
		|| python3 -m pip install --quiet --user --break-system-packages uv
	@$(UV) sync --frozen --quiet

# collectstatic, migrate, seed_demo, then web (gunicorn) + Celery worker + Celery beat.
run: install
	PORT=$(PORT) $(UV) run --frozen python scripts/run_demo.py

test: install
	$(UV) run --frozen pytest

lint: install
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .

bench: install
	$(UV) run --frozen python -m bench.run
