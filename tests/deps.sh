#!/usr/bin/env bash
# tests/deps.sh: install what `make check` needs that a C compiler and make
# do not bring (cmocka for the unit tests; libsodium for test_isn's SipHash
# cross-check; libpcap and tcpdump for `tcpsm demo --pcap` and its check;
# Frama-C, Why3, Z3, CVC4 and python3 for `make prove`; clang, llvm and
# afl++ for the fuzz harnesses: `make fuzz-libfuzzer`, `make fuzz-afl`,
# `make fuzz-coverage`, the CI smoke runs), then make sure Why3 knows Z3
# and CVC4.
# Debian packages only; installing needs root (as on CI).
#
# To add a dependency, add a line to DEPS: the Debian package, then a probe
# that is present once it is installed (an absolute path, or a command name).
set -euo pipefail

DEPS='
libcmocka-dev   /usr/include/cmocka.h
libsodium-dev   /usr/include/sodium.h
libpcap-dev     /usr/include/pcap/pcap.h
tcpdump         tcpdump
pkg-config      pkg-config
python3         python3
frama-c-base    frama-c
why3            why3
z3              z3
cvc4            cvc4
clang           clang
llvm            llvm-profdata
afl++           afl-fuzz
'

# WP reaches Z3 and CVC4 through Why3, which must have detected them once
# (`why3 config detect` writes ~/.why3.conf; without it Frama-C finds no
# prover at all).  `make prove` runs no other prover.  Idempotent: detects
# only when one of the two is missing from the configuration.
why3_knows() {  # prints the Why3 names of Z3 and CVC4 that are missing
    local have p
    have=$(why3 config list-provers 2>/dev/null || true)
    for p in Z3 CVC4; do
        grep -q "^$p " <<<"$have" || printf '%s ' "$p"
    done
}
why3_provers() {
    local missing
    missing=$(why3_knows)
    [ -n "$missing" ] || return 0
    echo "deps: why3 config detect (${missing% } not in the Why3 configuration)"
    why3 config detect >/dev/null 2>&1 || { echo "deps: error: why3 config detect failed" >&2; exit 1; }
    missing=$(why3_knows)
    if [ -n "$missing" ]; then
        echo "deps: error: Why3 does not find ${missing% } (why3 config detect; see why3 config list-provers)" >&2
        exit 1
    fi
}

missing=()
while read -r pkg probe; do
    [ -n "${pkg:-}" ] || continue
    case "$probe" in
        /*) [ -e "$probe" ] && continue ;;
        *)  command -v "$probe" >/dev/null 2>&1 && continue ;;
    esac
    missing+=("$pkg")
done <<<"$DEPS"

if [ "${#missing[@]}" -eq 0 ]; then
    why3_provers
    exit 0
fi

echo "deps: missing ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
    echo "deps: error: not root, cannot install; run as root:" >&2
    echo "    apt-get update && apt-get install -y ${missing[*]}" >&2
    exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "deps: error: no apt-get on this machine; install ${missing[*]} by hand" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
echo "deps: installed ${missing[*]}"
why3_provers
