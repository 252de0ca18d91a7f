/* tests/test_published.c — published rows: the strict CSV reader (quoting, comments, field counts), the
 * published-rows loader (a good file with platform facts joined; every kind of bad line rejected with
 * FILE:LINE: field: why; duplicates across files; unknown cells; bad numbers; missing columns), and the import end
 * to end through the rnnbench binary (`import` twice adds nothing and leaves the file byte-identical, a bad file
 * leaves it byte-identical, changed figures append a newer row, `run` imports the shipped rows of its shapes
 * idempotently, `--no-published` and a bad `--published` file). */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_main.h"
#include "csv_read.h"
#include "extras.h"
#include "job.h"
#include "published.h"
#include "store.h"

#define TMP RB_TEST_TMPDIR
#define CIT "Doe, Roe: A Paper, Conf 2020, Table 2"

static const char *tmp(const char *name)
{
    static char buf[8][512];
    static int i;
    i = (i + 1) % 8;
    snprintf(buf[i], sizeof buf[i], "%s/pub_%s", TMP, name);
    return buf[i];
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

/* Loads one file; returns 0 or -1 with the message in err. */
static int load1(const char *path, rb_pub_set *s, char *err, size_t errlen)
{
    static const char *paths[1];
    paths[0] = path;
    return rb_pub_load(paths, 1, s, err, errlen);
}

/* ---- the CSV reader ---- */

START_TEST(csv_split_quoting)
{
    char *f[8];
    const char *why = NULL;
    char l1[] = "a,\"b, c\",\"say \"\"hi\"\"\",,\"\"";
    ck_assert_int_eq(rb_csv_split(l1, f, 8, &why), 5);
    ck_assert_str_eq(f[0], "a");
    ck_assert_str_eq(f[1], "b, c");
    ck_assert_str_eq(f[2], "say \"hi\"");
    ck_assert_str_eq(f[3], "");
    ck_assert_str_eq(f[4], "");
    char l2[] = "a,\"open";
    ck_assert_int_eq(rb_csv_split(l2, f, 8, &why), -1);
    ck_assert_ptr_nonnull(strstr(why, "not closed"));
    char l3[] = "\"x\"y,z";
    ck_assert_int_eq(rb_csv_split(l3, f, 8, &why), -1);
    ck_assert_ptr_nonnull(strstr(why, "after the closing quote"));
    char l4[] = "ab\"c,d";
    ck_assert_int_eq(rb_csv_split(l4, f, 8, &why), -1);
    ck_assert_ptr_nonnull(strstr(why, "quote inside an unquoted field"));
    char l5[] = "a,b,c";
    ck_assert_int_eq(rb_csv_split(l5, f, 2, &why), -1);
}
END_TEST

START_TEST(extras_lookup)
{
    char v[64];
    ck_assert_int_eq(rb_extras_get("a=1; b = two ;c=x=y;a=3", "b", v, sizeof v), 1);
    ck_assert_str_eq(v, "two");
    ck_assert_int_eq(rb_extras_get("a=1; b = two ;c=x=y;a=3", "c", v, sizeof v), 1);
    ck_assert_str_eq(v, "x=y"); /* the first '=' splits */
    ck_assert_int_eq(rb_extras_get("a=1; b = two ;c=x=y;a=3", "a", v, sizeof v), 1);
    ck_assert_str_eq(v, "3"); /* the last one wins */
    ck_assert_int_eq(rb_extras_get("ab=1;flag", "a", v, sizeof v), 0);
    ck_assert_int_eq(rb_extras_get("ab=1;flag", "flag", v, sizeof v), 1);
    ck_assert_str_eq(v, "");
    ck_assert_int_eq(rb_extras_get("", "a", v, sizeof v), 0);
}
END_TEST

/* ---- the loader on a good file ---- */

static const char *GOOD_ROWS =
    "# comment line\n"
    "\n"
    "platform,cell,hidden,input,batch,timesteps,latency_ms,power_w,precision,citation,note\r\n"
    "gpu-x (paper),LSTM,256,256,1,150,1.69,,fp16,\"" CIT " (GPU, \"\"col\"\")\",\n"
    "   # an indented comment\n"
    "chip-y (paper),gru,1024,512,2,1500,1.443,109.1,mix-f8-16-32,\"" CIT "\",simulated power\n"
    "gpu-x (paper),gru,1024,512,2,1500,33.77,,fp16,\"" CIT "\",\n";

static const char *GOOD_PLATFORMS =
    "platform,device,die_area_mm2,area_kind,tdp_w,peak_power_w,row_power,reproduced_by,citation\n"
    "gpu-x (paper),\"Some GPU; SXM2\",815,die,300,,tdp,cudnn,\"" CIT ", Table 4\"\n"
    "chip-y (paper),,494.37,die_estimate,160,118,peak,spatial,\"" CIT ", Table 4\"\n";

static const rb_record *find_row(const rb_pub_set *s, const char *platform, int hidden)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->tasks[i].rec.backend, platform) == 0 && s->tasks[i].rec.hidden == hidden)
            return &s->tasks[i].rec;
    return NULL;
}

