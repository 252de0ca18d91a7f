/* harness/output_cache.h — the on-disk cache of functional outputs: the fp32 reference of a problem and the output
 * of a simulated/modeled backend's numerics, keyed by (problem shape, seed, numerics, build of this program).
 *
 * Location: RNNBENCH_CACHE_DIR, else $XDG_CACHE_HOME/rnnbench, else $HOME/.cache/rnnbench. RNNBENCH_CACHE=off turns
 * it off. Size: RNNBENCH_CACHE_MAX bytes (suffix K, M, G; default 4G); past it the least recently used entries go.
 * One file per entry, <16 hex digits>.rbc: a header (magic, version, the full key text, element count, checksum)
 * and the floats. Writers write a temporary file in the same directory and rename it into place, so a reader sees
 * a whole entry or none, concurrent writers of one key leave one whole entry, and a killed writer leaves only a
 * temporary file that no reader opens (removed later by the size policy, `rnnbench cache clear` or `info`). A
 * reader checks the size, the key and the checksum; a damaged entry is deleted and counts as a miss.
 *
 * The build is part of the key (a hash of this executable), so outputs of a changed numerics implementation are
 * never served. RNNBENCH_CACHE_TRACE=FILE appends one line per event ("PID EVENT KIND KEYHASH": hit, miss,
 * corrupt, store, compute) for tests and diagnosis. */
#ifndef RB_OUTPUT_CACHE_H
#define RB_OUTPUT_CACHE_H

#include <stddef.h>
#include <stdint.h>
#include "problem.h"

#define RB_CACHE_KEY_MAX 320

typedef struct rb_cache_key {
    char text[RB_CACHE_KEY_MAX]; /* "rnnbench-output-v1|build|cell|H|I|B|T|seed|numerics" */
    uint64_t hash;               /* of text: the file name */
} rb_cache_key;

/* 1 when the cache is on and its directory is known (dir filled), else 0. */
int rb_cache_enabled(char *dir, size_t len);
/* The key of a numerics' output for (p's shape, seed); numerics names the numerics ("reference:fp32",
 * "brainwave:ms-fp8"). */
void rb_cache_key_make(rb_cache_key *k, const rb_problem *p, uint64_t seed, const char *numerics);
/* Reads the entry into y (len floats). 0 on a hit; -1 on a miss (absent, damaged: then deleted, off). */
int rb_cache_get(const rb_cache_key *k, float *y, size_t len);
/* Stores y (len floats). Best effort: 0 stored, -1 not (off, no space, over the size cap); never partial. */
int rb_cache_put(const rb_cache_key *k, const float *y, size_t len);
/* Records an event in the trace file when RNNBENCH_CACHE_TRACE is set ("compute" when an output is computed). */
void rb_cache_trace(const char *event, const rb_cache_key *k);

/* Directory statistics: entries and their bytes, temporary files (writers in progress or killed). 0, or -1 when
 * the directory cannot be read (absent counts as empty). */
typedef struct rb_cache_stats {
    size_t entries, temporaries;
    uint64_t bytes;
} rb_cache_stats;
int rb_cache_stats_read(const char *dir, rb_cache_stats *st);
/* Removes every entry and temporary file in dir (nothing else). 0, or -1 with errno set. *removed counts files. */
int rb_cache_clear(const char *dir, size_t *removed);
/* The size cap in bytes (RNNBENCH_CACHE_MAX or the default). */
uint64_t rb_cache_max_bytes(void);

/* Testing: 64-bit checksum used in entries. */
uint64_t rb_cache_checksum(const void *data, size_t bytes);
/* Testing: when set, a writer calls it after the header and half of the data (a test stops and kills it there). */
extern void (*rb_cache_test_write_hook)(void);

#endif
