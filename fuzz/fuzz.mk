# fuzz/fuzz.mk: the fuzzing targets (included by the Makefile).
#
#   make fuzz-libfuzzer   every harness with clang -fsanitize=fuzzer,address,undefined
#                         (build/fuzz/libfuzzer/)
#   make fuzz-afl         every harness with afl-clang-fast, persistent mode
#                         (fuzz/afl_main.c; AFL_USE_ASAN=1 AFL_USE_UBSAN=1 by default)
#   make fuzz-replay      every harness without a fuzzing engine (fuzz/replay_main.c),
#                         ASan and UBSan, over fuzz/corpus/<h> and fuzz/regressions/<h>
#   make fuzz FUZZER=fuzz_pair TIME=600 [ENGINE=libfuzzer|afl]
#                         a campaign; prints execs/s, coverage and any crash
#   make fuzz-smoke       each harness FUZZ_SMOKE_TIME seconds (default 20) with
#                         libFuzzer; fails on a crash (.ci/run)
#   make fuzz-corpus      regenerate fuzz/corpus (fuzz/gen_*.c, tests/scripts), minimised
#   make fuzz-coverage    line/branch coverage of src/core reached by the corpora
#                         (llvm-cov), and the cells of spec/transitions.def
#
# All go through fuzz/build.sh (OSS-Fuzz conventions: CC, CFLAGS,
# LIB_FUZZING_ENGINE, OUT).

FUZZ_HARNESSES := $(sort $(basename $(notdir $(wildcard fuzz/fuzz_*.c))))
FUZZ_CLANG     ?= clang
AFL_CC         ?= afl-clang-fast
FUZZER         ?= fuzz_conn
TIME           ?= 600
ENGINE         ?= libfuzzer
FUZZ_SMOKE_TIME ?= 20
FUZZ_SAN       := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_DIR       := $(BUILD)/fuzz

.PHONY: fuzz fuzz-libfuzzer fuzz-afl fuzz-replay fuzz-smoke fuzz-coverage fuzz-corpus fuzz-tools

fuzz-tools:
	@command -v $(FUZZ_CLANG) >/dev/null 2>&1 || { \
	    echo "fuzz: $(FUZZ_CLANG) not found; 'make deps' (as root) installs clang" >&2; exit 1; }

fuzz-libfuzzer: fuzz-tools
	@CC=$(FUZZ_CLANG) CFLAGS="-g -O1 -fno-omit-frame-pointer $(FUZZ_SAN) -fsanitize=fuzzer-no-link" \
	    LIB_FUZZING_ENGINE=-fsanitize=fuzzer OUT=$(FUZZ_DIR)/libfuzzer bash fuzz/build.sh

fuzz-afl:
	@command -v $(AFL_CC) >/dev/null 2>&1 || { \
	    echo "fuzz: $(AFL_CC) not found; 'make deps' (as root) installs afl++" >&2; exit 1; }
	@mkdir -p $(FUZZ_DIR)/afl
	@AFL_USE_ASAN=$${AFL_USE_ASAN-1} AFL_USE_UBSAN=$${AFL_USE_UBSAN-1} AFL_QUIET=1 \
	    $(AFL_CC) -g -O1 -c fuzz/afl_main.c -o $(FUZZ_DIR)/afl/afl_main.o
	@AFL_USE_ASAN=$${AFL_USE_ASAN-1} AFL_USE_UBSAN=$${AFL_USE_UBSAN-1} AFL_QUIET=1 \
	    CC=$(AFL_CC) CFLAGS="-g -O1" LIB_FUZZING_ENGINE=$(FUZZ_DIR)/afl/afl_main.o \
	    OUT=$(FUZZ_DIR)/afl bash fuzz/build.sh

# The replay build uses the ordinary compiler ($(CC)), so `make check`
# needs no clang for it.
fuzz-replay:
	@mkdir -p $(FUZZ_DIR)/replay
	@$(CC) -g -O1 $(FUZZ_SAN) -c fuzz/replay_main.c -o $(FUZZ_DIR)/replay/replay_main.o
	@CC=$(CC) CFLAGS="-g -O1 -fno-omit-frame-pointer $(FUZZ_SAN)" \
	    LIB_FUZZING_ENGINE=$(FUZZ_DIR)/replay/replay_main.o OUT=$(FUZZ_DIR)/replay \
	    bash fuzz/build.sh >/dev/null
	@bad=0; for h in $(FUZZ_HARNESSES); do \
	    dirs=""; for d in fuzz/corpus/$$h fuzz/regressions/$$h; do [ -d $$d ] && dirs="$$dirs $$d"; done; \
	    if out=$$(UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 $(FUZZ_DIR)/replay/$$h $$dirs 2>&1); then \
	        echo "fuzz-replay: $$h: $$(echo "$$out" | tail -1 | sed 's/^replay: //')"; \
	    else echo "$$out" | tail -40; echo "fuzz-replay: $$h: FAILED"; bad=1; fi; \
	done; exit $$bad

# A campaign: the corpus grows in $(FUZZ_DIR)/work/<h> (seeded from
# fuzz/corpus/<h>); crashes go to $(FUZZ_DIR)/crashes/.
fuzz:
	@case " $(FUZZ_HARNESSES) " in *" $(FUZZER) "*) ;; *) \
	    echo "fuzz: FUZZER must be one of: $(FUZZ_HARNESSES)" >&2; exit 2;; esac
	@bash fuzz/campaign.sh "$(ENGINE)" "$(FUZZER)" "$(TIME)" "$(FUZZ_DIR)"

fuzz-smoke: fuzz-libfuzzer
	@bad=0; for h in $(FUZZ_HARNESSES); do \
	    bash fuzz/campaign.sh libfuzzer $$h $(FUZZ_SMOKE_TIME) $(FUZZ_DIR) nobuild || bad=1; \
	done; exit $$bad

fuzz-coverage: fuzz-tools
	@bash fuzz/coverage.sh "$(FUZZ_CLANG)" "$(FUZZ_DIR)/coverage"

# Regenerate fuzz/corpus from the generators (fuzz/gen_*.c) and minimise it.
fuzz-corpus: fuzz-libfuzzer
	@bash fuzz/gen_corpus.sh $(FUZZ_DIR)/libfuzzer
