# `make report` works on a fresh clone with only Python 3.11+ installed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: report templates sample test lint bench previews wheel clean

$(STAMP): pyproject.toml setup.py
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

report: $(STAMP)  ## build the sample report into output/
	$(BIN)/iku report

templates: $(STAMP)  ## blank workbooks per unit into output/<kode>_<tahun>/templat/
	$(BIN)/iku templates

sample: $(STAMP)  ## filled sample workbooks into output/<kode>_<tahun>/contoh_isian/
	$(BIN)/iku sample

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check pipeline tests dev

bench: $(STAMP)  ## time each stage on synthetic cities; writes docs/BENCHMARKS.md
	$(BIN)/python -m compileall -q pipeline  # startup timings assume cached bytecode
	$(BIN)/python -m dev.bench
	$(BIN)/python -m dev.bench_web --idle 2000 --hold 10  # iku serve: 50 uploads, 10 clients, through 2,000 idle connections
	$(BIN)/python -m dev.bench_history  # what recording costs; a 400-agency decade's size

previews: $(STAMP)  ## page previews of the reports into docs/preview/ (needs LibreOffice)
	$(BIN)/python -m dev.previews
	$(BIN)/python -m dev.lkjip_preview

wheel: $(STAMP)  ## dist/iku-<versi>-py3-none-any.whl, to install on a user's PC (README)
	$(BIN)/python -m pip wheel --no-deps --quiet -w dist .

clean:
	find output -mindepth 1 ! -name .gitkeep ! -name README.md -exec rm -rf {} +
	rm -rf .pytest_cache .ruff_cache .hypothesis build dist