START_TEST(load_good_files_and_join)
{
    const char *rows = tmp("good_rows.csv"), *plats = tmp("good_platforms.csv");
    write_file(rows, GOOD_ROWS);
    write_file(plats, GOOD_PLATFORMS);
    const char *paths[2] = {rows, plats};
    rb_pub_set s;
    char err[1024] = "";
    ck_assert_msg(rb_pub_load(paths, 2, &s, err, sizeof err) == 0, "%s", err);
    ck_assert_uint_eq(s.n, 3);
    ck_assert_uint_eq(s.nplat, 2);
    const rb_record *g = find_row(&s, "gpu-x (paper)", 256);
    ck_assert_ptr_nonnull(g);
    ck_assert_str_eq(g->cell, "lstm"); /* canonical, whatever the case in the file */
    ck_assert_str_eq(g->status, "ok");
    ck_assert_str_eq(g->latency_source, "published");
    ck_assert_double_eq(g->lat_median_ms, 1.69);
    ck_assert(isnan(g->lat_p99_ms));
    ck_assert_str_eq(g->workload, "lstm-h256-i256-b1-t150");
    /* the key is a job key: shape, backend = platform, no options, seed 0 */
    rb_job j;
    memset(&j, 0, sizeof j);
    j.problem = (rb_problem){.cell = RB_CELL_LSTM, .hidden = 256, .input = 256, .batch = 1, .timesteps = 150};
    char key[RB_KEY_LEN];
    rb_job_key(&j, "gpu-x (paper)", key);
    ck_assert_str_eq(g->key, key);
    ck_assert_int_eq((int)g->seed, 0);
    /* FLOPs and throughput like a job's */
    ck_assert_double_eq_tol(g->flops_deepbench, 2.0 * 4 * 256 * 256 * 150, 1e-3);
    ck_assert_double_eq_tol(g->gflops_full, g->flops_full / 1.69e-3 / 1e9, 1e-9);
    /* platform facts joined: area (die), power = TDP (row_power tdp), device */
    ck_assert_double_eq(g->area_mm2, 815);
    ck_assert_str_eq(g->area_source, "published");
    ck_assert_double_eq(g->power_w, 300);
    ck_assert_str_eq(g->power_source, "published");
    ck_assert_str_eq(g->energy_source, "unavailable");
    ck_assert_str_eq(g->device, "Some GPU; SXM2");
    char v[512];
    ck_assert_int_eq(rb_extras_get(g->extras, "citation", v, sizeof v), 1);
    ck_assert_str_eq(v, CIT " (GPU, \"col\")"); /* quoting undone, stored whole */
    ck_assert(rb_extras_get(g->extras, "power_kind", v, sizeof v) && strcmp(v, "tdp") == 0);
    ck_assert(rb_extras_get(g->extras, "area_kind", v, sizeof v) && strcmp(v, "die") == 0);
    ck_assert(rb_extras_get(g->extras, "tdp_w", v, sizeof v) && strcmp(v, "300") == 0);
    ck_assert(rb_extras_get(g->extras, "reproduced_by", v, sizeof v) && strcmp(v, "cudnn") == 0);
    ck_assert(rb_extras_get(g->extras, "precision", v, sizeof v) && strcmp(v, "fp16") == 0);
    ck_assert_int_eq(rb_extras_get(g->extras, "note", v, sizeof v), 0);
    /* a row with its own power keeps it (per_task); the estimate is labelled */
    const rb_record *c = find_row(&s, "chip-y (paper)", 1024);
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(c->input, 512);
    ck_assert_int_eq(c->batch, 2);
    ck_assert_double_eq(c->power_w, 109.1);
    ck_assert(rb_extras_get(c->extras, "power_kind", v, sizeof v) && strcmp(v, "per_task") == 0);
    ck_assert(rb_extras_get(c->extras, "area_kind", v, sizeof v) && strcmp(v, "die_estimate") == 0);
    ck_assert(rb_extras_get(c->extras, "peak_power_w", v, sizeof v) && strcmp(v, "118") == 0);
    ck_assert(rb_extras_get(c->extras, "note", v, sizeof v) && strcmp(v, "simulated power") == 0);
    ck_assert_str_eq(c->device, "chip-y (paper)"); /* no device anywhere: the platform name */
    rb_pub_free(&s);
    /* without the platform facts: no area, no power */
    ck_assert_msg(load1(rows, &s, err, sizeof err) == 0, "%s", err);
    g = find_row(&s, "gpu-x (paper)", 256);
    ck_assert(isnan(g->area_mm2) && strcmp(g->area_source, "unavailable") == 0);
    ck_assert(isnan(g->power_w) && strcmp(g->power_source, "unavailable") == 0);
    rb_pub_free(&s);
}
END_TEST

