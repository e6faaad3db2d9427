# NioChat serverless. `make dev` serves the whole API locally; `make test` installs and runs every test.
SHELL := /bin/bash
PY := .venv/bin/python
PIP := .venv/bin/pip
CDK := node_modules/.bin/cdk
export CDK_DISABLE_VERSION_CHECK := 1
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export CDK_DEFAULT_ACCOUNT ?= 123456789012
export CDK_DEFAULT_REGION ?= us-east-1
# Bytecode: this machine's environment turns writing it off (PYTHONDONTWRITEBYTECODE), so every test process,
# local stack and synth compiled each module it imported, again. The project's processes write it instead, once,
# into one tree outside the sources (.venv/pycache: no __pycache__ among the sources, whose folders are build
# prerequisites): pip installs without compiling (12,000 files, 44 s of one core before anything else could
# start), and a module is compiled on its first import. The Lambda artifacts' bytecode is compiled apart, beside
# the sources, by COMPILE below.
unexport PYTHONDONTWRITEBYTECODE
export PYTHONPYCACHEPREFIX := $(CURDIR)/.venv/pycache

.PHONY: dev test checks stack-checks lint unit integration infra e2e synth build layer python312 bench clean contract \
	console chromium

.venv/.installed: pyproject.toml
	python3 -m venv .venv
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet --no-compile -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The agents' console (console/, docs/console.md): its own npm project. `npm ci` again only when its lock or
# manifest changed; the build (tsc --noEmit, vite build, the initial JavaScript's gzipped size: over 250 KB
# fails) only when a source changed. `make console` always prints the size.
CONSOLE_SOURCES := $(shell find console/src console/scripts -type f 2>/dev/null) console/index.html \
	console/vite.config.ts console/tsconfig.json

console/node_modules/.installed: console/package.json console/package-lock.json
	npm --prefix console ci --no-audit --no-fund --loglevel=error
	touch $@

console/dist/index.html: $(CONSOLE_SOURCES) console/node_modules/.installed
	npm --prefix console run --silent build

console: console/dist/index.html
	@node console/scripts/size.mjs

# Debian's chromium for the browser tests (CI runs as root on a fresh machine).
chromium:
	@command -v chromium >/dev/null || (apt-get update && apt-get install -y --no-install-recommends chromium)

# exec: the stack replaces the recipe's shell, so a signal reaches it once and directly.
dev: .venv/.installed node_modules/.installed console/dist/index.html
	exec $(PY) -m infra.local

# mypy: the settings and the files it checks are pyproject.toml's [tool.mypy]. test_layers: the layer rules
# of the design (functions/ import no boto3, domain/ no boto3/httpx/os, store/ no service package).
lint: .venv/.installed
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy
	$(PY) -m pytest -q tests/unit/test_layers.py

unit: .venv/.installed
	$(PY) -m pytest -q $(XDIST) tests/unit

# pytest-xdist, one worker per core. Every integration test builds its own moto world (a module of read-only
# probes, one per worker), every e2e module its own local stack on free ports with its own data dir: the
# workers share nothing, and any order and split is valid. The e2e tests of a module stay on one worker
# (loadgroup, tests/e2e/conftest.py), so the module starts one stack, not one per worker.
XDIST := -n auto

integration: .venv/.installed node_modules/.installed
	$(PY) -m pytest -q $(XDIST) tests/integration

# tests/e2e/test_console_browser.py drives the console in chromium: both are built or installed first.
e2e: .venv/.installed node_modules/.installed console/dist/index.html chromium
	$(PY) -m pytest -q $(XDIST) --dist loadgroup tests/e2e

# The API contract generated from the code: functions/docs/openapi.json and docs/postman/ (tests fail when stale).
contract: .venv/.installed
	$(PY) -m infra.contract

# The Lambda artifacts CDK packages (infra/components/paths.py), all in build/ and all with bytecode for the
# runtime's Python: Lambda's /opt and /var/task are read-only, so a module shipped without its .pyc is compiled
# from source on every cold start. Compiled by CPython 3.12 itself (the runtime's minor version: .pyc files are
# only valid for the version that wrote them) with unchecked-hash invalidation, so file timestamps after
# unzipping don't matter. compileall writes even under PYTHONDONTWRITEBYTECODE.
#   build/layer-deps/python       the runtime requirements for python3.12 on arm64, from wheels (no Docker)
#   build/common-layer/python     layers/common/python (the niochat package)
#   build/functions/<name>        each functions/<name>, symlinks copied as the files they point to
#   build/layer-deps-host/python  the same requirements for this machine's CPU, for `bench cold_start` only
ifndef PYTHON312
PYTHON312 := $(shell pyenv prefix 3.12.1 2>/dev/null)/bin/python3.12
endif
COMPILE = env -u PYTHONPYCACHEPREFIX "$(PYTHON312)" -m compileall -q -j0 --invalidation-mode unchecked-hash
# Sources to copy: everything but the dev interpreter's bytecode, packaging leftovers and tests.
COPY = tar -c --dereference --exclude=__pycache__ --exclude='*.pyc' --exclude='*.egg-info' --exclude=tests
# Folders too, so a deleted file rebuilds.
COMMON_SOURCES := $(shell find layers/common/python -not -path '*/__pycache__*' -not -path '*.egg-info*')
FUNCTION_SOURCES := $(shell find -L functions -not -path '*/__pycache__*' 2>/dev/null)

