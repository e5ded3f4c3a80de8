#!/usr/bin/env bash
# tests/install_check.sh: `make install` into a scratch DESTDIR gives a
# usable library: the header, both libraries (with the soname), a
# pkg-config file that a consumer can build against, and the program;
# `make uninstall` removes it all again.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1

CC=${CC:-gcc}
MAKE=${MAKE:-make}
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
fail() { echo "install: $*"; exit 1; }

$MAKE -s --no-print-directory install DESTDIR="$D/root" PREFIX=/usr >"$D/install.log" 2>&1 \
    || { cat "$D/install.log"; fail "make install DESTDIR=... PREFIX=/usr failed"; }

R=$D/root/usr
for f in include/tcpsm.h include/tcpsm_host.h lib/libtcpsm.a lib/libtcpsm.so lib/libtcpsm.so.0 \
         lib/pkgconfig/tcpsm.pc bin/tcpsm; do
    [ -e "$R/$f" ] || fail "$f not installed"
done
[ ! -e "$R/include/seq.h" ] || fail "internal header seq.h was installed"
grep -qx 'prefix=/usr' "$R/lib/pkgconfig/tcpsm.pc" || fail "tcpsm.pc: prefix is not /usr"

command -v pkg-config >/dev/null || fail "pkg-config not installed (tests/deps.sh installs it)"
cat >"$D/use.c" <<'C'
#include <tcpsm.h>
#include <tcpsm_host.h>

int main(void)
{
    struct tcpsm_config cfg;
    tcpsm_config_default(&cfg);
    return cfg.mss != 0 && tcpsm_host_in_use(NULL) == 0 ? 0 : 1;
}
C
# Only our .pc file; the sysroot maps its /usr paths into DESTDIR, and the
# ALLOW_SYSTEM flags stop pkg-config dropping -I/usr/include -L/usr/lib
# before it prefixes them.
export PKG_CONFIG_LIBDIR=$R/lib/pkgconfig PKG_CONFIG_PATH=$R/lib/pkgconfig
export PKG_CONFIG_SYSROOT_DIR=$D/root
export PKG_CONFIG_ALLOW_SYSTEM_CFLAGS=1 PKG_CONFIG_ALLOW_SYSTEM_LIBS=1
flags=$(pkg-config --cflags --libs tcpsm) || fail "pkg-config --cflags --libs tcpsm failed"
# shellcheck disable=SC2086
$CC -std=c11 -Wall -Wextra -Werror -pedantic -o "$D/use" "$D/use.c" $flags -Wl,-rpath,"$R/lib" \
    || fail "a program using <tcpsm.h> does not build with: $flags"
"$D/use" || fail "the program linked against the installed library exited $?"
if command -v readelf >/dev/null; then
    readelf -d "$D/use" | grep -q 'NEEDED.*\[libtcpsm\.so\.0\]' \
        || fail "the program is not linked against libtcpsm.so.0 (soname)"
fi
"$R/bin/tcpsm" --help >/dev/null 2>&1 || fail "installed bin/tcpsm --help failed"

$MAKE -s --no-print-directory uninstall DESTDIR="$D/root" PREFIX=/usr >"$D/uninstall.log" 2>&1 \
    || { cat "$D/uninstall.log"; fail "make uninstall failed"; }
left=$(find "$D/root" -type f -o -type l)
[ -z "$left" ] || fail "make uninstall left: $left"
echo "install: DESTDIR install, pkg-config build, shared-library run and uninstall ok"
