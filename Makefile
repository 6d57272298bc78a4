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

# What building and running fini-mcp needs (`make install`, `make release`): compilers, cmake and the
# -dev packages of the libraries it links. No service, no browser: a fresh Debian 12 stays as it was.
BUILD_PACKAGES := build-essential cmake pkg-config nlohmann-json3-dev libcpp-httplib-dev libspdlog-dev \
  libcli11-dev libssl-dev libsqlitecpp-dev libsqlite3-dev ca-certificates
# The formatter the root .clang-format is written for (`make format`, `make format-check`).
FORMAT_PACKAGES := clang-format-14
# What only the tests need on top: the sanitizer/fuzz compiler, gtest, the schema suite, the reverse
# proxy and browser the e2e tiers drive (Debian starts nginx when it installs it), the formatter.
TEST_PACKAGES := clang libclang-rt-14-dev libgtest-dev libgmock-dev json-schema-test-suite openssl curl nginx chromium tmux jq \
  $(FORMAT_PACKAGES)
# Node.js: the bundle/plugin generators and the e2e tools.
NODE_PACKAGES := nodejs npm

.PHONY: help deps build-deps nodejs print-deps node-deps pkg-npm configure build release test unit e2e fuzz fuzz-short soak-short scale-short bench demo install bundle plugin packaging-test format format-check fuzz-build clean

help:
	@echo "make demo   - install, build, and run a realistic operator session against the sandbox"
	@echo "make test   - install, build (ASan+UBSan, warnings as errors) and run every test tier"
	@echo "make format - clang-format every C++ file under server/ sim/ tests/ bench/ (make format-check: only check)"
	@echo "make bench | fuzz | bundle | install PREFIX=... | clean"

