/* harness/csv_read.h — a strict reader for the small CSV files rnnbench takes as input (published rows, platform
 * facts, the paper's claims): '#' comment lines and blank lines skipped, a header naming the columns (unique,
 * non-empty), then rows with exactly as many fields as the header. Fields may be quoted ("a, b" with "" for a
 * quote); a quoted field cannot span lines. Printable ASCII only. Errors read "FILE:LINE: why". */
#ifndef RB_CSV_READ_H
#define RB_CSV_READ_H

#include <stddef.h>
#include <stdio.h>

#define RB_CSV_MAX_COLS 32
#define RB_CSV_LINE_MAX 4096 /* longest accepted line, without its line break */

typedef struct rb_csv {
    FILE *f;
    const char *path;
    int line;                          /* line number of the row just read (1-based) */
    int ncols;                         /* header columns */
    char header[RB_CSV_LINE_MAX + 2];  /* the header line, split in place */
    char *names[RB_CSV_MAX_COLS];
    char buf[RB_CSV_LINE_MAX + 2];     /* the current row, split in place */
    char *fields[RB_CSV_MAX_COLS];
} rb_csv;

/* Opens path and reads its header. 0, or -1 with "FILE[:LINE]: why" in err (the file is closed then). */
int rb_csv_open(rb_csv *c, const char *path, char *err, size_t errlen);
/* Reads the next row: 1 a row, 0 end of file, -1 error ("FILE:LINE: why"). */
int rb_csv_next(rb_csv *c, char *err, size_t errlen);
/* Index of a header column, or -1. */
int rb_csv_column(const rb_csv *c, const char *name);
/* The current row's field in column col (col < 0: ""). */
const char *rb_csv_field(const rb_csv *c, int col);
void rb_csv_close(rb_csv *c);

/* Splits one line in place into at most max fields. Returns the field count, or -1 with why (a static string). */
int rb_csv_split(char *line, char **fields, int max, const char **why);

#endif
