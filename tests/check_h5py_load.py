#!/usr/bin/python3
"""tests/check_h5py_load.py — writes a results file with store_write_example and checks it opens the ways
results/SCHEMA.md promises: h5py -> numpy structured array in one call, pandas DataFrame (when pandas is
installed), a row's samples and extras by SCHEMA.md's one-liners, /runs and /backends attributes, and h5dump. The /results columns must match the
column table of SCHEMA.md.
usage: check_h5py_load.py WRITER OUT.h5 SCHEMA.md"""
import re
import shutil
import subprocess
import sys

import h5py
import numpy as np


def schema_columns(schema_md):
    """Column names from the SCHEMA.md table rows of the form | `name` | ... |"""
    cols = []
    in_results = False
    for line in open(schema_md, encoding="utf-8"):
        if line.startswith("## "):
            in_results = "/results" in line
        m = re.match(r"\|\s*`([a-z0-9_]+)`\s*\|", line)
        if in_results and m:
            cols.append(m.group(1))
    return cols


def main():
    writer, path, schema_md = sys.argv[1:4]
    subprocess.run([writer, path], check=True)

    with h5py.File(path, "r") as f:
        table = f["results"][:]  # one call, numpy structured array
        assert isinstance(table, np.ndarray) and table.dtype.names is not None, table.dtype
        assert len(table) == 3, len(table)
        names = list(table.dtype.names)
        documented = schema_columns(schema_md)
        assert names == documented, f"SCHEMA.md columns differ from the file:\n{names}\n{documented}"
        assert table.dtype["key"].kind == "S" and table.dtype["hidden"] == np.dtype("<i4")
        assert table.dtype["seed"] == np.dtype("<u8") and table.dtype["lat_median_ms"] == np.dtype("<f8")
        assert [k.decode() for k in table["key"]] == ["00000000000000a1", "00000000000000a2", "00000000000000a3"]
        assert [s.decode() for s in table["status"]] == ["ok", "unavailable", "ok"]
        assert list(table["hidden"]) == [256, 512, 768]
        assert np.allclose(table["lat_median_ms"], [0.5, 1.0, 1.5])
        assert np.isnan(table["energy_j"]).all()
        assert table["message"][1].decode() == "no GPU on this rank"
        assert table["energy_source"][0].decode() == "unavailable"
        assert list(table["run_id"]) == [0, 0, 0]

        assert f.attrs["schema"] == "rnnbench-results", f.attrs["schema"]
        assert int(f.attrs["schema_version"]) == 2
        res = f["results"]
        assert int(res.attrs["rows_committed"]) == len(res) == 3
        # SCHEMA.md's one-liners: a row's samples and extras
        r = f["results"][0]
        samples = f["sample_values"][r["samples_offset"]:r["samples_offset"] + r["samples_count"]]
        assert np.allclose(samples, [0.5, 0.4, 0.6]), samples
        r = f["results"][1]
        assert f["sample_values"][r["samples_offset"]:r["samples_offset"] + r["samples_count"]].shape == (0,)
        r = f["results"][2]
        extras = dict(kv.split("=", 1) for kv in r["extras"].decode().split(";") if "=" in kv)
        assert extras == {"par_h": "4", "pcus": "64"}, extras
        assert np.isnan(table["error_bound"]).all()
        assert f["runs/0000"].attrs["command_line"] == "store_write_example"
        assert f["backends/spatial"].attrs["arch"] == "example-arch"

    try:
        import pandas
    except ImportError:
        print("pandas not installed: DataFrame check skipped")
    else:
        df = pandas.DataFrame(h5py.File(path, "r")["results"][:])
        for col in df.columns:
            if df[col].dtype == object:
                df[col] = df[col].str.decode("utf-8")
        assert list(df["backend"]) == ["cpu-blas", "cudnn", "spatial"], df["backend"]
        assert df.loc[df.status == "ok", "lat_median_ms"].tolist() == [0.5, 1.5]
        print("pandas DataFrame check passed")

    h5dump = shutil.which("h5dump")
    if h5dump is None:
        print("h5dump not installed: skipped")
    else:
        out = subprocess.run([h5dump, "-A", path], check=True, capture_output=True, text=True).stdout
        assert "rnnbench-results" in out and "DATASET \"results\"" in out, out[:2000]
        out = subprocess.run([h5dump, "-d", "/results", path], check=True, capture_output=True, text=True).stdout
        assert "no GPU on this rank" in out, out[:2000]
        print("h5dump check passed")
    print("h5py load check passed")


if __name__ == "__main__":
    main()
