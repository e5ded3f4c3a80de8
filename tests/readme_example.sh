#!/usr/bin/env bash
# tests/readme_example.sh: the README's example must compile and run.
# The example is the first ```c ... ``` block after the line
# <!-- embed-example --> in README.md; it is written to
# build/readme_example.c, compiled with -Werror against src/core and
# build/libtcpsm.a, and run: it passes if it exits 0.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

CC=${CC:-gcc}
MARKER='<!-- embed-example -->'
SRC=build/readme_example.c
BIN=build/readme_example

fail() { echo "readme example: $*"; exit 1; }

[ -f README.md ] || fail "README.md does not exist"
grep -qxF "$MARKER" README.md || fail "no line '$MARKER' in README.md (it must precede the example's \`\`\`c block)"
[ -f build/libtcpsm.a ] || fail "build/libtcpsm.a missing: run make first"

mkdir -p build
# state 0: before the marker; 1: after it; 2: inside the block; 3: done.
awk -v marker="$MARKER" '
{ sub(/\r$/, "") }
state == 0 && $0 == marker { state = 1; next }
state == 1 && /^[ \t]*```[ \t]*c[ \t]*$/ { state = 2; next }
state == 2 && /^[ \t]*```[ \t]*$/ { state = 3; exit }
state == 2 { print }
END { exit (state == 3 ? 0 : state + 10) }' README.md >"$SRC" || {
    rc=$?
    case $rc in
        11) fail "no \`\`\`c block after '$MARKER' in README.md" ;;
        12) fail "the \`\`\`c block after '$MARKER' is not closed" ;;
        *)  fail "could not extract the example (awk status $rc)" ;;
    esac
}

$CC -std=c11 -Wall -Wextra -Werror -pedantic -Isrc/core -o "$BIN" "$SRC" build/libtcpsm.a 2>&1 \
    || fail "$SRC (from README.md) does not compile"
"$BIN" >build/readme_example.out 2>&1 || {
    rc=$?
    cat build/readme_example.out
    fail "$BIN exited with status $rc"
}
echo "readme example: $(wc -l <"$SRC") lines compile and run"
