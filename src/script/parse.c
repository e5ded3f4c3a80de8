/*
 * parse.c: the packetdrill script language, parsed whole into events.
 *
 * Implementation notes:
 * - First pass, by line: #ifdef NAME / #ifndef NAME / #else / #endif keep
 *   or blank lines (blanked lines keep their newline, so line numbers and
 *   columns stay those of the file).
 * - Second pass, by character: comments (// and slash-star) are space;
 *   header options (--name=value) come before the first event; an event is
 *   a time and an action: a packet, a system call, a `shell command` or a
 *   %{ code }% block (the last two may also come without a time).
 * - A packet line ends at the end of its line; a system call at its
 *   closing parenthesis and return value, wherever the lines break.
 * - Times are read as decimal text into microseconds (no floating point).
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "script.h"

struct parser {
    const char *path;
    char *buf;                  /* preprocessed text, NUL-terminated */
    size_t len, pos;
    unsigned line, col;         /* of pos */
    char *err;
    size_t errcap;
    bool failed;
    struct script *s;
    unsigned cap;               /* of s->ev */
};

/* ---- errors and positions ---- */

static bool fail_at(struct parser *p, unsigned line, unsigned col, const char *fmt, ...)
{
    va_list ap;
    int n;
    if (p->failed)
        return false;
    p->failed = true;
    n = snprintf(p->err, p->errcap, "%s:%u:%u: ", p->path, line, col);
    if (n < 0 || (size_t)n >= p->errcap)
        return false;
    va_start(ap, fmt);
    vsnprintf(p->err + n, p->errcap - (size_t)n, fmt, ap);
    va_end(ap);
    return false;
}

#define FAIL(p, ...) fail_at((p), (p)->line, (p)->col, __VA_ARGS__)

static int peek(const struct parser *p)
{
    return p->pos < p->len ? (unsigned char)p->buf[p->pos] : 0;
}

static int peek_at(const struct parser *p, size_t k)
{
    return p->pos + k < p->len ? (unsigned char)p->buf[p->pos + k] : 0;
}

static void advance(struct parser *p)
{
    if (p->pos >= p->len)
        return;
    if (p->buf[p->pos] == '\n') {
        p->line++;
        p->col = 1;
    } else {
        p->col++;
    }
    p->pos++;
}

/* Skip blanks and comments; newlines too unless stop_at_newline. */
static bool skip_space(struct parser *p, bool stop_at_newline)
{
    for (;;) {
        int c = peek(p);
        if (c == '\n' && stop_at_newline)
            return true;
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v') {
            advance(p);
        } else if (c == '/' && peek_at(p, 1) == '/') {
            while (peek(p) != 0 && peek(p) != '\n')
                advance(p);
        } else if (c == '/' && peek_at(p, 1) == '*') {
            unsigned l = p->line, co = p->col;
            advance(p);
            advance(p);
            while (!(peek(p) == '*' && peek_at(p, 1) == '/')) {
                if (peek(p) == 0)
                    return fail_at(p, l, co, "unterminated comment");
                advance(p);
            }
            advance(p);
            advance(p);
        } else {
            return true;
        }
    }
}

static bool at_line_end(struct parser *p)
{
    if (!skip_space(p, true))
        return false;
    return peek(p) == '\n' || peek(p) == 0;
}

static char *dup_range(const char *a, size_t n)
{
    char *s = malloc(n + 1);
    if (s == NULL) {
        fprintf(stderr, "tcpsm: out of memory\n");
        exit(3);
    }
    memcpy(s, a, n);
    s[n] = '\0';
    return s;
}

/* ---- first pass: #ifdef ---- */

static bool defined(const struct script_define *defs, unsigned ndefs, const char *name, size_t n)
{
    unsigned i;
    for (i = 0; i < ndefs; i++)
        if (strlen(defs[i].name) == n && memcmp(defs[i].name, name, n) == 0)
            return true;
    return false;
}

#define MAX_NEST 32

