# tcpsm: build, test and install.
#
# Targets are the interface (`make help` lists them).  Sources are found by
# glob, so a new src/core/foo.c or tests/unit/test_foo.c needs no edit here.
# Everything the build writes goes under build/ (git-ignored).

# ---------------------------------------------------------------------------
# Knobs (override on the command line: make CC=clang PREFIX=/usr ...)

# make's built-in default is "cc"; we want gcc unless the user chose.
ifeq ($(origin CC),default)
CC := gcc
endif
AR      ?= ar
CLANG   ?= clang
PREFIX  ?= /usr/local
DESTDIR ?=
BINDIR     ?= $(PREFIX)/bin
LIBDIR     ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
BUILD   := build

# CFLAGS/LDFLAGS are extras (e.g. -fsanitize=...): the flags below always
# apply, so a warning is an error in every build.
CFLAGS  ?=
LDFLAGS ?=
STD     := -std=c11
WARN    := -Wall -Wextra -Werror -pedantic
OPT     := -O2 -g

# The core is freestanding (DESIGN.md: no libc beyond memcpy/memset).
# -Ispec and -I. let code include spec/transitions.def either way.
CORE_CFLAGS   := $(STD) $(WARN) -ffreestanding $(OPT)
CORE_CPPFLAGS := -Isrc/core -Ispec -I.
# The simulator, the CLI and the tests are ordinary hosted C11.
HOST_CFLAGS   := $(STD) $(WARN) $(OPT)
HOST_CPPFLAGS := -Isrc/host -Isrc/sim -Isrc/script -Isrc/core -Ispec -I.

# Evaluated only when a test is linked, i.e. after tests/deps.sh ran.
CMOCKA_CFLAGS = $(shell pkg-config --cflags cmocka 2>/dev/null)
CMOCKA_LIBS   = $(shell pkg-config --libs cmocka 2>/dev/null || echo -lcmocka)
# libsodium: test_isn checks tcpsm_siphash24 against crypto_shorthash.
SODIUM_LIBS   = $(shell pkg-config --libs libsodium 2>/dev/null || echo -lsodium)
# libpcap: src/sim/pcap.c writes capture files when its header is there
# (`tcpsm demo --pcap`); without it the program builds and says so.
PCAP_LIBS     = $(shell test -f /usr/include/pcap/pcap.h && echo -lpcap)

VERSION := $(shell sed -n 's/^\#define TCPSM_VERSION "\(.*\)"/\1/p' src/core/tcpsm.h)
SOMAJOR := 0
SONAME  := libtcpsm.so.$(SOMAJOR)
SOREAL  := libtcpsm.so.$(VERSION)

# ---------------------------------------------------------------------------
# Sources and what they become

