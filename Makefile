# Plecak: `make run` sets up and starts the app; `make test` sets up and runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# What running needs, and on top of it what testing needs (installed only by `make test`).
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
TRANSLATIONS := wallet/translations

.PHONY: run demo test mutation lint typecheck pytest translations compile-translations clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $(STAMP)

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP) $(TEST_STAMP)

# The independent verifier (Node.js, Digital Bazaar's libraries) the tests check presentations with.
VPVERIFY := tools/vpverify/node_modules/.package-lock.json
$(VPVERIFY): tools/vpverify/package-lock.json
	cd tools/vpverify && npm ci --silent --no-audit --no-fund

compile-translations: $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy -d $(TRANSLATIONS) >/dev/null

run: $(STAMP) compile-translations
	$(BIN)/wallet init
	$(BIN)/wallet serve

# A demo account with a verified sample portfolio; prints how to log in, changes nothing on reruns.
demo: $(STAMP)
	$(BIN)/wallet init
	$(BIN)/wallet demo

test: $(TEST_STAMP) compile-translations $(VPVERIFY)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest -n auto --dist loadfile

# Mutation testing of wallet/verification/ and wallet/import/ (slow; not part of `make test`).
# Resumable: rerun to continue. Narrow it with e.g. MUTANTS='wallet.verification.dates*'.
MUTANTS ?=
mutation: $(TEST_STAMP) compile-translations
	$(BIN)/mutmut run $(MUTANTS)
	$(BIN)/mutmut results

# Re-extract messages after changing user-visible text, then translate the new entries.
translations: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k _l -o $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --width 100

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
