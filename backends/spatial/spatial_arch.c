/* backends/spatial/spatial_arch.c — strict parser for the accelerator description files (the arch/ folder),
 * the shipped-file shortcuts, derived quantities and the key/value export. */
#include "spatial_arch.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef RB_SPATIAL_ARCH_DIR
#define RB_SPATIAL_ARCH_DIR "."
#endif

typedef enum { F_STR, F_INT, F_LONG, F_DBL } field_type;

typedef struct {
    const char *key;
    field_type type;
    size_t off;
    double lo, hi; /* inclusive range for numbers */
} field_desc;

#define FD(k, t, lo, hi) { #k, t, offsetof(sp_arch, k), lo, hi }
static const field_desc FIELDS[] = {
    FD(name, F_STR, 0, 0),
    FD(grid_rows, F_INT, 1, 4096),
    FD(grid_cols, F_INT, 1, 4096),
    FD(pcus, F_INT, 1, 1 << 20),
    FD(pmus, F_INT, 1, 1 << 20),
    FD(xh_private, F_INT, 0, 1),
    FD(dags, F_INT, 0, 1 << 16),
    FD(clock_mhz, F_DBL, 1, 1e5),
    FD(lanes, F_INT, 1, 1024),
    FD(stages, F_INT, 1, 64),
    FD(word_bits, F_INT, 8, 64),
    FD(mul_bits, F_INT, 1, 64),
    FD(acc_bits, F_INT, 8, 64),
    FD(macs_per_lane, F_INT, 1, 64),
    FD(mr_fused_cycles, F_INT, 1, 16),
    FD(tree_folded, F_INT, 0, 1),
    FD(pcu_scalar_in, F_INT, 2, 64),
    FD(pmu_bytes, F_LONG, 1024, 1e12),
    FD(pmu_read_cycles, F_INT, 1, 1000),
    FD(pmu_addr_stages, F_INT, 1, 64),
    FD(hop_cycles, F_INT, 0, 1000),
    FD(fifo_depth, F_INT, 1, 1 << 16),
    FD(step_overhead_cycles, F_INT, 0, 1 << 20),
    FD(h_writeback_per_cycle, F_DBL, 0.01, 1e6),
    FD(dram_gbps, F_DBL, 1e-3, 1e6),
    FD(dram_pj_per_byte, F_DBL, 0, 1e6),
    FD(pcu_area_mm2, F_DBL, 0, 1e4),
    FD(pmu_area_mm2, F_DBL, 0, 1e4),
    FD(pcu_power_mw, F_DBL, 0, 1e6),
    FD(pmu_power_mw, F_DBL, 0, 1e6),
    FD(dag_power_mw, F_DBL, 0, 1e6),
    FD(idle_power_frac, F_DBL, 0, 1),
    FD(vector_flit_pj, F_DBL, 0, 1e6),
    FD(scalar_flit_pj, F_DBL, 0, 1e6),
    FD(chip_area_mm2, F_DBL, 0, 1e6),
    FD(chip_power_w, F_DBL, 0, 1e6),
    FD(lut_entries, F_INT, 2, 1 << 24),
    FD(lut_min, F_DBL, -1e6, 1e6),
    FD(lut_max, F_DBL, -1e6, 1e6),
};
#define NFIELDS ((int)(sizeof FIELDS / sizeof FIELDS[0]))

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    return s;
}

static int set_field(sp_arch *a, const field_desc *f, const char *v, char *why, size_t whylen)
{
    char *end = NULL;
    errno = 0;
    switch (f->type) {
    case F_STR: {
        char *dst = (char *)a + f->off;
        size_t n = strlen(v);
        if (n == 0 || n >= sizeof a->name)
            return snprintf(why, whylen, "must be 1..%zu characters", sizeof a->name - 1), -1;
        for (size_t i = 0; i < n; i++)
            if (isspace((unsigned char)v[i]))
                return snprintf(why, whylen, "must not contain spaces"), -1;
        memcpy(dst, v, n + 1);
        return 0;
    }
    case F_INT:
    case F_LONG: {
        long long x = strtoll(v, &end, 10);
        if (errno || end == v || *end)
            return snprintf(why, whylen, "'%s' is not an integer", v), -1;
        if ((double)x < f->lo || (double)x > f->hi)
            return snprintf(why, whylen, "%lld out of range [%.0f, %.0f]", x, f->lo, f->hi), -1;
        if (f->type == F_INT)
            *(int *)((char *)a + f->off) = (int)x;
        else
            *(long *)((char *)a + f->off) = (long)x;
        return 0;
    }
    case F_DBL: {
        double x = strtod(v, &end);
        if (errno || end == v || *end || !isfinite(x))
            return snprintf(why, whylen, "'%s' is not a number", v), -1;
        if (x < f->lo || x > f->hi)
            return snprintf(why, whylen, "%g out of range [%g, %g]", x, f->lo, f->hi), -1;
        *(double *)((char *)a + f->off) = x;
        return 0;
    }
    }
    return -1;
}

static int is_pow2(int x) { return x > 0 && (x & (x - 1)) == 0; }

