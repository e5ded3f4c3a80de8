/*
 * ip.c: the IPv4 and IPv6 headers around a TCP segment (tcpsm_host.h),
 * and the host's entry points that take and give whole IP packets.
 *
 * Implementation notes:
 * - Only what a TCP endpoint needs: IPv4 (RFC 791) with its header
 *   checksum and options skipped; IPv6 (RFC 8200) with TCP as the first
 *   next header.  Fragments and IPv6 extension headers are refused
 *   (TCPSM_ERR_BAD_HEADER): reassembly belongs to an IP layer.
 * - Packets written carry TTL/hop limit 64, IPv4 DF set and ID 0 (RFC
 *   6864: the ID of an atomic datagram has no meaning), so the same
 *   segment always gives the same bytes.
 */
#include <string.h>

#include "tcpsm_host.h"

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)(v & 0xFFu);
}

/* RFC 1071 sum of an IPv4 header, folded, not complemented. */
static uint16_t sum_header(const uint8_t *p, size_t n)
{
    uint32_t s = 0;
    for (size_t i = 0; i + 1 < n; i += 2)
        s += get16(p + i);
    while (s > 0xFFFFu)
        s = (s & 0xFFFFu) + (s >> 16);
    return (uint16_t)s;
}

enum tcpsm_err tcpsm_ip_parse(const uint8_t *pkt, size_t n, struct tcpsm_addr *src,
                              struct tcpsm_addr *dst, const uint8_t **tcp, size_t *tcplen)
{
    if (pkt == NULL || src == NULL || dst == NULL || tcp == NULL || tcplen == NULL)
        return TCPSM_ERR_INVAL;
    if (n < 1)
        return TCPSM_ERR_TRUNCATED;
    if ((pkt[0] >> 4) == 4) {
        size_t ihl = (size_t)(pkt[0] & 0x0Fu) * 4u, total;
        if (n < TCPSM_IPV4_HDR)
            return TCPSM_ERR_TRUNCATED;
        total = get16(pkt + 2);
        if (ihl < TCPSM_IPV4_HDR || ihl > total)
            return TCPSM_ERR_BAD_HEADER;
        if (total > n || ihl > n)
            return TCPSM_ERR_TRUNCATED;
        if (sum_header(pkt, ihl) != 0xFFFFu)
            return TCPSM_ERR_BAD_CHECKSUM;      /* RFC 791 header checksum */
        if ((get16(pkt + 6) & 0x3FFFu) != 0)
            return TCPSM_ERR_BAD_HEADER;        /* MF set or an offset: a fragment */
        if (pkt[9] != 6)
            return TCPSM_ERR_NOT_FOR_US;        /* not TCP */
        memset(src, 0, sizeof *src);
        memset(dst, 0, sizeof *dst);
        src->family = TCPSM_AF_INET;
        dst->family = TCPSM_AF_INET;
        memcpy(src->addr, pkt + 12, 4);
        memcpy(dst->addr, pkt + 16, 4);
        *tcp = pkt + ihl;
        *tcplen = total - ihl;
        return TCPSM_OK;
    }
    if ((pkt[0] >> 4) == 6) {
        size_t plen;
        if (n < TCPSM_IPV6_HDR)
            return TCPSM_ERR_TRUNCATED;
        plen = get16(pkt + 4);
        if (plen > n - TCPSM_IPV6_HDR)
            return TCPSM_ERR_TRUNCATED;
        if (pkt[6] != 6)
            return pkt[6] == 0 || pkt[6] == 43 || pkt[6] == 44 || pkt[6] == 60
                       ? TCPSM_ERR_BAD_HEADER   /* extension headers: not handled */
                       : TCPSM_ERR_NOT_FOR_US;
        src->family = TCPSM_AF_INET6;
        dst->family = TCPSM_AF_INET6;
        memcpy(src->addr, pkt + 8, 16);
        memcpy(dst->addr, pkt + 24, 16);
        *tcp = pkt + TCPSM_IPV6_HDR;
        *tcplen = plen;
        return TCPSM_OK;
    }
    return TCPSM_ERR_BAD_HEADER;
}

