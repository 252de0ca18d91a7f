/* harness/mpi_info.h — MPI provenance and per-node facts: hostnames of all ranks, the MPI library version, the node
 * a rank lives on, and the OpenBLAS threads-per-rank policy. */
#ifndef RB_MPI_INFO_H
#define RB_MPI_INFO_H

#include <stddef.h>

/* Collective over MPI_COMM_WORLD. Writes the unique hostnames of all ranks, comma-separated, in rank order of first
 * appearance (truncated to fit). Returns the number of unique hosts (>= 1), or -1 on an MPI error. */
int rb_mpi_hosts(char *out, size_t len);

/* The MPI library's version string (first line of MPI_Get_library_version, e.g. "Open MPI v4.1.4, ..."). May be
 * called before MPI_Init. */
void rb_mpi_library_version(char *out, size_t len);

/* This process's hostname (never empty: "unknown" when gethostname fails). */
void rb_hostname(char *out, size_t len);

/* Collective over MPI_COMM_WORLD. The node this rank runs on, found with MPI_Comm_split_type(MPI_COMM_TYPE_SHARED):
 * *node_id is the lowest world rank on the node, *node_rank / *node_size this rank's place on it. 0 or -1. */
int rb_mpi_node(int *node_id, int *node_rank, int *node_size);

/* Collective over MPI_COMM_WORLD. OpenBLAS threads this rank should use, and sets them (openblas_set_num_threads,
 * looked up at run time so the harness does not need OpenBLAS at link time):
 *   OPENBLAS_NUM_THREADS set to a positive integer -> that value (the user decides);
 *   otherwise min(cores this process may run on, online cores of the node / ranks on the node), at least 1.
 * Returns the thread count (>= 1). */
int rb_blas_threads_policy(void);

/* The OpenBLAS thread count in effect (openblas_get_num_threads), or -1 when OpenBLAS is not loaded. */
int rb_blas_threads_current(void);

#endif
