#!/usr/bin/env bash
# fuzz/campaign.sh ENGINE HARNESS SECONDS BUILDDIR [nobuild]
# One fuzzing campaign (`make fuzz`, `make fuzz-smoke`): the corpus grows in
# BUILDDIR/work/HARNESS (seeded from fuzz/corpus/HARNESS), crashes go to
# BUILDDIR/crashes/.  Prints one line: executions, execs/s, coverage,
# corpus size; on a crash, each input and the command that reproduces it,
# and exits 1.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
engine=$1 h=$2 secs=$3 dir=$4 nobuild=${5:-}
work=$dir/work/$h
crashes=$dir/crashes
mkdir -p "$work" "$crashes"
[ -d "fuzz/corpus/$h" ] && cp -n fuzz/corpus/"$h"/* "$work"/ 2>/dev/null
dict=fuzz/dict/$h.dict
case "$engine" in
libfuzzer)
    [ -n "$nobuild" ] || make -s --no-print-directory fuzz-libfuzzer >/dev/null || exit 1
    bin=$dir/libfuzzer/$h
    log=$dir/$h.libfuzzer.log
    before=$(ls "$crashes" | grep -c "^$h-" || true)
    # shellcheck disable=SC2046
    "$bin" -max_total_time="$secs" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$crashes/$h-" $( [ -f "$dict" ] && echo "-dict=$dict" ) \
        "$work" >"$log" 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | sed 's/cov: //')
    ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | sed 's/ft: //')
    echo "fuzz: $h (libFuzzer, $secs s): ${execs:-0} executions, ${eps:-0} execs/s, coverage ${cov:-0} edges (${ft:-0} features), corpus $(ls "$work" | wc -l) inputs"
    after=$(ls "$crashes" | grep -c "^$h-" || true)
    if [ "$rc" -ne 0 ] || [ "$after" -gt "$before" ]; then
        grep -E 'ERROR|SUMMARY|runtime error|deadly signal' "$log" | head -10
        for f in $(ls -t "$crashes" | grep "^$h-" | head -$((after - before > 0 ? after - before : 1))); do
            echo "fuzz: $h: crash input $crashes/$f; reproduce: $bin $crashes/$f"
        done
        exit 1
    fi ;;
afl)
    [ -n "$nobuild" ] || make -s --no-print-directory fuzz-afl >/dev/null || exit 1
    bin=$dir/afl/$h
    out=$dir/afl-out/$h
    rm -rf "$out"
    mkdir -p "$dir/afl-out"
    AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
        afl-fuzz -i "$work" -o "$out" -V "$secs" $( [ -f "$dict" ] && echo "-x $dict" ) \
        -- "$bin" >"$dir/$h.afl.log" 2>&1
    stats=$out/default/fuzzer_stats
    [ -f "$stats" ] || { tail -20 "$dir/$h.afl.log"; exit 1; }
    val() { sed -n "s/^$1 *: *//p" "$stats"; }
    echo "fuzz: $h (AFL++, $secs s): $(val execs_done) executions, $(val execs_per_sec) execs/s, coverage $(val bitmap_cvg) of the map ($(val edges_found) edges), corpus $(val corpus_count) inputs"
    n=$(ls "$out/default/crashes" 2>/dev/null | grep -vc README || true)
    if [ "$n" -gt 0 ]; then
        for f in "$out"/default/crashes/id*; do echo "fuzz: $h: crash input $f; reproduce: $bin < $f"; done
        exit 1
    fi ;;
*)
    echo "fuzz: ENGINE must be libfuzzer or afl" >&2; exit 2 ;;
esac
