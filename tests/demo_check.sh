#!/usr/bin/env bash
# tests/demo_check.sh: `tcpsm demo` runs every scenario, deterministically.
# - build/tcpsm demo and demo --scenario NAME exit 0, for each NAME below;
# - the same command run twice prints byte-identical output (stdout, stderr);
# - the default run shows ESTABLISHED, FIN-WAIT-1, TIME-WAIT and CLOSED;
# - demo with --msl/--delay runs; `dot` prints a Graphviz digraph;
# - --help exits 0; an unknown scenario exits non-zero (and does not crash).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1

SCENARIOS="handshake simultaneous-open simultaneous-close half-close reset lost-syn
           lost-data zero-window keepalive timeout"
TCPSM=build/tcpsm
OUT=build/demo_check
problems=0
runs=0

problem() { echo "demo: $*"; problems=$((problems + 1)); }

[ -x "$TCPSM" ] || { echo "demo: $TCPSM missing: run make first"; exit 1; }
rm -rf "$OUT"
mkdir -p "$OUT"

# run_twice TAG ARGS...: exit 0 and identical output both times.
run_twice() {
    local tag=$1 rc1 rc2
    shift
    runs=$((runs + 1))
    "$TCPSM" "$@" >"$OUT/$tag.1" 2>"$OUT/$tag.1.err"; rc1=$?
    "$TCPSM" "$@" >"$OUT/$tag.2" 2>"$OUT/$tag.2.err"; rc2=$?
    if [ "$rc1" -ne 0 ] || [ "$rc2" -ne 0 ]; then
        problem "'tcpsm $*' exited $rc1 then $rc2"
        sed 's/^/    /' "$OUT/$tag.1.err" | head -20
        return 1
    fi
    [ -s "$OUT/$tag.1" ] || problem "'tcpsm $*' printed nothing"
    if ! cmp -s "$OUT/$tag.1" "$OUT/$tag.2" || ! cmp -s "$OUT/$tag.1.err" "$OUT/$tag.2.err"; then
        problem "'tcpsm $*' is not deterministic: two runs differ (see $OUT/$tag.*)"
    fi
}

if run_twice default demo; then
    for state in ESTABLISHED FIN-WAIT-1 TIME-WAIT CLOSED; do
        grep -q -- "$state" "$OUT/default.1" || problem "'tcpsm demo' output does not mention $state"
    done
fi
for s in $SCENARIOS; do
    run_twice "$s" demo --scenario "$s"
done
run_twice timing demo --msl 500 --delay 20

if run_twice dot dot; then
    grep -q 'digraph' "$OUT/dot.1" || problem "'tcpsm dot' does not print a Graphviz digraph"
fi

"$TCPSM" --help >"$OUT/help" 2>&1 || problem "'tcpsm --help' exited $?"
"$TCPSM" demo --scenario no-such-scenario >"$OUT/unknown" 2>&1
rc=$?
if [ "$rc" -eq 0 ]; then
    problem "'tcpsm demo --scenario no-such-scenario' exited 0"
elif [ "$rc" -ge 128 ]; then
    problem "'tcpsm demo --scenario no-such-scenario' died (status $rc)"
fi

if [ "$problems" -ne 0 ]; then
    echo "demo: $problems problem(s)"
    exit 1
fi
echo "demo: $runs commands ran twice with identical output; --help and unknown scenario ok"
