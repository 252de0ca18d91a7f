/* workloads/number.h — the one strict decimal number parser of rnnbench, shared by the command line (harness/
 * cli_util.c), backend option values (backends/backend.c) and workload files (workloads/parser.c). The whole string
 * must be the number: no blanks, no '+', no hex, no inf/nan, no thousands separators; integers have no '.' or
 * exponent, unsigned ones no '-'. Grammar: ['-'] digits, and for reals ['-'] (digits ['.' digits*] | '.' digits)
 * [('e'|'E') ['-'] digits]. */
#ifndef RB_NUMBER_H
#define RB_NUMBER_H

#define RB_NUM_OK 0
#define RB_NUM_SYNTAX (-1) /* not a number of that kind */
#define RB_NUM_RANGE (-2)  /* a number, outside [lo, hi] (or too large to represent) */

int rb_number_int(const char *s, long long lo, long long hi, long long *out);
int rb_number_uint(const char *s, unsigned long long hi, unsigned long long *out);
int rb_number_real(const char *s, double lo, double hi, double *out);

#endif
