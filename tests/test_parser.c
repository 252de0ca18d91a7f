/* tests/test_parser.c — the workload file parser: good files, comments/blank lines/CRLF, and each kind of
 * bad line with its exact "FILE:LINE: field: why" message. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "problem.h"

static char err[512];

/* Parses text that must fail and checks the message is exactly `expect`. */
static void expect_error(const char *text, const char *expect)
{
    rb_problem *p = (rb_problem *)0x1;
    size_t n = 7;
    err[0] = '\0';
    ck_assert_int_eq(rb_workload_parse_string(text, "w.txt", &p, &n, err, sizeof err), -1);
    ck_assert_ptr_null(p);
    ck_assert_uint_eq(n, 0);
    ck_assert_str_eq(err, expect);
}

static rb_problem *expect_ok(const char *text, size_t expect_n)
{
    rb_problem *p = NULL;
    size_t n = 0;
    err[0] = '\0';
    int rc = rb_workload_parse_string(text, "w.txt", &p, &n, err, sizeof err);
    ck_assert_msg(rc == 0, "parse failed: %s", err);
    ck_assert_uint_eq(n, expect_n);
    return p;
}

START_TEST(good_lines_and_defaults)
{
    rb_problem *p = expect_ok("cell=lstm hidden=512 timesteps=25\n"
                              "cell=GRU hidden=64 input=32 batch=4 timesteps=10 name=my-gru_1.x+\n"
                              "timesteps=3 name=v hidden=8 cell=vanilla\n",
                              3);
    ck_assert_int_eq(p[0].cell, RB_CELL_LSTM);
    ck_assert_int_eq(p[0].hidden, 512);
    ck_assert_int_eq(p[0].input, 512); /* defaults to hidden */
    ck_assert_int_eq(p[0].batch, 1);   /* defaults to 1 */
    ck_assert_int_eq(p[0].timesteps, 25);
    ck_assert_str_eq(p[0].name, "lstm-h512-i512-b1-t25");
    ck_assert_int_eq(p[1].cell, RB_CELL_GRU);
    ck_assert_int_eq(p[1].input, 32);
    ck_assert_int_eq(p[1].batch, 4);
    ck_assert_str_eq(p[1].name, "my-gru_1.x+");
    ck_assert_int_eq(p[2].cell, RB_CELL_VANILLA);
    ck_assert_int_eq(p[2].hidden, 8);
    ck_assert_str_eq(p[2].name, "v");
    free(p);
}
END_TEST

START_TEST(comments_blank_crlf_whitespace)
{
    rb_problem *p = expect_ok("# a comment\r\n"
                              "\r\n"
                              "   \t \n"
                              "  cell=lstm\thidden=4 timesteps=2   # trailing comment\r\n"
                              "cell=gru hidden=4 timesteps=3 \t \r\n"
                              "#cell=gru hidden=5 timesteps=3\n"
                              "cell=vanilla hidden=4 timesteps=1", /* no final newline */
                              3);
    ck_assert_int_eq(p[0].cell, RB_CELL_LSTM);
    ck_assert_int_eq(p[0].timesteps, 2);
    ck_assert_int_eq(p[1].timesteps, 3);
    ck_assert_str_eq(p[1].name, "gru-h4-i4-b1-t3");
    ck_assert_int_eq(p[2].cell, RB_CELL_VANILLA);
    free(p);
    /* A UTF-8 byte-order mark at the start is skipped (only there). */
    p = expect_ok("\xEF\xBB\xBF" "cell=gru hidden=4 timesteps=2\n", 1);
    ck_assert_int_eq(p[0].cell, RB_CELL_GRU);
    free(p);
    expect_error("cell=gru hidden=4 timesteps=2\n\xEF\xBB\xBF" "cell=gru hidden=5 timesteps=2\n",
                 "w.txt:2: ???cell: unknown key (expected cell, hidden, input, batch, timesteps or name)");
}
END_TEST

