/* tests/cluster/test_provenance_slurm.c — /runs provenance records the Slurm job from the SLURM_* environment
 * (rb_provenance_slurm), and nothing outside Slurm. The real Slurm runs are in tests/cluster/slurm_case.sh. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "../check_main.h"
#include "provenance.h"

static const char *prov_get(const rb_provenance *p, const char *key)
{
    for (int i = 0; i < p->n; i++)
        if (strcmp(p->keys[i], key) == 0)
            return p->vals[i];
    return NULL;
}

static void clear_slurm_env(void)
{
    static const char *const vars[] = {"SLURM_JOB_ID", "SLURM_JOB_NAME", "SLURM_STEP_ID", "SLURM_CLUSTER_NAME",
                                       "SLURM_JOB_PARTITION", "SLURM_JOB_NODELIST", "SLURM_JOB_NUM_NODES",
                                       "SLURM_NTASKS", "SLURM_CPUS_PER_TASK", "SLURM_JOB_GPUS",
                                       "SLURM_ARRAY_JOB_ID", "SLURM_ARRAY_TASK_ID", "SLURM_RESTART_COUNT"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
        unsetenv(vars[i]);
}

START_TEST(outside_slurm_nothing)
{
    clear_slurm_env();
    rb_provenance p = {0};
    rb_provenance_slurm(&p);
    ck_assert_int_eq(p.n, 0);
}
END_TEST

START_TEST(job_id_and_shape)
{
    clear_slurm_env();
    setenv("SLURM_JOB_ID", "4242", 1);
    setenv("SLURM_JOB_NODELIST", "node[01-04]", 1);
    setenv("SLURM_NTASKS", "16", 1);
    setenv("SLURM_RESTART_COUNT", "1", 1);
    setenv("SLURM_ARRAY_TASK_ID", "", 1); /* empty: not recorded */
    rb_provenance p = {0};
    rb_prov_set(&p, "start_time", "x");
    rb_provenance_slurm(&p);
    ck_assert_int_eq(p.n, 5);
    ck_assert_str_eq(prov_get(&p, "slurm_job_id"), "4242");
    ck_assert_str_eq(prov_get(&p, "slurm_job_nodelist"), "node[01-04]");
    ck_assert_str_eq(prov_get(&p, "slurm_ntasks"), "16");
    ck_assert_str_eq(prov_get(&p, "slurm_restart_count"), "1");
    ck_assert_ptr_null(prov_get(&p, "slurm_array_task_id"));
    ck_assert_ptr_null(prov_get(&p, "slurm_step_id"));
}
END_TEST

START_TEST(start_records_slurm_beside_the_rest)
{
    clear_slurm_env();
    setenv("SLURM_JOB_ID", "77", 1);
    setenv("SLURM_CLUSTER_NAME", "rnnbench", 1);
    char *argv[] = {"run", "--quiet", NULL};
    rb_provenance p = {0};
    rb_provenance_start(&p, 2, argv);
    ck_assert_str_eq(prov_get(&p, "slurm_job_id"), "77");
    ck_assert_str_eq(prov_get(&p, "slurm_cluster_name"), "rnnbench");
    ck_assert_ptr_nonnull(prov_get(&p, "start_time"));
    ck_assert_ptr_nonnull(prov_get(&p, "hdf5_version"));
    /* room is left for what `run` adds after the start (hostnames, MPI, jobs, timing, end: 15 more) */
    ck_assert_int_le(p.n + 15, RB_PROV_MAX);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("provenance_slurm");
    TCase *tc = tcase_create("env");
    tcase_add_test(tc, outside_slurm_nothing);
    tcase_add_test(tc, job_id_and_shape);
    tcase_add_test(tc, start_records_slurm_beside_the_rest);
    suite_add_tcase(s, tc);
    return rb_check_run(s);
}
