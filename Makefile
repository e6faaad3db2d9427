# NioChat serverless. `make dev` serves the whole API locally; `make test` installs and runs every test.
SHELL := /bin/bash
PY := .venv/bin/python
PIP := .venv/bin/pip
CDK := node_modules/.bin/cdk
export CDK_DISABLE_VERSION_CHECK := 1
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export CDK_DEFAULT_ACCOUNT ?= 123456789012
export CDK_DEFAULT_REGION ?= us-east-1

.PHONY: dev test lint unit integration infra e2e synth layer bench clean contract

.venv/.installed: pyproject.toml
	python3 -m venv .venv
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# exec: the stack replaces the recipe's shell, so a signal reaches it once and directly.
dev: .venv/.installed node_modules/.installed
	exec $(PY) -m infra.local

lint: .venv/.installed
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

unit: .venv/.installed
	$(PY) -m pytest -q tests/unit

integration: .venv/.installed node_modules/.installed
	$(PY) -m pytest -q tests/integration

e2e: .venv/.installed node_modules/.installed
	$(PY) -m pytest -q tests/e2e

# The API contract generated from the code: functions/docs/openapi.json and docs/postman/ (tests fail when stale).
contract: .venv/.installed
	$(PY) -m infra.contract

# The dependency layer: the runtime requirements for python3.12 on arm64, from wheels (no Docker).
# --no-compile: bytecode from this machine's interpreter would be useless (and stale) on the Lambda runtime.
build/layer-deps/.built: layers/common/requirements.txt .venv/.installed
	rm -rf build/layer-deps
	$(PIP) install --quiet --no-compile --target build/layer-deps/python --platform manylinux2014_aarch64 \
		--implementation cp --python-version 3.12 --only-binary=:all: -r layers/common/requirements.txt
	touch $@

layer: build/layer-deps/.built

infra: .venv/.installed node_modules/.installed layer
	$(PY) -m pytest -q tests/infra

synth: .venv/.installed node_modules/.installed layer
	rm -rf cdk.out
	$(CDK) synth --quiet --output cdk.out > /dev/null
	.venv/bin/cfn-lint cdk.out/*.template.json

test: lint unit integration infra synth e2e

bench: .venv/.installed
	$(PY) -m bench

clean:
	rm -rf .venv node_modules cdk.out build .pytest_cache