START_TEST(limits_accepted)
{
    rb_problem *p = expect_ok("cell=lstm hidden=65536 input=65536 batch=4096 timesteps=1000000\n"
                              "cell=lstm hidden=1 input=1 batch=1 timesteps=1 name=one\n"
                              "cell=gru hidden=007 timesteps=2\n",
                              3);
    ck_assert_int_eq(p[0].hidden, 65536);
    ck_assert_int_eq(p[0].batch, 4096);
    ck_assert_int_eq(p[0].timesteps, 1000000);
    ck_assert_int_eq(p[2].hidden, 7);
    free(p);
    /* A name of exactly 63 characters is fine. */
    char line[200];
    snprintf(line, sizeof line, "cell=gru hidden=2 timesteps=2 name=%s\n",
             "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijk");
    p = expect_ok(line, 1);
    ck_assert_uint_eq(strlen(p[0].name), 63);
    free(p);
}
END_TEST

START_TEST(bad_keys)
{
    expect_error("cell=lstm hidden=4 timesteps=2\ncell=lstm hiden=4 timesteps=2\n",
                 "w.txt:2: hiden: unknown key (expected cell, hidden, input, batch, timesteps or name)");
    expect_error("cell=lstm hidden=4 timesteps=2 hidden=5\n", "w.txt:1: hidden: duplicate key");
    expect_error("cell=lstm hidden=4 timesteps=2 name=a name=b\n", "w.txt:1: name: duplicate key");
    expect_error("cell=lstm hidden=4 timesteps=2 foo\n", "w.txt:1: foo: expected key=value");
    expect_error("cell=lstm =4 timesteps=2\n", "w.txt:1: line: '=4' has no key");
    expect_error("Cell=lstm hidden=4 timesteps=2\n",
                 "w.txt:1: Cell: unknown key (expected cell, hidden, input, batch, timesteps or name)");
}
END_TEST

START_TEST(missing_keys)
{
    expect_error("# header\n\nhidden=4 timesteps=2\n",
                 "w.txt:3: cell: missing (cell, hidden and timesteps are required)");
    expect_error("cell=gru timesteps=2\n", "w.txt:1: hidden: missing (cell, hidden and timesteps are required)");
    expect_error("cell=gru hidden=3 batch=2\n",
                 "w.txt:1: timesteps: missing (cell, hidden and timesteps are required)");
}
END_TEST

START_TEST(bad_integers)
{
    expect_error("cell=lstm hidden=abc timesteps=2\n", "w.txt:1: hidden: 'abc' is not a positive integer");
    expect_error("cell=lstm hidden=12x timesteps=2\n", "w.txt:1: hidden: '12x' is not a positive integer");
    expect_error("cell=lstm hidden=-4 timesteps=2\n", "w.txt:1: hidden: '-4' is not a positive integer");
    expect_error("cell=lstm hidden=+4 timesteps=2\n", "w.txt:1: hidden: '+4' is not a positive integer");
    expect_error("cell=lstm hidden=4.0 timesteps=2\n", "w.txt:1: hidden: '4.0' is not a positive integer");
    expect_error("cell=lstm hidden=4 timesteps=0\n", "w.txt:1: timesteps: must be at least 1");
    expect_error("cell=lstm hidden=4 timesteps=000\n", "w.txt:1: timesteps: must be at least 1");
    expect_error("cell=lstm hidden= timesteps=2\n", "w.txt:1: hidden: empty value");
    expect_error("cell=lstm hidden=4 batch=2 timesteps=99999999999999999999999\n",
                 "w.txt:1: timesteps: '99999999999999999999999' is too large (at most 1000000)");
}
END_TEST

START_TEST(out_of_range)
{
    expect_error("cell=lstm hidden=65537 timesteps=2\n", "w.txt:1: hidden: '65537' is too large (at most 65536)");
    expect_error("cell=lstm hidden=4 input=65537 timesteps=2\n",
                 "w.txt:1: input: '65537' is too large (at most 65536)");
    expect_error("cell=lstm hidden=4 batch=4097 timesteps=2\n",
                 "w.txt:1: batch: '4097' is too large (at most 4096)");
    expect_error("cell=lstm hidden=4 timesteps=1000001\n",
                 "w.txt:1: timesteps: '1000001' is too large (at most 1000000)");
    expect_error("cell=lstm hidden=4 input=0 timesteps=1\n", "w.txt:1: input: must be at least 1");
    expect_error("cell=lstm hidden=4 batch=0 timesteps=1\n", "w.txt:1: batch: must be at least 1");
}
END_TEST

