/*
 * script.h: packetdrill scripts run against tcpsm on a virtual clock
 * (the library behind `tcpsm run`).
 *
 * A script is parsed whole (script_parse) into events: packets injected
 * into tcpsm ('<'), packets expected from it ('>'), system calls mapped
 * onto the host layer's user calls, shell commands and %{ }% blocks.
 * script_run then executes them on a tcpsm_host whose clock only jumps to
 * script times and timer deadlines: a run takes milliseconds, and the same
 * script gives the same bytes every time.
 *
 * Unlike the engine, this is a tool: it allocates (one script at a time)
 * and writes text to a FILE.
 */
#ifndef TCPSM_SCRIPT_H
#define TCPSM_SCRIPT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "tcpsm.h"

#define SCRIPT_MAX_OPTS 40      /* TCP options written in one packet line */
#define SCRIPT_MAX_SACK 4       /* SACK blocks in one sack option */
#define SCRIPT_MAX_DEFINES 32   /* -D NAME[=VALUE] */

/* Exit statuses of one script, as `tcpsm run` uses them. */
enum script_status {
    SCRIPT_PASS = 0,
    SCRIPT_FAIL = 1,            /* a line did not hold */
    SCRIPT_SYNTAX = 2           /* the script could not be parsed (or read) */
};

/* ---- Parsed form ---- */

enum sopt_kind { SOPT_EOL, SOPT_NOP, SOPT_MSS, SOPT_WSCALE, SOPT_SACKOK, SOPT_SACK, SOPT_TS };

struct sopt {
    uint8_t kind;               /* enum sopt_kind */
    uint8_t nblocks;            /* SOPT_SACK */
    uint32_t v1, v2;            /* MSS/WSCALE value; TS val, ecr */
    uint32_t left[SCRIPT_MAX_SACK], right[SCRIPT_MAX_SACK];
};

enum sopts_mode { SOPTS_NONE, SOPTS_ANY, SOPTS_LIST };

struct spacket {
    char dir;                   /* '<' into tcpsm, '>' from it */
    uint8_t flags;              /* TCPSM_SYN | TCPSM_ACK ... */
    uint32_t start, end, len;   /* start:end(len) */
    bool has_ack, has_win, has_urg;
    uint32_t ack, win, urg;
    uint8_t opts_mode;          /* enum sopts_mode */
    uint8_t nopt;
    struct sopt opt[SCRIPT_MAX_OPTS];
};

/* An argument or a return value of a system call. */
enum sexpr_kind {
    SX_ELLIPSIS,                /* ... */
    SX_INT,                     /* 1000, -1, 0x2 */
    SX_SYM,                     /* SOCK_STREAM, or A|B (an OR of symbols and numbers) */
    SX_LIST,                    /* [1], [...] */
    SX_STRUCT,                  /* {l_onoff=1, l_linger=0} */
    SX_STRING                   /* "..." */
};

struct sexpr {
    uint8_t kind;               /* enum sexpr_kind */
    int64_t num;                /* SX_INT */
    char *text;                 /* SX_SYM: the OR as written; SX_STRING; field name in a struct */
    struct sexpr *item;         /* SX_LIST, SX_STRUCT: n items */
    unsigned n;
};

struct scall {
    char *name;
    struct sexpr *arg;
    unsigned nargs;
    struct sexpr ret;           /* SX_INT or SX_SYM */
    char *err;                  /* the errno name after the value, or NULL */
};

enum sevent_kind { SE_PACKET, SE_CALL, SE_SHELL, SE_CODE };
enum stime_kind { ST_ABS, ST_REL, ST_ANY };

struct sevent {
    unsigned line, col;
    uint8_t kind;               /* enum sevent_kind */
    uint8_t tkind;              /* enum stime_kind */
    int64_t t_us;               /* as written (relative for ST_REL) */
    uint8_t end_kind;           /* for a range or a blocking call: ST_ABS or ST_REL */
    bool range;                 /* t~end: any time in between */
    bool blocking;              /* t...end: a call that returns at end */
    int64_t end_us;
    struct spacket pkt;         /* SE_PACKET */
    struct scall call;          /* SE_CALL */
    char *text;                 /* SE_SHELL, SE_CODE: the text between the marks */
};

struct script {
    char *path;
    struct sevent *ev;
    unsigned nev;
    /* header options */
    int ip_version;             /* 4 or 6 */
    int64_t tolerance_us;
    char *local_ip, *remote_ip; /* as written, or NULL for the defaults */
    uint32_t mss;               /* 0 = the profile's */
    int rfc5961;                /* --rfc5961=on|off (tcpsm's own option); -1 = the profile's */
    char *unknown[16];          /* --name=value options not known here */
    unsigned nunknown;
};

struct script_define {
    const char *name;
    const char *value;          /* NULL for -D NAME */
};

/* Parse `text` (len bytes, from `path`).  On a syntax error returns false
 * and writes "path:LINE:COLUMN: message" into err. */
bool script_parse(struct script *s, const char *path, const char *text, size_t len,
                  const struct script_define *defs, unsigned ndefs, char *err, size_t errcap);

void script_free(struct script *s);

/* ---- Running ---- */

enum script_profile { PROFILE_RFC, PROFILE_FREEBSD, PROFILE_LINUX };

struct script_options {
    uint8_t profile;            /* enum script_profile */
    bool verbose;               /* every packet, with the TCB state before and after */
    struct script_define def[SCRIPT_MAX_DEFINES];
    unsigned ndef;
};

/* What one run did, for the caller's summary and the suite's coverage line. */
struct script_result {
    uint8_t status;             /* enum script_status */
    char message[1024];         /* the first failure, "path:LINE: ..." */
    uint64_t virtual_us;        /* virtual time the script took */
    unsigned packets_in, packets_out;
    unsigned skipped;           /* shell commands and code not evaluated */
    bool rows[256];             /* rows of spec/transitions.def taken */
    char unknown[16][48];       /* header options not known here */
    unsigned nunknown;
};

/* The profile's name ("rfc", "freebsd", "linux"), and back. */
const char *script_profile_name(unsigned profile);
bool script_profile_parse(const char *name, uint8_t *profile);

/* Fill *cfg, the socket buffer sizes and the default MSS as the profile says. */
void script_profile_config(unsigned profile, struct tcpsm_config *cfg, uint32_t *rcvbuf,
                           uint32_t *sndbuf);

/* Parse and run the file at `path`; messages (and with verbose, the trace)
 * go to `out`. */
void script_run_file(const char *path, const struct script_options *o, FILE *out,
                     struct script_result *r);

/* Run a parsed script. */
void script_run(const struct script *s, const struct script_options *o, FILE *out,
                struct script_result *r);

#endif /* TCPSM_SCRIPT_H */