static bool preprocess(struct parser *p, const struct script_define *defs, unsigned ndefs)
{
    bool keep[MAX_NEST + 1], seen_else[MAX_NEST];
    unsigned open_line[MAX_NEST];
    unsigned depth = 0, line = 1;
    size_t i = 0;
    keep[0] = true;
    while (i < p->len) {
        size_t start = i, end = i, k;
        bool directive = false;
        while (end < p->len && p->buf[end] != '\n')
            end++;
        k = start;
        while (k < end && (p->buf[k] == ' ' || p->buf[k] == '\t'))
            k++;
        if (k < end && p->buf[k] == '#') {
            const char *d = p->buf + k + 1;
            size_t dl = 0, nl;
            const char *name;
            while (d + dl < p->buf + end && isalpha((unsigned char)d[dl]))
                dl++;
            name = d + dl;
            while (name < p->buf + end && (*name == ' ' || *name == '\t'))
                name++;
            nl = 0;
            while (name + nl < p->buf + end && (isalnum((unsigned char)name[nl]) || name[nl] == '_'))
                nl++;
            directive = true;
            if ((dl == 5 && memcmp(d, "ifdef", 5) == 0) || (dl == 6 && memcmp(d, "ifndef", 6) == 0)) {
                bool want = dl == 5;
                if (nl == 0)
                    return fail_at(p, line, (unsigned)(name - (p->buf + start)) + 1,
                                   "#%.*s needs a name", (int)dl, d);
                if (depth == MAX_NEST)
                    return fail_at(p, line, (unsigned)(k - start) + 1, "#ifdef nested too deep");
                open_line[depth] = line;
                seen_else[depth] = false;
                depth++;
                keep[depth] = keep[depth - 1] && (defined(defs, ndefs, name, nl) == want);
            } else if (dl == 4 && memcmp(d, "else", 4) == 0) {
                if (depth == 0 || seen_else[depth - 1])
                    return fail_at(p, line, (unsigned)(k - start) + 1, "#else without #ifdef");
                seen_else[depth - 1] = true;
                keep[depth] = keep[depth - 1] && !keep[depth];
            } else if (dl == 5 && memcmp(d, "endif", 5) == 0) {
                if (depth == 0)
                    return fail_at(p, line, (unsigned)(k - start) + 1, "#endif without #ifdef");
                depth--;
            } else {
                return fail_at(p, line, (unsigned)(k - start) + 1,
                               "unknown directive #%.*s (#ifdef, #ifndef, #else, #endif)",
                               (int)dl, d);
            }
        }
        if (directive || !keep[depth])
            for (k = start; k < end; k++)
                p->buf[k] = ' ';
        i = end < p->len ? end + 1 : end;
        line++;
    }
    if (depth > 0)
        return fail_at(p, open_line[depth - 1], 1, "#ifdef without #endif");
    return true;
}

/* ---- numbers and words ---- */

static bool is_word(int c)
{
    return isalnum(c) || c == '_';
}

/* An unsigned decimal or 0x hex integer; false (no error) if none here. */
static bool read_uint(struct parser *p, uint64_t max, uint64_t *v)
{
    uint64_t x = 0;
    unsigned l = p->line, c = p->col;
    if (!isdigit(peek(p)))
        return false;
    if (peek(p) == '0' && (peek_at(p, 1) == 'x' || peek_at(p, 1) == 'X')) {
        advance(p);
        advance(p);
        if (!isxdigit(peek(p)))
            return fail_at(p, l, c, "bad hexadecimal number");
        while (isxdigit(peek(p))) {
            int d = peek(p);
            d = isdigit(d) ? d - '0' : (tolower(d) - 'a' + 10);
            if (x > (max - (uint64_t)d) / 16u)
                return fail_at(p, l, c, "number too large (at most %llu)", (unsigned long long)max);
            x = x * 16u + (uint64_t)d;
            advance(p);
        }
    } else {
        while (isdigit(peek(p))) {
            uint64_t d = (uint64_t)(peek(p) - '0');
            if (x > (max - d) / 10u)
                return fail_at(p, l, c, "number too large (at most %llu)", (unsigned long long)max);
            x = x * 10u + d;
            advance(p);
        }
    }
    if (is_word(peek(p)))
        return fail_at(p, l, c, "bad number");
    *v = x;
    return true;
}

static bool expect_uint(struct parser *p, uint64_t max, uint64_t *v, const char *what)
{
    if (!skip_space(p, true))
        return false;
    if (!read_uint(p, max, v))
        return p->failed ? false : FAIL(p, "expected %s", what);
    return true;
}

static bool expect_u32(struct parser *p, uint32_t *v, const char *what)
{
    uint64_t x;
    if (!expect_uint(p, 0xFFFFFFFFu, &x, what))
        return false;
    *v = (uint32_t)x;
    return true;
}

