/* harness/published_import.c — the idempotent import of published rows into a results file: keeping the rows
 * of a campaign's shapes, comparing each row with the current row of its key already in the file, appending
 * only new or changed rows, and writing /backends/<platform> with the platform's citation and facts. */
#include "published.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <hdf5.h>

void rb_pub_keep_shapes(rb_pub_set *s, const rb_problem *probs, size_t np)
{
    size_t kept = 0;
    for (size_t i = 0; i < s->n; i++) {
        rb_record *r = &s->tasks[i].rec;
        const rb_problem *match = NULL;
        for (size_t k = 0; k < np && !match; k++) {
            const rb_problem *p = &probs[k];
            if (strcmp(rb_cell_name(p->cell), r->cell) == 0 && p->hidden == r->hidden && p->input == r->input &&
                p->batch == r->batch && p->timesteps == r->timesteps)
                match = p;
        }
        if (!match) continue;
        snprintf(r->workload, sizeof r->workload, "%s", match->name);
        s->tasks[kept++] = s->tasks[i];
    }
    s->n = kept;
}

static int same_number(double a, double b) { return (isnan(a) && isnan(b)) || a == b; }

/* Same published content: figures, sources, device and extras (not the name, time or run). */
static int same_content(const rb_record *a, const rb_record *b)
{
    return strcmp(a->status, b->status) == 0 && strcmp(a->latency_source, b->latency_source) == 0 &&
           strcmp(a->device, b->device) == 0 && strcmp(a->extras, b->extras) == 0 &&
           strcmp(a->power_source, b->power_source) == 0 && strcmp(a->area_source, b->area_source) == 0 &&
           strcmp(a->energy_source, b->energy_source) == 0 && same_number(a->lat_median_ms, b->lat_median_ms) &&
           same_number(a->power_w, b->power_w) && same_number(a->area_mm2, b->area_mm2) &&
           same_number(a->energy_j, b->energy_j);
}

/* The current row of a key: highest run_id, then the later one in the file. */
static const rb_record *current_row(const rb_record *rows, size_t n, const char *key)
{
    const rb_record *best = NULL;
    for (size_t i = 0; i < n; i++)
        if (strcmp(rows[i].key, key) == 0 && (!best || rows[i].run_id >= best->run_id)) best = &rows[i];
    return best;
}

size_t rb_pub_plan(const rb_pub_set *s, const rb_record *existing, size_t nexisting, unsigned char *append,
                   size_t *updated)
{
    size_t n = 0;
    *updated = 0;
    for (size_t i = 0; i < s->n; i++) {
        const rb_record *cur = current_row(existing, nexisting, s->tasks[i].rec.key);
        append[i] = !cur || !same_content(cur, &s->tasks[i].rec);
        if (append[i] && cur) (*updated)++;
        n += append[i];
    }
    return n;
}

/* All rows of a platform carry the same citation: that one; else a pointer to the rows. */
static const char *platform_citation(const rb_pub_set *s, const char *platform)
{
    const char *cit = NULL;
    for (size_t i = 0; i < s->n; i++) {
        if (strcmp(s->tasks[i].rec.backend, platform) != 0) continue;
        if (cit && strcmp(cit, s->tasks[i].citation) != 0) return "per row: see the citation extra of each row";
        cit = s->tasks[i].citation;
    }
    return cit ? cit : "";
}

typedef struct attrs {
    int n;
    char key[24][32];
    char val[24][512];
    const char *kp[24], *vp[24];
} attrs;

static void attr(attrs *a, const char *key, const char *val)
{
    if (a->n >= 24 || !val || !val[0]) return;
    snprintf(a->key[a->n], sizeof a->key[0], "%s", key);
    snprintf(a->val[a->n], sizeof a->val[0], "%s", val);
    a->kp[a->n] = a->key[a->n];
    a->vp[a->n] = a->val[a->n];
    a->n++;
}

static void attr_num(attrs *a, const char *key, double v)
{
    char b[32];
    if (isnan(v)) return;
    snprintf(b, sizeof b, "%.10g", v);
    attr(a, key, b);
}