enum tcpsm_err tcpsm_ip_write(const struct tcpsm_addr *src, const struct tcpsm_addr *dst,
                              const uint8_t *tcp, size_t tcplen, uint8_t *out, size_t cap,
                              size_t *outlen)
{
    size_t hdr;
    if (src == NULL || dst == NULL || out == NULL || outlen == NULL
        || (tcp == NULL && tcplen != 0) || src->family != dst->family)
        return TCPSM_ERR_INVAL;
    if (src->family == TCPSM_AF_INET)
        hdr = TCPSM_IPV4_HDR;
    else if (src->family == TCPSM_AF_INET6)
        hdr = TCPSM_IPV6_HDR;
    else
        return TCPSM_ERR_INVAL;
    if (tcplen > 65535u - (src->family == TCPSM_AF_INET ? hdr : 0u))
        return TCPSM_ERR_INVAL;
    if (cap < hdr || tcplen > cap - hdr)
        return TCPSM_ERR_NOSPACE;
    if (tcplen != 0)
        memmove(out + hdr, tcp, tcplen);        /* tcp may already sit at out + hdr */
    memset(out, 0, hdr);
    if (src->family == TCPSM_AF_INET) {
        out[0] = 0x45;                          /* version 4, 5 words */
        put16(out + 2, (uint16_t)(hdr + tcplen));
        put16(out + 6, 0x4000u);                /* DF */
        out[8] = 64;                            /* TTL */
        out[9] = 6;                             /* TCP */
        memcpy(out + 12, src->addr, 4);
        memcpy(out + 16, dst->addr, 4);
        put16(out + 10, (uint16_t)~sum_header(out, hdr));
    } else {
        out[0] = 0x60;                          /* version 6 */
        put16(out + 4, (uint16_t)tcplen);
        out[6] = 6;                             /* next header: TCP */
        out[7] = 64;                            /* hop limit */
        memcpy(out + 8, src->addr, 16);
        memcpy(out + 24, dst->addr, 16);
    }
    *outlen = hdr + tcplen;
    return TCPSM_OK;
}

enum tcpsm_err tcpsm_host_input(struct tcpsm_host *h, uint64_t now, const uint8_t *pkt, size_t n)
{
    struct tcpsm_addr src, dst;
    const uint8_t *tcp;
    size_t len;
    enum tcpsm_err e;
    if (h == NULL)
        return TCPSM_ERR_INVAL;
    e = tcpsm_ip_parse(pkt, n, &src, &dst, &tcp, &len);
    if (e != TCPSM_OK) {
        h->stats.seg_in++;
        h->stats.seg_bad++;
        return e;
    }
    return tcpsm_host_input_segment(h, now, &src, &dst, tcp, len);
}

enum tcpsm_err tcpsm_host_output(struct tcpsm_host *h, uint64_t now, uint8_t *buf, size_t cap,
                                 size_t *len)
{
    struct tcpsm_addr src, dst;
    size_t n;
    enum tcpsm_err e;
    if (h == NULL || buf == NULL || len == NULL || cap < TCPSM_IPV6_HDR + TCPSM_HDR_MAX)
        return TCPSM_ERR_INVAL;
    /* the segment goes where an IPv6 header would end; an IPv4 header is
     * shorter, so tcpsm_ip_write moves it down */
    e = tcpsm_host_output_segment(h, now, &src, &dst, buf + TCPSM_IPV6_HDR,
                                  cap - TCPSM_IPV6_HDR, &n);
    if (e != TCPSM_OK)
        return e;
    return tcpsm_ip_write(&src, &dst, buf + TCPSM_IPV6_HDR, n, buf, cap, len);
}
