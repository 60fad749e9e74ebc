# Two commands do everything on a fresh machine with Python 3.11+ and Java 17:
#   make serve   create .venv, install, build the graph, serve it on http://127.0.0.1:$(PORT)
#   make test    create .venv if needed, install, run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8080
STAMP  := $(VENV)/.installed
NPM_STAMP := node_modules/.installed

.PHONY: serve test build install lint clean browser virtuoso

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
	  || { echo "make: Python 3.11 or newer is needed (PYTHON=$(PYTHON))" >&2; exit 2; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

install: $(STAMP) $(NPM_STAMP)

# The query editor (YASGUI) comes from the npm registry into node_modules/ and is served from
# there by the server (never from a CDN). Needs Node.js and npm.
$(NPM_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { echo "make: npm (Node.js) is needed for the query editor" >&2; exit 2; }
	npm ci --no-audit --no-fund --ignore-scripts
	@touch $(NPM_STAMP)

# Browser tests drive Debian's headless Chromium; installing it needs root (apt-get).
browser:
	@test -x /usr/bin/chromium -a -x /usr/bin/chromedriver || { \
	  test "$$(id -u)" = 0 || { echo "make: browser tests need chromium + chromium-driver: run 'sudo make browser'" >&2; exit 2; }; \
	  apt-get update -qq && apt-get install -y -qq chromium chromium-driver; }

# The Virtuoso tests (marker `virtuoso`) start Debian's Virtuoso Open Source (virtuoso-t, isql-vt)
# in a temp directory; installing it needs root (apt-get). The package's own server is not started.
virtuoso:
	@test -x /usr/bin/virtuoso-t -a -x /usr/bin/isql-vt || { \
	  test "$$(id -u)" = 0 || { echo "make: Virtuoso tests need virtuoso-opensource: run 'sudo make virtuoso'" >&2; exit 2; }; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 apt-get install -y -qq --no-install-recommends virtuoso-opensource; }

build: $(STAMP)
	$(BIN)/tarihkg build

serve: build $(NPM_STAMP)
	$(BIN)/tarihkg serve --host $(HOST) --port $(PORT)

test: $(STAMP) $(NPM_STAMP) browser virtuoso
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check src server tests scripts bench
	$(BIN)/mypy src server

clean:
	rm -rf data/build data/builds data/work .pytest_cache
