/*
 * pcap.c: capture files (pcap.h).
 *
 * Implementation notes: the IP header comes from src/host's
 * tcpsm_ip_write (TTL 64, IPv4 DF and ID 0), so the same run gives the
 * same file, byte for byte: the record times are the virtual clock's,
 * not the machine's.
 */
#define _DEFAULT_SOURCE     /* libpcap's headers use u_int, u_char (BSD types) */
#include <stdio.h>
#include <string.h>

#include "pcap.h"
#include "tcpsm_host.h"

#if defined(__has_include)
#if __has_include(<pcap/pcap.h>)
#define SIM_HAVE_PCAP 1
#include <pcap/pcap.h>
#endif
#endif

#define SNAPLEN 65535

int sim_pcap_open(struct sim_pcap *pc, const char *path, char *err, size_t errlen)
{
    memset(pc, 0, sizeof *pc);
#ifdef SIM_HAVE_PCAP
    pcap_t *p = pcap_open_dead(DLT_RAW, SNAPLEN);
    pcap_dumper_t *d;
    if (p == NULL) {
        snprintf(err, errlen, "pcap_open_dead failed");
        return -1;
    }
    d = pcap_dump_open(p, path);
    if (d == NULL) {
        snprintf(err, errlen, "%s", pcap_geterr(p));
        pcap_close(p);
        return -1;
    }
    pc->pcap = p;
    pc->dumper = d;
    return 0;
#else
    (void)path;
    snprintf(err, errlen, "this build has no libpcap (install libpcap-dev and rebuild)");
    return -1;
#endif
}

void sim_pcap_write(struct sim_pcap *pc, uint64_t t_us, const struct tcpsm_addr *src,
                    const struct tcpsm_addr *dst, const uint8_t *tcp, size_t len)
{
#ifdef SIM_HAVE_PCAP
    static uint8_t pkt[TCPSM_IPV6_HDR + 65535];
    struct pcap_pkthdr h;
    size_t n;
    if (pc == NULL || pc->dumper == NULL)
        return;
    if (tcpsm_ip_write(src, dst, tcp, len, pkt, sizeof pkt, &n) != TCPSM_OK) {
        pc->failed++;
        return;
    }
    memset(&h, 0, sizeof h);
    h.ts.tv_sec = (time_t)(t_us / 1000000u);
    h.ts.tv_usec = (suseconds_t)(t_us % 1000000u);
    h.caplen = (bpf_u_int32)n;
    h.len = (bpf_u_int32)n;
    pcap_dump((u_char *)pc->dumper, &h, pkt);
    pc->written++;
#else
    (void)t_us;
    (void)src;
    (void)dst;
    (void)tcp;
    (void)len;
    if (pc != NULL)
        pc->failed++;
#endif
}

int sim_pcap_close(struct sim_pcap *pc)
{
    int failed = pc->failed != 0;
#ifdef SIM_HAVE_PCAP
    if (pc->dumper != NULL) {
        if (pcap_dump_flush((pcap_dumper_t *)pc->dumper) != 0)
            failed = 1;
        pcap_dump_close((pcap_dumper_t *)pc->dumper);
    }
    if (pc->pcap != NULL)
        pcap_close((pcap_t *)pc->pcap);
#endif
    pc->dumper = NULL;
    pc->pcap = NULL;
    return failed ? -1 : 0;
}
