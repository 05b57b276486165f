# The two commands a new user runs: `make run` and `make check`. Everything else is a helper.
SHELL := /bin/bash
DB    ?= sqlite:heime.db
HTTP  ?= 127.0.0.1:8080
MLLP  ?= 127.0.0.1:2575
BUILD := build
ASAN  := build-asan

.PHONY: all deps build build-asan run check unit e2e fuzz bench clean lint shots

all: build

deps:
	@bash scripts/install-deps.sh

$(BUILD)/build.ninja:
	meson setup $(BUILD) --buildtype=debugoptimized -Dwerror=true

$(ASAN)/build.ninja:
	meson setup $(ASAN) --buildtype=debug -Dwerror=true -Db_sanitize=address,undefined -Db_lundef=false

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

build-asan: deps $(ASAN)/build.ninja
	ninja -C $(ASAN)

# Loads the demo region when the database is empty, then serves the UI and the APIs; plans the
# zones' next day every evening (README: Configuration, plan_daily_at).
PLAN_DAILY_AT ?= $(or $(HEIME_PLAN_DAILY_AT),18:00)
run: build
	HEIME_PLAN_DAILY_AT=$(PLAN_DAILY_AT) ./$(BUILD)/src/cli/heime demo --db $(DB) --http $(HTTP) --mllp $(MLLP) --pumpsim --plan

check: build build-asan
	@bash scripts/check.sh

lint:
	@bash scripts/check-banned.sh

# Renews docs/screenshots/ (the README's pictures) from the browser tests in chromium.
shots: build
	HEIME_DOC_SHOTS=1 HEIME_ENGINES=chromium HEIME_BIN=$(CURDIR)/$(BUILD)/src/cli/heime node tests/browser/run.mjs

fuzz: deps
	@bash scripts/fuzz.sh long

bench: build
	@for b in bench/*.sh; do echo "== $$b"; bash $$b || exit 1; done

clean:
	rm -rf $(BUILD) $(ASAN) build-fuzz
