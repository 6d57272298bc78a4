# fini-mcp: the two README commands (`make demo`, `make test`) and their helpers.
# Every target installs what it needs (apt-get, npm ci), builds and runs.
SHELL := /bin/bash
.DEFAULT_GOAL := help
JOBS ?= $(shell nproc)
PREFIX ?= /usr/local
ASAN_DIR := build/asan
REL_DIR := build/release
FUZZ_DIR := build/fuzz
FUZZ_SECONDS ?= 25
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

APT_PACKAGES := build-essential cmake pkg-config clang libclang-rt-14-dev \
  nlohmann-json3-dev libcpp-httplib-dev libspdlog-dev libcli11-dev libgtest-dev libgmock-dev \
  libssl-dev libsqlitecpp-dev libsqlite3-dev json-schema-test-suite openssl curl ca-certificates nginx chromium tmux jq

.PHONY: help deps node-deps configure build release test unit e2e fuzz fuzz-short soak-short scale-short bench demo install bundle plugin packaging-test pkg-build clean

help:
	@echo "make demo   - install, build, and run a realistic operator session against the sandbox"
	@echo "make test   - install, build (ASan+UBSan, warnings as errors) and run every test tier"
	@echo "make bench | fuzz | bundle | install PREFIX=... | clean"

# Quick no-op when everything is present.
deps:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing: $$missing"; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@command -v node >/dev/null || { $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm; }

