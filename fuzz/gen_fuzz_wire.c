/*
 * gen_fuzz_wire.c: writes the seed corpus of fuzz_wire (one file per
 * kind of segment): byte 0 picks the pseudo-header (IPv4/IPv6), then a TCP
 * segment built field by field: SYN with each option, SYN,ACK, data, FIN,
 * RST, SACK blocks, an unknown option, EOL padding, a bad data offset,
 * a truncated header.
 *   cc -std=c11 fuzz/gen_fuzz_wire.c -o gen && ./gen fuzz/corpus/fuzz_wire
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "fuzz/gen.h"


/* the fixed header; options bytes follow; returns where the offset goes */
static void header(int v6, unsigned flags, uint32_t seq, uint32_t ack, unsigned optlen)
{
    gen_len = 0;
    u8(v6);
    u16(40000); u16(80); u32(seq); u32(ack);
    u8(((20u + optlen) / 4u) << 4); u8(flags); u16(65535); u16(0); u16(0);
}


int main(int argc, char **argv)
{
    gen_dir = argc > 1 ? argv[1] : ".";
    header(0, 0x02, 1000, 0, 0);                                    gen_out("syn");
    header(0, 0x02, 1000, 0, 4); u8(2); u8(4); u16(1460);           gen_out("syn-mss");
    header(1, 0x02, 1000, 0, 20);
    u8(2); u8(4); u16(1440); u8(4); u8(2); u8(8); u8(10); u32(7); u32(0); u8(1); u8(3); u8(3); u8(7);
    gen_out("syn-all-options-v6");
    header(0, 0x12, 5000, 1001, 8); u8(2); u8(4); u16(536); u8(4); u8(2); u8(0); u8(0);
    gen_out("syn-ack-sackok-eol");
    header(0, 0x18, 1001, 5001, 0); for (int i = 0; i < 100; i++) u8('a' + i % 26);
    gen_out("data-psh");
    header(0, 0x11, 1101, 5001, 0);                                 gen_out("fin-ack");
    header(0, 0x04, 1101, 0, 0);                                    gen_out("rst");
    header(0, 0x14, 0, 1101, 0);                                    gen_out("rst-ack");
    header(0, 0x30, 1001, 5001, 0); gen_buf[1 + 18] = 0; gen_buf[1 + 19] = 5; for (int i = 0; i < 5; i++) u8('u');
    gen_out("urgent");
    header(0, 0x10, 1001, 5001, 28); u8(1); u8(1); u8(5); u8(26);
    for (int i = 0; i < 3; i++) { u32(2000 + 100 * i); u32(2050 + 100 * i); }
    gen_out("ack-sack-3-blocks");
    header(0, 0x10, 1001, 5001, 8); u8(254); u8(6); u16(0xF989); u16(0); u8(0); u8(0);
    gen_out("unknown-option");
    header(1, 0x10, 1001, 5001, 12); u8(1); u8(1); u8(8); u8(10); u32(123456); u32(654321);
    gen_out("ack-timestamps-v6");
    header(0, 0x10, 1001, 5001, 0); gen_buf[1 + 12] = 0x40;               gen_out("bad-offset");
    header(0, 0x10, 1001, 5001, 0); gen_len = 15;                         gen_out("truncated");
    header(0, 0x02, 1000, 0, 4); u8(2); u8(3); u16(0);              gen_out("bad-option-length");
    /* each option with a length its RFC does not allow (MUST-68: illegal) */
    header(0, 0x02, 1000, 0, 4); u8(1); u8(4); u8(2); u8(1);        gen_out("bad-wscale-length");
    header(0, 0x02, 1000, 0, 4); u8(4); u8(3); u8(0); u8(0);        gen_out("bad-sackok-length");
    header(0, 0x10, 1001, 5001, 12); u8(8); u8(9); for (int i = 0; i < 10; i++) u8(0);
    gen_out("bad-timestamps-length");
    header(0, 0x10, 1001, 5001, 12); u8(5); u8(11); for (int i = 0; i < 10; i++) u8(0);
    gen_out("bad-sack-length");
    header(0, 0x10, 1001, 5001, 4); u8(1); u8(1); u8(1); u8(5);     gen_out("option-without-length");
    header(0, 0x10, 1001, 5001, 4); u8(254); u8(1); u8(0); u8(0);   gen_out("unknown-option-length-1");
    /* bad arguments around a good segment and a bad one (byte 0 bit 1) */
    header(2, 0x18, 1001, 5001, 4); u8(2); u8(4); u16(1460); for (int i = 0; i < 10; i++) u8('x');
    gen_out("bad-arguments");
    header(3, 0x10, 1001, 5001, 0); gen_len = 15;                         gen_out("bad-arguments-truncated-v6");
    return 0;
}