START_TEST(bad_cells_and_names)
{
    expect_error("cell=lsmt hidden=4 timesteps=2\n",
                 "w.txt:1: cell: unknown cell 'lsmt' (expected lstm, gru or vanilla)");
    expect_error("cell= hidden=4 timesteps=2\n", "w.txt:1: cell: empty value");
    expect_error("cell=gru hidden=4 timesteps=2 name=a/b\n",
                 "w.txt:1: name: 'a/b' has a character other than letters, digits, '-', '_', '.', '+'");
    expect_error("cell=gru hidden=4 timesteps=2 name=\n", "w.txt:1: name: empty value");
    /* A space ends the name; the rest is not key=value. */
    expect_error("cell=gru hidden=4 timesteps=2 name=my task\n", "w.txt:1: task: expected key=value");
    expect_error("cell=gru hidden=4 timesteps=2 "
                 "name=abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkl\n",
                 "w.txt:1: name: 'abcdefghijklmnopqrstuvwxyzabcdef...' is too long (at most 63 characters)");
    expect_error("cell=gru hidden=4 timesteps=2 name=x\ncell=lstm hidden=8 timesteps=2 name=x\n",
                 "w.txt:2: name: 'x' is already used on line 1 (add name=... to tell them apart)");
    expect_error("cell=gru hidden=4 timesteps=2\n\ncell=gru hidden=4 timesteps=2\n",
                 "w.txt:3: name: 'gru-h4-i4-b1-t2' is already used on line 1 (add name=... to tell them apart)");
    expect_error("cell=gru hidden=4 timesteps=2 name=\x01z\n",
                 "w.txt:1: name: '?z' has a character other than letters, digits, '-', '_', '.', '+'");
}
END_TEST

START_TEST(long_lines_and_empty)
{
    char *text = malloc(3000);
    ck_assert_ptr_nonnull(text);
    strcpy(text, "cell=lstm hidden=4 timesteps=2\n# ");
    size_t k = strlen(text);
    memset(text + k, 'x', 1100);
    strcpy(text + k + 1100, "\n");
    expect_error(text, "w.txt:2: line: too long (more than 1024 characters)");
    free(text);
    expect_error("", "w.txt: no problems (only blank lines and comments)");
    expect_error("# nothing\n\n   \n", "w.txt: no problems (only blank lines and comments)");
}
END_TEST

static void write_file(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(data, 1, len, f), len);
    fclose(f);
}

START_TEST(files)
{
    const char *path = RB_TEST_TMPDIR "/wl_parser_crlf.txt";
    const char crlf[] = "# CRLF file\r\ncell=lstm hidden=16 batch=2 timesteps=5\r\ncell=gru hidden=8 timesteps=1\r\n";
    write_file(path, crlf, sizeof crlf - 1);
    rb_problem *p = NULL;
    size_t n = 0;
    ck_assert_msg(rb_workload_parse_file(path, &p, &n, err, sizeof err) == 0, "%s", err);
    ck_assert_uint_eq(n, 2);
    ck_assert_int_eq(p[0].batch, 2);
    ck_assert_str_eq(p[1].name, "gru-h8-i8-b1-t1");
    free(p);

    const char bad[] = "cell=lstm hidden=16 timesteps=5\ncell=lstm hidden=16 timesteps=5 color=red\n";
    write_file(path, bad, sizeof bad - 1);
    ck_assert_int_eq(rb_workload_parse_file(path, &p, &n, err, sizeof err), -1);
    char expect[512];
    snprintf(expect, sizeof expect,
             "%s:2: color: unknown key (expected cell, hidden, input, batch, timesteps or name)", path);
    ck_assert_str_eq(err, expect);

    const char nul[] = "cell=lstm hidden=16 timesteps=5\ncell=gru\0 hidden=3\n";
    write_file(path, nul, sizeof nul - 1);
    ck_assert_int_eq(rb_workload_parse_file(path, &p, &n, err, sizeof err), -1);
    snprintf(expect, sizeof expect, "%s:2: line: contains a NUL byte (not a text file?)", path);
    ck_assert_str_eq(err, expect);
    remove(path);

    const char *missing = RB_TEST_TMPDIR "/wl_parser_no_such_file.txt";
    ck_assert_int_eq(rb_workload_parse_file(missing, &p, &n, err, sizeof err), -1);
    snprintf(expect, sizeof expect, "%s: cannot open: No such file or directory", missing);
    ck_assert_str_eq(err, expect);
    ck_assert_ptr_null(p);

    /* A directory opens but cannot be read. */
    ck_assert_int_eq(rb_workload_parse_file(RB_TEST_TMPDIR, &p, &n, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "cannot"));
}
END_TEST

