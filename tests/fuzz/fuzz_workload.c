/* tests/fuzz/fuzz_workload.c — libFuzzer target for the workload-file parser (workloads/parser.c): any text either
 * parses into problems that respect every documented limit (distinct non-empty names, sizes within bounds, at most
 * 100,000 problems), or fails with a message and nothing allocated. Also replayed over the seed corpus by
 * tests/fuzz/replay_main.c under ctest. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "problem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    rb_problem *p = (rb_problem *)0x1;
    size_t n = 7;
    char err[512];
    memset(err, 'x', sizeof err);
    int rc = rb_workload_parse_string(text, "fuzz.txt", &p, &n, err, sizeof err);
    if (rc != 0) {
        if (p != NULL || n != 0 || memchr(err, '\0', sizeof err) == NULL || err[0] == '\0')
            abort(); /* a failure must say why and leave nothing behind */
    } else {
        if (p == NULL || n == 0 || n > 100000)
            abort();
        for (size_t i = 0; i < n; i++) {
            const rb_problem *q = &p[i];
            if (rb_cell_name(q->cell) == NULL || q->hidden < 1 || q->hidden > 65536 || q->input < 1 ||
                q->input > 65536 || q->batch < 1 || q->batch > 4096 || q->timesteps < 1 || q->timesteps > 1000000 ||
                q->name[0] == '\0' || memchr(q->name, '\0', sizeof q->name) == NULL)
                abort();
            for (size_t j = 0; j < i && n <= 2000; j++) /* (names are distinct; checked on small inputs) */
                if (strcmp(p[j].name, q->name) == 0)
                    abort();
        }
    }
    free(rc == 0 ? p : NULL);
    free(text);
    return 0;
}