/* ---- every kind of bad line ---- */

#define HDR "platform,cell,hidden,input,batch,timesteps,latency_ms,citation"
#define ROW(cell, h, lat) "p (paper)," cell "," h "," h ",1,25," lat ",c\n"

typedef struct bad_case {
    const char *text;
    const char *expect; /* substring of the message after "FILE:" */
} bad_case;

static const bad_case BAD[] = {
    {HDR "\n" ROW("lstmx", "512", "1"), ":2: cell: unknown cell 'lstmx'"},
    {HDR "\n" ROW("lstm", "512", "1.5ms"), ":2: latency_ms: '1.5ms' is not a positive decimal number"},
    {HDR "\n" ROW("lstm", "512", "-1"), ":2: latency_ms: '-1' is not a positive decimal number"},
    {HDR "\n" ROW("lstm", "512", "0"), ":2: latency_ms: '0' must be greater than 0"},
    {HDR "\n" ROW("lstm", "512", "nan"), ":2: latency_ms: 'nan' is not a positive decimal number"},
    {HDR "\n" ROW("lstm", "512", "1e999"), ":2: latency_ms: '1e999' is not a finite decimal number"},
    {HDR "\n" ROW("lstm", "512", "0x10"), ":2: latency_ms: '0x10' is not a positive decimal number"},
    {HDR "\n" ROW("lstm", "512", " 1"), ":2: latency_ms: ' 1' is not a positive decimal number"},
    {HDR "\n" ROW("lstm", "512", ""), ":2: latency_ms: empty value"},
    {HDR "\n" ROW("lstm", "12.5", "1"), ":2: hidden: '12.5' is not a positive integer"},
    {HDR "\n" ROW("lstm", "0", "1"), ":2: hidden: must be at least 1"},
    {HDR "\n" ROW("lstm", "99999999", "1"), ":2: hidden: '99999999' is too large"},
    {"platform,cell,hidden,input,batch,timesteps,citation\np,lstm,1,1,1,1,c\n",
     ":1: header: missing column 'latency_ms' (a published-rows file needs: platform, cell, hidden, input, batch, "
     "timesteps, latency_ms, citation)"},
    {HDR ",colour\n", ":1: header: unknown column 'colour'"},
    {HDR ",cell\n", ":1: header: column 'cell' given twice"},
    {HDR "\np (paper),lstm,512,512,1,25,1\n", ":2: 7 field(s) where the header has 8"},
    {HDR "\n\n# c\np (paper),lstm,512,512,1,25,1,c,extra\n", ":4: 9 field(s) where the header has 8"},
    {HDR "\np (paper),lstm,512,512,1,25,1,\"open\n", ":2: a quoted field is not closed on its line"},
    {HDR "\np (paper),lstm,512,512,1,25,1,\"c\"x\n", ":2: text after the closing quote"},
    {HDR "\np (paper),lstm,512,512,1,25,1,c\"d\n", ":2: a quote inside an unquoted field"},
    {HDR "\n" ROW("lstm", "512", "1") ROW("lstm", "256", "1") ROW("LSTM", "512", "2"),
     ":4: platform: 'p (paper)' has a row for this shape already ("},
    {HDR "\nspatial,lstm,512,512,1,25,1,c\n", ":2: platform: 'spatial' is the name of an rnnbench backend"},
    {HDR "\na/b,lstm,512,512,1,25,1,c\n", ":2: platform: 'a/b' has a character other than"},
    {HDR "\n,lstm,512,512,1,25,1,c\n", ":2: platform: empty value"},
    {HDR "\np,lstm,512,512,1,25,1,\n", ":2: citation: empty value"},
    {HDR "\np,lstm,512,512,1,25,1,a;b\n", ":2: citation: ';' is not allowed"},
    {HDR "\np,lstm,512,512,1,25,1,caf\xc3\xa9\n", ":2: non-printable or non-ASCII character"},
    {HDR ",power_kind\np,lstm,512,512,1,25,1,c,tdp\n", ":2: power_kind: given without a power_w"},
    {HDR ",power_w,power_kind\np,lstm,512,512,1,25,1,c,5,average\n", ":2: power_kind: 'average' is not one of"},
    {HDR ",latency_stat\np,lstm,512,512,1,25,1,c,p50\n", ":2: latency_stat: 'p50' is not one of mean|median|min"},
    {HDR ",energy_j\np,lstm,512,512,1,25,1,c,-2\n", ":2: energy_j: '-2' is not a positive decimal number"},
    {"# only a comment\n\n", ": no header line"},
    {"claim,metric,subject,versus,value,unit,batch,scope,citation,note\n", ":1: header: this is a claims file"},
    {"platform,tdp_w,row_power,citation\nq,,tdp,c\n", ":2: row_power: 'tdp' needs a tdp_w"},
    {"platform,tdp_w,citation\nq,300,c\nq,250,c\n", ":3: platform: 'q' has its facts already ("},
    {"platform,die_area_mm2,citation\nq,big,c\n", ":2: die_area_mm2: 'big' is not a positive decimal number"},
    {"platform,citation\n", NULL}, /* a platforms file with no rows is fine */
};

