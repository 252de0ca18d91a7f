/* harness/mpi_info.c — MPI provenance (hostnames, library version), node detection and the OpenBLAS thread
 * policy (see mpi_info.h). */
#define _GNU_SOURCE /* sched_getaffinity/CPU_COUNT, RTLD_DEFAULT */
#include <dlfcn.h>
#include <mpi.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "mpi_info.h"

#define RB_HOST_MAX 64

void rb_hostname(char *out, size_t len)
{
    char h[256];
    if (gethostname(h, sizeof h) != 0 || h[0] == '\0')
        strcpy(h, "unknown");
    h[sizeof h - 1] = '\0';
    snprintf(out, len, "%s", h);
}

int rb_mpi_hosts(char *out, size_t len)
{
    int size = 1, unique = 0;
    char mine[RB_HOST_MAX];
    if (len)
        out[0] = '\0';
    rb_hostname(mine, sizeof mine);
    if (MPI_Comm_size(MPI_COMM_WORLD, &size) != MPI_SUCCESS)
        return -1;
    char *all = malloc((size_t)size * RB_HOST_MAX);
    if (!all)
        return -1;
    if (MPI_Allgather(mine, RB_HOST_MAX, MPI_CHAR, all, RB_HOST_MAX, MPI_CHAR, MPI_COMM_WORLD) != MPI_SUCCESS) {
        free(all);
        return -1;
    }
    size_t used = 0;
    for (int r = 0; r < size; r++) {
        const char *h = all + (size_t)r * RB_HOST_MAX;
        int seen = 0;
        for (int q = 0; q < r && !seen; q++)
            seen = strncmp(h, all + (size_t)q * RB_HOST_MAX, RB_HOST_MAX) == 0;
        if (seen)
            continue;
        unique++;
        if (len > used) {
            int w = snprintf(out + used, len - used, "%s%s", used ? "," : "", h);
            used = w > 0 ? used + (size_t)w : used;
            if (used >= len)
                used = len - 1;
        }
    }
    free(all);
    return unique;
}

void rb_mpi_library_version(char *out, size_t len)
{
    char v[MPI_MAX_LIBRARY_VERSION_STRING];
    int n = 0;
    if (len == 0)
        return;
    if (MPI_Get_library_version(v, &n) != MPI_SUCCESS) {
        snprintf(out, len, "unknown");
        return;
    }
    v[n < MPI_MAX_LIBRARY_VERSION_STRING ? n : MPI_MAX_LIBRARY_VERSION_STRING - 1] = '\0';
    char *nl = strpbrk(v, "\r\n");
    if (nl)
        *nl = '\0';
    snprintf(out, len, "%s", v);
}

int rb_mpi_node(int *node_id, int *node_rank, int *node_size)
{
    int wr = 0;
    MPI_Comm node;
    MPI_Comm_rank(MPI_COMM_WORLD, &wr);
    if (MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, wr, MPI_INFO_NULL, &node) != MPI_SUCCESS)
        return -1;
    int nr = 0, ns = 1, lowest = wr;
    MPI_Comm_rank(node, &nr);
    MPI_Comm_size(node, &ns);
    MPI_Allreduce(&wr, &lowest, 1, MPI_INT, MPI_MIN, node);
    MPI_Comm_free(&node);
    if (node_id)
        *node_id = lowest;
    if (node_rank)
        *node_rank = nr;
    if (node_size)
        *node_size = ns;
    return 0;
}

typedef void (*rb_set_threads_fn)(int);
typedef int (*rb_get_threads_fn)(void);

static int env_threads(void)
{
    const char *e = getenv("OPENBLAS_NUM_THREADS");
    if (!e || !*e)
        return 0;
    char *end = NULL;
    long v = strtol(e, &end, 10);
    return (end && *end == '\0' && v >= 1 && v <= 4096) ? (int)v : 0;
}

int rb_blas_threads_policy(void)
{
    int node_size = 1;
    if (rb_mpi_node(NULL, NULL, &node_size) != 0 || node_size < 1)
        node_size = 1;
    int threads = env_threads();
    if (threads == 0) {
        long online = sysconf(_SC_NPROCESSORS_ONLN);
        if (online < 1)
            online = 1;
        long share = online / node_size;
        cpu_set_t set;
        CPU_ZERO(&set);
        if (sched_getaffinity(0, sizeof set, &set) == 0) {
            long allowed = CPU_COUNT(&set);
            if (allowed >= 1 && allowed < share)
                share = allowed;
        }
        threads = share < 1 ? 1 : (int)share;
    }
    rb_set_threads_fn set_fn = (rb_set_threads_fn)(void (*)(void))dlsym(RTLD_DEFAULT, "openblas_set_num_threads");
    if (set_fn)
        set_fn(threads);
    return threads;
}

int rb_blas_threads_current(void)
{
    rb_get_threads_fn get_fn = (rb_get_threads_fn)(int (*)(void))dlsym(RTLD_DEFAULT, "openblas_get_num_threads");
    return get_fn ? get_fn() : -1;
}