static int write_platform(rb_store *st, const rb_pub_set *s, const char *platform)
{
    attrs a = {0};
    const rb_pub_platform *p = rb_pub_find_platform(s, platform);
    char summary[256];
    snprintf(summary, sizeof summary, "published figures of %s", p && p->device[0] ? p->device : platform);
    attr(&a, "kind", "published");
    attr(&a, "summary", summary);
    attr(&a, "citation", platform_citation(s, platform));
    if (p) {
        attr(&a, "device", p->device);
        attr_num(&a, "process_nm", p->process_nm);
        attr_num(&a, "clock_ghz", p->clock_ghz);
        attr_num(&a, "die_area_mm2", p->die_area_mm2);
        attr(&a, "area_kind", p->area_kind);
        attr_num(&a, "tdp_w", p->tdp_w);
        attr_num(&a, "peak_power_w", p->peak_power_w);
        attr(&a, "row_power", p->row_power);
        attr_num(&a, "peak_tflops_32bit", p->peak_tflops_32bit);
        attr_num(&a, "peak_tflops_8bit", p->peak_tflops_8bit);
        attr_num(&a, "onchip_mb", p->onchip_mb);
        attr(&a, "reproduced_by", p->reproduced_by);
        attr(&a, "platform_citation", p->citation);
        attr(&a, "note", p->note);
    }
    return rb_store_backend_config(st, platform, a.kp, a.vp, a.n);
}

int rb_pub_write(rb_store *st, rb_pub_set *s, const unsigned char *append, char *err, size_t errlen)
{
    size_t n = 0;
    for (size_t i = 0; i < s->n; i++) n += append[i];
    if (n == 0) return 0;
    rb_record *rows = malloc(n * sizeof *rows);
    if (!rows) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    size_t k = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (!append[i]) continue;
        rows[k] = s->tasks[i].rec;
        rows[k].timestamp = (double)now.tv_sec + 1e-9 * (double)now.tv_nsec;
        k++;
    }
    int rc = rb_store_append(st, rows, n, NULL, NULL, err, errlen);
    free(rows);
    for (size_t i = 0; rc == 0 && i < s->n; i++) {
        if (!append[i]) continue;
        int first = 1; /* one /backends group per platform */
        for (size_t j = 0; j < i && first; j++)
            first = !(append[j] && strcmp(s->tasks[j].rec.backend, s->tasks[i].rec.backend) == 0);
        if (first && write_platform(st, s, s->tasks[i].rec.backend) != 0) {
            snprintf(err, errlen, "cannot write /backends/%s", s->tasks[i].rec.backend);
            rc = -1;
        }
    }
    return rc;
}

int rb_pub_existing(const char *path, rb_record **rows, size_t *n, char *err, size_t errlen)
{
    *rows = NULL;
    *n = 0;
    struct stat st;
    if (stat(path, &st) != 0) return 0; /* a new file: nothing there yet */
    H5E_auto2_t old_fn;
    void *old_data;
    H5Eget_auto2(H5E_DEFAULT, &old_fn, &old_data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    int rc = rb_store_read(path, rows, n, err, errlen);
    H5Eset_auto2(H5E_DEFAULT, old_fn, old_data);
    return rc;
}

const char *rb_pub_default_dir(void)
{
#ifdef RB_PUBLISHED_DIR
    return RB_PUBLISHED_DIR;
#else
    return "results/published";
#endif
}

int rb_pub_manifest(const char *dir, char ***paths, size_t *n, char *err, size_t errlen)
{
    *paths = NULL;
    *n = 0;
    char mpath[4096];
    snprintf(mpath, sizeof mpath, "%s/default.txt", dir);
    FILE *f = fopen(mpath, "r");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open the list of published files", mpath);
        return -1;
    }
    enum { MAX_FILES = 64, NAME_MAX_LEN = 256 };
    char names[MAX_FILES][NAME_MAX_LEN];
    char line[NAME_MAX_LEN + 2];
    size_t count = 0, total = 0;
    int lineno = 0, rc = 0;
    while (rc == 0 && fgets(line, sizeof line, f)) {
        lineno++;
        size_t len = strcspn(line, "\r\n");
        if (line[len] == '\0' && !feof(f)) {
            snprintf(err, errlen, "%s:%d: line too long", mpath, lineno);
            rc = -1;
            break;
        }
        line[len] = '\0';
        char *p = line;
        while (*p == ' ') p++;
        if (*p == '\0' || *p == '#') continue;
        if (strchr(p, '/') || count == MAX_FILES || strlen(p) >= NAME_MAX_LEN) {
            snprintf(err, errlen, "%s:%d: %s", mpath, lineno,
                     count == MAX_FILES        ? "too many files (at most 64)"
                     : strchr(p, '/') ? "a file name, not a path, is expected"
                                      : "file name too long");
            rc = -1;
            break;
        }
        memcpy(names[count], p, strlen(p) + 1); /* p fits: the line buffer holds at most NAME_MAX_LEN chars */
        total += strlen(dir) + strlen(p) + 2;
        count++;
    }
    fclose(f);
    if (rc != 0) return -1;
    /* one block: the pointer array, then the strings */
    char **block = malloc(count * sizeof(char *) + total + 1);
    if (!block) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    char *text = (char *)(block + count);
    for (size_t i = 0; i < count; i++) {
        block[i] = text;
        text += sprintf(text, "%s/%s", dir, names[i]) + 1;
    }
    *paths = block;
    *n = count;
    return 0;
}