node-deps: deps
	@for d in tests/e2e tests/e2e/conformance-next; do \
	  ( cd $$d && { [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund --loglevel=error; } ) || exit 1; \
	done

configure: deps
	@cmake -S . -B $(ASAN_DIR) -DCMAKE_BUILD_TYPE=Debug -DFINI_SANITIZE=ON -DFINI_WERROR=ON >/dev/null

build: configure
	@cmake --build $(ASAN_DIR) -j$(JOBS)

release: deps
	@cmake -S . -B $(REL_DIR) -DCMAKE_BUILD_TYPE=Release -DFINI_WERROR=ON -DFINI_BUILD_TESTS=OFF >/dev/null
	@cmake --build $(REL_DIR) -j$(JOBS) --target fini-mcp fini-sim fini-bench

unit: build
	@cd $(ASAN_DIR) && ctest --output-on-failure -j$(JOBS)

e2e: build node-deps
	@FINI_MCP_BIN=$(CURDIR)/$(ASAN_DIR)/server/fini-mcp FINI_SIM_BIN=$(CURDIR)/$(ASAN_DIR)/sim/fini-sim tests/e2e/run.sh

fuzz-short: deps
	@CXX=clang++ cmake -S . -B $(FUZZ_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFINI_FUZZ=ON -DFINI_BUILD_TESTS=OFF >/dev/null
	@cmake --build $(FUZZ_DIR) -j$(JOBS) --target fuzz_session
	@mkdir -p $(FUZZ_DIR)/corpus && cp -n tests/fuzz/corpus/* $(FUZZ_DIR)/corpus/ 2>/dev/null || true
	@$(FUZZ_DIR)/tests/fuzz/fuzz_session -max_total_time=$(FUZZ_SECONDS) -max_len=1048576 -dict=tests/fuzz/jsonrpc.dict -rss_limit_mb=4096 -print_final_stats=0 $(FUZZ_DIR)/corpus 2>$(FUZZ_DIR)/fuzz.log \
	  && echo "fuzz: 1 passed, 0 failed ($$(grep -o 'Done [0-9]* runs' $(FUZZ_DIR)/fuzz.log))" \
	  || { tail -40 $(FUZZ_DIR)/fuzz.log; echo "fuzz: 0 passed, 1 failed"; exit 1; }

fuzz: FUZZ_SECONDS=600
fuzz: fuzz-short

# Skill pack: our checker (frontmatter, tool coverage), the official skills-ref validator, and the
# README tool table generated from the manifests.
skills-test: build node-deps
	@node tests/skills/check_skills.mjs .
	@SKILLS_REF=$(CURDIR)/tests/e2e/node_modules/.bin/skills-ref tests/skills/run_skills_ref.sh .
	@node packaging/gen-tool-table.mjs --check README.md
	@FINI_MCP_BIN=$(CURDIR)/$(ASAN_DIR)/server/fini-mcp FINI_SIM_BIN=$(CURDIR)/$(ASAN_DIR)/sim/fini-sim \
	  tests/e2e/node_modules/.bin/node tests/skills/run_skill_examples.mjs
	@FINI_MCP_BIN=$(CURDIR)/$(ASAN_DIR)/server/fini-mcp FINI_SIM_BIN=$(CURDIR)/$(ASAN_DIR)/sim/fini-sim \
	  tests/e2e/node_modules/.bin/node --test tests/skills/run_skill_examples.test.mjs

# The fault soak, short form (the full 50,000 calls run in `make bench`): 3,000 calls, 64 in flight,
# ~20% transient faults; Release binaries (timing-sensitive), so it builds build/release too.
# The key is the sandbox's public read+write key, passed by environment, never argv.
SOAK_CALLS ?= 3000
soak-short: release
	@FINI_API_KEY=fini_sandbox_acme_rw_1d9a7e3c52 $(REL_DIR)/bench/fini-bench soak --mcp $(REL_DIR)/server/fini-mcp \
	  --sim $(REL_DIR)/sim/fini-sim --calls $(SOAK_CALLS) --concurrency 64

# Scale-out through Debian's nginx (deploy/): 3 --http replicas, 32 clients, acme and globex keys
# interleaved, SIGTERM to one replica mid-run. Short form here; `make bench` runs 20,000 calls.
# Then 500 slow clients dribbling headers through nginx while a normal client's calls stay < 1 s.
SCALE_CALLS ?= 2000
scale-short: release node-deps
	@FINI_MCP_BIN=$(CURDIR)/$(REL_DIR)/server/fini-mcp FINI_SIM_BIN=$(CURDIR)/$(REL_DIR)/sim/fini-sim \
	  tests/e2e/node_modules/.bin/node deploy/scale-test.mjs --calls $(SCALE_CALLS) --clients 32
	@FINI_MCP_BIN=$(CURDIR)/$(REL_DIR)/server/fini-mcp FINI_SIM_BIN=$(CURDIR)/$(REL_DIR)/sim/fini-sim \
	  tests/e2e/node_modules/.bin/node deploy/slow-clients-test.mjs --slow 500

test: build unit e2e skills-test fuzz-short packaging-test soak-short scale-short
	@echo "make test: all tiers passed"

bench: release node-deps
	@bench/run.sh $(REL_DIR)
	@$(MAKE) --no-print-directory scale-short SCALE_CALLS=20000

demo: release node-deps
	@tests/e2e/node_modules/.bin/node --version >/dev/null 2>&1 || true
	@node demo/demo.mjs --mcp $(REL_DIR)/server/fini-mcp --sim $(REL_DIR)/sim/fini-sim $(DEMO_FLAGS)

install: release
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/fini-mcp
	install -m 0755 $(REL_DIR)/server/fini-mcp $(REL_DIR)/sim/fini-sim $(DESTDIR)$(PREFIX)/bin/
	cp -r manifests skills $(DESTDIR)$(PREFIX)/share/fini-mcp/

# Bundle/plugin build: static libstdc++/libgcc (FINI_STATIC_RUNTIME) and a DT_RPATH of $ORIGIN/lib
# (--disable-new-dtags: unlike RUNPATH it also serves the bundled libraries' own dependencies).
# No FINI_WERROR here: GCC 12 -O3 raises a false -Wrestrict in std::string code (rest/base_url.cpp).
PKG_DIR := build-pkg
pkg-build: deps
	@cmake -S . -B $(PKG_DIR) -DCMAKE_BUILD_TYPE=Release -DFINI_BUILD_TESTS=OFF -DFINI_STATIC_RUNTIME=ON \
	  '-DCMAKE_BUILD_RPATH=$$ORIGIN/lib' -DCMAKE_EXE_LINKER_FLAGS=-Wl,--disable-new-dtags >/dev/null
	@cmake --build $(PKG_DIR) -j$(JOBS) --target fini-mcp fini-sim

bundle: pkg-build node-deps
	@packaging/make-bundle.sh $(PKG_DIR)/server/fini-mcp dist

plugin: pkg-build
	@packaging/make-plugin.sh $(PKG_DIR)/server/fini-mcp dist/claude-plugin

packaging-test: pkg-build node-deps
	@packaging/test-bundle.sh $(PKG_DIR)/server/fini-mcp $(PKG_DIR)/sim/fini-sim
	@packaging/test-plugin.sh $(PKG_DIR)/server/fini-mcp $(PKG_DIR)/sim/fini-sim
	@node --test packaging/tests/ >/dev/null && echo "packaging self-tests: passed" || { node --test packaging/tests/; exit 1; }

clean:
	rm -rf build build-pkg dist
