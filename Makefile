# Set-up is part of every target: a fresh machine needs only Python 3.11, make and (as root)
# apt-get for the few Debian packages in scripts/system-packages.sh.
# The environment is locked in requirements.lock (regenerate with `make lock`).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 4200
export PREFECT_SERVER_ANALYTICS_ENABLED ?= false
export NO_MKDOCS_2_WARNING ?= 1
# Where chromium is installed, the accessibility tests also need the axe-core scripts/browser.sh
# pins; `make test` fetches it (again when the script changes). Without chromium they are skipped.
AXE := $(if $(shell command -v chromium || command -v chromium-browser),.cache/axe-core/axe.min.js)

.PHONY: report test serve docs screenshots lock clean

report: $(STAMP)  ## Run the quarterly report on the sample inputs (latest quarter with data)
	$(BIN)/pei-report run --input inputs --output outputs

test: $(STAMP) $(AXE)  ## Check the import rules, then run the test suite in parallel
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -n auto

serve: $(STAMP)  ## Start a local Prefect server on PORT (4200) and serve the deployments (Ctrl+C stops both)
	$(BIN)/pei-report serve --input inputs --output outputs --port $(PORT)

docs: $(STAMP)  ## Build the documentation site into site/ (strict: a broken link fails)
	$(BIN)/mkdocs build --strict

screenshots: $(STAMP)  ## Remake the guide's screenshots (docs/oficina/img/) from the sample report
	$(BIN)/python scripts/screenshots.py

$(STAMP): requirements.lock pyproject.toml scripts/system-packages.sh scripts/apt.sh
	bash scripts/system-packages.sh
	@$(PYTHON) -c "import sys; sys.exit(sys.version_info[:2] != (3, 11))" || { echo "Se necesita Python 3.11 (PYTHON=$(PYTHON))."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

.cache/axe-core/axe.min.js: scripts/browser.sh scripts/apt.sh
	bash scripts/browser.sh

lock:  ## Re-resolve requirements.lock from pyproject.toml
	$(BIN)/python -m pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --extra dev --strip-extras --no-emit-index-url --no-emit-find-links \
		-o requirements.lock pyproject.toml

clean:
	rm -rf $(VENV) build site *.egg-info
