#!/usr/bin/env bash
# tests/deps.sh: install what `make check` needs that a C compiler and make
# do not bring.  Debian packages only; root only (as on CI).
#
# To add a dependency, add a line to DEPS: the Debian package, then a probe
# that is present once it is installed (an absolute path, or a command name).
set -euo pipefail

DEPS='
libcmocka-dev   /usr/include/cmocka.h
pkg-config      pkg-config
'

missing=()
while read -r pkg probe; do
    [ -n "${pkg:-}" ] || continue
    case "$probe" in
        /*) [ -e "$probe" ] && continue ;;
        *)  command -v "$probe" >/dev/null 2>&1 && continue ;;
    esac
    missing+=("$pkg")
done <<<"$DEPS"

[ "${#missing[@]}" -eq 0 ] && exit 0

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
