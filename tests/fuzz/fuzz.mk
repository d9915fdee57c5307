# Fuzzing targets, included by the top Makefile (not part of `make test`).
#
#   make fuzz                   every harness of tests/fuzz/ for FUZZ_SECONDS each (default 20)
#   make fuzz FUZZ_SECONDS=120  longer
#   make fuzz-smoke             every harness for a few seconds, over the committed corpus
#
# scripts/fuzz.sh builds with clang and libFuzzer into build/fuzz/ and says
# what it needs when clang is missing; tests/fuzz/README.md has the rest.

.PHONY: fuzz fuzz-smoke

fuzz: deps
	@$(if $(FUZZ_SECONDS),FUZZ_SECONDS=$(FUZZ_SECONDS)) scripts/fuzz.sh

fuzz-smoke: deps
	@scripts/fuzz.sh --smoke
