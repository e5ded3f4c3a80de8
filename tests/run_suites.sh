#!/usr/bin/env bash
# tests/run_suites.sh: run every test suite of `make check` and print one
# summary.  Run by `make check` after the build; it can also be run alone
# (it builds what it runs through make).
#
# Counting: each cmocka test is one test (from cmocka's own "[  PASSED  ]" /
# "[  FAILED  ]" lines); a unit test file that does not build, or a binary
# that dies before its summary, is one failed test; each check script and
# the freestanding-clang build is one test; in the prove suite (`make
# prove`), each file of PROVE_FILES is one test (a pending file is named,
# not counted, unless Frama-C fails on it).  The last line is exactly
# "N passed, N failed"; the exit status is non-zero if anything failed.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1

MAKE=${MAKE:-make}
CLANG=${CLANG:-clang}
export CC=${CC:-gcc} MAKE CLANG
export CMOCKA_MESSAGE_OUTPUT=stdout   # the format we parse, whatever the environment says
TEST_TIMEOUT=${TEST_TIMEOUT:-300}     # seconds per test binary or script
LINEBUF=
command -v stdbuf >/dev/null 2>&1 && LINEBUF="stdbuf -oL -eL"

LOGDIR=build/logs
mkdir -p "$LOGDIR"
total_pass=0
total_fail=0
failures=()

suite_line() {  # name passed failed [note]
    printf '[suite] %-14s %d passed, %d failed%s\n' "$1:" "$2" "$3" "${4:+ ($4)}"
    total_pass=$((total_pass + $2))
    total_fail=$((total_fail + $3))
}

# --- freestanding: src/core built by clang -ffreestanding -----------------
if command -v "$CLANG" >/dev/null 2>&1; then
    if $MAKE -s --no-print-directory freestanding >"$LOGDIR/freestanding.log" 2>&1; then
        suite_line freestanding 1 0
    else
        cat "$LOGDIR/freestanding.log"
        failures+=("freestanding")
        suite_line freestanding 0 1
    fi
else
    suite_line freestanding 0 0 "skipped: $CLANG not installed"
fi

# --- unit: one cmocka binary per tests/unit/test_*.c -----------------------
upass=0
ufail=0
nbin=0
for src in tests/unit/test_*.c; do
    [ -e "$src" ] || continue
    name=$(basename "$src" .c)
    nbin=$((nbin + 1))
    log="$LOGDIR/$name.log"
    if ! $MAKE -s --no-print-directory "build/tests/$name" >"$log" 2>&1; then
        cat "$log"
        echo "  $name: does not build"
        failures+=("$name (build)")
        ufail=$((ufail + 1))
        continue
    fi
    # cmocka prints results on stdout and summaries on stderr: line-buffer
    # stdout so the two do not split each other's lines in the log.
    # shellcheck disable=SC2086
    timeout "$TEST_TIMEOUT" $LINEBUF "build/tests/$name" >"$log" 2>&1
    rc=$?
    p=$(sed -n 's/^.*\[  PASSED  \] \([0-9]*\) test(s)\.$/\1/p' "$log" | awk '{ s += $1 } END { print s + 0 }')
    f=$(sed -n 's/^.*\[  FAILED  \] \([0-9]*\) test(s), listed below:$/\1/p' "$log" | awk '{ s += $1 } END { print s + 0 }')
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1   # crashed, timed out, or a group setup failed: no count to trust
        echo "  $name: exit status $rc without a cmocka failure count" >>"$log"
    fi
    if [ "$f" -ne 0 ]; then
        cat "$log"
        failures+=("$name")
    fi
    echo "  $name: $p passed, $f failed"
    # figures a test reports for the record (test_transfer: time, retransmissions)
    grep -E '^transfer ' "$log" | sed 's/^/    /' || true
    upass=$((upass + p))
    ufail=$((ufail + f))
done
suite_line unit "$upass" "$ufail" "$nbin test files"

