/* harness/cmd_run.c — `rnnbench run`: parse and validate everything, build the jobs, open the store on rank 0,
 * skip stored keys with --resume, run the campaign over MPI, record provenance, print the table. */
#include <getopt.h>
#include <math.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "backend_select.h"
#include "cli.h"
#include "mpi_info.h"
#include "provenance.h"
#include "registry.h"
#include "run_published.h"
#include "run_table.h"
#include "scheduler.h"
#include "store.h"

#define RB_DEFAULT_OUTPUT "results/rnnbench.h5"

typedef struct run_args {
    const char *suite, *workloads, *backends, *output;
    int resume, retry_failed, force, quiet, batch_rows, no_published;
    int npublished;
    const char *published[16]; /* --published FILE */
    rb_timing_policy timing;
    double job_timeout;
    double rank_timeout; /* a worker rank silent this long is frozen (0: never) */
    uint64_t seed;
    rb_backend_opt_args opts;
} run_args;

static void run_usage(FILE *out)
{
    fprintf(out,
            "usage: rnnbench run [options]\n"
            "  Runs every workload on every selected backend and appends one row per job to an HDF5 file.\n"
            "  Under `mpirun -np N` / `srun`, rank 0 coordinates and writes; the other ranks pull jobs.\n"
            "\n"
            "workloads (one of):\n"
            "  --suite NAME           built-in suite: paper (default), deepbench-inference, deepbench-device,\n"
            "                         deepbench-train (see `rnnbench list`)\n"
            "  --workloads FILE       workload file, one problem a line (see workloads/examples/small.txt)\n"
            "backends:\n"
            "  --backends a,b,...     backends to run (default: all compiled in; ones that cannot run here are\n"
            "                         stored as 'unavailable' with the reason)\n"
            "  --backend-opt B.K=V    option K=V for backend B (repeatable), e.g. spatial.arch=FILE; every option is\n"
            "                         checked against B's declared ones before anything runs (`rnnbench list\n"
            "                         --backends-only` lists them with their defaults)\n"
            "output:\n"
            "  --output FILE.h5       results file (default " RB_DEFAULT_OUTPUT "); an existing file is appended to\n"
            "  --resume               skip jobs whose key is already in the file (also those whose latest row is\n"
            "                         failed, timeout or inaccurate: it says how many)\n"
            "  --retry-failed         --resume, but run again the jobs whose latest row is failed, timeout or\n"
            "                         inaccurate (their old rows stay in the file; the newest row of a key counts)\n"
            "  --force                replace an existing results file\n"
            "  --batch-rows N         rows per append+flush (default 8; rows of fast jobs are grouped so the file\n"
            "                         is flushed at most every 50 ms)\n"
            "published rows (see `rnnbench import --help`):\n"
            "                         the shipped published figures (results/published: the paper's Table 6 and\n"
            "                         platforms, DeepBench's GPU tables) of the campaign's shapes are imported into\n"
            "                         the results file as rows with source 'published' (rows already there are\n"
            "                         skipped), so `rnnbench report --paper` works on the file as it is\n"
            "  --no-published         do not import the shipped published rows\n"
            "  --published FILE       also import this published-rows CSV (repeatable, the campaign's shapes only)\n"
            "measurement (measured backends):\n"
            "  --warmup N             untimed runs before timing (default 1)\n"
            "  --reps N               at least N timed runs (default 5)\n"
            "  --min-time S           and at least S seconds of timed runs (default 0.2)\n"
            "  --target-ci PCT        and until the 95%% CI of the median is within +-PCT %% of it (default 5,\n"
            "                         0 = off); rows that miss it carry ci_target_met=0 in their extras\n"
            "  --max-time S           no further runs past N once S seconds are spent (default 60, 0 = no cap);\n"
            "                         it bounds --min-time and --target-ci\n"
            "  --job-timeout S        a job still timing after S seconds stops with status 'timeout' (default: none)\n"
            "  --seed N               seed of the weights and inputs (default 42)\n"
            "MPI:\n"
            "  --rank-timeout S       a worker rank that says nothing for S seconds (a stopped process, a hung node)\n"
            "                         loses its jobs in flight (stored as 'timeout') and gets no more work; at the\n"
            "                         end the job is ended with MPI_Abort after the file is closed (default 60, 0 =\n"
            "                         never; ranks running jobs inline, RNNBENCH_EXECUTOR=inline, get their jobs'\n"
            "                         --job-timeout limits on top, and without --job-timeout are never declared frozen)\n"
            "other:\n"
            "  --quiet                no progress and no table (progress: a live line on a terminal; otherwise,\n"
            "                         e.g. under mpirun/srun, a line every 5 s or so on stderr)\n"
            "  --help                 this text\n"
            "exit codes: 0 all jobs ok or unavailable, 1 a job failed, was inaccurate or timed out, 2 bad usage or\n"
            "input (nothing written), 3 interrupted (rows so far flushed), 4 the results file could not be written\n");
}

