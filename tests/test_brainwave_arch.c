/* tests/test_brainwave_arch.c — the Brainwave architecture file: the shipped BW_S10 description, strict
 * FILE:LINE: field: why errors, and the backend's arch=/format= options and config export. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "backend.h"
#include "bw_arch.h"

extern const rb_backend rb_backend_brainwave;

#define ARCH_PATH RB_SOURCE_DIR "/backends/brainwave/bw_s10.arch"

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    ck_assert_int_eq(fread(s, 1, (size_t)n, f), (size_t)n);
    s[n] = '\0';
    fclose(f);
    return s;
}

/* The default file with the line starting with `key` replaced by `line` (NULL: deleted). */
static char *edited(const char *key, const char *line)
{
    char *src = slurp(ARCH_PATH);
    size_t cap = strlen(src) + 512;
    char *out = calloc(cap, 1);
    const char *p = src;
    int replaced = 0;
    while (*p) {
        size_t n = strcspn(p, "\n");
        size_t kl = strlen(key);
        if (!replaced && strncmp(p, key, kl) == 0 && (p[kl] == ' ' || p[kl] == '=')) {
            if (line) {
                strcat(out, line);
                strcat(out, "\n");
            }
            replaced = 1;
        } else {
            strncat(out, p, n);
            strcat(out, "\n");
        }
        p += n + (p[n] == '\n');
    }
    ck_assert_msg(replaced, "no line for %s", key);
    free(src);
    return out;
}

static int line_of(const char *text, const char *key)
{
    int line = 1;
    size_t kl = strlen(key);
    for (const char *p = text; *p; p++) {
        if ((p == text || p[-1] == '\n') && strncmp(p, key, kl) == 0)
            return line;
        if (*p == '\n')
            line++;
    }
    return -1;
}

/* Parses text and expects failure with "t.arch:LINE: FIELD:" as the message prefix. */
static void expect_error(const char *text, int line, const char *field)
{
    bw_arch a;
    char err[256] = "", want[128];
    ck_assert_int_eq(bw_arch_parse_string(text, "t.arch", &a, err, sizeof err), -1);
    snprintf(want, sizeof want, "t.arch:%d: %s:", line, field);
    ck_assert_msg(strncmp(err, want, strlen(want)) == 0, "got '%s', want prefix '%s'", err, want);
}

START_TEST(default_file_loads)
{
    bw_arch a;
    char err[256];
    ck_assert_msg(bw_arch_load(ARCH_PATH, &a, err, sizeof err) == 0, "%s", err);
    ck_assert_str_eq(a.name, "BW_S10");
    ck_assert_int_eq(bw_arch_int(&a, BW_P_TILES), 6);
    ck_assert_int_eq(bw_arch_int(&a, BW_P_NATIVE_DIM), 400);
    ck_assert_int_eq(bw_arch_int(&a, BW_P_LANES), 40);
    ck_assert_double_eq(a.v[BW_P_CLOCK_MHZ], 250.0);
    ck_assert_double_eq(a.v[BW_P_POWER_W], 125.0);
    ck_assert_double_eq(a.v[BW_P_TDP_W], 148.0);
    ck_assert_double_eq(a.v[BW_P_AREA_MM2], 1200.0);
    ck_assert(strncmp(a.source[BW_P_POWER_W], "published:", 10) == 0);
    ck_assert(strncmp(a.source[BW_P_TDP_W], "published:", 10) == 0);
    ck_assert(strncmp(a.source[BW_P_AREA_MM2], "published:", 10) == 0);
    ck_assert(strstr(a.source[BW_P_AREA_MM2], "ESTIMATE") != NULL);
    ck_assert_int_eq(bw_arch_int(&a, BW_P_REQUEST_OVERHEAD), 2620);
    ck_assert(strncmp(a.source[BW_P_REQUEST_OVERHEAD], "inferred:", 9) == 0);
    ck_assert(strncmp(a.source[BW_P_PIPE_LATENCY], "inferred:", 9) == 0);
    ck_assert(strncmp(a.source[BW_P_MFU_OPS_GRU], "derived:", 8) == 0);
    for (int i = 0; i < BW_P_COUNT; i++)
        ck_assert_msg(a.source[i][0] != '\0', "%s has no source", bw_param_key((bw_param)i));
}
END_TEST