# --- scripts: tests/scripts/*/*.pkt through `tcpsm run`, one test each -----
# The runner prints PASS/FAIL per file, then "N passed, N failed" and the
# coverage line; a runner that dies without its summary is one failure.
slog="$LOGDIR/scripts.log"
if $MAKE -s --no-print-directory all >"$slog" 2>&1; then
    t0=$(date +%s%N)
    timeout "$TEST_TIMEOUT" build/tcpsm run --coverage tests/scripts/*/*.pkt >"$slog" 2>&1
    rc=$?
    ms=$(( ($(date +%s%N) - t0) / 1000000 ))
    sp=$(grep -c '^PASS ' "$slog")
    sf=$(grep -c '^FAIL ' "$slog")
    if [ "$rc" -ne 0 ] && [ "$sf" -eq 0 ]; then
        sf=1
        echo "scripts: tcpsm run exited with status $rc without a failed script" >>"$slog"
    fi
    if [ "$sf" -ne 0 ]; then
        grep -v '^PASS ' "$slog"
        failures+=("scripts")
    fi
    cov=$(sed -n 's/^coverage: //p' "$slog")
    suite_line scripts "$sp" "$sf" "${cov:+$cov; }${ms} ms"
else
    cat "$slog"
    failures+=("scripts (build)")
    suite_line scripts 0 1
fi

# --- fuzz: fuzz/build.sh with libFuzzer's variables (one test: `make
# fuzz-libfuzzer`, so the OSS-Fuzz build cannot rot), then every corpus and
# regression input through each harness (fuzz/replay_main.c, no fuzzing
# engine, ASan and UBSan; `make fuzz-replay`): one test per harness.
flog="$LOGDIR/fuzz.log"
if timeout "$TEST_TIMEOUT" $MAKE -s --no-print-directory fuzz-libfuzzer >"$flog" 2>&1; then
    echo "fuzz-build: $(tail -1 "$flog")" >"$flog.build"
else
    echo "fuzz-build: FAILED" >"$flog.build"; cat "$flog" >>"$flog.build"
fi
timeout "$TEST_TIMEOUT" $MAKE -s --no-print-directory fuzz-replay >"$flog" 2>&1
rc=$?
cat "$flog.build" "$flog" >"$flog.all" && mv "$flog.all" "$flog"
fp=$(grep -c -e '^fuzz-replay: .*: [0-9]* inputs$' -e '^fuzz-build: fuzz/build.sh' "$flog")
ff=$(grep -c -e '^fuzz-replay: .*: FAILED$' -e '^fuzz-build: FAILED' "$flog")
if [ "$rc" -ne 0 ] && [ "$ff" -eq 0 ]; then
    ff=1
    echo "fuzz: make fuzz-replay failed (exit status $rc) without a failed harness" >>"$flog"
fi
if [ "$ff" -ne 0 ]; then
    cat "$flog"
    failures+=("fuzz")
else
    sed 's/^/  /' "$flog"
fi
suite_line fuzz "$fp" "$ff" "the libFuzzer build, and corpus and regression replay under ASan and UBSan"

# --- check scripts: one test each ------------------------------------------
for check in requirements:check_requirements contracts:check_contracts readme:readme_example \
             demo:demo_check pcap:pcap_check install:install_check run:run_check; do
    label=${check%%:*}
    script=tests/${check#*:}.sh
    if timeout "$TEST_TIMEOUT" bash "$script"; then
        suite_line "$label" 1 0
    else
        failures+=("$script")
        suite_line "$label" 0 1
    fi
done

# --- prove: `make prove` (Frama-C/WP), one test per file of PROVE_FILES ----
# proofs/report.py prints one line per file:
#   prove: FILE PROVED/GOALS STATUS [(pending)] [PASS; CACHE USE]
# A required file passes when its STATUS is "proved".  A pending file
# (PROVE_PENDING in proofs/wp.mk) is listed in the note and not counted,
# unless Frama-C failed on it (STATUS "error"): that is a failure.  Anything
# else that makes `make prove` fail (a missing tool, a make error, the
# timeout) is one failure.  Never skipped: tests/deps.sh installs the tools.
PROVE_JOBS=${PROVE_JOBS:-2}
PROVE_TIMEOUT=${PROVE_TIMEOUT:-3600}  # seconds; a replay takes minutes, a cold run longer
plog="$LOGDIR/prove.log"
t0=$(date +%s)
timeout "$PROVE_TIMEOUT" $MAKE -s --no-print-directory -j"$PROVE_JOBS" prove >"$plog" 2>&1
rc=$?
secs=$(( $(date +%s) - t0 ))
pp=$(awk '$1 == "prove:" && $3 ~ /^[0-9]+\/[0-9]+$/ && $5 != "(pending)" && $4 == "proved"' "$plog" | wc -l)
pf=$(awk '$1 == "prove:" && $3 ~ /^[0-9]+\/[0-9]+$/ && ($5 != "(pending)" && $4 != "proved" || $4 == "error")' "$plog" | wc -l)
pend=$(awk '$1 == "prove:" && $3 ~ /^[0-9]+\/[0-9]+$/ && $5 == "(pending)" && $4 != "error" {
            printf "%s%s %s", sep, $2, $3; sep = ", " }' "$plog")
if [ "$rc" -ne 0 ] && [ "$pf" -eq 0 ]; then
    pf=1   # a missing tool, a make error, the timeout: no per-file count to trust
    [ "$rc" -eq 124 ] && echo "prove: timed out after $PROVE_TIMEOUT s" >>"$plog"
    echo "prove: make prove failed (exit status $rc) without a failed file" >>"$plog"
fi
if [ "$pf" -ne 0 ]; then
    cat "$plog"
    failures+=("prove")
else
    grep '^prove' "$plog" | grep -v '^prove: .* \.\.\.$' | sed 's/^/  /'
fi
suite_line prove "$pp" "$pf" "${secs} s${pend:+; pending, not counted: $pend}"

if [ "${#failures[@]}" -ne 0 ]; then
    echo "failed: ${failures[*]}"
fi
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
