# Binck Praktijk Academie matchmaking service.
#
#   make          build build/bpa-server
#   make run      install what is missing, start a local PostgreSQL (unless
#                 BPA_DATABASE_URL is set), migrate it and serve on 127.0.0.1:8080
#   make test     install what is missing, build with sanitizers, run every test
#                 (a few seconds of each fuzzing harness included)
#   make fuzz     the fuzzing harnesses for longer (tests/fuzz/fuzz.mk)
#   make bench    the benchmarks; figures go to bench/README.md by hand
#   make format   format the C sources with the committed .clang-format
#   make clean    remove build output

CC      ?= cc
CXX     ?= c++
PKGS    := libmicrohttpd jansson libsodium libpq libcurl
STD     := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
WARN    := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wstrict-prototypes
INCLUDE := -Iserver -Imatcher -Itests/support -Ibench

# pkg-config is asked lazily so that `make clean` works before the
# dependencies are installed.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
# libstdc++: matcher/flow.cc, LEMON's network simplex (header-only) for a
# cohort round's optimal assignment.
PKG_LIBS   = $(shell pkg-config --libs $(PKGS)) -lstdc++ -lpthread -lm
CHECK_LIBS = $(shell pkg-config --libs check)
CURL_LIBS  = $(shell pkg-config --libs libcurl)

REL_FLAGS := -O2 -g
SAN_FLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
             -fno-sanitize-recover=undefined