/* Seconds as decimal text ("0.1", ".100", "2") into microseconds. */
static bool read_seconds(struct parser *p, int64_t *us)
{
    int64_t whole = 0, frac = 0;
    unsigned digits = 0, fd = 0;
    unsigned l = p->line, c = p->col;
    while (isdigit(peek(p))) {
        if (whole > 1000000000)
            return fail_at(p, l, c, "time too large");
        whole = whole * 10 + (peek(p) - '0');
        advance(p);
        digits++;
    }
    if (peek(p) == '.' && isdigit(peek_at(p, 1))) {
        advance(p);
        while (isdigit(peek(p))) {
            if (fd < 6) {
                frac = frac * 10 + (peek(p) - '0');
                fd++;
            } else if (peek(p) != '0') {
                return fail_at(p, l, c, "time finer than a microsecond");
            }
            advance(p);
            digits++;
        }
    }
    if (digits == 0)
        return fail_at(p, l, c, "expected a time");
    while (fd < 6) {
        frac *= 10;
        fd++;
    }
    *us = whole * 1000000 + frac;
    return true;
}

static bool word_is(struct parser *p, const char *w)
{
    size_t n = strlen(w);
    return p->pos + n <= p->len && memcmp(p->buf + p->pos, w, n) == 0
           && !is_word(peek_at(p, n));
}

static void skip_n(struct parser *p, size_t n)
{
    while (n-- > 0)
        advance(p);
}

/* ---- packets ---- */

static bool parse_flags(struct parser *p, uint8_t *flags)
{
    unsigned l = p->line, c = p->col;
    uint8_t f = 0;
    unsigned n = 0;
    for (;;) {
        int ch = peek(p);
        uint8_t bit;
        switch (ch) {
        case 'S': bit = TCPSM_SYN; break;
        case 'F': bit = TCPSM_FIN; break;
        case 'R': bit = TCPSM_RST; break;
        case 'P': bit = TCPSM_PSH; break;
        case '.': bit = TCPSM_ACK; break;
        case 'U': bit = TCPSM_URG; break;
        case 'E': bit = TCPSM_ECE; break;
        case 'W': bit = TCPSM_CWR; break;
        default: bit = 0; break;
        }
        if (bit == 0)
            break;
        if (f & bit)
            return fail_at(p, l, c, "flag '%c' given twice", ch);
        f |= bit;
        n++;
        advance(p);
    }
    if (n == 0 || (peek(p) != ' ' && peek(p) != '\t'))
        return fail_at(p, l, c, "expected TCP flags (S, F, R, P, ., U, E, W)");
    *flags = f;
    return true;
}

static bool parse_options(struct parser *p, struct spacket *k)
{
    unsigned l = p->line, c = p->col;
    advance(p);                         /* '<' */
    if (!skip_space(p, true))
        return false;
    if (peek(p) == '.' && peek_at(p, 1) == '.' && peek_at(p, 2) == '.') {
        skip_n(p, 3);
        if (!skip_space(p, true))
            return false;
        if (peek(p) != '>')
            return FAIL(p, "expected '>' after '<...'");
        advance(p);
        k->opts_mode = SOPTS_ANY;
        return true;
    }
    k->opts_mode = SOPTS_LIST;
    if (peek(p) == '>') {
        advance(p);
        return true;
    }
    for (;;) {
        struct sopt *o;
        if (!skip_space(p, true))
            return false;
        if (k->nopt == SCRIPT_MAX_OPTS)
            return FAIL(p, "more than %d options", SCRIPT_MAX_OPTS);
        o = &k->opt[k->nopt];
        memset(o, 0, sizeof *o);
        if (word_is(p, "nop")) {
            skip_n(p, 3);
            o->kind = SOPT_NOP;
        } else if (word_is(p, "eol")) {
            skip_n(p, 3);
            o->kind = SOPT_EOL;
        } else if (word_is(p, "mss")) {
            uint64_t v;
            skip_n(p, 3);
            o->kind = SOPT_MSS;
            if (!expect_uint(p, 65535, &v, "the MSS value"))
                return false;
            o->v1 = (uint32_t)v;
        } else if (word_is(p, "wscale")) {
            uint64_t v;
            skip_n(p, 6);
            o->kind = SOPT_WSCALE;
            if (!expect_uint(p, 255, &v, "the window scale shift"))
                return false;
            o->v1 = (uint32_t)v;
        } else if (word_is(p, "sackOK")) {
            skip_n(p, 6);
            o->kind = SOPT_SACKOK;
        } else if (word_is(p, "sack")) {
            skip_n(p, 4);
            o->kind = SOPT_SACK;
            for (;;) {
                if (!skip_space(p, true))
                    return false;
                if (!isdigit(peek(p)))
                    break;
                if (o->nblocks == SCRIPT_MAX_SACK)
                    return FAIL(p, "more than %d SACK blocks", SCRIPT_MAX_SACK);
                if (!expect_u32(p, &o->left[o->nblocks], "a SACK block"))
                    return false;
                if (peek(p) != ':')
                    return FAIL(p, "expected ':' in a SACK block");
                advance(p);
                if (!expect_u32(p, &o->right[o->nblocks], "the end of a SACK block"))
                    return false;
                o->nblocks++;
            }
            if (o->nblocks == 0)
                return FAIL(p, "expected SACK blocks a:b");
        } else if (word_is(p, "TS")) {
            skip_n(p, 2);
            o->kind = SOPT_TS;
            if (!skip_space(p, true))
                return false;
            if (!word_is(p, "val"))
                return FAIL(p, "expected 'val' after TS");
            skip_n(p, 3);
            if (!expect_u32(p, &o->v1, "the TS value"))
                return false;
            if (!skip_space(p, true))
                return false;
            if (!word_is(p, "ecr"))
                return FAIL(p, "expected 'ecr' after TS val");
            skip_n(p, 3);
            if (!expect_u32(p, &o->v2, "the TS echo reply"))
                return false;
        } else {
            size_t n = 0;
            while (is_word(peek_at(p, n)))
                n++;
            if (n == 0)
                return FAIL(p, "expected a TCP option");
            return FAIL(p, "unsupported TCP option '%.*s' (mss, nop, eol, wscale, sackOK, sack, TS)",
                        (int)n, p->buf + p->pos);
        }
        k->nopt++;
        if (!skip_space(p, true))
            return false;
        if (peek(p) == ',') {
            advance(p);
            continue;
        }
        if (peek(p) == '>') {
            advance(p);
            return true;
        }
        if (peek(p) == '\n' || peek(p) == 0)
            return fail_at(p, l, c, "options not closed with '>'");
        return FAIL(p, "expected ',' or '>' in the options");
    }
}

