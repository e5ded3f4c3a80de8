# proofs/wp.mk: `make prove`, Frama-C/WP on the core's ACSL contracts.
# Included by the Makefile.  The WP flags live here and nowhere else;
# proofs/README.md says what is proven and how to read the report.

# ---------------------------------------------------------------------------
# What is proven.  One file per line; each is analysed on its own (one
# Frama-C run per file, independent of the others, so `make -j2 prove`
# runs two at a time; `make check` does).  Make starts them in this order:
# list the slowest first, so that -j2 does not end with one long file
# running alone.  A file of src/core that is not here is listed under
# "Not yet under proof" in proofs/REPORT.md.
PROVE_FILES := \
    src/core/conn.c \
    src/core/input.c \
    src/core/reasm.c \
    src/core/output.c \
    src/core/user.c \
    src/core/check.c \
    src/core/wire.c \
    src/core/table.c \
    src/core/isn.c \
    src/core/cc.c \
    proofs/seq_harness.c \
    proofs/legal_harness.c

# Files of PROVE_FILES whose contracts are still being written: proven and
# reported, but their unproved goals do not fail `make prove` (nor `make
# check`); a Frama-C error in them still does.  Take a file out of this
# list once it is fully proved; `make prove PROVE_PENDING=` is the strict
# run.
PROVE_PENDING :=

# Functions of a file of PROVE_FILES whose goals are not generated yet
# (`-wp-skip-fct`): PROVE_SKIP_<stem> := f,g (stem: below).  Their
# contracts are still what their callers' proofs use, so the report lists
# each of them as not yet proven.  Empty this as the proofs land; the target
# is none.
PROVE_SKIP_src_core_conn   :=
PROVE_SKIP_src_core_user   :=
PROVE_SKIP_src_core_input  :=
PROVE_SKIP_src_core_output :=
PROVE_SKIP_src_core_reasm  :=

# The static inline functions of a header are the same code under the same
# contract in every file that includes it, so each is proven in one run:
# seq.h's with proofs/seq_harness.c, conn_impl.h's with src/core/conn.c.
# The other files skip them (PROVE_ONCE_<stem>); their callers' proofs use
# the contracts, as for any call.  The report names them under each file.
SEQ_H_FCTS  := seq_sub,seq_add,seq_lt,seq_le,seq_gt,seq_ge,seq_in
IMPL_H_FCTS := sat_inc,min32,addr_specified,seg_len,rcv_wnd,rcv_read_seq,call_ok,\
               deadline_after,ring_put,ring_get,ring_pos
PROVE_ONCE_src_core_conn   := $(SEQ_H_FCTS)
PROVE_ONCE_src_core_check  := $(SEQ_H_FCTS)
PROVE_ONCE_src_core_input  := $(SEQ_H_FCTS),$(IMPL_H_FCTS)
PROVE_ONCE_src_core_output := $(SEQ_H_FCTS),$(IMPL_H_FCTS)
PROVE_ONCE_src_core_reasm  := $(SEQ_H_FCTS),$(IMPL_H_FCTS)
PROVE_ONCE_src_core_user   := $(SEQ_H_FCTS),$(IMPL_H_FCTS)
PROVE_ONCE_src_core_cc     := $(SEQ_H_FCTS),$(IMPL_H_FCTS)
wp_comma := ,
wp_space := $(subst ,, )
wp_skip_list = $(subst $(wp_space),$(wp_comma),$(strip $(subst $(wp_comma),$(wp_space),\
                 $(PROVE_SKIP_$(1)) $(PROVE_ONCE_$(1)))))
wp_skip = $(if $(call wp_skip_list,$(1)),-wp-skip-fct $(call wp_skip_list,$(1)))

# ---------------------------------------------------------------------------
# How.  WP_FLAGS decide the goals and the verdicts; they are the same in
# every run.  -wp-timeout 20 is per goal and prover.  -wp-no-init-const: no
# proof may rest on the contents of a const table (with the initialisers of
# tcpsm_rows in every goal of table.c, WP spends minutes building goals that
# do not need them).
FRAMAC       ?= frama-c
PROOF_BUILD  := $(BUILD)/proofs
WP_CACHE_DIR := proofs/cache
WP_PROVERS   := z3,cvc4
WP_TIMEOUT   := 20
WP_CPPFLAGS  := -Isrc/core -Ispec -I$(PROOF_BUILD) -DTCPSM_PROOF
WP_FLAGS      = -wp -wp-rte -warn-unsigned-overflow -warn-unsigned-downcast \
                -wp-prover tip,$(WP_PROVERS) -wp-time-margin $(WP_TIMEOUT) \
                -wp-timeout $(WP_TIMEOUT) -wp-no-init-const \
                -wp-cache-dir $(WP_CACHE_DIR)
