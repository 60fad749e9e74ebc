# Two commands do everything on a fresh machine with Python 3.11+ and Java 17:
#   make serve   create .venv, install, build the graph, serve it on http://127.0.0.1:$(PORT)
#   make test    create .venv if needed, install, run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8080
STAMP  := $(VENV)/.installed

.PHONY: serve test build install lint clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
	  || { echo "make: Python 3.11 or newer is needed (PYTHON=$(PYTHON))" >&2; exit 2; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

build: $(STAMP)
	$(BIN)/tarihkg build

serve: build
	$(BIN)/tarihkg serve --host $(HOST) --port $(PORT)

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check src server tests scripts
	$(BIN)/mypy src server

clean:
	rm -rf data/build data/work .pytest_cache