static bool parse_packet(struct parser *p, struct sevent *e)
{
    struct spacket *k = &e->pkt;
    uint64_t v;
    unsigned l, c;
    memset(k, 0, sizeof *k);
    k->dir = (char)peek(p);
    advance(p);
    if (!skip_space(p, true))
        return false;
    if (!parse_flags(p, &k->flags))
        return false;
    if (!skip_space(p, true))
        return false;
    l = p->line;
    c = p->col;
    /* start:end(len) */
    if (!read_uint(p, 0xFFFFFFFFu, &v))
        return p->failed ? false : FAIL(p, "expected start:end(len)");
    k->start = (uint32_t)v;
    if (peek(p) != ':')
        return FAIL(p, "expected ':' in start:end(len)");
    advance(p);
    if (!read_uint(p, 0xFFFFFFFFu, &v))
        return p->failed ? false : FAIL(p, "expected the end of start:end(len)");
    k->end = (uint32_t)v;
    if (peek(p) != '(')
        return FAIL(p, "expected '(' in start:end(len)");
    advance(p);
    if (!read_uint(p, 65535, &v))
        return p->failed ? false : FAIL(p, "expected the length in start:end(len)");
    k->len = (uint32_t)v;
    if (peek(p) != ')')
        return FAIL(p, "expected ')' in start:end(len)");
    advance(p);
    if ((uint32_t)(k->end - k->start) != k->len)
        return fail_at(p, l, c, "start:end(len): %u - %u is not %u", k->end, k->start, k->len);
    for (;;) {
        if (at_line_end(p))
            break;
        if (p->failed)
            return false;
        if (word_is(p, "ack")) {
            skip_n(p, 3);
            if (k->has_ack)
                return FAIL(p, "ack given twice");
            k->has_ack = true;
            if (!expect_u32(p, &k->ack, "the acknowledgment number"))
                return false;
        } else if (word_is(p, "win")) {
            skip_n(p, 3);
            if (k->has_win)
                return FAIL(p, "win given twice");
            k->has_win = true;
            if (!expect_u32(p, &k->win, "the window"))
                return false;
            if (k->win > 65535)
                return FAIL(p, "window %u too large (at most 65535)", k->win);
        } else if (word_is(p, "urg")) {
            skip_n(p, 3);
            if (k->has_urg)
                return FAIL(p, "urg given twice");
            k->has_urg = true;
            if (!expect_u32(p, &k->urg, "the urgent pointer"))
                return false;
            if (k->urg > 65535)
                return FAIL(p, "urgent pointer %u too large (at most 65535)", k->urg);
        } else if (peek(p) == '<') {
            if (k->opts_mode != SOPTS_NONE)
                return FAIL(p, "options given twice");
            if (!parse_options(p, k))
                return false;
        } else {
            size_t n = 0;
            while (p->pos + n < p->len && !isspace((unsigned char)p->buf[p->pos + n]))
                n++;
            return FAIL(p, "unexpected '%.*s' in a packet (ack, win, urg, <options>)",
                        (int)n, p->buf + p->pos);
        }
    }
    return !p->failed;
}