/* Cross-field checks; returns the offending field name or NULL. */
static const char *check_consistency(const sp_arch *a, char *why, size_t whylen)
{
    if ((long)a->pcus + a->pmus > (long)a->grid_rows * a->grid_cols) {
        snprintf(why, whylen, "pcus + pmus = %d exceeds the %dx%d grid", a->pcus + a->pmus, a->grid_rows,
                 a->grid_cols);
        return "pcus";
    }
    if (!is_pow2(a->lanes)) {
        snprintf(why, whylen, "%d lanes: the cross-lane reduction tree needs a power of two", a->lanes);
        return "lanes";
    }
    if (a->mul_bits > a->word_bits) {
        snprintf(why, whylen, "%d-bit multiply wider than the %d-bit word", a->mul_bits, a->word_bits);
        return "mul_bits";
    }
    if (a->macs_per_lane * a->mul_bits > a->word_bits) {
        snprintf(why, whylen, "%d x %d-bit operands do not pack into a %d-bit lane", a->macs_per_lane,
                 a->mul_bits, a->word_bits);
        return "macs_per_lane";
    }
    if (a->acc_bits < 2 * a->mul_bits) {
        snprintf(why, whylen, "%d-bit accumulator narrower than a %d x %d-bit product", a->acc_bits, a->mul_bits,
                 a->mul_bits);
        return "acc_bits";
    }
    /* the PCU must hold the dot-product pipeline: map stages, cross-lane tree (folded: one stage), accumulate */
    int tree = sp_arch_log2_lanes(a);
    int need = a->mr_fused_cycles + (a->tree_folded ? 1 : tree + 1);
    if (a->stages < need) {
        snprintf(why, whylen, "%d stages cannot hold %d map stage(s) + %s lane tree + accumulate", a->stages,
                 a->mr_fused_cycles, a->tree_folded ? "a folded" : "a per-level");
        return "stages";
    }
    if (a->dags > 2 * a->grid_rows + 2 * a->grid_cols) {
        snprintf(why, whylen, "%d DAGs do not fit around a %dx%d grid", a->dags, a->grid_rows, a->grid_cols);
        return "dags";
    }
    if (!(a->lut_max > a->lut_min)) {
        snprintf(why, whylen, "lut_max must exceed lut_min");
        return "lut_max";
    }
    if ((long)a->lut_entries * (a->word_bits / 8) > a->pmu_bytes) {
        snprintf(why, whylen, "a %d-entry table of %d-bit words does not fit one PMU", a->lut_entries,
                 a->word_bits);
        return "lut_entries";
    }
    return NULL;
}

int sp_arch_parse_string(const char *text, const char *path, sp_arch *a, char *err, size_t errlen)
{
    memset(a, 0, sizeof *a);
    snprintf(a->path, sizeof a->path, "%s", path);
    int seen_line[NFIELDS];
    memset(seen_line, 0, sizeof seen_line);
    char why[160];
    int lineno = 0;
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        lineno++;
        char buf[512];
        if (len >= sizeof buf) {
            snprintf(err, errlen, "%s:%d: line: longer than %zu characters", path, lineno, sizeof buf - 1);
            return -1;
        }
        memcpy(buf, p, len);
        buf[len] = '\0';
        p = nl ? nl + 1 : p + len;
        char *hash = strchr(buf, '#');
        if (hash)
            *hash = '\0';
        char *s = trim(buf);
        if (!*s)
            continue;
        char *eq = strchr(s, '=');
        if (!eq) {
            snprintf(err, errlen, "%s:%d: %s: expected 'key = value'", path, lineno, s);
            return -1;
        }
        *eq = '\0';
        char *key = trim(s), *val = trim(eq + 1);
        int fi = -1;
        for (int i = 0; i < NFIELDS; i++)
            if (strcmp(FIELDS[i].key, key) == 0)
                fi = i;
        if (fi < 0) {
            snprintf(err, errlen, "%s:%d: %s: unknown key", path, lineno, key);
            return -1;
        }
        if (seen_line[fi]) {
            snprintf(err, errlen, "%s:%d: %s: duplicate key (first set on line %d)", path, lineno, key,
                     seen_line[fi]);
            return -1;
        }
        if (set_field(a, &FIELDS[fi], val, why, sizeof why) != 0) {
            snprintf(err, errlen, "%s:%d: %s: %s", path, lineno, key, why);
            return -1;
        }
        seen_line[fi] = lineno;
    }
    for (int i = 0; i < NFIELDS; i++)
        if (!seen_line[i]) {
            snprintf(err, errlen, "%s: %s: required key missing", path, FIELDS[i].key);
            return -1;
        }
    const char *bad = check_consistency(a, why, sizeof why);
    if (bad) {
        int fi = 0;
        for (int i = 0; i < NFIELDS; i++)
            if (strcmp(FIELDS[i].key, bad) == 0)
                fi = i;
        snprintf(err, errlen, "%s:%d: %s: %s", path, seen_line[fi], bad, why);
        return -1;
    }
    return 0;
}

