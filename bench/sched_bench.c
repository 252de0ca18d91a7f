/* bench/sched_bench.c — dispatch overhead and parallel efficiency of rb_campaign_run on cheap modeled jobs.
 * Run under mpirun at several sizes (bench/run_sched_bench.sh). Rank 0 first runs every job serially in this process
 * with rb_execute_job (W = the work itself), then the whole campaign goes through the scheduler (T_p, results
 * written to an HDF5 store in batches like a real run). Printed per run:
 *   overhead/job     = (p * T_p - W) / n   rank-seconds per job not spent inside jobs (dispatch, messages, store)
 *   efficiency       = W / (p * T_p)       against p ranks
 *   core efficiency  = W / (min(p, cores) * T_p) against the cores actually there (oversubscribed runs)
 *   the same without the fixed cost of a campaign (T_p minus the time of an empty campaign: executors started,
 *   backends probed, capabilities exchanged), i.e. the per-job dispatch cost
 *   CPU per job      = CPU seconds during the campaign / n, split into the rank processes themselves (the
 *                      scheduler's own cost: dispatch, messages, store) and their executors (the jobs); CPU time is
 *                      disturbed far less than wall-clock time by other users of a shared machine
 * Options: --jobs N --hidden H --timesteps T --batch-rows R --repeat K (best of K; default 3) --no-store.
 * With --repeat K the campaign rewrites the same keys K times into the (temporary, deleted) store. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include "execute.h"
#include "job.h"
#include "registry.h"
#include "scheduler.h"
#include "store.h"
#include "timing.h"

/* CPU seconds (user + system) of this process (who = RUSAGE_SELF) or of its reaped children (the executors). */
static double cpu_of(int who)
{
    struct rusage a;
    getrusage(who, &a);
    return (double)(a.ru_utime.tv_sec + a.ru_stime.tv_sec) + 1e-6 * (double)(a.ru_utime.tv_usec + a.ru_stime.tv_usec);
}

static double cpu_seconds(void)
{
    return cpu_of(RUSAGE_SELF) + cpu_of(RUSAGE_CHILDREN);
}

