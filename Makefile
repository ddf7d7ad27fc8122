# One command to run the demo, one to test. Needs only Python 3.11 and the package registries.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint browser office clean serve preflight backup

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

# make demo PORT=8301 serves on another port (127.0.0.1 only)
PORT ?= 8000
demo: $(STAMP)
	$(BIN)/shanhai demo --addrport 127.0.0.1:$(PORT)

# Production on one server (README "Production"): preflight, migrate, collectstatic, then gunicorn and
# Redis under honcho. Settings from .env; refuses to start when they are unsafe.
serve: $(STAMP)
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/honcho start -f Procfile

preflight: $(STAMP)
	DJANGO_SETTINGS_MODULE=$${DJANGO_SETTINGS_MODULE:-shanhai.settings.production} $(BIN)/shanhai preflight

backup: $(STAMP)
	DJANGO_SETTINGS_MODULE=$${DJANGO_SETTINGS_MODULE:-shanhai.settings.production} $(BIN)/shanhai backup --keep 14

test: $(STAMP) browser office
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .

# Browser tests drive Debian's Chromium; under CI a missing browser (or CJK font, for the screenshots)
# is installed, never skipped.
browser:
	@command -v chromium >/dev/null 2>&1 || [ "$$CI" != "true" ] || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)
	@fc-list :lang=zh 2>/dev/null | grep -q . || [ "$$CI" != "true" ] || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk >/dev/null)

# The reports' PDF (LibreOffice headless) and its checks (pdftoppm, pdffonts); installed under CI, never skipped.
office:
	@command -v soffice >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1 || [ "$$CI" != "true" ] || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils >/dev/null)

clean:
	rm -rf $(VENV) var