# The OpenAPI document and its HTML reference, compiled into the daemon.
GEN_DOCS   := build/gen/api_docs.c
NODE_DEPS  := api-docs/node_modules/.package-lock.json
NPM_CI_FLAGS ?=
# The console (console/): its page, scripts and style sheets, compiled in.
GEN_CONSOLE  := build/gen/console_assets.c
CONSOLE_DEPS := console/node_modules/.package-lock.json
CONSOLE_SRC  := console/index.html console/build-console.mjs $(wildcard console/js/*.js console/css/*.css)
# The most common passwords (server/data/), refused as new ones: compiled in.
GEN_PASSWORDS := build/gen/common_passwords.c

SERVER_SRC := $(sort $(wildcard server/*.c server/db/*.c server/handlers/*.c matcher/*.c)) \
              $(GEN_DOCS) $(GEN_CONSOLE) $(GEN_PASSWORDS)
SERVER_LIB := $(filter-out server/main.c,$(SERVER_SRC))
# The one C++ file (a C interface, flow.h), in the daemon and every test.
CXX_SRC    := matcher/flow.cc
CXXSTD     := -std=c++17 -Wall -Wextra -Werror -Wshadow -Wno-maybe-uninitialized # (LEMON at -O2)
UNIT_SRC   := $(sort $(wildcard tests/unit/*.c))
BENCH_SRC  := $(sort $(wildcard bench/*.c))
INTEG_SRC  := $(sort $(wildcard tests/integration/*_test.c))
SUPPORT    := $(sort $(wildcard tests/support/*.c))
C_FILES    := $(filter-out $(GEN_DOCS) $(GEN_CONSOLE) $(GEN_PASSWORDS),$(SERVER_SRC)) $(UNIT_SRC) $(INTEG_SRC) $(SUPPORT) $(BENCH_SRC) \
              $(wildcard server/*.h server/db/*.h server/handlers/*.h matcher/*.h tests/support/*.h bench/*.h) \
              $(wildcard tests/fuzz/*.c tests/fuzz/*.h) $(CXX_SRC)

REL := build/rel
SAN := build/san

.PHONY: all build run test bench unit integration contract deps format check-format clean
all build: build/bpa-server

# `make V=1` shows the full compiler command lines.
Q := $(if $(V),,@)

$(NODE_DEPS): api-docs/package-lock.json
	cd api-docs && npm ci --no-audit --no-fund --no-update-notifier --loglevel=error $(NPM_CI_FLAGS)

$(GEN_DOCS): api-docs/openapi.yaml api-docs/build-docs.mjs $(NODE_DEPS)
	@node api-docs/build-docs.mjs $@

$(CONSOLE_DEPS): console/package-lock.json
	cd console && npm ci --no-audit --no-fund --no-update-notifier --loglevel=error $(NPM_CI_FLAGS)

$(GEN_CONSOLE): $(CONSOLE_SRC) $(CONSOLE_DEPS)
	@node console/build-console.mjs $@

$(GEN_PASSWORDS): server/data/common-passwords.txt server/data/build-common-passwords.mjs
	@node server/data/build-common-passwords.mjs $@

build/bpa-server: $(SERVER_SRC:%.c=$(REL)/%.o) $(CXX_SRC:%.cc=$(REL)/%.o)
	@echo "  LINK $@"
	$(Q)$(CC) $(REL_FLAGS) -o $@ $^ $(PKG_LIBS)

$(REL)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC   $<"
	$(Q)$(CC) $(STD) $(WARN) $(REL_FLAGS) $(INCLUDE) $(PKG_CFLAGS) -MMD -MP -c -o $@ $<

$(REL)/%.o: %.cc
	@mkdir -p $(dir $@)
	@echo "  CXX  $<"
	$(Q)$(CXX) $(CXXSTD) $(REL_FLAGS) $(INCLUDE) -MMD -MP -c -o $@ $<

$(SAN)/%.o: %.cc
	@mkdir -p $(dir $@)
	@echo "  CXX  $< (sanitized)"
	$(Q)$(CXX) $(CXXSTD) $(SAN_FLAGS) $(INCLUDE) -MMD -MP -c -o $@ $<

$(SAN)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC   $< (sanitized)"
	$(Q)$(CC) $(STD) $(WARN) $(SAN_FLAGS) $(INCLUDE) $(PKG_CFLAGS) -MMD -MP -c -o $@ $<

# Test binaries, all built with AddressSanitizer and UBSan; the integration
# tests run the sanitized daemon too.
$(SAN)/bpa-server: $(SERVER_SRC:%.c=$(SAN)/%.o) $(CXX_SRC:%.cc=$(SAN)/%.o)
	@echo "  LINK $@"
	$(Q)$(CC) $(SAN_FLAGS) -o $@ $^ $(PKG_LIBS)

$(SAN)/unit-tests: $(UNIT_SRC:%.c=$(SAN)/%.o) $(SERVER_LIB:%.c=$(SAN)/%.o) $(CXX_SRC:%.cc=$(SAN)/%.o)
	@echo "  LINK $@"
	$(Q)$(CC) $(SAN_FLAGS) -o $@ $^ $(PKG_LIBS) $(CHECK_LIBS)

INTEG_BINS := $(INTEG_SRC:tests/integration/%.c=$(SAN)/integration/%)
$(SAN)/integration/%: $(SAN)/tests/integration/%.o $(SUPPORT:%.c=$(SAN)/%.o) \
                      $(SERVER_LIB:%.c=$(SAN)/%.o) $(CXX_SRC:%.cc=$(SAN)/%.o)
	@mkdir -p $(dir $@)
	@echo "  LINK $@"
	$(Q)$(CC) $(SAN_FLAGS) -o $@ $^ $(PKG_LIBS) $(CHECK_LIBS) $(CURL_LIBS)

# The benchmarks: optimised like the release build, not sanitized; GLPK for
# the comparison of solvers that chose LEMON (bench/round_bench.c).
build/bench: $(BENCH_SRC:%.c=$(REL)/%.o) $(SERVER_LIB:%.c=$(REL)/%.o) $(CXX_SRC:%.cc=$(REL)/%.o)
	@echo "  LINK $@"
	$(Q)$(CC) $(REL_FLAGS) -o $@ $^ $(PKG_LIBS) $(CURL_LIBS) -lglpk

deps:
	@scripts/install-deps.sh

run: deps
	@$(MAKE) --no-print-directory build
	@scripts/run.sh

# `make test` is what CI runs: set-up, then every test; it fails when any fails.
test: deps
	@$(MAKE) --no-print-directory $(SAN)/bpa-server $(SAN)/unit-tests $(INTEG_BINS)
	@scripts/test.sh $(SAN) $(INTEG_BINS)

# Not part of `make test`: figures go to bench/README.md by hand.
bench: deps
	@$(MAKE) --no-print-directory build build/bench
	@scripts/bench.sh

format:
	clang-format -i $(C_FILES)

check-format:
	@clang-format --dry-run --Werror $(C_FILES) && echo "format: clean"

clean:
	rm -rf build

# optional: the Docker build copies only what the daemon needs
-include tests/fuzz/fuzz.mk

-include $(shell find build -name '*.d' 2>/dev/null)