static int parse_run_args(int argc, char **argv, run_args *a, char *err, size_t errlen)
{
    static const struct option opts[] = {
        {"suite", required_argument, 0, 's'},      {"workloads", required_argument, 0, 'w'},
        {"backends", required_argument, 0, 'b'},   {"output", required_argument, 0, 'o'},
        {"resume", no_argument, 0, 'r'},           {"force", no_argument, 0, 'f'},
        {"reps", required_argument, 0, 'n'},       {"min-time", required_argument, 0, 't'},
        {"max-time", required_argument, 0, 'M'},   {"warmup", required_argument, 0, 'W'},
        {"job-timeout", required_argument, 0, 'J'}, {"seed", required_argument, 0, 'S'},
        {"backend-opt", required_argument, 0, 'O'}, {"batch-rows", required_argument, 0, 'R'},
        {"quiet", no_argument, 0, 'q'},            {"help", no_argument, 0, 'h'},
        {"target-ci", required_argument, 0, 'C'},
        {"no-published", no_argument, 0, 'P'},     {"published", required_argument, 0, 'p'},
        {"retry-failed", no_argument, 0, 'F'},     {"rank-timeout", required_argument, 0, 'K'},
        {0, 0, 0, 0}};
    memset(a, 0, sizeof *a);
    a->output = RB_DEFAULT_OUTPUT;
    a->seed = 42;
    a->batch_rows = 8;
    a->rank_timeout = 60;
    rb_timing_policy_default(&a->timing);
    long v;
    double d;
    int c;
    optind = 1;
    opterr = 0;
    int li = -1;
    while ((c = getopt_long(argc, argv, ":hq", opts, &li)) != -1) {
        switch (c) {
        case 's': a->suite = optarg; break;
        case 'w': a->workloads = optarg; break;
        case 'b': a->backends = optarg; break;
        case 'o': a->output = optarg; break;
        case 'r': a->resume = 1; break;
        case 'f': a->force = 1; break;
        case 'F': a->retry_failed = a->resume = 1; break;
        case 'K':
            if (rb_parse_double(optarg, 0, 86400 * 7, &d)) goto bad;
            a->rank_timeout = d;
            break;
        case 'q': a->quiet = 1; break;
        case 'P': a->no_published = 1; break;
        case 'p':
            if (a->npublished >= 16) {
                snprintf(err, errlen, "too many --published (at most 16)");
                return -1;
            }
            a->published[a->npublished++] = optarg;
            break;
        case 'n':
            if (rb_parse_int(optarg, 1, 100000, &v)) goto bad;
            a->timing.min_reps = (int)v;
            if (a->timing.max_reps < v) a->timing.max_reps = (int)v;
            break;
        case 'W':
            if (rb_parse_int(optarg, 0, 100000, &v)) goto bad;
            a->timing.warmup = (int)v;
            break;
        case 'R':
            if (rb_parse_int(optarg, 1, 100000, &v)) goto bad;
            a->batch_rows = (int)v;
            break;
        case 't':
            if (rb_parse_double(optarg, 0, 86400, &d)) goto bad;
            a->timing.min_time_s = d;
            break;
        case 'M':
            if (rb_parse_double(optarg, 0, 86400 * 7, &d)) goto bad;
            a->timing.max_time_s = d;
            break;
        case 'C':
            if (rb_parse_double(optarg, 0, 100, &d)) goto bad;
            a->timing.target_ci_pct = d;
            break;
        case 'J':
            if (rb_parse_double(optarg, 1e-3, 86400 * 7, &d)) goto bad;
            a->job_timeout = d;
            break;
        case 'S':
            if (rb_parse_u64(optarg, &a->seed)) goto bad;
            break;
        case 'O':
            if (rb_backend_opt_args_add(&a->opts, optarg, err, errlen) != 0)
                return -1;
            break;
        case 'h': return 1;
        case ':':
            snprintf(err, errlen, "option '%s' needs a value", argv[optind - 1]);
            return -1;
        default:
            snprintf(err, errlen, "unknown option '%s'", argv[optind - 1]);
            return -1;
        }
        li = -1;
        continue;
    bad:
        snprintf(err, errlen, "bad value '%s' for option '--%s'", optarg, li >= 0 ? opts[li].name : "?");
        return -1;
    }
    if (optind < argc) {
        snprintf(err, errlen, "unexpected argument '%s'", argv[optind]);
        return -1;
    }
    if (a->retry_failed && a->force) {
        snprintf(err, errlen, "--retry-failed and --force contradict each other");
        return -1;
    }
    if (a->resume && a->force) {
        snprintf(err, errlen, "--resume and --force contradict each other");
        return -1;
    }
    return 0;
}

