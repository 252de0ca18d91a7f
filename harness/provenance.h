/* harness/provenance.h — what /runs/<id> records about an invocation: when, what, where, with which libraries. */
#ifndef RB_PROVENANCE_H
#define RB_PROVENANCE_H

#define RB_PROV_MAX 64
#define RB_PROV_KEY 48
#define RB_PROV_VAL 2048

typedef struct rb_provenance {
    int n;
    char key[RB_PROV_MAX][RB_PROV_KEY];
    char val[RB_PROV_MAX][RB_PROV_VAL];
    const char *keys[RB_PROV_MAX]; /* pointers into key/val, for rb_store_* calls */
    const char *vals[RB_PROV_MAX];
} rb_provenance;

/* Sets (or replaces) one attribute. */
void rb_prov_set(rb_provenance *p, const char *key, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Collects start time, command line, git revision, host, CPU model, HDF5 version and the Slurm facts below
 * (collective: no). */
void rb_provenance_start(rb_provenance *p, int argc, char **argv);
/* Under Slurm (srun, sbatch, salloc): the job id and the job's shape from this process's SLURM_* environment, as
 * slurm_job_id, slurm_job_name, slurm_step_id, slurm_cluster_name, slurm_job_partition, slurm_job_nodelist,
 * slurm_job_num_nodes, slurm_ntasks, slurm_cpus_per_task, slurm_job_gpus, slurm_array_job_id, slurm_array_task_id,
 * slurm_restart_count (each only when set). Nothing outside Slurm. */
void rb_provenance_slurm(rb_provenance *p);
/* ISO-8601 UTC time of now. */
void rb_iso_time(char *out, int len);

#endif