WP_CMD        = $(FRAMAC) $(WP_FLAGS) -cpp-extra-args="$(WP_CPPFLAGS)"

# The cache (proofs/cache, committed) holds one small JSON file per (goal,
# prover) verdict, named by a digest of the goal's Why3 task and the prover
# (not of paths or dates).  Each file is run in up to two passes, which
# differ only in how they use the cache:
#
#  1. replay: -wp-cache offline, which never starts a prover (a goal with
#     no cached verdict stays unproved).  It is stopped at the first goal
#     that it does not prove, since pass 2 is then needed anyway: from an
#     empty cache, the whole replay of check.c or wire.c took 3 minutes
#     (load 4-5) before pass 2 could start.  -wp-par 64 because WP's scheduler
#     sleeps 50 ms per round and completes at most -wp-par tasks a round:
#     with -wp-par 2 table.c's replay spent about 60% of its wall time in
#     that sleep (186 s; strace: 123 sleeps of 50 ms in 10 s), with 64 it is
#     CPU-bound (87 s for the same 1236 goals, load 4-6 from other runs).
#     No prover runs, so 64 costs no CPU.
#  2. prove, only when the replay did not prove every goal:
#     -wp-cache update -wp-par 2, so Z3 and CVC4 race on each goal (WP
#     keeps the first valid verdict and stops the other), and new verdicts
#     go into the cache.  With make -j2, two files may be in this pass at
#     once, so up to 4 provers share the 2 cores, and the 20 s limit is
#     wall-clock time.  Measured from no cache (fresh clone, idle machine):
#     433 s, and no goal's winning prover took more than 0.82 s; with
#     PROVE_SERIAL=1 (at most one file in this pass at a time, flock) 581 s
#     and the same 0.82 s.  Set it if goals come near the limit.
#
# Which prover first (proofs/session, committed).  Racing Z3 and CVC4 on
# every goal costs both: from an empty cache, user.c took 127 s wall and
# 159 s CPU, against 62 s and 75 s for CVC4 alone; but one prover alone
# does not do for every file (CVC4 alone times out on table.c's
# tcpsm_row_find, where Z3 proves in well under a second).  So the choice
# is made per goal, with WP's proof scripts: proofs/session/<stem>/script/
# holds, for each goal a prover proved, a one-line JSON naming that prover
# (the faster one, when both did).  With -wp-prover tip,z3,cvc4, WP runs
# only the prover a goal's script names; only if that fails (a goal that
# changed) does it try the others, and a goal with no script races both as
# before.  A replay gains too, as a goal's Why3 task is built for one prover
# instead of two: user.c's replay took 23 s instead of 33 s.  With
# -wp-time-margin equal to the timeout, WP writes a script for every goal a
# prover proves; it writes them into a copy under $(PROOF_BUILD), never
# into proofs/session, which only `make prove-cache` updates.
WP_SESSION   := proofs/session
WP_REPLAY     = -wp-cache offline -wp-par 64
WP_UPDATE     = -wp-cache update -wp-par 2
PROVE_SERIAL ?=
WP_SERIAL     = $(if $(PROVE_SERIAL),flock $(PROOF_BUILD)/provers.lock)

# build/proofs/<stem>.{log,json,rc,pass}: <stem> is the path with / turned
# into _ and .c dropped (src/core/wire.c -> src_core_wire).
wp_stem   = $(subst /,_,$(patsubst %.c,%,$(1)))
wp_file   = $(strip $(foreach f,$(PROVE_FILES),$(if $(filter $(1),$(call wp_stem,$(f))),$(f))))
PROVE_RCS = $(foreach f,$(PROVE_FILES),$(PROOF_BUILD)/$(call wp_stem,$(f)).rc)

.PHONY: prove prove-tools prove-clean prove-cache prove-cache-rebuild prove-retry

# The ACSL view of the table (row_of, row_to, ..., legal_transition),
# generated from spec/transitions.def: cpp makes one "@row" line per row,
# proofs/transitions.awk writes the logic (see proofs/transitions.acsl.in).
$(PROOF_BUILD)/transitions.acsl: proofs/transitions.acsl.in proofs/transitions.awk spec/transitions.def proofs/wp.mk
	@mkdir -p $(@D)
	cpp -P -Ispec proofs/transitions.acsl.in | awk -f proofs/transitions.awk > $@.tmp
	@mv $@.tmp $@

