/* tests/test_spatial_arch.c — the spatial backend's architecture files: the paper's chip (the default) and the
 * what-if variants load with their sourced values, and malformed files fail with "FILE:LINE: field: why". */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "check_main.h"
#include "spatial_arch.h"

/* A minimal valid description used as the base of the error cases: one key per line, in this order. */
static const char *VALID =
    "name = tiny\n grid_rows = 4\n grid_cols = 4\n pcus = 8\n pmus = 8\n xh_private = 1\n dags = 2\n"
    "clock_mhz = 500\n lanes = 4\n stages = 4\n word_bits = 16\n mul_bits = 8\n acc_bits = 32\n"
    "macs_per_lane = 2\n mr_fused_cycles = 2\n tree_folded = 1\n pcu_scalar_in = 4\n pmu_bytes = 4096\n"
    "pmu_read_cycles = 2\n pmu_addr_stages = 4\n hop_cycles = 1\n fifo_depth = 8\n step_overhead_cycles = 10\n"
    "h_writeback_per_cycle = 1\n dram_gbps = 4\n dram_pj_per_byte = 100\n pcu_area_mm2 = 1\n pmu_area_mm2 = 1\n"
    "pcu_power_mw = 100\n pmu_power_mw = 100\n dag_power_mw = 10\n idle_power_frac = 0\n vector_flit_pj = 1\n"
    "scalar_flit_pj = 0.1\n chip_area_mm2 = 20\n chip_power_w = 2\n lut_entries = 64\n lut_min = -8\n"
    "lut_max = 8\n";

static int parse(const char *text, sp_arch *a, char *err)
{
    return sp_arch_parse_string(text, "t.arch", a, err, 256);
}

static void load(const char *which, sp_arch *a)
{
    char path[512], err[256] = "";
    sp_arch_resolve(which, path, sizeof path);
    ck_assert_msg(sp_arch_load(path, a, err, sizeof err) == 0, "%s", err);
}

START_TEST(paper_chip_is_the_default)
{
    sp_arch a;
    load(NULL, &a);
    ck_assert_str_eq(a.name, "plasticine-sysml19");
    /* the paper's §5.1 / Tables 3-5: 24 x 24, 192 PCU + 384 PMU, 16 lanes, 4 stages, 84 kB, 1 GHz, 494.37 mm2,
     * 160 W */
    ck_assert_int_eq(a.grid_rows, 24);
    ck_assert_int_eq(a.grid_cols, 24);
    ck_assert_int_eq(a.pcus, 192);
    ck_assert_int_eq(a.pmus, 384);
    ck_assert_int_eq(a.lanes, 16);
    ck_assert_int_eq(a.stages, 4);
    ck_assert_int_eq(a.pmu_bytes, 84 * 1024);
    ck_assert_double_eq_tol((double)a.pmus * a.pmu_bytes / (1 << 20), 31.5, 1e-9);
    ck_assert_double_eq_tol(a.clock_mhz, 1000, 1e-9);
    ck_assert_double_eq_tol(a.chip_area_mm2, 494.37, 1e-9);
    ck_assert_double_eq_tol(a.chip_power_w, 160, 1e-9);
    ck_assert_int_eq(a.dags, 48);
    /* 160 W TDP = the units' busy power: 192 x 224 + 384 x 300.3 + 48 x 31.4 mW = 159.8 W */
    double tdp = (a.pcus * a.pcu_power_mw + a.pmus * a.pmu_power_mw + a.dags * a.dag_power_mw) * 1e-3;
    ck_assert_double_eq_tol(tdp, a.chip_power_w, 0.5);
    /* §4.1: 64 8-bit MACs per PCU per cycle, map-reduce latency 2 + log2(16) + 1 = 7 cycles; 192 x 64 x 2 x 1
     * GHz = 24.6 T 8-bit ops/s from the MVM */
    ck_assert_int_eq(sp_arch_vec_elems(&a), 64);
    ck_assert_int_eq(sp_arch_mvm_latency(&a), 7);
    ck_assert_double_eq_tol(sp_arch_peak_gops(&a), 24576.0, 1e-6);
    ck_assert_int_eq(a.xh_private, 1);
    ck_assert_int_eq(sp_arch_combine_fanin(&a), 4);

    char key[40][32], val[40][224];
    int n = sp_arch_export(&a, key, val, 40);
    ck_assert_int_ge(n, 10);
    ck_assert_str_eq(key[0], "arch_name");
    ck_assert_str_eq(val[0], "plasticine-sysml19");
    int calibrated = 0;
    for (int i = 0; i < n; i++)
        calibrated += strcmp(key[i], "calibrated") == 0;
    ck_assert_int_eq(calibrated, 1);
}
END_TEST

