#!/usr/bin/env bash
# fuzz/build.sh: build every harness fuzz/fuzz_*.c, OSS-Fuzz style.
#
#   $CC                  the compiler (clang for libFuzzer, afl-clang-fast for AFL++)
#   $CFLAGS              flags for everything (sanitizers, -fsanitize=fuzzer-no-link ...)
#   $LIB_FUZZING_ENGINE  what supplies main(): -fsanitize=fuzzer (libFuzzer), an
#                        object with main() (fuzz/afl_main.c, fuzz/replay_main.c)
#   $OUT                 where the binaries go, with each harness's .dict
#   $FUZZ_ONLY           (optional) the harnesses to build, by name; default all
#
# The sources the harnesses need (src/core, src/host, src/sim/net.c and
# pcap.c, src/script) are compiled once into $OUT/obj with the same flags; each
# harness is linked from its own file and those objects.  `make
# fuzz-libfuzzer`, `make fuzz-afl` and the replay suite of `make check`
# call this script with their variables, so it cannot rot.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
: "${CC:?set CC}" "${OUT:?set OUT}" "${LIB_FUZZING_ENGINE:?set LIB_FUZZING_ENGINE}"
CFLAGS=${CFLAGS:-}
CXX=${CXX:-$CC}
# src/sim/pcap.c writes captures through libpcap when its header is there
LIBS=$(test -f /usr/include/pcap/pcap.h && echo -lpcap || true)
INC="-Isrc/core -Isrc/host -Isrc/sim -Isrc/script -Ispec -I."
mkdir -p "$OUT/obj"
objs=()
for src in src/core/*.c src/host/*.c src/sim/net.c src/sim/pcap.c src/script/*.c; do
    o="$OUT/obj/$(echo "${src%.c}" | tr / _).o"
    # shellcheck disable=SC2086
    $CC $CFLAGS -std=c11 $INC -c "$src" -o "$o"
    objs+=("$o")
done
for h in fuzz/fuzz_*.c; do
    name=$(basename "$h" .c)
    # FUZZ_ONLY="fuzz_a fuzz_b": just those harnesses
    [ -z "${FUZZ_ONLY:-}" ] || case " $FUZZ_ONLY " in *" $name "*) ;; *) continue ;; esac
    # shellcheck disable=SC2086
    $CC $CFLAGS -std=c11 $INC -c "$h" -o "$OUT/obj/$name.o"
    # shellcheck disable=SC2086
    $CXX $CFLAGS "$OUT/obj/$name.o" "${objs[@]}" $LIB_FUZZING_ENGINE $LIBS -o "$OUT/$name"
    [ -f "fuzz/dict/$name.dict" ] && cp "fuzz/dict/$name.dict" "$OUT/$name.dict"
done
echo "fuzz/build.sh: harnesses in $OUT: $(cd "$OUT" && ls fuzz_* 2>/dev/null | grep -v "\\." | tr "\n" " ")"
