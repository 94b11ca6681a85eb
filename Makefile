# Two commands a newcomer needs: `make run` and `make test`. Both set themselves up.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint browser postgres demo bench mutation clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m bot

demo: $(STAMP)
	$(PY) -m bot sandbox --demo

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

# The web-chat test drives Debian's chromium; install it where we may (root), else the
# test is skipped and says so.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing chromium for the browser test..."; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "NOTE: could not install chromium: the browser test will be skipped"; \
	  else echo "NOTE: chromium is missing and this is not root: the browser test will be skipped"; fi; }
	@fc-list 2>/dev/null | grep -qi "color emoji" || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing an emoji font for the browser test's screenshots..."; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-color-emoji >/dev/null) \
	      || echo "NOTE: could not install fonts-noto-color-emoji: screenshots show no emoji"; \
	  else echo "NOTE: no emoji font and this is not root: screenshots show no emoji"; fi; }

# The suite runs twice: on SQLite (the embedded default) and on PostgreSQL (a region's
# engine), which the tests start themselves from the machine's binaries.
postgres:
	@ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || command -v pg_ctl >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing PostgreSQL for the second test run..."; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) \
	      || echo "NOTE: could not install PostgreSQL: the PostgreSQL run will be skipped"; \
	  else echo "NOTE: PostgreSQL is missing and this is not root: the PostgreSQL run will be skipped"; fi; }

test: lint browser postgres
	$(PY) -m pytest -q
	$(PY) -m pytest -q --database postgresql

bench: $(STAMP)
	$(PY) bench/startup.py
	$(PY) bench/matching.py
	$(PY) bench/notify.py
	$(PY) bench/crash.py
	$(PY) bench/abuse.py
	$(PY) bench/digest.py

# Mutants of bot/domain/ against tests/unit (mutmut; ~10 min on 2 cores; not part of `make test`).
# One JSON line per module and a total. `make mutation MODULES="pairs programmes"` for a subset.
mutation: $(STAMP)
	$(PY) tools/mutation.py $(MODULES)

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