START_TEST(whatif_variants)
{
    sp_arch paper, one, isca;
    load("sysml19", &paper);
    load("sysml19-1mac", &one);
    load("isca17", &isca);
    ck_assert_ptr_nonnull(strstr(one.name, "whatif"));
    ck_assert_ptr_nonnull(strstr(isca.name, "whatif"));
    /* without §4.1's packing: a quarter of the MACs, the ISCA'17 6-stage PCU with a per-level tree */
    ck_assert_int_eq(one.pcus, paper.pcus);
    ck_assert_double_eq_tol(sp_arch_peak_gops(&paper), 4 * sp_arch_peak_gops(&one), 1e-6);
    ck_assert_int_eq(sp_arch_mvm_latency(&one), 1 + 4 + 1);
    /* the ISCA 2017 chip: 16 x 8, 64 + 64 units of 256 kB, 113 mm2, 49 W */
    ck_assert_int_eq(isca.pcus, 64);
    ck_assert_int_eq(isca.pmus, 64);
    ck_assert_int_eq(isca.pmu_bytes, 262144);
    ck_assert_int_eq(isca.stages, 6);
    ck_assert_double_eq_tol(isca.chip_area_mm2, 113.0, 1e-9);
    sp_arch alias;
    load("baseline", &alias);
    ck_assert_str_eq(alias.name, isca.name);

    char path[512];
    sp_arch_resolve("sysml19", path, sizeof path);
    ck_assert_ptr_nonnull(strstr(path, "plasticine_sysml19.arch"));
    sp_arch_resolve("/x/y.arch", path, sizeof path);
    ck_assert_str_eq(path, "/x/y.arch");
}
END_TEST

START_TEST(valid_minimal)
{
    sp_arch a;
    char err[256] = "";
    ck_assert_msg(parse(VALID, &a, err) == 0, "%s", err);
    ck_assert_str_eq(a.name, "tiny");
    ck_assert_int_eq(sp_arch_vec_elems(&a), 8);
    ck_assert_int_eq(sp_arch_mvm_latency(&a), 2 + 2 + 1);
    ck_assert_double_eq_tol(a.h_writeback_per_cycle, 1.0, 1e-12);
}
END_TEST

/* Replace the line starting with `key` in VALID by `line` (or drop it when line is NULL / append when the
 * key is absent), then expect a parse failure whose message starts with `prefix`. */
static void expect_error(const char *key, const char *line, const char *prefix)
{
    char text[4096] = "";
    const char *p = VALID;
    int replaced = 0;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = (size_t)(nl - p) + 1;
        char cur[256];
        memcpy(cur, p, len);
        cur[len] = '\0';
        const char *k = cur;
        while (*k == ' ')
            k++;
        if (key && strncmp(k, key, strlen(key)) == 0 && k[strlen(key)] == ' ') {
            if (line)
                strcat(text, line);
            replaced = 1;
        } else {
            strcat(text, cur);
        }
        p += len;
    }
    if (!replaced && line)
        strcat(text, line);
    sp_arch a;
    char err[256] = "";
    ck_assert_int_eq(parse(text, &a, err), -1);
    ck_assert_msg(strncmp(err, prefix, strlen(prefix)) == 0, "got '%s', want prefix '%s'", err, prefix);
}

START_TEST(parse_errors)
{
    expect_error("lanes", "lanes = many\n", "t.arch:9: lanes: 'many' is not an integer");
    expect_error("lanes", "lanes = 12\n", "t.arch:9: lanes: 12 lanes");
    expect_error("stages", "stages = 0\n", "t.arch:10: stages: 0 out of range");
    expect_error("stages", "stages = 2\n", "t.arch:10: stages: 2 stages cannot hold");
    expect_error("tree_folded", "tree_folded = 0\n", "t.arch:10: stages: 4 stages cannot hold");
    expect_error("tree_folded", "tree_folded = 2\n", "t.arch:16: tree_folded: 2 out of range");
    expect_error("clock_mhz", "clock_mhz = fast\n", "t.arch:8: clock_mhz: 'fast' is not a number");
    expect_error("pcus", "pcus = 9\n", "t.arch:4: pcus: pcus + pmus = 17 exceeds the 4x4 grid");
    expect_error("macs_per_lane", "macs_per_lane = 4\n", "t.arch:14: macs_per_lane: 4 x 8-bit operands");
    expect_error("h_writeback_per_cycle", "h_writeback_per_cycle = 0\n",
                 "t.arch:24: h_writeback_per_cycle: 0 out of range");
    expect_error("dags", "dags = 17\n", "t.arch:7: dags: 17 DAGs do not fit");
    expect_error("lut_max", "lut_max = -9\n", "t.arch:39: lut_max: lut_max must exceed lut_min");
    expect_error("dags", NULL, "t.arch: dags: required key missing");
    expect_error(NULL, "bogus = 1\n", "t.arch:40: bogus: unknown key");
    expect_error(NULL, "lanes = 4\n", "t.arch:40: lanes: duplicate key (first set on line 9)");
    expect_error(NULL, "just words\n", "t.arch:40: just words: expected 'key = value'");
    expect_error("name", "name = two words\n", "t.arch:1: name: must not contain spaces");

    sp_arch a;
    char err[256];
    ck_assert_int_eq(sp_arch_load(RB_TEST_TMPDIR "/no-such.arch", &a, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "no-such.arch: cannot open"));
}
END_TEST

START_TEST(file_round_trip)
{
    const char *path = RB_TEST_TMPDIR "/spatial_tiny.arch";
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("# comment line\n", f);
    fputs(VALID, f);
    fclose(f);
    sp_arch a;
    char err[256] = "";
    ck_assert_msg(sp_arch_load(path, &a, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(a.pmu_bytes, 4096);
    ck_assert_str_eq(a.path, path);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("spatial_arch");
    TCase *tc = tcase_create("arch");
    tcase_add_test(tc, paper_chip_is_the_default);
    tcase_add_test(tc, whatif_variants);
    tcase_add_test(tc, valid_minimal);
    tcase_add_test(tc, parse_errors);
    tcase_add_test(tc, file_round_trip);
    suite_add_tcase(s, tc);
    return rb_check_run(s);
}
