# FlixReview developer commands. `make run` and `make test` are all a fresh clone needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
DATA_DIR ?= ../shared/data
MOVIELENS ?= $(DATA_DIR)/ml-100k
TMDB_DATASET ?= $(DATA_DIR)/tmdb-5000/movies.jsonl

.PHONY: run install install-dev test lint format schema-check bench bench-tmdb bench-recs bench-feed bench-history bench-writes bench-scale bench-search migrate packaging image image-smoke compose-smoke screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-prod: requirements/production.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements/production.txt
	touch $@

$(VENV)/.installed-dev: requirements/dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements/dev.txt
	touch $@ $(VENV)/.installed-prod

install: $(VENV)/.installed-prod

install-dev: $(VENV)/.installed-dev

migrate: install
	$(BIN)/python manage.py migrate --noinput

run: migrate
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py build_recommendations --if-stale
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# WORKERS=2 spreads the suite over two processes. A selection of the suite (PYTEST_ARGS="-m browser", say) is not
# held to the whole suite's coverage threshold.
test: install-dev
	$(BIN)/pytest --cov --cov-report=term-missing:skip-covered $(if $(PYTEST_ARGS),--cov-fail-under=0) $(if $(WORKERS),-n $(WORKERS)) -q -p no:cacheprovider $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/python manage.py makemigrations --check --dry-run

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The API against its OpenAPI schema, live: Schemathesis with every check as a visitor and as a demo member, on
# gunicorn over a fresh demo SQLite database (about a minute; SCHEMA_CHECK_ARGS="--seed 7 --max-examples 20").
schema-check: install-dev
	$(BIN)/python scripts/schema_check.py $(SCHEMA_CHECK_ARGS)

packaging: install-dev
	bash scripts/ci_packaging.sh

# The container image, built and run for real (Docker when an engine answers, else podman; docs/deploying.md).
# image: flixreview:VERSION, flixreview:REVISION and flixreview:latest; base images that cannot be pulled are made
# from Debian packages, loudly (FLIX_BASE_IMAGES=pull forbids that). PIP_CA_BUNDLE: a CA bundle pip must trust.
image:
	bash scripts/image_build.sh

# The built image (IMAGE, default flixreview:latest) against PostgreSQL and Redis on 127.0.0.1: migrations,
# health, an API read and a site page, its own health check, non-root, nothing that should not be inside.
image-smoke:
	bash scripts/image_smoke.sh

# The compose stack from .env.example (db, redis, migrate, web, worker, beat) on the built image: health, a
# recommendations build run by the worker, then down with its volumes. Web on FLIX_HTTP_PORT (default: a free port).
# Docker Compose: `docker compose`, else docker-compose (with podman: the one `make install-dev` puts in .venv).
compose-smoke:
	VENV_BIN=$(BIN) bash scripts/compose_smoke.sh

bench: install-dev
	$(BIN)/python scripts/bench.py --dataset $(MOVIELENS) $(BENCH_ARGS)

# Import the whole popular list of TMDB_DATASET from the local fake TMDB at 40 req/s (about 2 minutes).
bench-tmdb: install-dev
	$(BIN)/python scripts/bench_tmdb.py --dataset $(TMDB_DATASET) $(BENCH_TMDB_ARGS)

# Recommender: build time and for-you / similar / by-genre under wrk, on MovieLens 100k and a synthetic
# 20,000-movie, 1,000,000-review catalogue (about 10 minutes).
bench-recs: install-dev
	$(BIN)/python scripts/bench_recommendations.py --dataset $(MOVIELENS) $(BENCH_RECS_ARGS)

# Activity feed on PostgreSQL (FEED_POSTGRES, default the local server; database flixreview_bench_feed, dropped
# and created anew): 10,000 members following 100 each, 1,000,000 pieces of activity; the feed's first and later
# pages against the movie detail under wrk (about 8 minutes).
FEED_POSTGRES ?= postgres://postgres@127.0.0.1:5432
bench-feed: install-dev
	$(BIN)/python scripts/bench_feed.py --postgres $(FEED_POSTGRES) $(BENCH_FEED_ARGS)

# Film search on PostgreSQL (SEARCH_POSTGRES, default the local server; database flixreview_bench_search, created
# anew and dropped after): 60,000 synthetic films, then every keystroke of a few searches timed through the
# selector, the API and the films page's search as you type, against its 30 ms budget (about 6 minutes).
SEARCH_POSTGRES ?= postgres://postgres@127.0.0.1:5432
bench-search: install-dev
	$(BIN)/python scripts/bench_search.py --postgres $(SEARCH_POSTGRES) $(BENCH_SEARCH_ARGS)

# History import: a 2,000-row Letterboxd export of catalogue films, 500 films found on the fake TMDB at 40 req/s,
# and peak memory at 2,000 against 20,000 rows (about 2 minutes).
bench-history: install-dev
	$(BIN)/python scripts/bench_history.py --dataset $(TMDB_DATASET) $(BENCH_HISTORY_ARGS)

# Load with writes on PostgreSQL (WRITES_POSTGRES; database flixreview_bench_writes, dropped and created anew) and
# a Redis of its own: 50 members writing reviews, likes, diary entries and follows while wrk reads, 60 s steady and
# 60 s with Redis stopped for 20 s; then every count checked against the rows (about 3 minutes).
WRITES_POSTGRES ?= postgres://postgres@127.0.0.1:5432
bench-writes: install-dev
	$(BIN)/python scripts/bench_writes.py --postgres $(WRITES_POSTGRES) $(BENCH_WRITES_ARGS)

# Every read of the API and the site at MovieLens-25M size on PostgreSQL (SCALE_POSTGRES; database flixreview_scale,
# made once and reused: 60,000 films, 100,000 members, 5,000,000 reviews), caches off: cold, then under wrk. The
# first run generates the catalogue and builds the model (about 15 minutes); later runs take about 10.
SCALE_POSTGRES ?= postgres://postgres@127.0.0.1:5432
bench-scale: install-dev
	$(BIN)/python scripts/bench_scale.py --postgres $(SCALE_POSTGRES) $(BENCH_SCALE_ARGS)

# The web site's main pages at 360 and 1280 px into docs/screenshots/, from a fresh demo database (about 2 minutes;
# needs Chromium: CHROMIUM_PATH, default /usr/bin/chromium).
screenshots: install-dev
	$(BIN)/python scripts/screenshots.py

clean:
	rm -rf $(VENV) .coverage htmlcov .pytest_cache .ruff_cache bench-results
