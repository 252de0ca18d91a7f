/* harness/report.h — the `rnnbench report` command: reads a results file and prints per-workload latency,
 * throughput, energy, power, area, speedups and geometric means per batch size (table, CSV or JSON), optionally
 * with the paper's claims checked on the rows (--paper). The pieces it is built from are in report_model.h. */
#ifndef RB_REPORT_H
#define RB_REPORT_H

/* argv[0] = "report". Options: FILE.h5 [--baseline NAME] [--format table|csv|json] [--paper]
 * [--paper-data FILE] [--output FILE] [--help]. Exit codes: 0 ok, 2 bad usage, an unreadable/foreign file,
 * a baseline without ok rows, a bad claims file or an --output that is an HDF5 file (message on stderr). */
int rb_report_main(int argc, char **argv);

#endif
