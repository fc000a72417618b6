# The two commands: `make run` and `make test`. Everything installs from PyPI into .venv.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt | cksum | cut -d' ' -f1)

.PHONY: run test fuzz lint install services migrate demo clean-var

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python >= 3.11 is required (found %s)" % sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[dev,embedded]"
	@rm -f $(VENV)/.installed-*
	@touch $@

install: $(STAMP)

## make run: embedded services (unless DATABASE_URL/REDIS_URL), migrate, demo data, web + worker + beat.
run: install
	$(BIN)/python -m hub run

## make test: the whole pytest suite against real PostgreSQL and Redis.
test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## make fuzz: the fuzz tests (tests/test_fuzz*.py) with many more examples, from a random seed it prints;
## HUB_FUZZ_SEED=<seed> make fuzz replays a run, HUB_FUZZ_EXAMPLES=<n> sets the examples per operation.
fuzz: install
	@seed=$${HUB_FUZZ_SEED:-$$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}; \
	echo "make fuzz: seed $$seed (replay with HUB_FUZZ_SEED=$$seed make fuzz)"; \
	HUB_FUZZ=deep HUB_FUZZ_SEED=$$seed $(BIN)/python -m pytest tests/test_fuzz.py tests/test_fuzz_graphql.py $(PYTEST_ARGS)

## make lint: ruff (lint + format) and mypy with django-stubs. Settings need URLs to import, not servers.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DATABASE_URL=$${DATABASE_URL:-postgresql://lint@localhost/lint} REDIS_URL=$${REDIS_URL:-redis://localhost/0} \
		$(BIN)/mypy .

migrate: install
	$(BIN)/python manage.py migrate_schemas --executor=multiprocessing
	$(BIN)/python manage.py refresh_venue_template

demo: install
	$(BIN)/python manage.py load_demo

## Remove the embedded databases' data (var/). Stop `make run` first.
clean-var:
	rm -rf var/
