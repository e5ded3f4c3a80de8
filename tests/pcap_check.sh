#!/usr/bin/env bash
# tests/pcap_check.sh: `tcpsm demo --pcap FILE` writes a capture that
# tcpdump reads, with one record per packet the demo shows on the wire
# (delivered or lost), valid IP and TCP checksums, and the same bytes on
# every run.  Runs every scenario.  tcpdump is needed (tests/deps.sh, run
# by `make check`, installs it); without it the check fails, it does not
# skip.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1

SCENARIOS="handshake simultaneous-open simultaneous-close half-close reset lost-syn
           lost-data zero-window keepalive timeout"
TCPSM=build/tcpsm
OUT=build/pcap_check
problems=0

problem() { echo "pcap: $*"; problems=$((problems + 1)); }

[ -x "$TCPSM" ] || { echo "pcap: $TCPSM missing: run make first"; exit 1; }
command -v tcpdump >/dev/null || { echo "pcap: tcpdump not installed (tests/deps.sh installs it)"; exit 1; }
rm -rf "$OUT"
mkdir -p "$OUT"

for sc in $SCENARIOS; do
    if ! "$TCPSM" demo --scenario "$sc" --pcap "$OUT/$sc.pcap" >"$OUT/$sc.txt" 2>"$OUT/$sc.err"; then
        problem "$sc: tcpsm demo --pcap failed: $(head -1 "$OUT/$sc.err")"
        continue
    fi
    "$TCPSM" demo --scenario "$sc" --pcap "$OUT/$sc.2.pcap" >/dev/null 2>&1
    cmp -s "$OUT/$sc.pcap" "$OUT/$sc.2.pcap" || problem "$sc: two runs wrote different captures"
    # packets the demo drew: "client --- ... -->  server", "client <-- ...", "X lost"
    want=$(grep -cE -- '(--- |<-- |X lost -- )' "$OUT/$sc.txt")
    said=$(sed -n 's/^  pcap: \([0-9]*\) packets written to .*/\1/p' "$OUT/$sc.txt")
    if ! tcpdump -nr "$OUT/$sc.pcap" >"$OUT/$sc.tcpdump" 2>"$OUT/$sc.tcpdump.err"; then
        problem "$sc: tcpdump -r failed: $(head -1 "$OUT/$sc.tcpdump.err")"
        continue
    fi
    got=$(wc -l <"$OUT/$sc.tcpdump")
    [ "$want" -gt 0 ] || problem "$sc: the demo showed no packet"
    [ "$got" -eq "$want" ] || problem "$sc: tcpdump read $got packets, the demo showed $want"
    [ "$said" = "$want" ] || problem "$sc: the demo says it wrote '$said' packets, it showed $want"
    tcpdump -vvnr "$OUT/$sc.pcap" 2>/dev/null >"$OUT/$sc.vv"
    bad=$(grep -ci 'incorrect' "$OUT/$sc.vv")
    [ "$bad" -eq 0 ] || problem "$sc: tcpdump reports $bad incorrect checksums"
    ok=$(grep -c 'cksum 0x[0-9a-f]* (correct)' "$OUT/$sc.vv")
    [ "$ok" -eq "$want" ] || problem "$sc: $ok of $want TCP checksums shown correct by tcpdump"
done
# a path that cannot be created is an error, not a crash
if "$TCPSM" demo --pcap "$OUT/no/such/dir/x.pcap" >/dev/null 2>"$OUT/bad.err"; then
    problem "--pcap into a missing directory exited 0"
fi
grep -q -- '--pcap' "$OUT/bad.err" || problem "--pcap into a missing directory: no message naming --pcap"

if [ "$problems" -ne 0 ]; then
    echo "pcap: $problems problem(s)"
    exit 1
fi
echo "pcap: $(echo $SCENARIOS | wc -w) scenarios: captures read by tcpdump, packet counts and checksums match, identical on rerun"