CORE_SRCS := $(sort $(wildcard src/core/*.c))
HOSTL_SRCS := $(sort $(wildcard src/host/*.c))
SIM_SRCS  := $(sort $(wildcard src/sim/*.c))
SCRIPT_SRCS := $(sort $(wildcard src/script/*.c))
CLI_SRCS  := $(sort $(wildcard src/cli/*.c))
TEST_SRCS := $(sort $(wildcard tests/unit/test_*.c))

CORE_OBJS  := $(CORE_SRCS:src/%.c=$(BUILD)/obj/%.o)
CORE_PICS  := $(CORE_SRCS:src/%.c=$(BUILD)/pic/%.o)
CLANG_OBJS := $(CORE_SRCS:src/%.c=$(BUILD)/clang/%.o)
HOSTL_OBJS := $(HOSTL_SRCS:src/%.c=$(BUILD)/obj/%.o)
HOSTL_PICS := $(HOSTL_SRCS:src/%.c=$(BUILD)/pic/%.o)
SIM_OBJS   := $(SIM_SRCS:src/%.c=$(BUILD)/obj/%.o)
SCRIPT_OBJS := $(SCRIPT_SRCS:src/%.c=$(BUILD)/obj/%.o)
CLI_OBJS   := $(CLI_SRCS:src/%.c=$(BUILD)/obj/%.o)
TEST_OBJS  := $(TEST_SRCS:tests/unit/%.c=$(BUILD)/obj/tests/%.o)
TEST_BINS  := $(TEST_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

LIB_A   := $(BUILD)/libtcpsm.a
LIB_SO  := $(BUILD)/$(SOREAL)
PROGRAM := $(BUILD)/tcpsm

# Every object depends on this stamp, which changes only when the compiler
# or the extra flags do: `make CC=clang` after `make` rebuilds everything
# instead of mixing objects from two compilers.
FLAGS_STAMP := $(BUILD)/flags

# Symbols the freestanding core may leave undefined (DESIGN.md "The core";
# the compiler may also emit calls to these for struct copies and loops).
FREESTANDING_OK := memcpy|memset|memmove|memcmp

# ---------------------------------------------------------------------------
# Targets

.PHONY: all lib tests demo check freestanding deps install uninstall clean help FORCE
.DEFAULT_GOAL := all
# A recipe that fails (a link with undefined symbols) leaves no half-written target.
.DELETE_ON_ERROR:

all: lib $(PROGRAM)

lib: $(LIB_A) $(BUILD)/libtcpsm.so

tests: $(TEST_BINS)

demo: $(PROGRAM)
	$(PROGRAM) demo

# deps first (it may install cmocka, Frama-C, Why3, Z3 and CVC4), then a
# fresh make so pkg-config is consulted after the install; run_suites.sh
# builds and runs the rest, `make -j2 prove` included, and prints the one
# summary line.
check:
	@bash tests/deps.sh
	@$(MAKE) --no-print-directory all
	@MAKE='$(MAKE)' CC='$(CC)' CLANG='$(CLANG)' bash tests/run_suites.sh

deps:
	@bash tests/deps.sh

# The core alone, built by clang as freestanding code.  The objects are
# linked into one relocatable object so that references between core files
# resolve; what stays undefined must be in FREESTANDING_OK.
freestanding: $(CLANG_OBJS)
	$(CLANG) -r -nostdlib -o $(BUILD)/clang/tcpsm-core.o $(CLANG_OBJS)
	@bad=$$(nm -u $(BUILD)/clang/tcpsm-core.o | awk '{ print $$NF }' | \
	        grep -vxE '$(FREESTANDING_OK)' | tr '\n' ' '); \
	if [ -n "$$bad" ]; then \
	    echo "freestanding: src/core references symbols outside the core: $$bad"; exit 1; \
	fi; \
	echo "freestanding: src/core builds with $(CLANG) -ffreestanding ($(words $(CLANG_OBJS)) files)"

# ---------------------------------------------------------------------------
# Rules

$(FLAGS_STAMP): FORCE
	@mkdir -p $(@D)
	@echo '$(CC) $(CFLAGS) $(LDFLAGS)' | cmp -s - $@ || echo '$(CC) $(CFLAGS) $(LDFLAGS)' > $@

$(CORE_OBJS): $(BUILD)/obj/%.o: src/%.c $(FLAGS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CORE_CFLAGS) $(CFLAGS) $(CORE_CPPFLAGS) -MMD -MP -c -o $@ $<

$(CORE_PICS): $(BUILD)/pic/%.o: src/%.c $(FLAGS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CORE_CFLAGS) -fPIC $(CFLAGS) $(CORE_CPPFLAGS) -MMD -MP -c -o $@ $<

# Always clang, whatever CC is; user CFLAGS are left out on purpose.
$(CLANG_OBJS): $(BUILD)/clang/%.o: src/%.c
	@mkdir -p $(@D)
	$(CLANG) $(CORE_CFLAGS) $(CORE_CPPFLAGS) -MMD -MP -c -o $@ $<

$(HOSTL_PICS): $(BUILD)/pic/%.o: src/%.c $(FLAGS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -fPIC $(CFLAGS) $(HOST_CPPFLAGS) -MMD -MP -c -o $@ $<

$(HOSTL_OBJS) $(SIM_OBJS) $(SCRIPT_OBJS) $(CLI_OBJS): $(BUILD)/obj/%.o: src/%.c $(FLAGS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(CFLAGS) $(HOST_CPPFLAGS) -MMD -MP -c -o $@ $<

$(TEST_OBJS): $(BUILD)/obj/tests/%.o: tests/unit/%.c $(FLAGS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(CFLAGS) $(HOST_CPPFLAGS) $(CMOCKA_CFLAGS) -MMD -MP -c -o $@ $<

# ar would keep members of deleted sources: start from an empty archive.
$(LIB_A): $(CORE_OBJS) $(HOSTL_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(LIB_SO): $(CORE_PICS) $(HOSTL_PICS)
	$(CC) -shared -Wl,-soname,$(SONAME) $(CFLAGS) $(LDFLAGS) -o $@ $^

$(BUILD)/libtcpsm.so: $(LIB_SO)
	ln -sf $(SOREAL) $(BUILD)/$(SONAME)
	ln -sf $(SONAME) $@

$(PROGRAM): $(SIM_OBJS) $(SCRIPT_OBJS) $(CLI_OBJS) $(LIB_A)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(SIM_OBJS) $(SCRIPT_OBJS) $(CLI_OBJS) $(LIB_A) $(PCAP_LIBS)

# Tests link the core and sim objects directly (not cli's main).
$(TEST_BINS): $(BUILD)/tests/%: $(BUILD)/obj/tests/%.o $(CORE_OBJS) $(HOSTL_OBJS) $(SIM_OBJS) $(SCRIPT_OBJS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(CMOCKA_LIBS) $(SODIUM_LIBS) $(PCAP_LIBS)

# The .pc file depends on PREFIX, so it is written at install time.
install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(PKGCONFIGDIR)
	install -m 644 src/core/tcpsm.h $(DESTDIR)$(INCLUDEDIR)/tcpsm.h
	install -m 644 src/core/tcpsm_wire.h $(DESTDIR)$(INCLUDEDIR)/tcpsm_wire.h
	install -m 644 src/host/tcpsm_host.h $(DESTDIR)$(INCLUDEDIR)/tcpsm_host.h
	install -m 644 $(LIB_A) $(DESTDIR)$(LIBDIR)/libtcpsm.a
	install -m 755 $(LIB_SO) $(DESTDIR)$(LIBDIR)/$(SOREAL)
	ln -sf $(SOREAL) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libtcpsm.so
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' \
	    -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|g' -e 's|@VERSION@|$(VERSION)|g' \
	    src/core/tcpsm.pc.in > $(BUILD)/tcpsm.pc
	install -m 644 $(BUILD)/tcpsm.pc $(DESTDIR)$(PKGCONFIGDIR)/tcpsm.pc
	install -m 755 $(PROGRAM) $(DESTDIR)$(BINDIR)/tcpsm

uninstall:
	rm -f $(DESTDIR)$(INCLUDEDIR)/tcpsm.h $(DESTDIR)$(INCLUDEDIR)/tcpsm_wire.h $(DESTDIR)$(INCLUDEDIR)/tcpsm_host.h $(DESTDIR)$(PKGCONFIGDIR)/tcpsm.pc \
	    $(DESTDIR)$(LIBDIR)/libtcpsm.a $(DESTDIR)$(LIBDIR)/libtcpsm.so \
	    $(DESTDIR)$(LIBDIR)/$(SONAME) $(DESTDIR)$(LIBDIR)/$(SOREAL) \
	    $(DESTDIR)$(BINDIR)/tcpsm

clean:
	rm -rf $(BUILD)

help:
	@echo 'make              build/libtcpsm.a, build/libtcpsm.so and build/tcpsm (CC=gcc; CC=clang works)'
	@echo 'make demo         build and run `build/tcpsm demo` (needs only a C compiler)'
	@echo 'make check        install test deps (root), build, run every suite; ends "N passed, N failed"'
	@echo 'make tests        build the cmocka binaries build/tests/test_*'
	@echo 'make prove        prove the ACSL contracts with Frama-C/WP (-j2 runs 2 files at a time); writes proofs/REPORT.md'
	@echo 'make prove-cache  make proofs/cache hold what a replay needs, no more (run it before committing contracts)'
	@echo 'make prove-cache-rebuild  the same from an empty cache (every verdict computed again)'
	@echo 'make prove-retry  drop the cached failed verdicts (e.g. timeouts on a busy machine), then make prove'
	@echo 'make freestanding build src/core with clang -ffreestanding and check its external symbols'
	@echo 'make deps         install the test and proof dependencies (tests/deps.sh, as root)'
	@echo 'make fuzz-libfuzzer / fuzz-afl   build the fuzz harnesses (fuzz/README.md)'
	@echo 'make fuzz FUZZER=fuzz_conn TIME=600 [ENGINE=afl]   a fuzzing campaign: execs/s, coverage, crashes'
	@echo 'make fuzz-smoke / fuzz-replay / fuzz-corpus / fuzz-coverage   see fuzz/README.md'
	@echo 'make install      install to $$(DESTDIR)$$(PREFIX) (PREFIX=$(PREFIX))'
	@echo 'make uninstall    remove what install put there'
	@echo 'make clean        remove build/'

FORCE:

# `make prove`, `make prove-cache`, `make prove-cache-rebuild`,
# `make prove-clean`: Frama-C/WP (proofs/README.md).
include proofs/wp.mk
include fuzz/fuzz.mk

-include $(wildcard $(BUILD)/obj/*/*.d $(BUILD)/pic/*/*.d $(BUILD)/clang/*/*.d)
