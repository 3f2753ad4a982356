# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PLANWERK_DATA_DIR ?= data/index
# Models come from installed packages only; never ask a hub.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False

.PHONY: install run test test-long lint format sample demo-index eval bench clean
.PHONY: browser-deps screenshots bench-ui bench-startup
.PHONY: server-deps test-servers ocr-deps

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# The local CPU wheel; any other torch pulls gigabytes of CUDA packages.
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -c requirements.lock -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) ocr-deps

# Text recognition for scanned PDFs and images (ingest/ocr.py): Tesseract with its German
# model from Debian, installed once when missing. Without it scans are refused with a
# German message that says how to enable it.
ocr-deps:
	@command -v tesseract >/dev/null 2>&1 && tesseract --list-langs 2>/dev/null | grep -qx deu || { \
	  echo "Installiere die Texterkennung (tesseract-ocr, tesseract-ocr-deu) …"; \
	  $(SUDO) apt-get update && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
	    tesseract-ocr tesseract-ocr-deu || \
	  echo "Die Texterkennung ließ sich nicht installieren: Scans werden abgelehnt."; }

demo-index: $(STAMP) ocr-deps
	$(BIN)/planwerk ingest data/sample/generated

run: demo-index
	$(BIN)/streamlit run ui/app.py --server.headless true --browser.gatherUsageStats false

test: $(STAMP) browser-deps server-deps ocr-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	PLANWERK_BROWSER_TEST=required $(BIN)/pytest -q -m "not slow"
	$(BIN)/python -m tests.servers -q

test-long: $(STAMP)
	PLANWERK_CONCURRENT_ROUNDS=10 $(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

sample: $(STAMP)
	$(BIN)/python data/sample/make_sample.py

eval: $(STAMP)
	$(BIN)/python -m eval

clean:
	rm -rf $(VENV) data/index .pytest_cache .ruff_cache .mypy_cache

# The browser test (tests/browser/) drives Debian's Chromium through Playwright; Playwright
# comes with the dev extras and never downloads a browser of its own (no `playwright install`).
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

$(CHROMIUM):
	$(SUDO) apt-get update
	$(SUDO) apt-get install -y chromium chromium-driver

browser-deps: $(STAMP) $(CHROMIUM)
	$(BIN)/python -c "import playwright.sync_api" 2>/dev/null || \
		$(BIN)/pip install --quiet -c requirements.lock playwright==1.65.2

# A screenshot of every page (demo index) in eval/reports/screenshots/.
screenshots: demo-index browser-deps
	$(BIN)/python -m eval.ui_screenshots --index $(PLANWERK_DATA_DIR)

# Time to first answer in the browser on the demo index -> eval/reports/bench_ui.md.
bench-ui: demo-index browser-deps
	$(BIN)/python -m eval.bench_ui --index $(PLANWERK_DATA_DIR)

# Start-up of whole processes (`planwerk --help`, `planwerk ask`, the app's first page in
# Chromium), each under /usr/bin/time -v from Debian's `time` package, installed once when
# missing -> eval/reports/bench_startup.md.
TIME_BIN := /usr/bin/time

$(TIME_BIN):
	$(SUDO) apt-get update
	$(SUDO) apt-get install -y time

bench-startup: demo-index browser-deps $(TIME_BIN)
	$(BIN)/python -m eval.bench_startup --index $(PLANWERK_DATA_DIR)

# Server tests (tests/test_servers_*.py): tests/servers.py starts a throwaway PostgreSQL
# cluster (initdb in a temp folder, as the postgres user) and `chroma run` on free ports of
# 127.0.0.1, runs the tests and stops both, also on failure or Ctrl-C. PostgreSQL comes
# from Debian; the package's own cluster is not created. If it cannot be installed, the
# PostgreSQL tests skip with a message.
PG_INITDB := $(firstword $(wildcard /usr/lib/postgresql/*/bin/initdb))

server-deps: $(STAMP)
	@if [ -z "$(PG_INITDB)" ] && ! command -v initdb >/dev/null 2>&1; then \
		$(SUDO) mkdir -p /etc/postgresql-common && \
		echo "create_main_cluster = false" | $(SUDO) tee -a /etc/postgresql-common/createcluster.conf >/dev/null && \
		$(SUDO) apt-get update && $(SUDO) apt-get install -y postgresql || \
		echo "PostgreSQL ließ sich nicht installieren: die PostgreSQL-Tests werden übersprungen."; \
	fi

test-servers: server-deps
	$(BIN)/python -m tests.servers -q

# --- Drafting (assistant/drafting) --------------------------------------------------------
# The drafting tests convert an exported DOCX to PDF with LibreOffice and read it with
# poppler; both come from Debian and are installed once when missing (idempotent).
APT_SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
.PHONY: office-tools draft-report

office-tools:
	@command -v libreoffice >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1 || { \
	  echo "Installiere LibreOffice (Writer) und poppler-utils für die Entwurfstests …"; \
	  $(APT_SUDO) apt-get update && \
	  $(APT_SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
	    libreoffice-writer-nogui poppler-utils; }

test test-long: office-tools

# Renders pages 1 and 2 of the demo IHK draft to eval/reports/draft_page{1,2}.png.
draft-report: demo-index office-tools
	mkdir -p eval/reports/tmp/draft
	$(BIN)/python -m assistant.drafting.cli draft --quartier Hafenviertel \
	  --outline starke_quartiere_2025 --extraktiv --out eval/reports/tmp/draft/IHK_Hafenviertel.docx
	libreoffice -env:UserInstallation=file://$(CURDIR)/eval/reports/tmp/draft/lo-profile \
	  --headless --convert-to pdf --outdir eval/reports/tmp/draft \
	  eval/reports/tmp/draft/IHK_Hafenviertel.docx
	pdftoppm -r 80 -png -f 1 -l 1 -singlefile eval/reports/tmp/draft/IHK_Hafenviertel.pdf \
	  eval/reports/draft_page1
	pdftoppm -r 80 -png -f 2 -l 2 -singlefile eval/reports/tmp/draft/IHK_Hafenviertel.pdf \
	  eval/reports/draft_page2
