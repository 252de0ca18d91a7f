/* harness/csv_read.c — owns the strict CSV reader of csv_read.h: line reading with a length limit, comment and
 * blank-line skipping, quoted-field splitting and the header/row field-count checks. */
#include "csv_read.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int rb_csv_split(char *line, char **fields, int max, const char **why)
{
    int n = 0;
    char *p = line;
    for (;;) {
        if (n == max) {
            *why = "too many fields";
            return -1;
        }
        if (*p == '"') {
            char *out = ++p;
            fields[n++] = out;
            for (;;) {
                if (*p == '\0') {
                    *why = "a quoted field is not closed on its line";
                    return -1;
                }
                if (*p == '"' && p[1] == '"') {
                    *out++ = '"';
                    p += 2;
                } else if (*p == '"') {
                    p++;
                    break;
                } else {
                    *out++ = *p++;
                }
            }
            if (*p != '\0' && *p != ',') {
                *why = "text after the closing quote of a field";
                return -1;
            }
            *out = '\0'; /* out <= p - 1, so this never hides the separator */
            if (*p == '\0') return n;
            p++;
        } else {
            fields[n++] = p;
            char *end = p + strcspn(p, ",\"");
            if (*end == '"') {
                *why = "a quote inside an unquoted field (quote the whole field and double the quote)";
                return -1;
            }
            if (*end == '\0') return n;
            *end = '\0';
            p = end + 1;
        }
    }
}

/* Reads one line into buf. 1 a line, 0 end of file, -1 error (why set). */
static int read_line(rb_csv *c, char *buf, const char **why)
{
    if (!fgets(buf, RB_CSV_LINE_MAX + 2, c->f)) {
        if (ferror(c->f)) {
            *why = strerror(errno);
            return -1;
        }
        return 0;
    }
    c->line++;
    size_t len = strlen(buf);
    int had_newline = len > 0 && buf[len - 1] == '\n';
    if (had_newline) buf[--len] = '\0';
    if (!had_newline && !feof(c->f)) {
        *why = "line too long (at most 4096 characters)";
        return -1;
    }
    if (len > 0 && buf[len - 1] == '\r') buf[--len] = '\0';
    if (strlen(buf) != len) {
        *why = "NUL byte in the line";
        return -1;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)buf[i];
        if (ch < 0x20 || ch > 0x7e) {
            *why = ch == '\t' ? "tab character (not allowed)" : "non-printable or non-ASCII character";
            return -1;
        }
    }
    return 1;
}

/* Next line that is neither blank nor a comment. */
static int next_content_line(rb_csv *c, char *buf, const char **why)
{
    for (;;) {
        int r = read_line(c, buf, why);
        if (r <= 0) return r;
        const char *p = buf;
        while (*p == ' ') p++;
        if (*p != '\0' && *p != '#') return 1;
    }
}

int rb_csv_open(rb_csv *c, const char *path, char *err, size_t errlen)
{
    memset(c, 0, sizeof *c);
    c->path = path;
    c->f = fopen(path, "r");
    if (!c->f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    const char *why = NULL;
    int r = next_content_line(c, c->header, &why);
    if (r == 0) {
        snprintf(err, errlen, "%s: no header line (the file holds only comments or nothing)", path);
        goto fail;
    }
    if (r < 0) goto bad;
    c->ncols = rb_csv_split(c->header, c->names, RB_CSV_MAX_COLS, &why);
    if (c->ncols < 0) goto bad;
    for (int i = 0; i < c->ncols; i++) {
        if (c->names[i][0] == '\0') {
            snprintf(err, errlen, "%s:%d: header: column %d has no name", path, c->line, i + 1);
            goto fail;
        }
        for (int k = 0; k < i; k++)
            if (strcmp(c->names[k], c->names[i]) == 0) {
                snprintf(err, errlen, "%s:%d: header: column '%s' given twice", path, c->line, c->names[i]);
                goto fail;
            }
    }
    return 0;
bad:
    snprintf(err, errlen, "%s:%d: %s", path, c->line, why);
fail:
    fclose(c->f);
    c->f = NULL;
    return -1;
}

int rb_csv_next(rb_csv *c, char *err, size_t errlen)
{
    const char *why = NULL;
    int r = next_content_line(c, c->buf, &why);
    if (r == 0) return 0;
    if (r > 0) {
        int nf = rb_csv_split(c->buf, c->fields, RB_CSV_MAX_COLS, &why);
        if (nf >= 0 && nf != c->ncols) {
            snprintf(err, errlen, "%s:%d: %d field(s) where the header has %d", c->path, c->line, nf, c->ncols);
            return -1;
        }
        if (nf >= 0) return 1;
    }
    snprintf(err, errlen, "%s:%d: %s", c->path, c->line, why);
    return -1;
}

int rb_csv_column(const rb_csv *c, const char *name)
{
    for (int i = 0; i < c->ncols; i++)
        if (strcmp(c->names[i], name) == 0) return i;
    return -1;
}

const char *rb_csv_field(const rb_csv *c, int col)
{
    return col >= 0 && col < c->ncols ? c->fields[col] : "";
}

void rb_csv_close(rb_csv *c)
{
    if (c->f) fclose(c->f);
    c->f = NULL;
}
