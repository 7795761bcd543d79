# Two set-up commands: `make run` (the demo, embedded defaults) and `make test`.
SHELL := /bin/bash
PORT ?= 8000
UV := $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)

.PHONY: install run test lint bench

install:
	@command -v uv >/dev/null 2>&1 || [ -x "$(UV)" ] || python3 -m pip install --user --quiet uv || curl -LsSf https://astral.sh/uv/install.sh | sh
	@$(UV) sync --frozen --quiet

test: install
	$(UV) run pytest

lint: install
	$(UV) run ruff check .
	$(UV) run ruff format --check .