/* --backends and every --backend-opt, validated against the backends' declared options (nothing opened yet). */
static int select_backends(const run_args *a, int *idx, rb_options *opts, size_t *nb, char *err, size_t errlen)
{
    char why[896];
    if (rb_backends_select(a->backends, &a->opts, idx, opts, 64, nb, why, sizeof why) != 0) {
        /* option errors name the flag themselves; list errors get it here */
        snprintf(err, errlen, "%s%s", strncmp(why, "--backend-opt", 13) == 0 ? "" : "--backends: ", why);
        return -1;
    }
    return 0;
}

/* Writes /backends/<name> configuration for every selected backend that has a config hook. */
static void store_backend_configs(rb_store *s, const int *idx, const rb_options *opts, size_t nb)
{
    for (size_t k = 0; k < nb; k++) {
        const rb_backend *b = rb_backend_at((size_t)idx[k]);
        char keys[40][RB_OPT_KEY_MAX], vals[40][RB_OPT_VAL_MAX];
        const char *kp[41], *vp[41];
        int n = 0;
        snprintf(keys[n], RB_OPT_KEY_MAX, "kind");
        snprintf(vals[n], RB_OPT_VAL_MAX, "%s", rb_kind_name(b->kind));
        n++;
        snprintf(keys[n], RB_OPT_KEY_MAX, "summary");
        snprintf(vals[n], RB_OPT_VAL_MAX, "%s", b->summary);
        n++;
        if (b->config)
            n += b->config(&opts[k], keys + n, vals + n, 40 - n);
        for (int i = 0; i < n; i++) {
            kp[i] = keys[i];
            vp[i] = vals[i];
        }
        rb_store_backend_config(s, b->name, kp, vp, n);
    }
}

/* Started by a launcher (mpirun, mpiexec, srun) rather than alone? Their environment says so before MPI_Init. */
static int under_launcher(void)
{
    static const char *const vars[] = {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE", "SLURM_PROCID",
                                       NULL};
    for (const char *const *v = vars; *v; v++)
        if (getenv(*v))
            return 1;
    return 0;
}

