#!/usr/bin/env bash
# tests/run_check.sh: what `tcpsm run` promises besides passing scripts:
# a wrong expectation fails (exit 1) naming its line, a syntax error exits
# 2 with FILE:LINE:COLUMN, many files give one line each and a summary,
# a run prints the same bytes every time, -D selects #ifdef blocks, the
# profiles differ as the README's table says, every script of
# tests/scripts starts with the RFC rule it checks.  It
# prints how long tests/scripts takes (a figure, not a test).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
T=${T:-build/tcpsm}
fail() { echo "run_check: $*" >&2; exit 1; }
[ -x "$T" ] || make -s all >/dev/null || fail "build failed"
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT

good=tests/scripts/closed/ack-gets-rst.pkt
"$T" run "$good" >"$d/out" || fail "$good does not pass"

# a wrong expectation: exit 1, FILE:LINE: expected ... but tcpsm sent ...
sed 's/^+0    > R 7:7(0)$/+0    > R 8:8(0)/' "$good" >"$d/wrong.pkt"
grep -q 'R 8:8' "$d/wrong.pkt" || fail "could not make the wrong script"
"$T" run "$d/wrong.pkt" >"$d/out"; rc=$?
[ "$rc" -eq 1 ] || fail "a wrong expectation exits $rc, not 1"
grep -q "^$d/wrong.pkt:3: expected > R 8:8(0) but tcpsm sent R 7:7(0) win 0" "$d/out" \
    || { cat "$d/out"; fail "the message does not name line 3 and both packets"; }

# nothing sent by the time: "nothing by time T"
printf '0 < . 100:100(0) ack 7 win 1000\n+0 > R 7:7(0)\n+1 > R 7:7(0)\n' >"$d/late.pkt"
"$T" run "$d/late.pkt" >"$d/out"; rc=$?
[ "$rc" -eq 1 ] && grep -q "late.pkt:3: expected > R 7:7(0) but tcpsm sent nothing by time 1.004000" "$d/out" \
    || { cat "$d/out"; fail "a missing packet is not reported with its time"; }

# a syntax error: exit 2, FILE:LINE:COLUMN
printf '0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 < S 0:0(0) wn 100\n' >"$d/syntax.pkt"
"$T" run "$d/syntax.pkt" >"$d/out"; rc=$?
[ "$rc" -eq 2 ] || fail "a syntax error exits $rc, not 2"
grep -q "^$d/syntax.pkt:2:15: " "$d/out" || { cat "$d/out"; fail "no FILE:LINE:COLUMN"; }

# many files: one line each and the summary; the worst status
"$T" run "$good" "$d/wrong.pkt" "$good" >"$d/out"; rc=$?
[ "$rc" -eq 1 ] || fail "one failure among three exits $rc"
[ "$(grep -c '^PASS ' "$d/out")" -eq 2 ] && [ "$(grep -c '^FAIL ' "$d/out")" -eq 1 ] \
    && [ "$(tail -1 "$d/out")" = "2 passed, 1 failed" ] || { cat "$d/out"; fail "no per-file lines and summary"; }

# #ifdef blocks and -D
cat >"$d/ifdef.pkt" <<'PKT'
0 < . 100:100(0) ack 7 win 1000
#ifdef WRONG
+0 > R 9:9(0)
#else
+0 > R 7:7(0)
#endif
PKT
"$T" run "$d/ifdef.pkt" >/dev/null || fail "#else block not taken without -D"
"$T" run -D WRONG "$d/ifdef.pkt" >/dev/null && fail "-D WRONG did not select the #ifdef block"
"$T" run -DWRONG=1 "$d/ifdef.pkt" >/dev/null && fail "-DWRONG=1 did not select the #ifdef block"

# the same bytes every time, verbose included
"$T" run -v tests/scripts/*/*.pkt >"$d/a" 2>&1
"$T" run -v tests/scripts/*/*.pkt >"$d/b" 2>&1
cmp -s "$d/a" "$d/b" || fail "two runs of the suite differ"

# the profiles: FreeBSD's receive buffer rounded to the MSS and SYN
# options; Linux's SYN options; the RFC's plain MSS option
cat >"$d/profile.pkt" <<'PKT'
0     socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0    setsockopt(3, SOL_SOCKET, SO_RCVBUF, [2048], 4) = 0
+0    bind(3, ..., ...) = 0
+0    listen(3, 1) = 0
+0    < S 0:0(0) win 65535 <mss 1000,sackOK,eol,eol>
#ifdef FREEBSD
+0    > S. 0:0(0) ack 1 win 3000 <mss 1460,sackOK,eol,eol>
#endif
#ifdef LINUX
+0    > S. 0:0(0) ack 1 win 2048 <mss 1460,nop,nop,sackOK>
#endif
#ifdef RFC
+0    > S. 0:0(0) ack 1 win 2048 <mss 1460>
#endif
PKT
for p in rfc freebsd linux; do
    P=$(echo "$p" | tr a-z A-Z)
    "$T" run --profile "$p" -D "$P" "$d/profile.pkt" >"$d/out" || { cat "$d/out"; fail "profile $p"; }
done
"$T" run --profile freebsd -D RFC "$d/profile.pkt" >/dev/null && fail "the freebsd profile offers the rfc window"

# every script of the suite names its rule: a first line "// RFC NNNN s.e.c ..."
bad=0
for f in tests/scripts/*/*.pkt; do
    head -1 "$f" | grep -Eq '^// RFC [0-9]+ [0-9]+(\.[0-9]+)*' || { echo "run_check: $f: the first line names no RFC section" >&2; bad=1; }
done
[ "$bad" -eq 0 ] || fail "scripts without their rule"

# how long the whole suite takes: a figure for the record, not a test
# (timings on a shared machine are noise)
t0=$(date +%s%N)
"$T" run tests/scripts/*/*.pkt >/dev/null 2>&1
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
echo "run_check: tests/scripts ran in $ms ms"
exit 0