# A pending file goes straight to pass 2 (its replay would stop at its
# first unproved goal); pass 2 takes every verdict the cache has, failed
# ones included, so a cached pending file starts no prover either.
# Every file is run each time (FORCE): its goals depend on headers, ACSL
# files and the tools, and a replay is what proves that the committed
# results still hold.  The recipe always succeeds once Frama-C has run;
# <stem>.rc holds Frama-C's exit status and report.py decides.
prove: $(PROVE_RCS)
	@python3 proofs/report.py --build $(PROOF_BUILD) \
	    --command '$(WP_CMD) $(WP_UPDATE) -wp-session $(PROOF_BUILD)/session/STEM -wp-report-json $(PROOF_BUILD)/STEM.json FILE' \
	    --replay '$(WP_REPLAY)' \
	    --pending '$(PROVE_PENDING)' --core '$(CORE_SRCS)' \
	    --skip '$(foreach f,$(PROVE_FILES),$(if $(PROVE_SKIP_$(call wp_stem,$(f))),$(f)=$(PROVE_SKIP_$(call wp_stem,$(f)))))' \
	    --once '$(foreach f,$(PROVE_FILES),$(if $(PROVE_ONCE_$(call wp_stem,$(f))),$(f)=$(subst $(wp_space),,$(PROVE_ONCE_$(call wp_stem,$(f))))))' \
	    --properties proofs/properties.tsv \
	    --json proofs/report.json --md proofs/REPORT.md $(PROVE_FILES)

$(PROOF_BUILD)/%.rc: $(PROOF_BUILD)/transitions.acsl FORCE | prove-tools
	@f='$(call wp_file,$*)'; s='$(PROOF_BUILD)/$*'; \
	[ -n "$$f" ] || { echo "prove: no file of PROVE_FILES for $@" >&2; exit 1; }; \
	rm -f $$s.rc $$s.pass $$s.json $$s.replay.log; \
	rm -rf $(PROOF_BUILD)/session/$*; mkdir -p $(PROOF_BUILD)/session/$*/script; \
	if [ -d $(WP_SESSION)/$*/script ]; then \
	    cp $(WP_SESSION)/$*/script/*.json $(PROOF_BUILD)/session/$*/script/ 2>/dev/null; \
	    find $(PROOF_BUILD)/session/$*/script -type f -exec touch -m -d @0 {} +; fi; \
	echo "prove: $$f ..."; t0=$$(date +%s); pass=replay; \
	if [ -n "$(filter $(call wp_file,$*),$(PROVE_PENDING))" ]; then \
	    : > $$s.log; pass=prove; \
	    $(WP_SERIAL) $(WP_CMD) $(WP_UPDATE) $(call wp_skip,$*) -wp-session $(PROOF_BUILD)/session/$* -wp-report-json $$s.json $$f > $$s.log 2>&1; rc=$$?; \
	else \
	    $(WP_CMD) $(WP_REPLAY) $(call wp_skip,$*) -wp-session $(PROOF_BUILD)/session/$* -wp-report-json $$s.json $$f > $$s.log 2>&1 & pid=$$!; \
	    trap 'kill $$pid 2>/dev/null; exit 130' INT TERM HUP; \
	    while kill -0 $$pid 2>/dev/null; do \
	        if grep -E '^\[wp\] .*Goal typed_' $$s.log 2>/dev/null | grep -qv ' : Valid'; then kill $$pid; break; fi; \
	        sleep 1; \
	    done; \
	    wait $$pid 2>/dev/null; rc=$$?; trap - INT TERM HUP; \
	    if [ $$rc -ne 0 ] || ! awk '/^\[wp\] Proved goals:/ { ok = ($$4 == $$6) } END { exit !ok }' $$s.log; then \
	        mv $$s.log $$s.replay.log; rm -f $$s.json; pass=prove; \
	        $(WP_SERIAL) $(WP_CMD) $(WP_UPDATE) $(call wp_skip,$*) -wp-session $(PROOF_BUILD)/session/$* -wp-report-json $$s.json $$f > $$s.log 2>&1; rc=$$?; \
	    fi; \
	fi; \
	echo "prove: $$f: $$pass pass, $$(( $$(date +%s) - t0 )) s, frama-c exit status $$rc"; \
	echo $$pass > $$s.pass; echo $$rc > $@