/* ---- system calls ---- */

static bool parse_expr(struct parser *p, struct sexpr *x);

static bool parse_items(struct parser *p, struct sexpr *x, int close, bool fields)
{
    unsigned cap = 0;
    advance(p);                         /* '[' or '{' */
    x->n = 0;
    x->item = NULL;
    for (;;) {
        struct sexpr *it;
        char *field = NULL;
        if (!skip_space(p, false))
            return false;
        if (peek(p) == close && x->n == 0) {
            advance(p);
            return true;
        }
        if (fields && (isalpha(peek(p)) || peek(p) == '_')) {
            size_t n = 0;
            while (is_word(peek_at(p, n)))
                n++;
            field = dup_range(p->buf + p->pos, n);
            skip_n(p, n);
            if (!skip_space(p, false)) {
                free(field);
                return false;
            }
            if (peek(p) != '=') {
                free(field);
                return FAIL(p, "expected '=' after a field name");
            }
            advance(p);
            if (!skip_space(p, false)) {
                free(field);
                return false;
            }
        }
        if (x->n == cap) {
            struct sexpr *m;
            cap = cap ? cap * 2 : 4;
            m = realloc(x->item, cap * sizeof *m);
            if (m == NULL) {
                fprintf(stderr, "tcpsm: out of memory\n");
                exit(3);
            }
            x->item = m;
        }
        it = &x->item[x->n];
        memset(it, 0, sizeof *it);
        x->n++;
        if (!parse_expr(p, it)) {
            free(field);
            return false;
        }
        if (field != NULL) {
            /* a field's value keeps its name in a one-item struct */
            struct sexpr *v = malloc(sizeof *v);
            if (v == NULL) {
                fprintf(stderr, "tcpsm: out of memory\n");
                exit(3);
            }
            *v = *it;
            memset(it, 0, sizeof *it);
            it->kind = SX_STRUCT;
            it->text = field;
            it->item = v;
            it->n = 1;
        }
        if (!skip_space(p, false))
            return false;
        if (peek(p) == ',') {
            advance(p);
            continue;
        }
        if (peek(p) == close) {
            advance(p);
            return true;
        }
        return FAIL(p, "expected ',' or '%c'", close);
    }
}

static bool parse_expr(struct parser *p, struct sexpr *x)
{
    memset(x, 0, sizeof *x);
    if (!skip_space(p, false))
        return false;
    if (peek(p) == '.' && peek_at(p, 1) == '.' && peek_at(p, 2) == '.') {
        skip_n(p, 3);
        x->kind = SX_ELLIPSIS;
        return true;
    }
    if (peek(p) == '[') {
        x->kind = SX_LIST;
        return parse_items(p, x, ']', false);
    }
    if (peek(p) == '{') {
        x->kind = SX_STRUCT;
        return parse_items(p, x, '}', true);
    }
    if (peek(p) == '"') {
        size_t start;
        unsigned l = p->line, c = p->col;
        advance(p);
        start = p->pos;
        while (peek(p) != '"') {
            if (peek(p) == 0 || peek(p) == '\n')
                return fail_at(p, l, c, "unterminated string");
            if (peek(p) == '\\')
                advance(p);
            advance(p);
        }
        x->kind = SX_STRING;
        x->text = dup_range(p->buf + start, p->pos - start);
        advance(p);
        return true;
    }
    {
        /* a number, a symbol, or an OR of them: kept as text when symbolic */
        size_t start = p->pos;
        bool symbolic = false, neg = false;
        uint64_t v = 0;
        unsigned terms = 0;
        if (peek(p) == '-' && isdigit(peek_at(p, 1))) {
            neg = true;
            advance(p);
        }
        for (;;) {
            if (!skip_space(p, false))
                return false;
            if (isdigit(peek(p))) {
                uint64_t t;
                if (!read_uint(p, 0x7FFFFFFFFFFFFFFFull, &t))
                    return false;
                v |= t;
            } else if (isalpha(peek(p)) || peek(p) == '_') {
                while (is_word(peek(p)))
                    advance(p);
                symbolic = true;
            } else {
                return FAIL(p, terms == 0 ? "expected an argument" : "expected a value after '|'");
            }
            terms++;
            {
                /* look past blanks for '|'; if none, stay put (a return
                 * value ends at its line) */
                size_t pos = p->pos;
                unsigned line = p->line, col = p->col;
                if (!skip_space(p, false))
                    return false;
                if (peek(p) != '|' || neg) {
                    p->pos = pos;
                    p->line = line;
                    p->col = col;
                    break;
                }
            }
            advance(p);
        }
        if (symbolic) {
            size_t n = p->pos - start;
            x->kind = SX_SYM;
            x->text = dup_range(p->buf + start, n);
        } else {
            x->kind = SX_INT;
            x->num = neg ? -(int64_t)v : (int64_t)v;
        }
        return true;
    }
}