int sp_arch_load(const char *path, sp_arch *a, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    size_t cap = 4096, n = 0;
    char *text = malloc(cap);
    if (!text) {
        fclose(f);
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    size_t got;
    while ((got = fread(text + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (n + 1 >= cap) {
            if (cap >= (1u << 20)) {
                free(text);
                fclose(f);
                snprintf(err, errlen, "%s: larger than 1 MiB", path);
                return -1;
            }
            char *t = realloc(text, cap * 2);
            if (!t) {
                free(text);
                fclose(f);
                snprintf(err, errlen, "%s: out of memory", path);
                return -1;
            }
            text = t;
            cap *= 2;
        }
    }
    fclose(f);
    text[n] = '\0';
    if (strlen(text) != n) {
        free(text);
        snprintf(err, errlen, "%s: contains a NUL byte", path);
        return -1;
    }
    int rc = sp_arch_parse_string(text, path, a, err, errlen);
    free(text);
    return rc;
}

void sp_arch_resolve(const char *opt, char *out, size_t outlen)
{
    if (!opt || !*opt || strcmp(opt, "sysml19") == 0)
        snprintf(out, outlen, "%s/arch/plasticine_sysml19.arch", RB_SPATIAL_ARCH_DIR);
    else if (strcmp(opt, "sysml19-1mac") == 0)
        snprintf(out, outlen, "%s/arch/whatif_sysml19_1mac.arch", RB_SPATIAL_ARCH_DIR);
    else if (strcmp(opt, "isca17") == 0 || strcmp(opt, "baseline") == 0)
        snprintf(out, outlen, "%s/arch/whatif_isca17_16x8.arch", RB_SPATIAL_ARCH_DIR);
    else
        snprintf(out, outlen, "%s", opt);
}

int sp_arch_vec_elems(const sp_arch *a) { return a->lanes * a->macs_per_lane; }

double sp_arch_peak_gops(const sp_arch *a)
{
    return (double)a->pcus * a->lanes * a->macs_per_lane * 2.0 * a->clock_mhz * 1e-3;
}

double sp_arch_dram_bytes_per_cycle(const sp_arch *a) { return a->dram_gbps * 1e3 / a->clock_mhz; }

int sp_arch_log2_lanes(const sp_arch *a)
{
    int t = 0;
    for (int l = a->lanes; l > 1; l >>= 1)
        t++;
    return t;
}

int sp_arch_mvm_latency(const sp_arch *a) { return a->mr_fused_cycles + sp_arch_log2_lanes(a) + 1; }

int sp_arch_combine_fanin(const sp_arch *a)
{
    return a->pcu_scalar_in < a->stages + 1 ? a->pcu_scalar_in : a->stages + 1;
}

int sp_arch_export(const sp_arch *a, char (*key)[32], char (*val)[224], int max)
{
    int n = 0;
#define EXP(k, ...)                                                                                          \
    do {                                                                                                     \
        if (n < max) {                                                                                       \
            snprintf(key[n], 32, "%s", k);                                                                   \
            snprintf(val[n], 224, __VA_ARGS__);                                                              \
            n++;                                                                                             \
        }                                                                                                    \
    } while (0)
    EXP("arch_name", "%s", a->name);
    EXP("arch_file", "%s", a->path);
    EXP("grid", "%dx%d", a->grid_rows, a->grid_cols);
    EXP("units", "%d PCU + %d PMU", a->pcus, a->pmus);
    EXP("pcu", "%d lanes x %d stages, %d x %d-bit MAC/lane, %d-bit acc, MVM latency %d (%s tree)", a->lanes,
        a->stages, a->macs_per_lane, a->mul_bits, a->acc_bits, sp_arch_mvm_latency(a),
        a->tree_folded ? "folded" : "per-level");
    EXP("pmu_bytes", "%ld", a->pmu_bytes);
    EXP("xh_operand", "%s", a->xh_private ? "one PMU per MVM PCU" : "shared slice PMUs, broadcast");
    EXP("clock_mhz", "%g", a->clock_mhz);
    EXP("peak_gops", "%g", sp_arch_peak_gops(a));
    EXP("network", "hop %d cycle(s), combine fan-in %d, fifo %d", a->hop_cycles, sp_arch_combine_fanin(a),
        a->fifo_depth);
    EXP("calibrated", "step overhead %d cycles, h write-back %g/cycle, idle power %g", a->step_overhead_cycles,
        a->h_writeback_per_cycle, a->idle_power_frac);
    EXP("dram", "%g GB/s, %g pJ/B, %d DAGs", a->dram_gbps, a->dram_pj_per_byte, a->dags);
    EXP("unit_area_mm2", "PCU %g, PMU %g", a->pcu_area_mm2, a->pmu_area_mm2);
    EXP("unit_power_mw", "PCU %g, PMU %g, DAG %g, idle frac %g", a->pcu_power_mw, a->pmu_power_mw,
        a->dag_power_mw, a->idle_power_frac);
    EXP("chip", "%g mm2, %g W", a->chip_area_mm2, a->chip_power_w);
    EXP("lut", "%d entries over [%g, %g)", a->lut_entries, a->lut_min, a->lut_max);
#undef EXP
    return n;
}
