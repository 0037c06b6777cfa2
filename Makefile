# 工会通讯 site generator.  Every target that needs Python depends on `install`,
# which creates .venv and installs the pinned requirements only when needed.

PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PELICAN := $(BIN)/pelican
PYTHON := $(BIN)/python

BASEDIR := $(CURDIR)
INPUTDIR := $(BASEDIR)/content
OUTPUTDIR := $(BASEDIR)/output
CONFFILE := $(BASEDIR)/pelicanconf.py
PUBLISHCONF := $(BASEDIR)/publishconf.py

PORT ?= 8000
BIND ?= 127.0.0.1
SRC ?=
DEST ?= content/articles
SOURCE ?=
Q ?=
JSON ?=
LIMIT ?=
BENCH_N ?= 1000
BENCH_ARGS ?=
PYTEST_ARGS ?=

STAMP := $(VENV)/.installed
# Our plugins and the importer import each other as top-level packages.
export PYTHONPATH := $(BASEDIR)/plugins:$(BASEDIR)

.PHONY: help install html clean regenerate serve devserver publish test lint import search tags bench

help:
	@echo 'make html                 build the site into output/ (sets up .venv on first use)'
	@echo 'make test                 run every test (unit, build and browser tests)'
	@echo 'make devserver            preview at http://$(BIND):$(PORT)/, rebuilding on change'
	@echo 'make serve                serve output/ at http://$(BIND):$(PORT)/'
	@echo 'make regenerate           rebuild on every change'
	@echo 'make publish              production build; fails on any error or warning'
	@echo 'make import SRC=... [DEST=content/articles] [SOURCE="报名 日期 第N版"]   pages, .docx manuscripts -> draft articles'
	@echo 'make search Q=... [JSON=1] [LIMIT=n|all] [SORT=date]  search the editors index'
	@echo 'make tags                 review table of region and topic tags'
	@echo 'make bench [BENCH_N=1000] [BENCH_ARGS=--ladder] build and search benchmarks'
	@echo 'make lint                 static checks (ruff, rules in pyproject.toml)'
	@echo 'make clean                remove output/'

$(STAMP): requirements.txt
	test -x $(PYTHON) || $(PY) -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(STAMP)

install: $(STAMP)

html: install
	$(PELICAN) $(INPUTDIR) -o $(OUTPUTDIR) -s $(CONFFILE)

clean:
	rm -rf $(OUTPUTDIR)

regenerate: install
	$(PELICAN) -r $(INPUTDIR) -o $(OUTPUTDIR) -s $(CONFFILE)

serve: install
	$(PELICAN) -l $(INPUTDIR) -o $(OUTPUTDIR) -s $(CONFFILE) -p $(PORT) -b $(BIND)

devserver: install
	$(PELICAN) -lr $(INPUTDIR) -o $(OUTPUTDIR) -s $(CONFFILE) -p $(PORT) -b $(BIND)

publish: install
	$(PELICAN) $(INPUTDIR) -o $(OUTPUTDIR) -s $(PUBLISHCONF) --fatal warnings

test: install
	$(PYTHON) -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .

# Editors' text (file names, queries) reaches commands through the environment, never through
# shell text: `$(value X)` keeps make from expanding `$` inside it, and recipes quote "$$VAR".
# Any file name and any query work, quotes, backticks and `$` included.
import: export UNION_IMPORT_SRC := $(value SRC)
import: export UNION_IMPORT_DEST := $(value DEST)
import: export UNION_IMPORT_SOURCE := $(value SOURCE)
import: install
	@test -n "$$UNION_IMPORT_SRC" || { echo 'usage: make import SRC=<file-or-dir> [DEST=content/articles] [FORCE=1] [SOURCE="浙江工人日报 2022年8月10日 第3版"]'; exit 2; }
	$(PYTHON) -m importer "$$UNION_IMPORT_SRC" --dest "$$UNION_IMPORT_DEST" $(if $(FORCE),--force,) $(if $(value SOURCE),--source "$$UNION_IMPORT_SOURCE",)

search: export UNION_SEARCH_QUERY := $(value Q)
search: export UNION_SEARCH_LIMIT := $(value LIMIT)
search: export UNION_SEARCH_SORT := $(value SORT)
search: install
	@test -n "$$UNION_SEARCH_QUERY" || { echo 'usage: make search Q="工资集体协商" [JSON=1] [LIMIT=n|all] [SORT=date]'; exit 2; }
	@$(PYTHON) -m union_search.cli $(if $(JSON),--json,) --limit "$${UNION_SEARCH_LIMIT:-10}" --sort "$${UNION_SEARCH_SORT:-relevance}" -- "$$UNION_SEARCH_QUERY"

tags: install
	$(PYTHON) -m union_tags.review $(INPUTDIR)

bench: install
	$(PYTHON) -m benchmarks.run --n $(BENCH_N) $(BENCH_ARGS)