START_TEST(load_rejects_bad_lines)
{
    const char *path = tmp("bad.csv");
    for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++) {
        write_file(path, BAD[i].text);
        rb_pub_set s;
        char err[1024] = "";
        int rc = load1(path, &s, err, sizeof err);
        if (!BAD[i].expect) {
            ck_assert_msg(rc == 0, "case %zu: %s", i, err);
            rb_pub_free(&s);
            continue;
        }
        ck_assert_msg(rc == -1, "case %zu accepted: %s", i, BAD[i].text);
        ck_assert_msg(strncmp(err, path, strlen(path)) == 0, "case %zu: no file name in '%s'", i, err);
        ck_assert_msg(strstr(err, BAD[i].expect) != NULL, "case %zu: '%s' lacks '%s'", i, err, BAD[i].expect);
        ck_assert_ptr_null(s.tasks);
    }
}
END_TEST

START_TEST(load_rejects_duplicates_across_files_and_long_extras)
{
    const char *a = tmp("dup_a.csv"), *b = tmp("dup_b.csv");
    write_file(a, HDR "\n" ROW("gru", "512", "1"));
    write_file(b, HDR "\n# c\n" ROW("gru", "512", "2"));
    const char *paths[2] = {a, b};
    rb_pub_set s;
    char err[1024];
    ck_assert_int_eq(rb_pub_load(paths, 2, &s, err, sizeof err), -1);
    ck_assert_msg(strstr(err, ":3: platform: 'p (paper)' has a row for this shape already") && strstr(err, a),
                  "%s", err);
    /* a citation and a note that fit their columns but not, together, a results row's extras */
    char text[2048], cit[380], note[380];
    memset(cit, 'c', sizeof cit - 1);
    cit[sizeof cit - 1] = '\0';
    memset(note, 'n', sizeof note - 1);
    note[sizeof note - 1] = '\0';
    snprintf(text, sizeof text, HDR ",note\np,lstm,8,8,1,2,1,%s,%s\n", cit, note);
    write_file(a, text);
    ck_assert_int_eq(load1(a, &s, err, sizeof err), -1);
    ck_assert_msg(strstr(err, ":2: citation: the row's extras") && strstr(err, "at most 511"), "%s", err);
    /* a citation longer than its column */
    char longcit[500];
    memset(longcit, 'c', sizeof longcit - 1);
    longcit[sizeof longcit - 1] = '\0';
    snprintf(text, sizeof text, HDR "\np,lstm,8,8,1,2,1,%s\n", longcit);
    write_file(a, text);
    ck_assert_int_eq(load1(a, &s, err, sizeof err), -1);
    ck_assert_msg(strstr(err, ":2: citation: too long (499 characters, at most 383)"), "%s", err);
}
END_TEST