# Tools first, with a clear message (a missing prover would otherwise
# show up as "Deferred error message" in every log).  tests/deps.sh
# installs them and runs `why3 config detect`.
prove-tools:
	@for t in $(FRAMAC) why3 python3 $(if $(PROVE_SERIAL),flock); do \
	    command -v $$t >/dev/null 2>&1 || { \
	        echo "prove: $$t not found; 'make deps' (as root) installs frama-c-base why3 z3 cvc4 python3" >&2; exit 1; }; \
	done; \
	have=$$(why3 config list-provers 2>/dev/null); \
	for p in Z3 CVC4; do \
	    printf '%s\n' "$$have" | grep -q "^$$p " || { \
	        echo "prove: Why3 does not know $$p; run 'why3 config detect' ('make deps' does)" >&2; exit 1; }; \
	done
	@mkdir -p $(PROOF_BUILD) $(WP_CACHE_DIR)

# `make prove-cache`: make the cache hold exactly what a replay needs.
#  1. `make prove`: computes every verdict the cache lacks.
#  2. `make prove` again, which must now compute nothing (no cache file
#     written; a pending file's unproved goals replay their cached failed
#     verdicts).  Each cache file it reads gets its access time set (the
#     cache's access times are first set to 1970, so that even relatime
#     records the read).
#  3. proofs/session is rewritten from the scripts run 2 wrote (all its
#     verdicts come from the cache, so their times are the cached ones):
#     proofs/session.py keeps, per goal, the fastest prover that proved it,
#     and drops the scripts of goals that no longer exist.
#  4. The cache files not read in 2 are dropped: goals that no longer exist,
#     and losers of the Z3/CVC4 race that a replay does not need.
# The result depends only on the goals, so run it before committing changed
# contracts, and commit proofs/cache and proofs/session with them.  If the file system does not
# record reads (noatime), 4 is skipped with a message.
# `make prove-cache-rebuild` starts from an empty cache: every verdict is
# computed again (to check that nothing proves only thanks to an old one).
prove-cache: prove-tools
	@$(MAKE) --no-print-directory prove
	@find $(WP_CACHE_DIR) -maxdepth 1 -type f -exec touch -a -d @0 {} +
	@echo probe > $(WP_CACHE_DIR)/.atime-probe; touch -a -d @0 $(WP_CACHE_DIR)/.atime-probe
	@touch $(PROOF_BUILD)/cache.mark
	@$(MAKE) --no-print-directory prove
	@new=$$(find $(WP_CACHE_DIR) -maxdepth 1 -type f -name '*.json' -newer $(PROOF_BUILD)/cache.mark | wc -l); \
	if [ "$$new" -ne 0 ]; then \
	    echo "prove-cache: the second run still computed $$new verdicts; no entry dropped" >&2; exit 1; fi
	@python3 proofs/session.py $(PROOF_BUILD)/session $(WP_SESSION) \
	    $(foreach f,$(PROVE_FILES),$(call wp_stem,$(f)))
	@cat $(WP_CACHE_DIR)/.atime-probe >/dev/null; \
	if [ -z "$$(find $(WP_CACHE_DIR)/.atime-probe -anewer $(PROOF_BUILD)/cache.mark)" ]; then \
	    echo "prove-cache: this file system does not record reads; no stale entry dropped"; \
	else \
	    n=$$(find $(WP_CACHE_DIR) -maxdepth 1 -type f -name '*.json' ! -anewer $(PROOF_BUILD)/cache.mark -print -delete | wc -l); \
	    echo "prove-cache: $$(ls $(WP_CACHE_DIR) | wc -l) entries kept, $$n dropped (not read by the replay)"; \
	fi; \
	rm -f $(WP_CACHE_DIR)/.atime-probe

prove-cache-rebuild:
	rm -rf $(WP_CACHE_DIR)
	@$(MAKE) --no-print-directory prove-cache

# Failed verdicts are cached like the others, and a replay takes them as
# they are: a goal that timed out because the machine was busy (the limit
# is wall-clock time; Z3 reports some of its timeouts as "Unknown error",
# cached as "failed") stays unproved until its task changes.  This drops
# every cached verdict that is not "valid", then runs `make prove`, which
# tries those goals again.  A goal proved by one prover does not need the
# other's failure, so the replay still proves it.
prove-retry: prove-tools
	@n=0; for e in $$(grep -L '"verdict": *"valid"' $(WP_CACHE_DIR)/*.json 2>/dev/null); do \
	    rm -f $$e; n=$$((n + 1)); done; \
	echo "prove-retry: $$n cached failures dropped"
	@$(MAKE) --no-print-directory prove

prove-clean:
	rm -rf $(PROOF_BUILD)