# Order-only prerequisite of every compiling rule: checked on each build, never a reason to rebuild.
python312:
	@"$(PYTHON312)" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 12))' 2>/dev/null || { \
		echo "error: CPython 3.12 not found at '$(PYTHON312)'. The Lambda artifacts need bytecode compiled by" >&2; \
		echo "the runtime's Python: install it (pyenv install 3.12.1) or run make PYTHON312=/path/to/python3.12" >&2; \
		exit 1; }

# $(1): the folder, $(2): the wheels' platform. --no-compile: pip would compile with .venv's interpreter.
define deps_layer
	rm -rf $(1)
	$(PIP) install --quiet --no-compile --target $(1)/python --platform $(2) \
		--implementation cp --python-version 3.12 --only-binary=:all: -r layers/common/requirements.txt
	$(COMPILE) $(1)/python
	touch $(1)/.built
endef

build/layer-deps/.built: layers/common/requirements.txt .venv/.installed Makefile | python312
	$(call deps_layer,build/layer-deps,manylinux2014_aarch64)

build/layer-deps-host/.built: layers/common/requirements.txt .venv/.installed Makefile | python312
	$(call deps_layer,build/layer-deps-host,manylinux2014_$(shell uname -m))

build/common-layer/.built: $(COMMON_SOURCES) Makefile | python312
	rm -rf build/common-layer && mkdir -p build/common-layer
	$(COPY) -C layers/common python | tar -x -C build/common-layer
	$(COMPILE) build/common-layer/python
	touch $@

# node_modules: the docs function's Swagger UI files are symlinks into swagger-ui-dist.
build/functions/.built: $(FUNCTION_SOURCES) node_modules/.installed Makefile | python312
	rm -rf build/functions && mkdir -p build/functions
	$(COPY) functions | tar -x -C build
	$(COMPILE) build/functions
	touch $@

# The console (console/, `make console`) is built into console/dist, the CloudFront site's asset
# (infra/components/console.py).
build: build/layer-deps/.built build/common-layer/.built build/functions/.built console/dist/index.html

layer: build

infra: .venv/.installed node_modules/.installed build
	$(PY) -m pytest -q tests/infra

# cdk.json's build hook runs `make -s build` again: without MAKEFLAGS, as a make of its own (in `make test` it
# would look for the -j2 jobserver it cannot reach, and warn).
synth: .venv/.installed node_modules/.installed build
	rm -rf cdk.out
	env -u MAKEFLAGS $(CDK) synth --quiet --output cdk.out > /dev/null
	.venv/bin/cfn-lint cdk.out/*.template.json

# Two lanes side by side (make -j2), each one step after the other: the in-process checks (lint, unit,
# integration: moto in the test process, CPU all along) and the stack's (the artifacts, the CDK tests, synth,
# the e2e tests: real processes, mostly waiting on each other, the browser and the network). One after the
# other they left a core idle for most of the run (9 min 10 s on 2 cores, 1.2 cores busy on average). The
# installs come first, side by side (pip and two npm ci), so no two jobs build the same file.
# --output-sync=line: whole lines.
INSTALLS := .venv/.installed node_modules/.installed console/node_modules/.installed

test:
	$(MAKE) --no-print-directory -j3 $(INSTALLS)
	$(MAKE) --no-print-directory -j2 --output-sync=line checks stack-checks

checks:
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory unit
	$(MAKE) --no-print-directory integration

stack-checks:
	$(MAKE) --no-print-directory build chromium
	$(MAKE) --no-print-directory infra
	$(MAKE) --no-print-directory synth
	$(MAKE) --no-print-directory e2e

# cold_start's "as deployed" table imports the functions from build/ (with the host's twin of the deps layer).
bench: .venv/.installed build build/layer-deps-host/.built
	PYTHON312="$(PYTHON312)" $(PY) -m bench

clean:
	rm -rf .venv node_modules cdk.out build .pytest_cache console/node_modules console/dist test-results
