# proofs/wp.mk: `make prove`, Frama-C/WP on the core's ACSL contracts.
# Included by the Makefile.  The WP flags live here and nowhere else;
# proofs/README.md says what is proven and how to read the report.

# ---------------------------------------------------------------------------
# What is proven.  One file per line; each is analysed on its own (one
# Frama-C run per file).  A file of src/core that is not here is listed
# under "Not yet under proof" in proofs/REPORT.md.
PROVE_FILES := \
    proofs/seq_harness.c \
    proofs/legal_harness.c \
    src/core/table.c \
    src/core/wire.c \
    src/core/check.c

# Files of PROVE_FILES whose contracts are still being written: proven and
# reported, but their unproved goals do not fail `make prove` (nor `make
# check`).  Take a file out of this list once it is fully proved;
# `make prove PROVE_PENDING=` is the strict run.
PROVE_PENDING :=

# ---------------------------------------------------------------------------
# How.  -wp-timeout 20 is per goal and prover; every goal proven so far
# takes under 1 s, so 20 s is headroom for slower machines, not a need.
# -wp-no-init-const: no proof may rest on the contents of a const table
# (tcpsm_rows has 170 rows: with their initialisers in every goal of
# table.c, WP spends minutes building goals that do not need them).
# The cache (proofs/cache) is committed, so that a re-run replays the
# prover results instead of running the provers: one small JSON file per
# (goal, prover) verdict, named by a digest of the goal's Why3 task and the
# prover (not of paths or dates); a hit never rewrites its file.  WP races
# Z3 and CVC4 on each goal and caches the winner only, so after a plain
# `make prove` a replay may still start the loser (and credit it, or not,
# in report.json).  `make prove-cache` runs each prover alone to fill in
# every missing verdict; after it a replay starts no prover at all.  Run it
# before committing changed contracts; `make prove-cache-rebuild` also
# drops the entries of goals that no longer exist.
FRAMAC       ?= frama-c
PROOF_BUILD  := $(BUILD)/proofs
WP_CACHE_DIR := proofs/cache
WP_PROVERS   := z3,cvc4
WP_CPPFLAGS  := -Isrc/core -Ispec -I$(PROOF_BUILD) -DTCPSM_PROOF
WP_FLAGS      = -wp -wp-rte -warn-unsigned-overflow -warn-unsigned-downcast \
                -wp-prover $(WP_PROVERS) -wp-par 2 -wp-timeout 20 -wp-no-init-const \
                -wp-cache update -wp-cache-dir $(WP_CACHE_DIR)
WP_CMD        = $(FRAMAC) $(WP_FLAGS) -cpp-extra-args="$(WP_CPPFLAGS)"

.PHONY: prove prove-clean prove-cache prove-cache-rebuild

# The ACSL view of the table (row_of, row_to, ..., legal_transition),
# generated from spec/transitions.def: cpp makes one "@row" line per row,
# proofs/transitions.awk writes the logic (see proofs/transitions.acsl.in).
$(PROOF_BUILD)/transitions.acsl: proofs/transitions.acsl.in proofs/transitions.awk spec/transitions.def proofs/wp.mk
	@mkdir -p $(@D)
	cpp -P -Ispec proofs/transitions.acsl.in | awk -f proofs/transitions.awk > $@.tmp
	@mv $@.tmp $@

# One Frama-C run per file, in order; then report.py writes the reports
# and decides.  A Frama-C failure (e.g. a parse error) is recorded and
# reported as such, not hidden behind the other files.
prove: $(PROOF_BUILD)/transitions.acsl
	@command -v $(FRAMAC) >/dev/null 2>&1 || { \
	    echo "prove: $(FRAMAC) not found; install it with 'make deps' (as root)" >&2; exit 1; }
	@mkdir -p $(WP_CACHE_DIR)
	@for f in $(PROVE_FILES); do \
	    s=$(PROOF_BUILD)/$$(echo "$${f%.c}" | tr / _); \
	    rm -f $$s.json; \
	    echo "prove: $$f"; \
	    $(WP_CMD) -wp-report-json $$s.json $$f > $$s.log 2>&1; \
	    echo $$? > $$s.rc; \
	done
	@python3 proofs/report.py --build $(PROOF_BUILD) \
	    --command '$(WP_CMD) -wp-report-json $(PROOF_BUILD)/STEM.json FILE' \
	    --pending '$(PROVE_PENDING)' --core '$(CORE_SRCS)' \
	    --json proofs/report.json --md proofs/REPORT.md $(PROVE_FILES)

# Fill the cache: each prover alone on every goal (its failures are
# cached too), then the normal run, which must now replay everything.
prove-cache: $(PROOF_BUILD)/transitions.acsl
	-@$(MAKE) --no-print-directory prove WP_PROVERS=z3 >/dev/null
	-@$(MAKE) --no-print-directory prove WP_PROVERS=cvc4 >/dev/null
	@$(MAKE) --no-print-directory prove

prove-cache-rebuild:
	rm -rf $(WP_CACHE_DIR)
	@$(MAKE) --no-print-directory prove-cache

prove-clean:
	rm -rf $(PROOF_BUILD)
