#!/usr/bin/python3
"""tests/check_plots.py — runs plots/rnnbench_plots.py on a results file made by test_report and checks that
every figure exists as a non-empty PNG of the fixed pixel size (read from the PNG header) and as an SVG, that a
missing --dse only skips that figure, and that a non-rnnbench file exits with status 2."""
import argparse
import os
import shutil
import struct
import subprocess
import sys
import tempfile

EXPECTED = (900, 500)  # FIG_SIZE_IN x DPI in rnnbench_plots.py
FIGURES = ["speedup", "efficiency", "latency_vs_hidden", "dse"]


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        raise AssertionError("%s is not a PNG" % path)
    return struct.unpack(">II", head[16:24])


def run(script, args):
    p = subprocess.run([sys.executable, script] + args, capture_output=True, text=True)
    sys.stdout.write(p.stdout)
    sys.stderr.write(p.stderr)
    return p.returncode


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--script", required=True)
    ap.add_argument("--results", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    if os.path.isdir(a.out):
        shutil.rmtree(a.out)  # stale figures must not pass the checks
    os.makedirs(a.out)

    # a design-space CSV shaped like `rnnbench explore --backend spatial` output
    dse = os.path.join(a.out, "dse_points.csv")
    with open(dse, "w") as f:
        f.write("arch,cell,hidden,input,batch,timesteps,input_mode,hu,ru,rv,gp,pcus,pmus,weights,step_cycles,"
                "model_latency_ms,sim_latency_ms,area_alloc_mm2,chosen\n")
        for hu in (1, 2, 4, 8):
            for ru in (1, 2, 4):
                pcus = hu * ru * 4
                lat = 2.0 / (hu * ru) + 0.01
                sim = "%.6f" % (lat * 1.05) if hu == ru else ""
                f.write("test,lstm,256,256,1,150,skip,%d,%d,16,1,%d,%d,%s,100,%.6f,%s,%.2f,%d\n"
                        % (hu, ru, pcus, pcus, "on-chip" if pcus <= 64 else "dram-streamed", lat, sim,
                           pcus * 1.4, int(hu == 4 and ru == 4)))
    assert run(a.script, [a.results, "--out", a.out, "--dse", dse]) == 0, "plot script failed"
    for name in FIGURES:
        png, svg = (os.path.join(a.out, name + ext) for ext in (".png", ".svg"))
        for p in (png, svg):
            assert os.path.isfile(p) and os.path.getsize(p) > 1000, "%s missing or tiny" % p
        assert png_size(png) == EXPECTED, "%s is %s, expected %s" % (png, png_size(png), EXPECTED)
        with open(svg) as f:
            assert "<svg" in f.read(2000), "%s is not SVG" % svg

    # without --dse the other figures are still drawn
    nodse = os.path.join(a.out, "nodse")
    assert run(a.script, [a.results, "--out", nodse, "--baseline", "spatial"]) == 0
    assert not os.path.exists(os.path.join(nodse, "dse.png"))
    assert png_size(os.path.join(nodse, "speedup.png")) == EXPECTED

    # foreign files: exit 2
    with tempfile.NamedTemporaryFile("w", suffix=".h5", delete=False) as f:
        f.write("not hdf5\n")
    try:
        assert run(a.script, [f.name, "--out", nodse]) == 2, "a text file must give exit status 2"
    finally:
        os.remove(f.name)
    assert run(a.script, [a.results, "--out", nodse, "--baseline", "nosuch"]) == 2
    print("plots ok")


if __name__ == "__main__":
    main()
