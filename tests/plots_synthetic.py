"""tests/plots_synthetic.py — synthetic rnnbench results files for the plot tests, written with h5py in the
layout results/SCHEMA.md documents (the /results columns are read from its table, not copied here), for the
shapes of a built-in suite (from `rnnbench list --suite NAME`).

The rows stand in for a campaign on a machine without a GPU: cpu-blas measured (with a 95 % CI of the median),
spatial simulated, brainwave modeled (both with area and power), cudnn unavailable, and published platforms as
`rnnbench import` writes them: the paper's V100 (TDP, die area, reproduced_by cudnn), Brainwave's published rows
(peak power, estimated die area, reproduced_by brainwave) and three Plasticine rows (per-task power,
reproduced_by spatial) on batch-1 LSTM/GRU tasks, and a DeepBench GPU on every task. Latencies follow a fixed
pseudo-random draw, so the tests can recompute every ratio independently."""
import random
import re
import subprocess

import h5py
import numpy as np

GATES = {"lstm": 4, "gru": 3, "vanilla": 1}
CITE = "synthetic test row (tests/plots_synthetic.py)"


def schema_dtype(schema_md):
    """The numpy dtype of /results from the column table of SCHEMA.md (`| `name` | S17 | ...`)."""
    fields, in_table = [], False
    with open(schema_md) as f:
        for line in f:
            if line.startswith("## /results columns"):
                in_table = True
                continue
            if in_table and line.startswith("## "):
                break
            m = re.match(r"\|\s*`(\w+)`\s*\|\s*(S\d+|i4|u8|f8)\s*\|", line) if in_table else None
            if m:
                t = m.group(2)
                fields.append((m.group(1), t if t.startswith("S") else "<" + t))
    if not fields:
        raise RuntimeError("%s: no /results column table found" % schema_md)
    return np.dtype(fields)


def suite_shapes(rnnbench, suite):
    """(cell, hidden, input, batch, timesteps) of every workload of a built-in suite, in the suite's order."""
    out = subprocess.run([rnnbench, "list", "--suite", suite], capture_output=True, text=True, check=True).stdout
    shapes = []
    for line in out.splitlines():
        f = line.split()
        if len(f) >= 6 and f[1] in GATES and all(x.isdigit() for x in f[2:6]):
            shapes.append((f[1], int(f[2]), int(f[3]), int(f[4]), int(f[5])))
    if not shapes:
        raise RuntimeError("no workloads in `rnnbench list --suite %s`" % suite)
    return shapes


def _row(dtype, shape, backend, key, **kw):
    cell, h, i, b, t = shape
    r = {n: (b"" if dtype[n].kind == "S" else (np.nan if dtype[n].kind == "f" else 0)) for n in dtype.names}
    g = GATES[cell]
    fd = 2.0 * g * h * h * b * t
    ff = 2.0 * g * h * (i + h) * b * t
    r.update(key=("%016x" % key).encode(), workload=("%s-%d-b%d-t%d" % (cell, h, b, t)).encode(),
             cell=cell.encode(), hidden=h, input=i, batch=b, timesteps=t, backend=backend.encode(), seed=42,
             status=b"ok", run_id=0, timestamp=1.7e9 + key, flops_deepbench=fd, flops_full=ff, rank=0,
             peak_source=b"unavailable", energy_source=b"unavailable", power_source=b"unavailable",
             area_source=b"unavailable")
    for k, v in kw.items():
        r[k] = v.encode() if isinstance(v, str) else v
    lat = r["lat_median_ms"]
    if np.isfinite(lat):
        r["gflops_deepbench"], r["gflops_full"] = fd / lat / 1e6, ff / lat / 1e6
    return r


