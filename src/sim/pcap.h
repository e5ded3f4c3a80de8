/*
 * pcap.h: a capture file of the packets the virtual network carries, for
 * tcpdump and Wireshark.  Each TCP segment is written inside an IPv4 or
 * IPv6 header (tcpsm_ip_write) as a raw-IP (LINKTYPE_RAW) record stamped
 * with the virtual time.  libpcap writes the file (pcap_open_dead,
 * pcap_dump); a build without libpcap's header still compiles, and
 * sim_pcap_open then says so.
 */
#ifndef TCPSM_SIM_PCAP_H
#define TCPSM_SIM_PCAP_H

#include <stddef.h>
#include <stdint.h>

#include "tcpsm.h"

struct sim_pcap {
    void *pcap;                 /* pcap_t * */
    void *dumper;               /* pcap_dumper_t * */
    uint32_t written;           /* records written */
    uint32_t failed;            /* records that could not be written */
};

/* Create `path`.  0 on success; otherwise -1 with a message in err. */
int sim_pcap_open(struct sim_pcap *pc, const char *path, char *err, size_t errlen);

/* One segment (wire bytes) from src to dst at virtual time t_us. */
void sim_pcap_write(struct sim_pcap *pc, uint64_t t_us, const struct tcpsm_addr *src,
                    const struct tcpsm_addr *dst, const uint8_t *tcp, size_t len);

/* Flush and close; 0 when every record was written. */
int sim_pcap_close(struct sim_pcap *pc);

#endif /* TCPSM_SIM_PCAP_H */
