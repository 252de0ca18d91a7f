/* backends/brainwave/bw_arch.c — strict parser of the Brainwave architecture file (see bw_arch.h). */
#include "bw_arch.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *key;
    double min, max;
    int is_int;
    int may_be_unavailable;
} param_rule;

static const param_rule rules[BW_P_COUNT] = {
    [BW_P_TILES] = {"tiles", 1, 1024, 1, 0},
    [BW_P_NATIVE_DIM] = {"native_dim", 1, 8192, 1, 0},
    [BW_P_LANES] = {"lanes", 1, 8192, 1, 0},
    [BW_P_CLOCK_MHZ] = {"clock_mhz", 1, 10000, 0, 0},
    [BW_P_MFU_COUNT] = {"mfu_count", 1, 64, 1, 0},
    [BW_P_MFU_LANES] = {"mfu_lanes", 1, 8192, 1, 0},
    [BW_P_MFU_OP_LATENCY] = {"mfu_op_latency", 0, 100000, 1, 0},
    [BW_P_MFU_OPS_LSTM] = {"mfu_ops_lstm", 1, 1000, 1, 0},
    [BW_P_MFU_OPS_GRU] = {"mfu_ops_gru", 1, 1000, 1, 0},
    [BW_P_MFU_OPS_VANILLA] = {"mfu_ops_vanilla", 1, 1000, 1, 0},
    [BW_P_PIPE_LATENCY] = {"pipe_latency", 0, 1000000, 1, 0},
    [BW_P_STEP_SYNC] = {"step_sync", 0, 1000000, 1, 0},
    [BW_P_REQUEST_OVERHEAD] = {"request_overhead", 0, 100000000, 1, 0},
    [BW_P_VRF_VECTORS] = {"vrf_vectors", 1, 1 << 24, 1, 0},
    [BW_P_MRF_MBIT] = {"mrf_mbit", 0.001, 1e6, 0, 0},
    [BW_P_BFP_EXP_BITS] = {"bfp_exp_bits", 2, 8, 1, 0},
    [BW_P_BFP_MANTISSA_BITS] = {"bfp_mantissa_bits", 1, 12, 1, 0},
    [BW_P_BFP_LEADING_BIT] = {"bfp_leading_bit", 0, 1, 1, 0},
    [BW_P_POWER_W] = {"power_w", 0.001, 1e5, 0, 0},
    [BW_P_TDP_W] = {"tdp_w", 0.001, 1e5, 0, 1},
    [BW_P_AREA_MM2] = {"area_mm2", 0.001, 1e5, 0, 1},
};

static const char *const source_tags[] = {"published", "datasheet", "recalled", "derived", "inferred", "assumed",
                                          NULL};

const char *bw_param_key(bw_param p)
{
    return (p >= 0 && p < BW_P_COUNT) ? rules[p].key : NULL;
}