def rows_for(dtype, shapes, seed=1):
    """The synthetic rows (dicts) for these shapes."""
    rnd = random.Random(seed)
    rows, key = [], 1
    plasticine_left = 3
    for s in shapes:
        cell, h, i, b, t = s
        ff = 2.0 * GATES[cell] * h * (i + h) * b * t
        cpu = ff / 20e9 * 1e3 * rnd.uniform(0.8, 1.25)
        sp = max(ff / 6e12 * 1e3, t * 4e-4) * rnd.uniform(0.9, 1.1)
        bw = max(ff / 9e12 * 1e3, t * 8e-4) * rnd.uniform(0.9, 1.1)
        sp_power = rnd.uniform(30, 110)
        rows.append(_row(dtype, s, "cpu-blas", key, latency_source="measured", reps=20, lat_median_ms=cpu,
                         lat_ci95_lo_ms=cpu * 0.96, lat_ci95_hi_ms=cpu * 1.05, lat_min_ms=cpu * 0.9,
                         device="synthetic 2-core CPU", options="threads=auto"))
        rows.append(_row(dtype, s, "spatial", key + 1, latency_source="simulated", lat_median_ms=sp,
                         power_w=sp_power, power_source="simulated", area_mm2=494.37, area_source="simulated",
                         device="plasticine-sysml19", extras="tdp_w=160"))
        rows.append(_row(dtype, s, "brainwave", key + 2, latency_source="modeled", lat_median_ms=bw, power_w=125.0,
                         power_source="modeled", area_mm2=1200.0, area_source="modeled", device="bw_s10"))
        rows.append(_row(dtype, s, "cudnn", key + 3, status="unavailable",
                         message="no NVIDIA GPU found (no /dev/nvidia*)"))
        key += 4
        pub = lambda name, lat, extras, **kw: _row(  # noqa: E731
            dtype, s, name, key, latency_source="published", lat_median_ms=lat, rank=-1, reps=0,
            extras="citation=%s;%s" % (CITE, extras), device=name, **kw)
        if b == 1 and cell in ("lstm", "gru"):
            rows.append(pub("v100-tf-fp16 (paper)", sp * rnd.uniform(10, 60),
                            "precision=fp16;power_kind=tdp;area_kind=die;tdp_w=300;reproduced_by=cudnn",
                            power_w=300.0, power_source="published", area_mm2=815.0, area_source="published"))
            key += 1
            rows.append(pub("brainwave (paper)", bw * rnd.uniform(0.93, 1.07),
                            "precision=fp8;power_kind=peak;area_kind=die_estimate;tdp_w=148;peak_power_w=125;"
                            "reproduced_by=brainwave", power_w=125.0, power_source="published", area_mm2=1200.0,
                            area_source="published"))
            key += 1
            if plasticine_left:
                plasticine_left -= 1
                rows.append(pub("plasticine (paper)", sp * rnd.uniform(0.85, 1.15),
                                "precision=mix-f8-16-32;power_kind=per_task;tdp_w=160;reproduced_by=spatial",
                                power_w=sp_power * rnd.uniform(0.85, 1.15), power_source="published",
                                area_mm2=494.37, area_source="published"))
                key += 1
        gpu = "titanxp-fp32 (deepbench)" if b < 8 else "v100-fp32-train (deepbench)"
        rows.append(pub(gpu, max(ff / 4e12 * 1e3, t * 0.01) * rnd.uniform(0.8, 1.2), "latency_stat=mean"))
        key += 1
    return rows


def write(path, dtype, rows):
    table = np.zeros(len(rows), dtype=dtype)
    for k, r in enumerate(rows):
        for n in dtype.names:
            table[k][n] = r[n]
    with h5py.File(path, "w") as f:
        f.attrs["schema"] = "rnnbench-results"
        f.attrs["schema_version"] = np.int32(1)
        f.create_dataset("results", data=table, maxshape=(None,), chunks=(64,))
        f.create_group("samples")
        f.create_group("runs").create_group("0000").attrs["command"] = "synthetic (tests/plots_synthetic.py)"
        f.create_group("backends")
    return table


def claims_csv(path):
    """A claims file in the format of results/published/sysml19_claims.csv about the synthetic platforms."""
    with open(path, "w") as f:
        f.write("# synthetic claims for the plot tests\n"
                "claim,metric,subject,versus,value,unit,batch,scope,citation,note\n"
                "speedup_v100,speedup_geomean,plasticine (paper),v100-tf-fp16 (paper),29.8,x,1,paper_tasks,%s,\n"
                "speedup_bw,speedup_geomean,plasticine (paper),brainwave (paper),1.97,x,1,paper_tasks,%s,\n"
                "area_v100,area_ratio,plasticine (paper),v100-tf-fp16 (paper),1.65,x,1,paper_tasks,%s,\n"
                "perf_w_v100,perf_per_w_geomean,plasticine (paper),v100-tf-fp16 (paper),2,x,1,paper_tasks,%s,\n"
                "perf_w_bw,perf_per_w_geomean,plasticine (paper),brainwave (paper),,x,1,paper_tasks,%s,no value\n"
                % ((CITE,) * 5))
