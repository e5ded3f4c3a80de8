/*
 * afl_main.c: main() for AFL++ in persistent mode: the harness runs
 * __AFL_LOOP times per process on the test cases AFL++ puts in shared
 * memory (afl-clang-fast defines the __AFL_* macros).  Without AFL++
 * (a plain compiler) it reads one input from stdin, so the file still
 * builds.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#ifdef __AFL_FUZZ_TESTCASE_LEN
__AFL_FUZZ_INIT();
#endif

int main(void)
{
#ifdef __AFL_FUZZ_TESTCASE_LEN
    __AFL_INIT();
    unsigned char *buf = __AFL_FUZZ_TESTCASE_BUF;
    while (__AFL_LOOP(10000)) {
        size_t len = (size_t)__AFL_FUZZ_TESTCASE_LEN;
        LLVMFuzzerTestOneInput(buf, len);
    }
    return 0;
#else
    static uint8_t buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf, stdin);
    LLVMFuzzerTestOneInput(buf, n);
    return 0;
#endif
}