START_TEST(plan_skips_identical_and_appends_changed)
{
    const char *rows = tmp("plan.csv");
    write_file(rows, GOOD_ROWS);
    rb_pub_set s;
    char err[512];
    ck_assert_msg(load1(rows, &s, err, sizeof err) == 0, "%s", err);
    rb_record existing[3];
    for (size_t i = 0; i < 3; i++) existing[i] = s.tasks[i].rec;
    existing[0].run_id = 1;
    existing[0].timestamp = 5;
    snprintf(existing[0].workload, sizeof existing[0].workload, "another-name"); /* names do not count */
    existing[1].lat_median_ms = 2.0; /* changed figure */
    unsigned char append[3];
    size_t updated = 9;
    ck_assert_uint_eq(rb_pub_plan(&s, existing, 2, append, &updated), 2);
    ck_assert_uint_eq(updated, 1);
    ck_assert(!append[0] && append[1] && append[2]);
    /* the latest row of a key decides: an older identical row does not hide a newer different one */
    rb_record two[2] = {s.tasks[0].rec, s.tasks[0].rec};
    two[0].run_id = 0;
    two[1].run_id = 3;
    two[1].power_w = 1;
    ck_assert_uint_eq(rb_pub_plan(&s, two, 2, append, &updated), 3);
    rb_problem p = {.cell = RB_CELL_GRU, .hidden = 1024, .input = 512, .batch = 2, .timesteps = 1500};
    snprintf(p.name, sizeof p.name, "suite-name");
    rb_pub_keep_shapes(&s, &p, 1);
    ck_assert_uint_eq(s.n, 2);
    ck_assert_str_eq(s.tasks[0].rec.workload, "suite-name");
    ck_assert_str_eq(s.tasks[1].rec.workload, "suite-name");
    rb_pub_free(&s);
}
END_TEST

/* ---- end to end through the binary ---- */

static char out_text[65536];

static int rnnbench(const char *args)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "%s %s 2>&1", RB_BINARY, args);
    FILE *p = popen(cmd, "r");
    ck_assert_ptr_nonnull(p);
    size_t n = fread(out_text, 1, sizeof out_text - 1, p);
    out_text[n] = 0;
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

