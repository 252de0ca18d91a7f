/* tests/test_spatial_arch.c — the spatial backend's architecture files: the shipped baseline and serving
 * descriptions load with the sourced values, and malformed files fail with "FILE:LINE: field: why". */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "check_main.h"
#include "spatial_arch.h"

/* A minimal valid description used as the base of the error cases. */
static const char *VALID =
    "name = tiny\n grid_rows = 4\n grid_cols = 4\n pcus = 8\n pmus = 8\n lanes = 4\n stages = 4\n"
    "word_bits = 16\n mul_bits = 8\n acc_bits = 32\n macs_per_lane = 2\n pmu_bytes = 4096\n"
    "pmu_read_cycles = 2\n clock_mhz = 500\n combine_fanin = 2\n fifo_depth = 8\n hop_cycles = 1\n"
    "dram_gbps = 4\n dram_pj_per_byte = 100\n dags = 1\n pcu_area_mm2 = 1\n pmu_area_mm2 = 1\n"
    "pcu_power_mw = 100\n pmu_power_mw = 100\n dag_power_mw = 10\n idle_power_frac = 0\n"
    "vector_flit_pj = 1\n scalar_flit_pj = 0.1\n chip_area_mm2 = 20\n chip_power_w = 2\n"
    "lut_entries = 64\n lut_min = -8\n lut_max = 8\n";

static int parse(const char *text, sp_arch *a, char *err)
{
    return sp_arch_parse_string(text, "t.arch", a, err, 256);
}

START_TEST(shipped_files_load)
{
    char path[512], err[256];
    sp_arch a;
    sp_arch_resolve("baseline", path, sizeof path);
    ck_assert_msg(sp_arch_load(path, &a, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(a.pcus, 64);
    ck_assert_int_eq(a.pmus, 64);
    ck_assert_int_eq(a.lanes, 16);
    ck_assert_int_eq(a.stages, 6);
    ck_assert_int_eq(a.pmu_bytes, 262144);
    ck_assert_int_eq(a.mul_bits, 8);
    ck_assert_int_eq(a.acc_bits, 32);
    ck_assert_double_eq_tol(a.clock_mhz, 1000, 1e-9);
    ck_assert_double_eq_tol(a.pcu_area_mm2, 0.849, 1e-9);
    ck_assert_double_eq_tol(a.pmu_power_mw, 300.3135, 1e-9);
    /* 64 x 16 lanes x 6 stages x 2 x 1 GHz = 12.3 TFLOPS fp32 in the Micro'18 abstract; here int8 with
     * 4 MACs per lane: 64 x 16 x 4 x 2 = 8192 GOP/s */
    ck_assert_double_eq_tol(sp_arch_peak_gops(&a), 8192.0, 1e-6);

    sp_arch_resolve(NULL, path, sizeof path);
    ck_assert_msg(sp_arch_load(path, &a, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(a.grid_rows, 24);
    ck_assert_int_eq(a.grid_cols, 24);
    ck_assert_int_eq(a.pcus, 288);
    ck_assert_int_eq(a.pmus, 288);
    /* PAPER.md 2.4: 72 MB of scratchpad, ~509 mm2, ~151 W */
    ck_assert_double_eq_tol((double)a.pmus * a.pmu_bytes / (1 << 20), 72.0, 1e-9);
    ck_assert_double_eq_tol(815.0 / a.chip_area_mm2, 1.6, 0.01);
    ck_assert_double_eq_tol(300.0 / a.chip_power_w, 2.0, 0.02);
    ck_assert_double_eq_tol(a.pcus * (a.pcu_power_mw + a.pmu_power_mw) * 1e-3, a.chip_power_w, 0.1);

    sp_arch b;
    sp_arch_resolve("serving-1mac", path, sizeof path);
    ck_assert_msg(sp_arch_load(path, &b, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(b.macs_per_lane, 1);
    ck_assert_int_eq(b.pcus, a.pcus);
    ck_assert_double_eq_tol(sp_arch_peak_gops(&a), 4 * sp_arch_peak_gops(&b), 1e-6);

    sp_arch_resolve("serving", path, sizeof path);
    ck_assert_ptr_nonnull(strstr(path, "plasticine_serving_24x24.arch"));
    sp_arch_resolve("/x/y.arch", path, sizeof path);
    ck_assert_str_eq(path, "/x/y.arch");

    char key[40][32], val[40][224];
    int n = sp_arch_export(&a, key, val, 40);
    ck_assert_int_ge(n, 10);
    ck_assert_str_eq(key[0], "arch_name");
    ck_assert_str_eq(val[0], "plasticine-serving-24x24");
}
END_TEST

START_TEST(valid_minimal)
{
    sp_arch a;
    char err[256] = "";
    ck_assert_msg(parse(VALID, &a, err) == 0, "%s", err);
    ck_assert_str_eq(a.name, "tiny");
    ck_assert_int_eq(sp_arch_vec_elems(&a), 8);
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
    expect_error("lanes", "lanes = many\n", "t.arch:6: lanes: 'many' is not an integer");
    expect_error("lanes", "lanes = 12\n", "t.arch:6: lanes: 12 lanes");
    expect_error("stages", "stages = 0\n", "t.arch:7: stages: 0 out of range");
    expect_error("stages", "stages = 3\n", "t.arch:7: stages: 3 stages cannot hold");
    expect_error("clock_mhz", "clock_mhz = fast\n", "t.arch:14: clock_mhz: 'fast' is not a number");
    expect_error("pcus", "pcus = 9\n", "t.arch:4: pcus: pcus + pmus = 17 exceeds the 4x4 grid");
    expect_error("macs_per_lane", "macs_per_lane = 4\n", "t.arch:11: macs_per_lane: 4 x 8-bit operands");
    expect_error("lut_max", "lut_max = -9\n", "t.arch:33: lut_max: lut_max must exceed lut_min");
    expect_error("dags", NULL, "t.arch: dags: required key missing");
    expect_error(NULL, "bogus = 1\n", "t.arch:34: bogus: unknown key");
    expect_error(NULL, "lanes = 4\n", "t.arch:34: lanes: duplicate key (first set on line 6)");
    expect_error(NULL, "just words\n", "t.arch:34: just words: expected 'key = value'");
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
    tcase_add_test(tc, shipped_files_load);
    tcase_add_test(tc, valid_minimal);
    tcase_add_test(tc, parse_errors);
    tcase_add_test(tc, file_round_trip);
    suite_add_tcase(s, tc);
    return rb_check_run(s);
}