int rb_cmd_run(int argc, char **argv)
{
    run_args a;
    char err[1024];
    int pr = parse_run_args(argc, argv, &a, err, sizeof err);
    rb_problem *probs = NULL;
    size_t np = 0, nb = 0;
    int idx[64];
    rb_options opts[64];
    /* everything is checked before the results file is opened (and before MPI starts) */
    int bad = pr < 0 || (pr == 0 && (rb_load_problems(a.suite, a.workloads, "paper", &probs, &np, err, sizeof err) != 0 ||
                                     select_backends(&a, idx, opts, &nb, err, sizeof err) != 0));

    int inited = 0;
    MPI_Initialized(&inited);
    if (!inited && !under_launcher() && (bad || pr == 1)) {
        /* alone, --help or a usage error needs no MPI (whose start costs seconds) */
        if (pr == 1)
            run_usage(stdout);
        else
            fprintf(stderr, "rnnbench run: %s\n(see `rnnbench run --help`)\n", err);
        free(probs);
        return pr == 1 ? RB_EXIT_OK : RB_EXIT_USAGE;
    }
    if (!inited)
        MPI_Init(NULL, NULL);
    int rank = 0, size = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int rc = RB_EXIT_OK;
    int frozen = 0; /* rank 0: workers that stopped answering */
    rb_job *jobs = NULL;
    unsigned char *skip = NULL;
    rb_store *store = NULL;
    size_t nj = 0, dups = 0;
    rb_run_published pub;
    memset(&pub, 0, sizeof pub);

    if (pr == 1) {
        if (rank == 0)
            run_usage(stdout);
        goto out;
    }
    /* every rank checked the same command line; a file one rank cannot read stops them all (rank 0's message
     * first) */
    int any_bad = bad, rank0_bad = bad;
    MPI_Allreduce(&bad, &any_bad, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    MPI_Bcast(&rank0_bad, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (any_bad) {
        if (rank == 0 && bad)
            fprintf(stderr, "rnnbench run: %s\n(see `rnnbench run --help`)\n", err);
        else if (bad && !rank0_bad)
            fprintf(stderr, "rnnbench run: rank %d: %s\n", rank, err);
        rc = RB_EXIT_USAGE;
        goto out;
    }
    if (rb_jobs_build(probs, np, idx, opts, nb, a.seed, &jobs, &nj, &dups) != 0) {
        if (rank == 0)
            fprintf(stderr, "rnnbench run: out of memory building %zu jobs\n", np * nb);
        rc = RB_EXIT_USAGE;
        goto out;
    }
    int blas_threads = rb_blas_threads_policy();
    char hosts[4096];
    rb_mpi_hosts(hosts, sizeof hosts); /* collective */

    /* rank 0 opens the store; everyone learns whether it worked */
    int store_ok = 1;
    rb_provenance prov = {0};
    if (rank == 0) {
        /* published rows are read and checked before the results file is opened */
        if (rb_run_published_prepare(a.output, a.force, !a.no_published, a.published, (size_t)a.npublished, probs,
                                     np, &pub, err, sizeof err) != 0) {
            fprintf(stderr, "rnnbench run: %s\n", err);
            store_ok = 0;
        } else {
            store = rb_store_open(a.output, a.force, err, sizeof err);
            store_ok = store != NULL;
            if (!store_ok)
                fprintf(stderr, "rnnbench run: %s\n", err);
        }
    }
    MPI_Bcast(&store_ok, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (!store_ok) {
        rc = RB_EXIT_USAGE;
        goto out;
    }
    rb_campaign camp = {0};
    rb_campaign_result res = {0};
    char host[64] = "unknown";
    gethostname(host, sizeof host - 1);
    if (rank == 0) {
        skip = calloc(nj + 1, 1);
        size_t nskip = 0, nfailed = 0, nretry = 0;
        for (size_t i = 0; a.resume && i < nj; i++) {
            char st[16];
            if (!rb_store_has_key(store, jobs[i].key, st, sizeof st))
                continue;
            int failed = strcmp(st, "failed") == 0 || strcmp(st, "timeout") == 0 || strcmp(st, "inaccurate") == 0;
            if (failed && a.retry_failed) {
                nretry++; /* run again: a new row, the old one stays as history */
                continue;
            }
            skip[i] = 1;
            nskip++;
            nfailed += failed;
        }
        if (nfailed && !a.quiet)
            fprintf(stderr, "rnnbench run: --resume: %zu of the %zu stored jobs skipped have a failed, timeout or "
                            "inaccurate latest row; --retry-failed runs them again\n", nfailed, nskip);
        rb_provenance_start(&prov, argc, argv);
        char mpiver[1024];
        rb_mpi_library_version(mpiver, sizeof mpiver);
        rb_prov_set(&prov, "hostnames", "%s", hosts);
        rb_prov_set(&prov, "mpi_size", "%d", size);
        rb_prov_set(&prov, "mpi_library_version", "%s", mpiver);
        rb_prov_set(&prov, "blas_threads_per_rank", "%d", blas_threads);
        rb_prov_set(&prov, "jobs_total", "%zu", nj);
        rb_prov_set(&prov, "jobs_skipped_resume", "%zu", nskip);
        rb_prov_set(&prov, "jobs_retried", "%zu", nretry);
        rb_prov_set(&prov, "duplicate_jobs_dropped", "%zu", dups);
        rb_prov_set(&prov, "seed", "%llu", (unsigned long long)a.seed);
        rb_prov_set(&prov, "timing_policy",
                    "warmup=%d reps=%d min_time_s=%g max_time_s=%g target_ci_pct=%g job_timeout_s=%g",
                    a.timing.warmup, a.timing.min_reps, a.timing.min_time_s, a.timing.max_time_s,
                    a.timing.target_ci_pct, a.job_timeout);
        if (rb_store_begin_run(store, prov.keys, prov.vals, prov.n) < 0) {
            fprintf(stderr, "rnnbench run: %s\n",
                    rb_store_error(store)[0] ? rb_store_error(store) : "cannot record the run's provenance");
            store_ok = 0;
        } else {
            store_backend_configs(store, idx, opts, nb);
            if (rb_run_published_write(store, &pub, a.output, a.quiet, err, sizeof err) != 0) {
                fprintf(stderr, "rnnbench run: %s: published rows: %s\n", a.output, err);
                store_ok = 0;
            }
        }
        if (dups && !a.quiet)
            fprintf(stderr, "rnnbench run: %zu duplicate job(s) (same shape, backend and options) dropped\n", dups);
    }
    MPI_Bcast(&store_ok, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (!store_ok) {
        rc = RB_EXIT_STORE;
        goto out;
    }
    camp.jobs = jobs;
    camp.n = nj;
    camp.skip = skip;
    camp.exec.timing = a.timing;
    camp.exec.job_timeout_s = a.job_timeout;
    camp.exec.host = host;
    camp.exec.rank = rank;
    camp.store = store;
    camp.progress = !a.quiet;
    camp.batch_rows = a.batch_rows;
    camp.rank_timeout_s = a.rank_timeout;
    int crc = rb_campaign_run(&camp, &res);

    if (rank == 0) {
        char now[64];
        rb_iso_time(now, sizeof now);
        rb_prov_set(&prov, "end_time", "%s", now);
        rb_prov_set(&prov, "jobs_ok", "%zu", res.ok);
        rb_prov_set(&prov, "jobs_failed", "%zu", res.failed);
        rb_prov_set(&prov, "jobs_inaccurate", "%zu", res.inaccurate);
        rb_prov_set(&prov, "jobs_unavailable", "%zu", res.unavailable);
        rb_prov_set(&prov, "jobs_timeout", "%zu", res.timeout);
        rb_prov_set(&prov, "interrupted", "%d", res.interrupted);
        rb_prov_set(&prov, "ranks_frozen", "%d", res.ranks_frozen);
        frozen = res.ranks_frozen;
        rb_store_run_attrs(store, prov.keys, prov.vals, prov.n);
        char why[800];
        snprintf(why, sizeof why, "%s", rb_store_error(store));
        int close_rc = rb_store_close(store);
        if (why[0] && !res.store_error) /* (a failed append was reported by the scheduler already) */
            fprintf(stderr, "rnnbench run: %s\n", why);
        if (close_rc != 0 || crc != 0 || res.store_error) {
            fprintf(stderr,
                    "rnnbench run: %s: writing results failed; the file keeps every row written before the failure "
                    "(%zu this run): make room and rerun with --resume to finish the campaign\n",
                    a.output, res.stored);
            rc = RB_EXIT_STORE;
        } else if (res.interrupted) {
            fprintf(stderr, "rnnbench run: interrupted; %zu rows saved in %s (rerun with --resume)\n",
                    res.ok + res.failed + res.inaccurate + res.unavailable + res.timeout, a.output);
            rc = RB_EXIT_INTERRUPTED;
        } else if (res.failed || res.timeout || res.inaccurate) {
            rc = RB_EXIT_JOB_FAILED;
        }
        store = NULL;
        if (!a.quiet && !res.interrupted)
            rb_print_run_table(stdout, a.output, jobs, nj, &res);
    }
out:
    rb_run_published_free(&pub);
    if (store)
        rb_store_close(store);
    free(skip);
    free(jobs);
    free(probs);
    if (frozen > 0 && size > 1) {
        /* MPI_Finalize waits for every rank, and a stopped one never comes: end the job here, the file is closed */
        fprintf(stderr, "rnnbench run: %d rank(s) stopped answering: ending the MPI job with MPI_Abort (exit code %d; "
                        "mpirun may add its own abort message)\n", frozen, rc);
        fflush(stdout);
        fflush(stderr);
        MPI_Abort(MPI_COMM_WORLD, rc);
    }
    if (rb_store_hdf5_broken()) {
        /* an HDF5 file failed to close: HDF5's shutdown inside MPI_Finalize would crash on it. The results file is
         * closed (or left as of its last good flush); end here with the same exit code. */
        fflush(stdout);
        fflush(stderr);
        if (size > 1)
            MPI_Abort(MPI_COMM_WORLD, rc);
        _exit(rc);
    }
    MPI_Finalize();
    return rc;
}
