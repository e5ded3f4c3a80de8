#!/usr/bin/env bash
# fuzz/gen_corpus.sh: regenerate fuzz/corpus/<harness>/ (`make fuzz-corpus`).
# Each fuzz/gen_<harness>.c is a small program that writes its harness's
# seed inputs from scenarios (no hand-typed bytes); fuzz_script's seeds are
# scripts of tests/scripts, a few per state.  With a libFuzzer build at
# hand ($1: its directory), each corpus is then minimised with -merge=1.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
lf=${1:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for g in fuzz/gen_fuzz_*.c; do
    h=$(basename "$g" .c); h=${h#gen_}
    ${CC:-cc} -std=c11 -O1 -Isrc/core -Isrc/host -Isrc/sim -Ispec -I. "$g" -o "$tmp/gen"
    rm -rf "$tmp/$h"; mkdir -p "$tmp/$h"
    "$tmp/gen" "$tmp/$h"
done
mkdir -p "$tmp/fuzz_script"
for d in tests/scripts/*/; do
    for f in $(ls "$d"*.pkt | head -3); do
        cp "$f" "$tmp/fuzz_script/$(basename "$d")-$(basename "$f")"
    done
done
for c in "$tmp"/fuzz_*; do
    h=$(basename "$c")
    rm -rf "fuzz/corpus/$h"; mkdir -p "fuzz/corpus/$h"
    if [ -n "$lf" ] && [ -x "$lf/$h" ]; then
        "$lf/$h" -merge=1 "fuzz/corpus/$h" "$c" >/dev/null 2>&1
    else
        cp "$c"/* "fuzz/corpus/$h/"
    fi
    echo "fuzz-corpus: $h: $(ls "fuzz/corpus/$h" | wc -l) inputs"
done
