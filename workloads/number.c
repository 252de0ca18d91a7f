/* workloads/number.c — owns the strict decimal number parser (see number.h). */
#include "number.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Length of the run of digits at s. */
static size_t digits(const char *s)
{
    size_t n = 0;
    while (is_digit(s[n]))
        n++;
    return n;
}

int rb_number_uint(const char *s, unsigned long long hi, unsigned long long *out)
{
    if (s == NULL || s[0] == '\0' || s[digits(s)] != '\0')
        return RB_NUM_SYNTAX;
    unsigned long long v = 0;
    for (const char *p = s; *p; p++) {
        unsigned d = (unsigned)(*p - '0');
        if (v > (hi - d) / 10 || v * 10 + d > hi) /* past hi (which also keeps it from overflowing) */
            return RB_NUM_RANGE;
        v = v * 10 + d;
    }
    *out = v;
    return RB_NUM_OK;
}

int rb_number_int(const char *s, long long lo, long long hi, long long *out)
{
    if (s == NULL)
        return RB_NUM_SYNTAX;
    int neg = s[0] == '-';
    const char *d = s + neg;
    if (d[0] == '\0' || d[digits(d)] != '\0')
        return RB_NUM_SYNTAX;
    unsigned long long mag = 0;
    /* magnitude bound: |lo| for negatives, hi for positives (0 when the sign is outside the range) */
    unsigned long long bound = neg ? (lo < 0 ? (unsigned long long)(-(lo + 1)) + 1 : 0) : (hi > 0 ? (unsigned long long)hi : 0);
    int rc = rb_number_uint(d, bound, &mag);
    if (rc != RB_NUM_OK)
        return rc;
    long long v = neg ? (mag == 0 ? 0 : -(long long)(mag - 1) - 1) : (long long)mag;
    if (v < lo || v > hi)
        return RB_NUM_RANGE;
    *out = v;
    return RB_NUM_OK;
}

int rb_number_real(const char *s, double lo, double hi, double *out)
{
    if (s == NULL)
        return RB_NUM_SYNTAX;
    const char *p = s + (s[0] == '-');
    size_t whole = digits(p);
    p += whole;
    size_t frac = 0;
    if (*p == '.') {
        frac = digits(p + 1);
        p += 1 + frac;
    }
    if (whole == 0 && frac == 0)
        return RB_NUM_SYNTAX;
    if (*p == 'e' || *p == 'E') {
        p++;
        p += *p == '-';
        size_t e = digits(p);
        if (e == 0)
            return RB_NUM_SYNTAX;
        p += e;
    }
    if (*p != '\0')
        return RB_NUM_SYNTAX;
    errno = 0;
    double v = strtod(s, NULL); /* the grammar above is a subset of what strtod reads */
    if (errno == ERANGE || !isfinite(v) || v < lo || v > hi)
        return RB_NUM_RANGE;
    *out = v;
    return RB_NUM_OK;
}