static int arg_int(int argc, char **argv, const char *name, int def)
{
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return atoi(argv[i + 1]);
    return def;
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank = 0, size = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int n = arg_int(argc, argv, "--jobs", 2000);
    int hidden = arg_int(argc, argv, "--hidden", 32);
    int steps = arg_int(argc, argv, "--timesteps", 4);
    int batch = arg_int(argc, argv, "--batch-rows", 64);
    int repeat = arg_int(argc, argv, "--repeat", 3);
    int no_store = 0;
    for (int i = 1; i < argc; i++)
        no_store |= strcmp(argv[i], "--no-store") == 0;
    const char *backend = "brainwave";
    int bidx = -1;
    for (size_t i = 0; i < rb_backend_count(); i++)
        if (strcmp(rb_backend_at(i)->name, backend) == 0)
            bidx = (int)i;
    if (bidx < 0 || n < 1) {
        if (rank == 0)
            fprintf(stderr, "sched-bench: backend %s not built (or --jobs < 1)\n", backend);
        MPI_Finalize();
        return 2;
    }
    /* n distinct shapes (distinct keys), all about the same cost */
    rb_problem *p = calloc((size_t)n, sizeof *p);
    for (int i = 0; i < n; i++) {
        p[i].cell = RB_CELL_LSTM;
        p[i].hidden = hidden;
        p[i].input = 1 + i;
        p[i].batch = 1;
        p[i].timesteps = steps;
        snprintf(p[i].name, sizeof p[i].name, "bench-%d", i);
    }
    rb_options opt;
    memset(&opt, 0, sizeof opt);
    rb_job *jobs = NULL;
    size_t nj = 0, dups = 0;
    if (rb_jobs_build(p, (size_t)n, &bidx, &opt, 1, 1, &jobs, &nj, &dups) != 0)
        MPI_Abort(MPI_COMM_WORLD, 3);
    rb_exec_config cfg;
    memset(&cfg, 0, sizeof cfg);
    rb_timing_policy_default(&cfg.timing);
    cfg.host = "bench";
    cfg.rank = rank;

    double work = 0, work_cpu = 0;
    for (int rep = 0; rep < repeat + 1 && rank == 0; rep++) { /* work content W: serially, here; best of the repeats
                                                                  after a warm-up pass */
        double t0 = rb_now(), c0 = cpu_seconds();
        for (size_t j = 0; j < nj; j++) {
            rb_record rec;
            double *s = NULL;
            size_t ns = 0;
            rb_execute_job(&jobs[j], &cfg, &rec, &s, &ns);
            free(s);
        }
        double w = rb_now() - t0, wc = cpu_seconds() - c0;
        rb_execute_clear_cache();
        if (rep == 1 || (rep > 1 && w < work))
            work = w;
        if (rep == 1 || (rep > 1 && wc < work_cpu))
            work_cpu = wc;
    }
    char path[256];
    snprintf(path, sizeof path, "%s/rnnbench-sched-bench-%d.h5", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
             (int)getpid());
    rb_store *store = NULL;
    if (rank == 0 && !no_store) {
        char err[256];
        store = rb_store_open(path, 1, err, sizeof err);
        const char *k[1] = {"tool"}, *v[1] = {"sched-bench"};
        if (!store || rb_store_begin_run(store, k, v, 1) < 0) {
            fprintf(stderr, "sched-bench: %s\n", err);
            MPI_Abort(MPI_COMM_WORLD, 3);
        }
    }
    rb_campaign c;
    memset(&c, 0, sizeof c);
    c.jobs = jobs;
    c.n = nj;
    c.exec = cfg;
    c.store = store;
    c.batch_rows = batch;
    { /* the other ranks wait for rank 0's serial pass without spinning (a blocking barrier busy-polls) */
        MPI_Request req;
        int done = 0;
        MPI_Ibarrier(MPI_COMM_WORLD, &req);
        while (MPI_Test(&req, &done, MPI_STATUS_IGNORE) == MPI_SUCCESS && !done)
            nanosleep(&(struct timespec){0, 1000000}, NULL);
    }
    rb_campaign_result res;
    double t_setup = 0;
    for (int rep = 0; rep < repeat; rep++) { /* an empty campaign: the fixed cost (executors, probes, exchange) */
        rb_campaign e = c;
        e.n = 0;
        MPI_Barrier(MPI_COMM_WORLD);
        double t0 = MPI_Wtime();
        rb_campaign_run(&e, &res);
        double t = MPI_Wtime() - t0;
        if (rep == 0 || t < t_setup)
            t_setup = t;
    }
    double tp = 0, cpu = 0, cpu_ranks = 0;
    for (int rep = 0; rep < repeat; rep++) { /* best of the repeats (the machine may be shared) */
        MPI_Barrier(MPI_COMM_WORLD);
        double t0 = MPI_Wtime(), c0 = cpu_seconds(), s0 = cpu_of(RUSAGE_SELF);
        rb_campaign_run(&c, &res);
        double mine[2] = {cpu_seconds() - c0, cpu_of(RUSAGE_SELF) - s0}, all[2] = {0, 0};
        MPI_Reduce(mine, all, 2, MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD);
        double t = MPI_Wtime() - t0;
        if (rep == 0 || t < tp)
            tp = t;
        if (rep == 0 || all[0] < cpu) {
            cpu = all[0];
            cpu_ranks = all[1];
        }
    }
    if (rank == 0) {
        if (store) {
            rb_store_close(store);
            unlink(path);
        }
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        int used = size < cores ? size : (int)cores;
        const char *ex = getenv("RNNBENCH_EXECUTOR");
        printf("ranks %d (cores %ld, executor %s, %s): %zu jobs (%s, lstm h=%d t=%d, %zu ok), work W %.3f s = %.1f us/job, "
               "campaign T %.3f s; overhead/job %.1f us; efficiency %.1f%%; core efficiency %.1f%%\n",
               size, cores, ex && *ex ? ex : "fork", store ? "HDF5 store" : "no store", nj, backend, hidden, steps, res.ok, work, 1e6 * work / (double)nj,
               tp, 1e6 * ((double)size * tp - work) / (double)nj, 100.0 * work / ((double)size * tp),
               100.0 * work / ((double)used * tp));
        double steady = tp - t_setup;
        printf("    fixed cost per campaign (empty campaign) %.1f ms; without it: overhead/job %.1f us, efficiency "
               "%.1f%%, core efficiency %.1f%%\n", 1e3 * t_setup, 1e6 * ((double)size * steady - work) / (double)nj,
               100.0 * work / ((double)size * steady), 100.0 * work / ((double)used * steady));
        printf("    CPU per job: work alone %.1f us; campaign %.1f us = rank processes (dispatch, messages, store) %.1f us "
               "+ executors %.1f us (jobs run side by side are slower than alone on a shared machine)\n",
               1e6 * work_cpu / (double)nj, 1e6 * cpu / (double)nj, 1e6 * cpu_ranks / (double)nj,
               1e6 * (cpu - cpu_ranks) / (double)nj);
    }
    free(jobs);
    free(p);
    MPI_Finalize();
    return 0;
}