# apt-get installs only what is missing: a quick no-op when everything is present.
APT_INSTALL = pkgs="$(1)"; missing=$$(for p in $$pkgs; do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing: "$$missing; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

build-deps:
	@$(call APT_INSTALL,$(BUILD_PACKAGES))

# Any node/npm on PATH will do; otherwise Debian's.
nodejs:
	@command -v node >/dev/null && command -v npm >/dev/null || { $(call APT_INSTALL,$(NODE_PACKAGES)); }

deps: build-deps nodejs
	@$(call APT_INSTALL,$(TEST_PACKAGES))

# The apt packages a target may install, as `make -n` sees them (packaging/test-deps.sh checks them).
print-deps:
	@$(MAKE) --no-print-directory -n $(or $(TARGET),install) PREFIX=/nonexistent | grep -o 'pkgs="[^"]*"' \
	  | sed 's/^pkgs="//; s/"$$//' | tr ' ' '\n' | grep -v '^$$' | sort -u

node-deps: deps
	@for d in tests/e2e tests/e2e/conformance-next; do \
	  ( cd $$d && { [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund --loglevel=error; } ) || exit 1; \
	done

configure: deps
	@cmake -S . -B $(ASAN_DIR) -DCMAKE_BUILD_TYPE=Debug -DFINI_SANITIZE=ON -DFINI_WERROR=ON >/dev/null

build: configure
	@cmake --build $(ASAN_DIR) -j$(JOBS)

# Release: what users build (no -Werror: a newer compiler's new warning must not stop an install) and
# what the bundle and plugin package. Every library is linked shared (the bundle carries them in lib/);
# DT_RPATH exactly $$ORIGIN/lib (--disable-new-dtags: unlike RUNPATH it also serves the carried
# libraries' own dependencies; built with the install RPATH, so no padded empty entry = cwd), which
# `make install` removes.
release: build-deps
	@cmake -S . -B $(REL_DIR) -DCMAKE_BUILD_TYPE=Release -DFINI_WERROR=OFF -DFINI_BUILD_TESTS=OFF \
	  -DCMAKE_BUILD_RPATH= -DCMAKE_BUILD_WITH_INSTALL_RPATH=ON '-DCMAKE_INSTALL_RPATH=$$ORIGIN/lib' \
	  -DCMAKE_EXE_LINKER_FLAGS=-Wl,--disable-new-dtags >/dev/null
	@cmake --build $(REL_DIR) -j$(JOBS) --target fini-mcp fini-sim fini-bench

unit: build
	@cd $(ASAN_DIR) && ctest --output-on-failure -j$(JOBS)

e2e: build node-deps
	@FINI_MCP_BIN=$(CURDIR)/$(ASAN_DIR)/server/fini-mcp FINI_SIM_BIN=$(CURDIR)/$(ASAN_DIR)/sim/fini-sim tests/e2e/run.sh

# The libFuzzer tree (clang) is built apart from running it, so `make test` can build it early.
fuzz-build: deps
	@CXX=clang++ cmake -S . -B $(FUZZ_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFINI_FUZZ=ON -DFINI_BUILD_TESTS=OFF >/dev/null
	@cmake --build $(FUZZ_DIR) -j$(JOBS) --target fuzz_session

fuzz-short: fuzz-build
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

# clang-format-14 over the tracked C++ files: `format` rewrites them, `format-check` (the first tier of
# `make test`, a few seconds) fails naming the files it would change.
format:
	@$(call APT_INSTALL,$(FORMAT_PACKAGES))
	@tests/format.sh apply

format-check:
	@$(call APT_INSTALL,$(FORMAT_PACKAGES))
	@tests/format.sh check

# Every tier, cheapest first. Once the packages are in, the release and fuzz trees (needed from
# fuzz-short on) compile in the background at the lowest CPU priority while the foreground builds the
# ASan tree, fetches the e2e tools and runs the ASan tiers (unit, e2e, skills: they wait on sockets,
# timers and child processes more than they compute). nice 19 in the same session (a new session would
# get its own scheduler autogroup and an equal share): the foreground always gets the CPU first and the
# background takes what it leaves idle. Its own process group, killed if a foreground step fails; its
# output: build/background.log.
test: format-check deps
	@mkdir -p build; set -m; nice -n 19 $(MAKE) --no-print-directory release fuzz-build >build/background.log 2>&1 & bg=$$!; set +m; \
	  trap 'kill -- -$$bg 2>/dev/null' EXIT; \
	  $(MAKE) --no-print-directory build node-deps unit e2e skills-test || exit 1; \
	  wait $$bg || { tail -40 build/background.log; echo "make test: the background release/fuzz build failed"; exit 1; }; \
	  $(MAKE) --no-print-directory fuzz-short packaging-test soak-short scale-short
	@echo "make test: all tiers passed"

# Every benchmark; the goals (GOAL lines, repeated at the end) come first. `make bench BENCH_ONLY=goals`
# runs only those (a few minutes).
bench: release node-deps
	@bench/run.sh $(REL_DIR) $(BENCH_ONLY)
	@[ "$(BENCH_ONLY)" = goals ] || $(MAKE) --no-print-directory scale-short SCALE_CALLS=20000

demo: release node-deps
	@tests/e2e/node_modules/.bin/node --version >/dev/null 2>&1 || true
	@node demo/demo.mjs --mcp $(REL_DIR)/server/fini-mcp --sim $(REL_DIR)/sim/fini-sim $(DEMO_FLAGS)

# Binaries (their RPATH removed), manifests and skills; nothing else is installed or started.
install: release
	@DESTDIR=$(DESTDIR) cmake --install $(REL_DIR) --prefix $(PREFIX)
	@for f in fini-mcp fini-sim; do cmake -DFILE=$(DESTDIR)$(PREFIX)/bin/$$f -DREMOVE=ON -P packaging/set-rpath.cmake; done
	install -d $(DESTDIR)$(PREFIX)/share/fini-mcp
	cp -r manifests skills $(DESTDIR)$(PREFIX)/share/fini-mcp/

# Packaging's own pinned npm tools (just @anthropic-ai/mcpb), apart from the e2e tool set. The npm cache
# is build/npm-cache, so the figure printed is what this machine downloaded for them.
PKG_NPM_CACHE := build/npm-cache
pkg-npm: nodejs
	@packaging/npm-install.sh packaging $(PKG_NPM_CACHE)

bundle: release pkg-npm
	@packaging/make-bundle.sh $(REL_DIR)/server/fini-mcp dist

PLUGIN_DIR ?= dist/claude-plugin
plugin: release nodejs
	@packaging/make-plugin.sh $(REL_DIR)/server/fini-mcp $(PLUGIN_DIR)

# The validators (mcpb, claude) come from packaging/ and tests/e2e; `make plugin` reusing the release
# build is checked by running it again here.
packaging-test: release pkg-npm node-deps
	@packaging/test-deps.sh
	@packaging/test-launcher.sh
	@packaging/test-rebuild.sh $(REL_DIR)
	@packaging/test-bundle.sh $(REL_DIR)/server/fini-mcp $(REL_DIR)/sim/fini-sim
	@packaging/test-plugin.sh $(REL_DIR)/server/fini-mcp $(REL_DIR)/sim/fini-sim
	@node --test packaging/tests/ >/dev/null && echo "packaging self-tests: passed" || { node --test packaging/tests/; exit 1; }

clean:
	rm -rf build build-pkg dist packaging/node_modules