static bool parse_call(struct parser *p, struct sevent *e)
{
    struct scall *k = &e->call;
    size_t n = 0;
    unsigned cap = 0;
    memset(k, 0, sizeof *k);
    while (is_word(peek_at(p, n)))
        n++;
    k->name = dup_range(p->buf + p->pos, n);
    skip_n(p, n);
    if (!skip_space(p, false))
        return false;
    if (peek(p) != '(')
        return FAIL(p, "expected '(' after %s", k->name);
    advance(p);
    if (!skip_space(p, false))
        return false;
    if (peek(p) == ')') {
        advance(p);
    } else {
        for (;;) {
            if (k->nargs == cap) {
                struct sexpr *m;
                cap = cap ? cap * 2 : 4;
                m = realloc(k->arg, cap * sizeof *m);
                if (m == NULL) {
                    fprintf(stderr, "tcpsm: out of memory\n");
                    exit(3);
                }
                k->arg = m;
            }
            if (!parse_expr(p, &k->arg[k->nargs++]))
                return false;
            if (!skip_space(p, false))
                return false;
            if (peek(p) == ',') {
                advance(p);
                continue;
            }
            if (peek(p) == ')') {
                advance(p);
                break;
            }
            return FAIL(p, "expected ',' or ')' in the arguments of %s", k->name);
        }
    }
    if (!skip_space(p, false))
        return false;
    if (peek(p) != '=')
        return FAIL(p, "expected '= value' after %s(...)", k->name);
    advance(p);
    if (!parse_expr(p, &k->ret))
        return false;
    if (k->ret.kind != SX_INT && k->ret.kind != SX_SYM)
        return FAIL(p, "expected a number as the return value of %s", k->name);
    if (!skip_space(p, true))
        return false;
    if (isupper(peek(p))) {             /* errno name */
        size_t m = 0;
        while (is_word(peek_at(p, m)))
            m++;
        k->err = dup_range(p->buf + p->pos, m);
        skip_n(p, m);
        if (!skip_space(p, true))
            return false;
    }
    if (peek(p) == '(') {               /* a comment: (Operation now in progress), (flags ...) */
        unsigned depth = 0, l = p->line, c = p->col;
        do {
            if (peek(p) == '(')
                depth++;
            else if (peek(p) == ')')
                depth--;
            else if (peek(p) == 0 || peek(p) == '\n')
                return fail_at(p, l, c, "unclosed '('");
            advance(p);
        } while (depth > 0);
    }
    if (!at_line_end(p))
        return p->failed ? false : FAIL(p, "unexpected text after %s(...) = value", k->name);
    return true;
}

/* ---- events ---- */

static struct sevent *new_event(struct parser *p)
{
    struct script *s = p->s;
    if (s->nev == p->cap) {
        struct sevent *m;
        p->cap = p->cap ? p->cap * 2 : 32;
        m = realloc(s->ev, p->cap * sizeof *m);
        if (m == NULL) {
            fprintf(stderr, "tcpsm: out of memory\n");
            exit(3);
        }
        s->ev = m;
    }
    memset(&s->ev[s->nev], 0, sizeof s->ev[0]);
    return &s->ev[s->nev++];
}

