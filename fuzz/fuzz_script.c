/*
 * fuzz_script.c: random text into the packetdrill parser (src/script),
 * and what parses is run against a host on the virtual clock.  Oracles:
 * no crash or sanitizer report; a text that does not parse gets an error
 * that names its position ("f.pkt:LINE:COLUMN: ..."); a run ends with a
 * status of pass, fail or syntax.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "script.h"

#define CHECK(x) do { if (!(x)) abort(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *null;
    static const struct script_define defs[] = { { "STANDARD", NULL }, { "A", "1" } };
    struct script s;
    char err[512];
    if (size > 8192)
        return 0;                       /* long texts add nothing but time */
    if (null == NULL && (null = fopen("/dev/null", "w")) == NULL)
        abort();
    if (script_parse(&s, "f.pkt", (const char *)data, size, defs, 2, err, sizeof err)) {
        static struct script_result r;
        struct script_options o;
        memset(&o, 0, sizeof o);
        o.profile = (uint8_t)(size % 3u);   /* rfc, freebsd, linux */
        o.verbose = (size & 4u) != 0;
        script_run(&s, &o, null, &r);
        CHECK(r.status == SCRIPT_PASS || r.status == SCRIPT_FAIL || r.status == SCRIPT_SYNTAX);
        script_free(&s);
    } else {
        CHECK(strncmp(err, "f.pkt:", 6) == 0);
    }
    return 0;
}
