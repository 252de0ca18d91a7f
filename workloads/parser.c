/* workloads/parser.c — the workload file format: one problem per line as key=value pairs,
 * '#' comments, strict validation with "FILE:LINE: field: why" errors (format described in problem.h). */
#include "problem.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "number.h"
#include "str_index.h"

#define LINE_MAX_CHARS 1024          /* longest accepted line, without its line break */
#define FILE_MAX_BYTES (64u << 20)   /* refuse workload files larger than this */
#define PROBLEMS_MAX 100000          /* refuse files with more problems than this */
#define LIMIT_HIDDEN 65536
#define LIMIT_INPUT 65536
#define LIMIT_BATCH 4096
#define LIMIT_TIMESTEPS 1000000

enum { K_CELL, K_HIDDEN, K_INPUT, K_BATCH, K_TIMESTEPS, K_NAME, K_COUNT };
static const char *const key_names[K_COUNT] = {"cell", "hidden", "input", "batch", "timesteps", "name"};

/* Where we are, for messages. */
typedef struct cursor {
    const char *path;
    size_t line;
    char *err;
    size_t errlen;
} cursor;

__attribute__((format(printf, 3, 4))) static int fail(const cursor *c, const char *field, const char *fmt, ...)
{
    if (c->err == NULL || c->errlen == 0)
        return -1;
    int k = snprintf(c->err, c->errlen, "%s:%zu: %s: ", c->path, c->line, field);
    if (k >= 0 && (size_t)k < c->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(c->err + k, c->errlen - (size_t)k, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* Copies at most 32 characters of s into out for a message, replacing unprintable bytes with '?'. */
static const char *quote(const char *s, char out[40])
{
    size_t k = 0;
    for (; s[k] != '\0' && k < 32; k++)
        out[k] = (s[k] >= 0x20 && s[k] < 0x7f) ? s[k] : '?';
    if (s[k] != '\0') {
        memcpy(out + k, "...", 3);
        k += 3;
    }
    out[k] = '\0';
    return out;
}

static int is_space(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\v' || ch == '\f';
}

/* Parses a positive decimal integer <= limit (digits only, no sign: the strict parser of number.h). */
static int parse_positive(const cursor *c, const char *field, const char *s, int limit, int *out)
{
    char q[40];
    unsigned long long v = 0;
    if (*s == '\0')
        return fail(c, field, "empty value");
    int rc = rb_number_uint(s, (unsigned long long)limit, &v);
    if (rc == RB_NUM_SYNTAX)
        return fail(c, field, "'%s' is not a positive integer", quote(s, q));
    if (rc == RB_NUM_RANGE)
        return fail(c, field, "'%s' is too large (at most %d)", quote(s, q), limit);
    if (v == 0)
        return fail(c, field, "must be at least 1");
    *out = (int)v;
    return 0;
}

static int parse_name(const cursor *c, const char *s, char name[RB_NAME_MAX])
{
    char q[40];
    size_t len = strlen(s);
    if (len == 0)
        return fail(c, "name", "empty value");
    if (len >= RB_NAME_MAX)
        return fail(c, "name", "'%s' is too long (at most %d characters)", quote(s, q), RB_NAME_MAX - 1);
    for (size_t k = 0; k < len; k++) {
        char ch = s[k];
        int ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' ||
                 ch == '_' || ch == '.' || ch == '+';
        if (!ok)
            return fail(c, "name", "'%s' has a character other than letters, digits, '-', '_', '.', '+'",
                        quote(s, q));
    }
    memcpy(name, s, len + 1);
    return 0;
}

/* Parses one key=value token into p. seen[] tracks keys already given on this line. */
static int parse_token(const cursor *c, char *tok, rb_problem *p, int seen[K_COUNT])
{
    char q[40];
    char *eq = strchr(tok, '=');
    if (eq == NULL)
        return fail(c, quote(tok, q), "expected key=value");
    *eq = '\0';
    const char *key = tok, *val = eq + 1;
    if (*key == '\0')
        return fail(c, "line", "'=%s' has no key", quote(val, q));
    int k = 0;
    while (k < K_COUNT && strcmp(key, key_names[k]) != 0)
        k++;
    if (k == K_COUNT)
        return fail(c, quote(key, q), "unknown key (expected cell, hidden, input, batch, timesteps or name)");
    if (seen[k])
        return fail(c, key, "duplicate key");
    seen[k] = 1;
    switch (k) {
    case K_CELL:
        if (*val == '\0')
            return fail(c, key, "empty value");
        if (rb_cell_parse(val, &p->cell) != 0)
            return fail(c, key, "unknown cell '%s' (expected lstm, gru or vanilla)", quote(val, q));
        return 0;
    case K_HIDDEN: return parse_positive(c, key, val, LIMIT_HIDDEN, &p->hidden);
    case K_INPUT: return parse_positive(c, key, val, LIMIT_INPUT, &p->input);
    case K_BATCH: return parse_positive(c, key, val, LIMIT_BATCH, &p->batch);
    case K_TIMESTEPS: return parse_positive(c, key, val, LIMIT_TIMESTEPS, &p->timesteps);
    default: return parse_name(c, val, p->name);
    }
}

/* Parses one line (comment and trailing space already removed, non-empty). */
static int parse_line(const cursor *c, char *line, rb_problem *p)
{
    int seen[K_COUNT] = {0};
    memset(p, 0, sizeof *p);
    p->batch = 1;
    char *s = line;
    for (;;) {
        while (is_space(*s))
            s++;
        if (*s == '\0')
            break;
        char *end = s;
        while (*end != '\0' && !is_space(*end))
            end++;
        int more = *end != '\0';
        *end = '\0';
        if (parse_token(c, s, p, seen) != 0)
            return -1;
        s = more ? end + 1 : end;
    }
    static const int required[] = {K_CELL, K_HIDDEN, K_TIMESTEPS};
    for (size_t k = 0; k < sizeof required / sizeof required[0]; k++)
        if (!seen[required[k]])
            return fail(c, key_names[required[k]], "missing (cell, hidden and timesteps are required)");
    if (!seen[K_INPUT])
        p->input = p->hidden;
    if (!seen[K_NAME])
        rb_problem_default_name(p);
    return 0;
}

int rb_workload_parse_string(const char *text, const char *path, rb_problem **out, size_t *n, char *err,
                             size_t errlen)
{
    cursor c = {path ? path : "<string>", 0, err, errlen};
    rb_problem *list = NULL;
    size_t count = 0, cap = 0;
    rb_str_index names; /* name -> line of the problem that has it, for duplicate-name messages */
    rb_str_index_init(&names);
    char line[LINE_MAX_CHARS + 1];
    if (err != NULL && errlen > 0)
        err[0] = '\0';
    *out = NULL;
    *n = 0;
    const char *s = text ? text : "";
    if (strncmp(s, "\xEF\xBB\xBF", 3) == 0) /* a UTF-8 byte-order mark, as some editors write */
        s += 3;
    while (*s != '\0') {
        c.line++;
        const char *nl = strchr(s, '\n');
        size_t len = nl ? (size_t)(nl - s) : strlen(s);
        if (len > LINE_MAX_CHARS) {
            fail(&c, "line", "too long (more than %d characters)", LINE_MAX_CHARS);
            goto error;
        }
        memcpy(line, s, len);
        line[len] = '\0';
        s += len + (nl ? 1 : 0);
        char *hash = strchr(line, '#');
        if (hash != NULL)
            *hash = '\0';
        len = strlen(line);
        while (len > 0 && is_space(line[len - 1]))
            line[--len] = '\0';
        size_t lead = 0;
        while (is_space(line[lead]))
            lead++;
        if (line[lead] == '\0')
            continue;
        if (count >= PROBLEMS_MAX) {
            fail(&c, "line", "too many problems (at most %d per file)", PROBLEMS_MAX);
            goto error;
        }
        if (count == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            rb_problem *nl_list = realloc(list, ncap * sizeof *list);
            if (nl_list == NULL) {
                fail(&c, "line", "out of memory");
                goto error;
            }
            list = nl_list;
            cap = ncap;
        }
        if (parse_line(&c, line + lead, &list[count]) != 0)
            goto error;
        size_t first = 0;
        int seen = rb_str_index_add(&names, list[count].name, c.line, &first);
        if (seen < 0) {
            fail(&c, "line", "out of memory");
            goto error;
        }
        if (seen > 0) {
            fail(&c, "name", "'%s' is already used on line %zu (add name=... to tell them apart)", list[count].name,
                 first);
            goto error;
        }
        count++;
    }
    if (count == 0) {
        if (err != NULL && errlen > 0)
            snprintf(err, errlen, "%s: no problems (only blank lines and comments)", c.path);
        goto error;
    }
    rb_str_index_free(&names);
    *out = list;
    *n = count;
    return 0;
error:
    free(list);
    rb_str_index_free(&names);
    return -1;
}

int rb_workload_parse_file(const char *path, rb_problem **out, size_t *n, char *err, size_t errlen)
{
    *out = NULL;
    *n = 0;
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        if (err != NULL && errlen > 0)
            snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    char *buf = NULL;
    size_t len = 0, cap = 0;
    int rc = -1;
    for (;;) {
        if (cap - len < 4096) {
            size_t ncap = cap ? cap * 2 : 65536;
            char *nb = ncap <= (size_t)FILE_MAX_BYTES + 65536 ? realloc(buf, ncap + 1) : NULL;
            if (nb == NULL) {
                if (err != NULL && errlen > 0)
                    snprintf(err, errlen, "%s: cannot read: larger than %u bytes or out of memory", path,
                             FILE_MAX_BYTES);
                goto done;
            }
            buf = nb;
            cap = ncap;
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        if (err != NULL && errlen > 0)
            snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
        goto done;
    }
    buf[len] = '\0';
    const char *nul = memchr(buf, '\0', len);
    if (nul != NULL) {
        size_t line = 1;
        for (const char *p = buf; p < nul; p++)
            line += *p == '\n';
        if (err != NULL && errlen > 0)
            snprintf(err, errlen, "%s:%zu: line: contains a NUL byte (not a text file?)", path, line);
        goto done;
    }
    rc = rb_workload_parse_string(buf, path, out, n, err, errlen);
done:
    free(buf);
    fclose(f);
    return rc;
}