static int fail(char *err, size_t errlen, const char *path, int line, const char *field, const char *why)
{
    if (err && errlen)
        snprintf(err, errlen, "%s:%d: %s: %s", path, line, field, why);
    return -1;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

/* Checks "source: TAG[: text]" and copies "TAG: text" into out. 0 or -1. */
static int parse_source(char *comment, char *out, size_t outlen)
{
    comment = trim(comment);
    if (strncmp(comment, "source:", 7) != 0)
        return -1;
    char *tag = trim(comment + 7);
    size_t taglen = strcspn(tag, ": \t");
    for (int i = 0; source_tags[i]; i++) {
        if (strlen(source_tags[i]) == taglen && strncmp(tag, source_tags[i], taglen) == 0) {
            snprintf(out, outlen, "%s", tag);
            return 0;
        }
    }
    return -1;
}

static int parse_value(const param_rule *r, const char *text, double *out, const char **why)
{
    if (r->may_be_unavailable && strcmp(text, "unavailable") == 0) {
        *out = NAN;
        return 0;
    }
    if (*text == '\0') {
        *why = "missing value";
        return -1;
    }
    char *end = NULL;
    errno = 0;
    double v;
    if (r->is_int) {
        long long k = strtoll(text, &end, 10);
        v = (double)k;
    } else {
        v = strtod(text, &end);
    }
    if (end == text || *end != '\0' || errno == ERANGE || !isfinite(v)) {
        *why = r->is_int ? "not an integer" : "not a number";
        return -1;
    }
    if (v < r->min || v > r->max) {
        *why = "out of range";
        return -1;
    }
    *out = v;
    return 0;
}

int bw_arch_parse_string(const char *text, const char *path, bw_arch *out, char *err, size_t errlen)
{
    bw_arch a;
    memset(&a, 0, sizeof a);
    int seen[BW_P_COUNT] = {0};
    int seen_name = 0;
    int lineno = 0;
    const char *p = text;
    char buf[1024];
    char msg[128];
    while (*p) {
        size_t n = strcspn(p, "\n");
        lineno++;
        if (n >= sizeof buf)
            return fail(err, errlen, path, lineno, "line", "too long");
        memcpy(buf, p, n);
        buf[n] = '\0';
        p += n + (p[n] == '\n');
        char *comment = strchr(buf, '#');
        if (comment)
            *comment++ = '\0';
        char *line = trim(buf);
        if (*line == '\0')
            continue;
        char *eq = strchr(line, '=');
        if (!eq)
            return fail(err, errlen, path, lineno, line, "expected 'key = value'");
        *eq = '\0';
        char *key = trim(line);
        char *val = trim(eq + 1);
        if (*key == '\0')
            return fail(err, errlen, path, lineno, "key", "empty key");
        char src[BW_ARCH_SOURCE_MAX];
        if (!comment || parse_source(comment, src, sizeof src) != 0)
            return fail(err, errlen, path, lineno, key,
                        "needs a '# source: TAG' comment, TAG one of published, datasheet, recalled, derived, "
                        "inferred, assumed");
        if (strcmp(key, "name") == 0) {
            if (seen_name)
                return fail(err, errlen, path, lineno, key, "duplicate key");
            if (*val == '\0' || strlen(val) >= sizeof a.name)
                return fail(err, errlen, path, lineno, key, "empty or too long");
            snprintf(a.name, sizeof a.name, "%s", val);
            snprintf(a.name_source, sizeof a.name_source, "%s", src);
            seen_name = 1;
            continue;
        }
        int idx = -1;
        for (int i = 0; i < BW_P_COUNT; i++)
            if (strcmp(key, rules[i].key) == 0)
                idx = i;
        if (idx < 0)
            return fail(err, errlen, path, lineno, key, "unknown key");
        if (seen[idx])
            return fail(err, errlen, path, lineno, key, "duplicate key");
        const char *why = NULL;
        if (parse_value(&rules[idx], val, &a.v[idx], &why) != 0) {
            if (strcmp(why, "out of range") == 0) {
                snprintf(msg, sizeof msg, "'%s' out of range [%g, %g]", val, rules[idx].min, rules[idx].max);
                why = msg;
            }
            return fail(err, errlen, path, lineno, key, why);
        }
        snprintf(a.source[idx], sizeof a.source[idx], "%s", src);
        seen[idx] = 1;
    }
    if (!seen_name)
        return fail(err, errlen, path, lineno, "name", "missing required key");
    for (int i = 0; i < BW_P_COUNT; i++)
        if (!seen[i])
            return fail(err, errlen, path, lineno, rules[i].key, "missing required key");
    if (a.v[BW_P_LANES] > a.v[BW_P_NATIVE_DIM])
        return fail(err, errlen, path, lineno, "lanes", "must not exceed native_dim");
    snprintf(a.path, sizeof a.path, "%s", path ? path : "");
    *out = a;
    return 0;
}

int bw_arch_load(const char *path, bw_arch *out, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return fail(err, errlen, path, 0, "file", strerror(errno));
    char *text = NULL;
    size_t len = 0, cap = 0;
    char chunk[4096];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (len + got + 1 > cap) {
            cap = (len + got + 1) * 2;
            char *t = realloc(text, cap);
            if (!t) {
                free(text);
                fclose(f);
                return fail(err, errlen, path, 0, "file", "out of memory");
            }
            text = t;
        }
        memcpy(text + len, chunk, got);
        len += got;
    }
    int rd_err = ferror(f);
    fclose(f);
    if (rd_err) {
        free(text);
        return fail(err, errlen, path, 0, "file", "read error");
    }
    if (!text)
        return fail(err, errlen, path, 0, "file", "empty file");
    text[len] = '\0';
    if (strlen(text) != len) {
        free(text);
        return fail(err, errlen, path, 0, "file", "contains NUL bytes");
    }
    int rc = bw_arch_parse_string(text, path, out, err, errlen);
    free(text);
    return rc;
}

double bw_arch_macs(const bw_arch *a)
{
    return a->v[BW_P_TILES] * a->v[BW_P_NATIVE_DIM] * a->v[BW_P_LANES];
}

double bw_arch_peak_gflops(const bw_arch *a)
{
    return 2.0 * bw_arch_macs(a) * a->v[BW_P_CLOCK_MHZ] * 1e-3;
}