/* Runs `rnnbench args` and checks its exit status; the output is shown when it differs. */
#define EXPECT_EXIT(code)                                                                                          \
    do {                                                                                                           \
        int st_ = rnnbench(args);                                                                                  \
        ck_assert_msg(st_ == (code), "exit status %d, not %d; output:\n%s", st_, (code), out_text);                \
    } while (0)

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(b);
    ck_assert_uint_eq(fread(b, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return b;
}

static void assert_same_bytes(const char *path, const char *before, size_t len)
{
    size_t n;
    char *now = slurp(path, &n);
    ck_assert_msg(n == len && memcmp(now, before, len) == 0, "%s changed", path);
    free(now);
}

static size_t count_backend(const char *path, const char *backend)
{
    rb_record *rows;
    size_t n, k = 0;
    char err[512];
    ck_assert_msg(rb_store_read(path, &rows, &n, err, sizeof err) == 0, "%s", err);
    for (size_t i = 0; i < n; i++) k += !backend || strcmp(rows[i].backend, backend) == 0;
    free(rows);
    return k;
}

START_TEST(import_twice_adds_nothing)
{
    const char *rows = tmp("e2e_rows.csv"), *plats = tmp("e2e_platforms.csv"), *out = tmp("e2e.h5");
    write_file(rows, GOOD_ROWS);
    write_file(plats, GOOD_PLATFORMS);
    unlink(out);
    char args[2048];
    snprintf(args, sizeof args, "import '%s' '%s' --output '%s'", rows, plats, out);
    ck_assert_msg(rnnbench(args) == 0, "%s", out_text);
    ck_assert_msg(strstr(out_text, "3 row(s) written") != NULL, "%s", out_text);
    ck_assert_uint_eq(count_backend(out, NULL), 3);
    size_t len;
    char *before = slurp(out, &len);
    ck_assert_msg(rnnbench(args) == 0, "%s", out_text);
    ck_assert_msg(strstr(out_text, "nothing new") != NULL, "%s", out_text);
    assert_same_bytes(out, before, len);
    /* a bad file: exit 2, FILE:LINE: field, the results file byte-identical */
    const char *bad = tmp("e2e_bad.csv");
    write_file(bad, HDR "\n" ROW("lstm", "512", "1") ROW("lstm", "256", "fast"));
    snprintf(args, sizeof args, "import '%s' '%s' --output '%s'", rows, bad, out);
    EXPECT_EXIT(2);
    ck_assert_msg(strstr(out_text, ":3: latency_ms: 'fast'") != NULL, "%s", out_text);
    assert_same_bytes(out, before, len);
    /* --suite keeps the rows of its shapes only (here LSTM 256/150, already in the file): file unchanged */
    snprintf(args, sizeof args, "import '%s' '%s' --output '%s' --suite paper", rows, plats, out);
    EXPECT_EXIT(0);
    assert_same_bytes(out, before, len);
    free(before);
    /* a changed figure is appended as a newer row; the report shows the latest */
    char changed[4096];
    snprintf(changed, sizeof changed, "%s", GOOD_ROWS);
    char *at = strstr(changed, "33.77");
    ck_assert_ptr_nonnull(at);
    memcpy(at, "44.44", 5);
    write_file(rows, changed);
    snprintf(args, sizeof args, "import '%s' '%s' --output '%s'", rows, plats, out);
    ck_assert_msg(rnnbench(args) == 0, "%s", out_text);
    ck_assert_msg(strstr(out_text, "1 row(s) written") && strstr(out_text, "1 with changed figures"), "%s",
                  out_text);
    ck_assert_uint_eq(count_backend(out, "gpu-x (paper)"), 3);
    snprintf(args, sizeof args, "report '%s' --format csv", out);
    EXPECT_EXIT(0);
    ck_assert_msg(strstr(out_text, "44.44") && !strstr(out_text, "33.77"), "%s", out_text);
    /* a file that is not a results file is refused and left alone */
    const char *text = tmp("e2e_text.h5");
    write_file(text, "plain text\n");
    snprintf(args, sizeof args, "import '%s' --output '%s'", rows, text);
    EXPECT_EXIT(2);
    char *t = slurp(text, &len);
    ck_assert(len == 11 && memcmp(t, "plain text\n", 11) == 0);
    free(t);
    /* usage */
    ck_assert_int_eq(rnnbench("import"), 2);
    ck_assert_int_eq(rnnbench("import --bogus x.csv"), 2);
    ck_assert_int_eq(rnnbench("import --help"), 0);
    ck_assert_ptr_nonnull(strstr(out_text, "usage: rnnbench import"));
}
END_TEST

START_TEST(run_imports_the_shipped_rows_of_its_shapes)
{
    /* GRU 512/1 at batch 1 is a paper task: the shipped files have Xeon, V100 and Brainwave rows from the paper's
     * Table 6 and three DeepBench GPUs for it */
    const char *wl = tmp("run_wl.txt"), *out = tmp("run.h5");
    write_file(wl, "cell=gru hidden=512 timesteps=1 name=small-gru\ncell=lstm hidden=8 timesteps=2 name=other\n");
    unlink(out);
    char args[2048];
    snprintf(args, sizeof args, "run --workloads '%s' --backends cpu-blas --reps 1 --min-time 0 --output '%s'", wl,
             out);
    ck_assert_msg(rnnbench(args) == 0, "%s", out_text);
    ck_assert_msg(strstr(out_text, "published rows: 6 of the campaign's shapes") != NULL, "%s", out_text);
    ck_assert_uint_eq(count_backend(out, "v100-tf-fp16 (paper)"), 1);
    ck_assert_uint_eq(count_backend(out, "brainwave (paper)"), 1);
    ck_assert_uint_eq(count_backend(out, "titanxp-fp32 (deepbench)"), 1);
    ck_assert_uint_eq(count_backend(out, NULL), 8); /* 2 cpu-blas + 6 published */
    rb_record *rows;
    size_t n;
    char err[512];
    ck_assert(rb_store_read(out, &rows, &n, err, sizeof err) == 0);
    for (size_t i = 0; i < n; i++)
        if (strcmp(rows[i].backend, "v100-tf-fp16 (paper)") == 0) {
            ck_assert_str_eq(rows[i].workload, "small-gru"); /* named after the campaign's problem */
            ck_assert_double_eq(rows[i].lat_median_ms, 0.39);
            ck_assert_double_eq(rows[i].area_mm2, 815);
            ck_assert_ptr_nonnull(strstr(rows[i].extras, "citation=Zhao, Zhang, Olukotun"));
        }
    free(rows);
    char again[2200];
    snprintf(again, sizeof again, "%s --resume", args);
    ck_assert_msg(rnnbench(again) == 0, "%s", out_text);
    ck_assert_msg(strstr(out_text, "0 written") != NULL, "%s", out_text);
    ck_assert_uint_eq(count_backend(out, NULL), 8); /* nothing duplicated */
    /* --no-published: none; a bad --published file: exit 2 before anything is written */
    const char *out2 = tmp("run2.h5");
    unlink(out2);
    snprintf(args, sizeof args,
             "run --workloads '%s' --backends cpu-blas --reps 1 --min-time 0 --no-published --output '%s'", wl, out2);
    ck_assert_msg(rnnbench(args) == 0, "%s", out_text);
    ck_assert_uint_eq(count_backend(out2, NULL), 2);
    const char *bad = tmp("run_bad.csv");
    write_file(bad, HDR "\np (paper),gru,512,512,1,1,slow,c\n");
    size_t len;
    char *before = slurp(out, &len);
    snprintf(args, sizeof args,
             "run --workloads '%s' --backends cpu-blas --reps 1 --min-time 0 --published '%s' --output '%s'", wl, bad,
             out);
    EXPECT_EXIT(2);
    ck_assert_msg(strstr(out_text, ":2: latency_ms: 'slow'") != NULL, "%s", out_text);
    assert_same_bytes(out, before, len);
    free(before);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("published");
    TCase *unit = tcase_create("load");
    tcase_add_test(unit, csv_split_quoting);
    tcase_add_test(unit, extras_lookup);
    tcase_add_test(unit, load_good_files_and_join);
    tcase_add_test(unit, load_rejects_bad_lines);
    tcase_add_test(unit, load_rejects_duplicates_across_files_and_long_extras);
    tcase_add_test(unit, plan_skips_identical_and_appends_changed);
    suite_add_tcase(s, unit);
    TCase *e2e = tcase_create("import");
    tcase_set_timeout(e2e, 300);
    tcase_add_test(e2e, import_twice_adds_nothing);
    tcase_add_test(e2e, run_imports_the_shipped_rows_of_its_shapes);
    suite_add_tcase(s, e2e);
    return rb_check_run(s);
}
