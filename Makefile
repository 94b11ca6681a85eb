# Two commands a newcomer needs: `make run` and `make test`. Both set themselves up.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint browser demo bench mutation clean

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

test: lint browser
	$(PY) -m pytest -q

bench: $(STAMP)
	$(PY) bench/startup.py
	$(PY) bench/matching.py
	$(PY) bench/notify.py
	$(PY) bench/crash.py
	$(PY) bench/digest.py

# Mutants of bot/domain/ against tests/unit (mutmut; ~10 min on 2 cores; not part of `make test`).
# One JSON line per module and a total. `make mutation MODULES="pairs programmes"` for a subset.
mutation: $(STAMP)
	$(PY) tools/mutation.py $(MODULES)

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