START_TEST(example_file)
{
    rb_problem *p = NULL;
    size_t n = 0;
    ck_assert_msg(rb_workload_parse_file(RB_SOURCE_DIR "/workloads/examples/small.txt", &p, &n, err, sizeof err) == 0,
                  "%s", err);
    int seen[3] = {0, 0, 0};
    for (size_t k = 0; k < n; k++)
        seen[p[k].cell]++;
    ck_assert_int_ge(seen[RB_CELL_LSTM], 2);
    ck_assert_int_ge(seen[RB_CELL_GRU], 2);
    ck_assert_int_ge(seen[RB_CELL_VANILLA], 2);
    free(p);
}
END_TEST

START_TEST(small_error_buffer)
{
    rb_problem *p = NULL;
    size_t n = 0;
    char tiny[8];
    ck_assert_int_eq(rb_workload_parse_string("cell=x hidden=1 timesteps=1", "w.txt", &p, &n, tiny, sizeof tiny), -1);
    ck_assert_str_eq(tiny, "w.txt:1");
    ck_assert_int_eq(rb_workload_parse_string("cell=x hidden=1 timesteps=1", "w.txt", &p, &n, NULL, 0), -1);
}
END_TEST

/* n lines of distinct problems. */
static char *many_lines(size_t n)
{
    char *text = malloc(n * 48 + 1);
    size_t used = 0;
    for (size_t i = 0; i < n; i++)
        used += (size_t)sprintf(text + used, "cell=lstm hidden=%zu timesteps=%zu name=w%zu\n", 1 + i % 4096,
                                1 + i / 4096, i);
    text[used] = '\0';
    return text;
}

/* The documented cap: 100,000 problems are accepted, the 100,001st is refused (131,072 used to pass); the
 * duplicate-name check over that many stays instant (it used to compare every name with every earlier one). */
START_TEST(problem_cap)
{
    char *text = many_lines(131072);
    char *last = text, *cut;
    for (int i = 0; i < 99999; i++)
        last = strchr(last, '\n') + 1; /* start of line 100000 */
    cut = strchr(last, '\n') + 1;       /* start of line 100001 */
    char keep = *cut;
    *cut = '\0';
    free(expect_ok(text, 100000));
    *cut = keep;
    expect_error(text, "w.txt:100001: line: too many problems (at most 100000 per file)");
    /* a duplicate far down is still found, naming the first line */
    strcpy(last, "cell=gru hidden=3 timesteps=3 name=w17\n");
    expect_error(text, "w.txt:100000: name: 'w17' is already used on line 18 (add name=... to tell them apart)");
    free(text);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("parser");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, good_lines_and_defaults);
    tcase_add_test(tc, comments_blank_crlf_whitespace);
    tcase_add_test(tc, limits_accepted);
    tcase_add_test(tc, bad_keys);
    tcase_add_test(tc, missing_keys);
    tcase_add_test(tc, bad_integers);
    tcase_add_test(tc, out_of_range);
    tcase_add_test(tc, bad_cells_and_names);
    tcase_add_test(tc, long_lines_and_empty);
    tcase_add_test(tc, files);
    tcase_add_test(tc, example_file);
    tcase_add_test(tc, small_error_buffer);
    tcase_add_test(tc, problem_cap);
    suite_add_tcase(s, tc);
    return rb_check_run(s);
}