START_TEST(strict_errors_with_file_and_line)
{
    char *base = slurp(ARCH_PATH);
    int tiles_line = line_of(base, "tiles ");
    ck_assert_int_gt(tiles_line, 0);
    char *t;
    t = edited("tiles", "tiles = six  # source: recalled");
    expect_error(t, tiles_line, "tiles");
    free(t);
    t = edited("tiles", "tiles = 0  # source: recalled");
    expect_error(t, tiles_line, "tiles");
    free(t);
    t = edited("tiles", "tiles = 6.5  # source: recalled");
    expect_error(t, tiles_line, "tiles");
    free(t);
    t = edited("tiles", "tiles = 6");
    expect_error(t, tiles_line, "tiles"); /* no source tag */
    free(t);
    t = edited("tiles", "tiles = 6  # source: guessed");
    expect_error(t, tiles_line, "tiles"); /* unknown tag */
    free(t);
    t = edited("tiles", "tiles = 6  # source: recalled\ntiles = 7  # source: assumed");
    expect_error(t, tiles_line + 1, "tiles"); /* duplicate */
    free(t);
    t = edited("tiles", "tiels = 6  # source: recalled");
    expect_error(t, tiles_line, "tiels"); /* unknown key */
    free(t);
    t = edited("tiles", "tiles 6  # source: recalled");
    expect_error(t, tiles_line, "tiles 6"); /* no '=' */
    free(t);
    t = edited("clock_mhz", "clock_mhz = fast  # source: recalled");
    expect_error(t, line_of(base, "clock_mhz"), "clock_mhz");
    free(t);
    t = edited("power_w", "power_w = unavailable  # source: datasheet"); /* only TDP and area may be unavailable */
    expect_error(t, line_of(base, "power_w"), "power_w");
    free(t);
    t = edited("request_overhead", "request_overhead = -1  # source: assumed");
    expect_error(t, line_of(base, "request_overhead"), "request_overhead");
    free(t);
    t = edited("lanes", "lanes = 800  # source: assumed");
    bw_arch a;
    char err[256];
    ck_assert_int_eq(bw_arch_parse_string(t, "t.arch", &a, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "lanes: must not exceed native_dim") != NULL, "%s", err);
    free(t);
    /* a missing key is reported at the end of the file */
    t = edited("step_sync", NULL);
    int last = 1;
    for (const char *p = t; *p; p++)
        last += (*p == '\n' && p[1] != '\0');
    expect_error(t, last, "step_sync");
    free(t);
    /* area may be given as a number, or as unavailable; so may the TDP */
    t = edited("area_mm2", "area_mm2 = 560  # source: inferred: example");
    ck_assert_int_eq(bw_arch_parse_string(t, "t.arch", &a, err, sizeof err), 0);
    ck_assert_double_eq(a.v[BW_P_AREA_MM2], 560.0);
    free(t);
    t = edited("area_mm2", "area_mm2 = unavailable  # source: datasheet: none");
    ck_assert_int_eq(bw_arch_parse_string(t, "t.arch", &a, err, sizeof err), 0);
    ck_assert(isnan(a.v[BW_P_AREA_MM2]));
    free(t);
    t = edited("tdp_w", "tdp_w = unavailable  # source: datasheet: none");
    ck_assert_int_eq(bw_arch_parse_string(t, "t.arch", &a, err, sizeof err), 0);
    ck_assert(isnan(a.v[BW_P_TDP_W]));
    free(t);
    free(base);
    ck_assert_int_eq(bw_arch_load(RB_TEST_TMPDIR "/no-such.arch", &a, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "no-such.arch:0: file:") != NULL, "%s", err);
}
END_TEST

static rb_options opts(const char *k1, const char *v1, const char *k2, const char *v2)
{
    rb_options o;
    memset(&o, 0, sizeof o);
    if (k1) {
        snprintf(o.key[o.n], RB_OPT_KEY_MAX, "%s", k1);
        snprintf(o.val[o.n++], RB_OPT_VAL_MAX, "%s", v1);
    }
    if (k2) {
        snprintf(o.key[o.n], RB_OPT_KEY_MAX, "%s", k2);
        snprintf(o.val[o.n++], RB_OPT_VAL_MAX, "%s", v2);
    }
    return o;
}

