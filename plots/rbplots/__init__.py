"""rbplots — the figures of plots/rnnbench_plots.py, one module per job:

results   reads a results file (latest row per job, platforms, tasks in the paper's order, batch groups)
claims    reads the paper's claims (results/published/sysml19_claims.csv) for the markers
style     colours, markers and the look of each figure source (measured / simulated / modeled / published)
taskplot  values per task: grouped bars up to MANY_TASKS tasks, a dot plot in columns above
layout    checks a drawn figure: no tick label overlaps another, no legend covers data
fig_*     one figure each
"""
