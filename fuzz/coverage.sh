#!/usr/bin/env bash
# fuzz/coverage.sh CLANG OUTDIR (`make fuzz-coverage`): every harness built
# with source-based coverage and fuzz/replay_main.c, run over its corpus
# and fuzz/regressions; prints src/core's line and branch coverage
# (llvm-cov report, totals and per file), writes the HTML report to
# OUTDIR/html, and counts the cells (rows) of spec/transitions.def the
# corpora take (fuzz/rows.h).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cc=$1 out=$2
ver=$($cc --version | sed -n 's/.*clang version \([0-9]*\).*/\1/p' | head -1)
prof=$(command -v llvm-profdata-"$ver" || command -v llvm-profdata)
cov=$(command -v llvm-cov-"$ver" || command -v llvm-cov)
rm -rf "$out"; mkdir -p "$out/raw"
$cc -g -O0 -c fuzz/replay_main.c -o "$out/replay_main.o"
CC=$cc CFLAGS="-g -O0 -fprofile-instr-generate -fcoverage-mapping" \
    LIB_FUZZING_ENGINE="$out/replay_main.o -fprofile-instr-generate" OUT="$out" \
    bash fuzz/build.sh >/dev/null
objs=()
: >"$out/rows.txt"
for bin in "$out"/fuzz_*; do
    [ -x "$bin" ] || continue
    h=$(basename "$bin")
    dirs=()
    for d in fuzz/corpus/$h fuzz/regressions/$h; do [ -d "$d" ] && dirs+=("$d"); done
    [ "${#dirs[@]}" -gt 0 ] || continue
    LLVM_PROFILE_FILE="$out/raw/$h-%p.profraw" FUZZ_ROWS_FILE="$out/rows.txt" \
        "$bin" "${dirs[@]}" | sed "s/^/$h: /"
    objs+=(-object "$bin")
done
"$prof" merge -sparse "$out"/raw/*.profraw -o "$out/all.profdata"
first=${objs[1]}
"$cov" report "$first" "${objs[@]:2}" -instr-profile="$out/all.profdata" src/core/*.c \
    | tee "$out/report.txt"
"$cov" show "$first" "${objs[@]:2}" -instr-profile="$out/all.profdata" -format=html \
    -output-dir="$out/html" src/core/*.c >/dev/null
total=$(grep -c '^[[:space:]]*T(' spec/transitions.def)
taken=$(sort -un "$out/rows.txt" | wc -l)
echo "fuzz-coverage: $taken of $total cells of spec/transitions.def taken by the corpora"
echo "fuzz-coverage: HTML report in $out/html/index.html"