START_TEST(backend_options)
{
    rb_problem p = {.cell = RB_CELL_GRU, .hidden = 8, .input = 8, .batch = 1, .timesteps = 2};
    rb_problem_default_name(&p);
    rb_weights w;
    ck_assert_int_eq(rb_weights_init(&w, &p, 3), 0);
    void *s = NULL;
    rb_status st = {""};
    rb_options o = opts("arch", RB_TEST_TMPDIR "/missing.arch", NULL, NULL);
    ck_assert_int_eq(rb_backend_brainwave.prepare(&p, &w, &o, &s, &st), -1);
    ck_assert_msg(strstr(st.msg, "missing.arch") != NULL, "%s", st.msg);
    o = opts("bogus", "1", NULL, NULL);
    ck_assert_int_eq(rb_backend_brainwave.prepare(&p, &w, &o, &s, &st), -1);
    ck_assert_msg(strstr(st.msg, "bogus") != NULL, "%s", st.msg);
    o = opts("format", "ms-fp7", NULL, NULL);
    ck_assert_int_eq(rb_backend_brainwave.prepare(&p, &w, &o, &s, &st), -1);
    o = opts("arch", ARCH_PATH, "format", "ms-fp9");
    ck_assert_msg(rb_backend_brainwave.prepare(&p, &w, &o, &s, &st) == 0, "%s", st.msg);
    rb_metrics m;
    rb_metrics_init(&m);
    ck_assert_int_eq(rb_backend_brainwave.report(s, NULL, &m, &st), 0);
    int found = 0;
    for (int i = 0; i < m.n_extras; i++)
        if (strcmp(m.extra_key[i], "bfp_format") == 0) {
            ck_assert_str_eq(m.extra_val[i], "ms-fp9");
            found = 1;
        }
    ck_assert(found);
    rb_backend_brainwave.release(s);
    rb_weights_free(&w);
}
END_TEST

START_TEST(config_exports_parameters_with_sources)
{
    char key[48][RB_OPT_KEY_MAX];
    char val[48][RB_OPT_VAL_MAX];
    rb_options o = opts(NULL, NULL, NULL, NULL);
    int n = rb_backend_brainwave.config(&o, key, val, 48);
    ck_assert_int_ge(n, BW_P_COUNT + 4);
    int tiles = 0, peak = 0;
    for (int i = 0; i < n; i++) {
        if (strcmp(key[i], "tiles") == 0) {
            ck_assert_msg(strncmp(val[i], "6  # published:", 15) == 0, "%s", val[i]);
            tiles = 1;
        }
        if (strcmp(key[i], "peak_gflops") == 0) {
            ck_assert(strncmp(val[i], "48000", 5) == 0);
            peak = 1;
        }
    }
    ck_assert(tiles && peak);
    ck_assert_int_eq(rb_backend_brainwave.config(&o, key, val, 3), 3); /* respects max */
    rb_options bad = opts("arch", RB_TEST_TMPDIR "/missing.arch", NULL, NULL);
    ck_assert_int_eq(rb_backend_brainwave.config(&bad, key, val, 48), 1);
    ck_assert_str_eq(key[0], "error");
}
END_TEST

START_TEST(too_big_for_the_chip_fails_with_reason)
{
    /* a 1 Mbit matrix memory cannot hold a 3-gate GRU of H=400 (6 native tiles, ~2.9 Mbit) */
    char *t = edited("mrf_mbit", "mrf_mbit = 1  # source: assumed: test");
    const char *path = RB_TEST_TMPDIR "/bw_tiny_mrf.arch";
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(t, f);
    fclose(f);
    free(t);
    rb_problem p = {.cell = RB_CELL_GRU, .hidden = 400, .input = 400, .batch = 1, .timesteps = 1};
    rb_problem_default_name(&p);
    rb_weights w;
    ck_assert_int_eq(rb_weights_init(&w, &p, 3), 0);
    rb_options o = opts("arch", path, NULL, NULL);
    void *s = NULL;
    rb_status st = {""};
    ck_assert_int_eq(rb_backend_brainwave.prepare(&p, &w, &o, &s, &st), -1);
    ck_assert_msg(strstr(st.msg, "does not fit") != NULL, "%s", st.msg);
    p.hidden = p.input = 100; /* still 6 native tiles: the padding is stored too */
    rb_weights w2;
    ck_assert_int_eq(rb_weights_init(&w2, &p, 3), 0);
    ck_assert_int_eq(rb_backend_brainwave.prepare(&p, &w2, &o, &s, &st), -1);
    rb_weights_free(&w);
    rb_weights_free(&w2);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("brainwave_arch");
    TCase *tc = tcase_create("arch");
    tcase_add_test(tc, default_file_loads);
    tcase_add_test(tc, strict_errors_with_file_and_line);
    tcase_add_test(tc, backend_options);
    tcase_add_test(tc, config_exports_parameters_with_sources);
    tcase_add_test(tc, too_big_for_the_chip_fails_with_reason);
    suite_add_tcase(s, tc);
    return rb_check_run(s);
}