/* text up to the closing mark (a backtick, or "}%") */
static bool parse_block(struct parser *p, struct sevent *e, const char *open, const char *close)
{
    unsigned l = p->line, c = p->col;
    size_t start, cl = strlen(close);
    skip_n(p, strlen(open));
    start = p->pos;
    while (!(p->pos + cl <= p->len && memcmp(p->buf + p->pos, close, cl) == 0)) {
        if (peek(p) == 0)
            return fail_at(p, l, c, "'%s' not closed with '%s'", open, close);
        advance(p);
    }
    e->text = dup_range(p->buf + start, p->pos - start);
    skip_n(p, cl);
    return true;
}

static bool parse_time(struct parser *p, struct sevent *e)
{
    if (peek(p) == '*') {
        advance(p);
        e->tkind = ST_ANY;
        return true;
    }
    e->tkind = ST_ABS;
    if (peek(p) == '+') {
        e->tkind = ST_REL;
        advance(p);
    }
    if (!read_seconds(p, &e->t_us))
        return false;
    if (peek(p) == '~' || (peek(p) == '.' && peek_at(p, 1) == '.' && peek_at(p, 2) == '.')) {
        if (peek(p) == '~') {
            e->range = true;
            advance(p);
        } else {
            e->blocking = true;
            skip_n(p, 3);
        }
        e->end_kind = ST_ABS;
        if (peek(p) == '+') {
            e->end_kind = ST_REL;
            advance(p);
        }
        if (!read_seconds(p, &e->end_us))
            return false;
        if (e->end_kind == ST_ABS && e->tkind == ST_ABS && e->end_us < e->t_us)
            return FAIL(p, "the end of the time range is before its start");
    }
    return true;
}

static bool parse_header_option(struct parser *p)
{
    struct script *s = p->s;
    unsigned l = p->line, c = p->col;
    size_t start = p->pos + 2, n = 0, eq;
    const char *name, *val;
    char *opt;
    while (p->pos + 2 + n < p->len && !isspace((unsigned char)p->buf[p->pos + 2 + n]))
        n++;
    opt = dup_range(p->buf + start, n);
    skip_n(p, 2 + n);
    eq = strcspn(opt, "=");
    name = opt;
    val = opt[eq] == '=' ? opt + eq + 1 : NULL;
    opt[eq] = '\0';
    if (strcmp(name, "ip_version") == 0) {
        if (val != NULL && strcmp(val, "ipv4") == 0)
            s->ip_version = 4;
        else if (val != NULL && strcmp(val, "ipv6") == 0)
            s->ip_version = 6;
        else {
            free(opt);
            return fail_at(p, l, c, "--ip_version takes ipv4 or ipv6");
        }
    } else if (strcmp(name, "tolerance_usecs") == 0 || strcmp(name, "mss") == 0) {
        char *end;
        unsigned long long v;
        errno = 0;
        v = val != NULL ? strtoull(val, &end, 10) : 0;
        if (val == NULL || *val == '\0' || *end != '\0' || errno != 0
            || v > (name[0] == 'm' ? 65535ull : 100000000ull) || (name[0] == 'm' && v < 64)) {
            bool mss = name[0] == 'm';
            free(opt);
            return fail_at(p, l, c, mss ? "--mss takes a number from 64 to 65535"
                                        : "--tolerance_usecs takes a number of microseconds");
        }
        if (name[0] == 'm')
            s->mss = (uint32_t)v;
        else
            s->tolerance_us = (int64_t)v;
    } else if (strcmp(name, "rfc5961") == 0) {
        /* tcpsm's own: RFC 5961's three mitigations on or off (off: the
         * RFC 793 rules of RFC 9293 3.10.7.4 for RST, SYN and ACK) */
        if (val != NULL && strcmp(val, "on") == 0)
            s->rfc5961 = 1;
        else if (val != NULL && strcmp(val, "off") == 0)
            s->rfc5961 = 0;
        else {
            free(opt);
            return fail_at(p, l, c, "--rfc5961 takes on or off");
        }
    } else if (strcmp(name, "local_ip") == 0 || strcmp(name, "remote_ip") == 0) {
        if (val == NULL || *val == '\0') {
            bool local = name[0] == 'l';
            free(opt);
            return fail_at(p, l, c, "--%s_ip needs an address", local ? "local" : "remote");
        }
        if (name[0] == 'l') {
            free(s->local_ip);
            s->local_ip = dup_range(val, strlen(val));
        } else {
            free(s->remote_ip);
            s->remote_ip = dup_range(val, strlen(val));
        }
    } else {
        unsigned i;
        bool seen = false;
        for (i = 0; i < s->nunknown; i++)
            seen |= strcmp(s->unknown[i], name) == 0;
        if (!seen && s->nunknown < sizeof s->unknown / sizeof s->unknown[0])
            s->unknown[s->nunknown++] = dup_range(name, strlen(name));
    }
    free(opt);
    return at_line_end(p) ? true : (p->failed ? false : FAIL(p, "unexpected text after the option"));
}

static bool parse_all(struct parser *p)
{
    bool events = false;
    for (;;) {
        struct sevent *e;
        int c;
        if (!skip_space(p, false))
            return false;
        c = peek(p);
        if (c == 0)
            return true;
        if (c == '-' && peek_at(p, 1) == '-') {
            if (events)
                return FAIL(p, "header options (--name=value) come before the first event");
            if (!parse_header_option(p))
                return false;
            continue;
        }
        events = true;
        e = new_event(p);
        e->line = p->line;
        e->col = p->col;
        e->tkind = ST_REL;              /* a shell command or code with no time: +0 */
        if (c == '`' || (c == '%' && peek_at(p, 1) == '{')) {
            /* no time */
        } else if (c == '*' || c == '+' || isdigit(c) || (c == '.' && isdigit(peek_at(p, 1)))) {
            if (!parse_time(p, e))
                return false;
            if (!skip_space(p, true))
                return false;
        } else {
            return FAIL(p, "expected an event time (0.1, +0.1, *) or a header option");
        }
        c = peek(p);
        if (c == '<' || c == '>') {
            e->kind = SE_PACKET;
            if (!parse_packet(p, e))
                return false;
        } else if (c == '`') {
            e->kind = SE_SHELL;
            if (!parse_block(p, e, "`", "`"))
                return false;
        } else if (c == '%' && peek_at(p, 1) == '{') {
            e->kind = SE_CODE;
            if (!parse_block(p, e, "%{", "}%"))
                return false;
        } else if (isalpha(c) || c == '_') {
            e->kind = SE_CALL;
            if (!parse_call(p, e))
                return false;
        } else {
            return FAIL(p, "expected a packet ('<' or '>'), a system call, `command` or %%{ code }%%");
        }
        if (e->kind == SE_PACKET && e->blocking)
            return fail_at(p, e->line, e->col, "'...' is for system calls; a packet takes a range t1~t2");
        if (e->kind == SE_CALL && e->range)
            return fail_at(p, e->line, e->col, "a system call takes t1...t2, not a range t1~t2");
    }
}

bool script_parse(struct script *s, const char *path, const char *text, size_t len,
                  const struct script_define *defs, unsigned ndefs, char *err, size_t errcap)
{
    struct parser p;
    bool ok;
    memset(s, 0, sizeof *s);
    memset(&p, 0, sizeof p);
    s->path = dup_range(path, strlen(path));
    s->ip_version = 4;
    s->tolerance_us = 4000;
    s->rfc5961 = -1;
    p.path = path;
    p.buf = dup_range(text, len);
    p.len = len;
    p.line = 1;
    p.col = 1;
    p.err = err;
    p.errcap = errcap;
    p.s = s;
    if (errcap > 0)
        err[0] = '\0';
    if (memchr(text, '\0', len) != NULL) {
        size_t at = (size_t)((const char *)memchr(text, '\0', len) - text), i;
        unsigned line = 1, col = 1;
        for (i = 0; i < at; i++) {
            if (text[i] == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        ok = fail_at(&p, line, col, "a NUL byte in the script");
    } else {
        ok = preprocess(&p, defs, ndefs) && parse_all(&p);
    }
    free(p.buf);
    if (!ok) {
        script_free(s);
        s->path = NULL;
    }
    return ok;
}

static void free_expr(struct sexpr *x)
{
    unsigned i;
    for (i = 0; i < x->n; i++)
        free_expr(&x->item[i]);
    free(x->item);
    free(x->text);
}

void script_free(struct script *s)
{
    unsigned i;
    for (i = 0; i < s->nev; i++) {
        struct sevent *e = &s->ev[i];
        if (e->kind == SE_CALL) {
            unsigned j;
            for (j = 0; j < e->call.nargs; j++)
                free_expr(&e->call.arg[j]);
            free(e->call.arg);
            free_expr(&e->call.ret);
            free(e->call.name);
            free(e->call.err);
        }
        free(e->text);
    }
    free(s->ev);
    for (i = 0; i < s->nunknown; i++)
        free(s->unknown[i]);
    free(s->local_ip);
    free(s->remote_ip);
    free(s->path);
    memset(s, 0, sizeof *s);
}
