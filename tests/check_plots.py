#!/usr/bin/python3
"""tests/check_plots.py — plots/rnnbench_plots.py end to end.

1. The /results columns documented in results/SCHEMA.md are the columns the store writes (the fixture of
   test_report), so the synthetic files below are real results files.
2. The store-written fixture, with design-space CSVs in both `rnnbench explore` formats: every figure drawn, PNG
   pixel size as reported, SVG, no layout problem; the Pareto front and the chosen point recomputed here.
3. A synthetic 11-task campaign with published platforms (tests/plots_synthetic.py): bars, every platform with ok
   rows in the latency figure, the speedup geomeans per batch recomputed here, the claims marked, the efficiency
   claim targets and the parity pairs recomputed here.
4. Synthetic campaigns over the 69-task inference suite, the 53-task train suite and all 125 DeepBench tasks: the
   dot-plot layout, columns of at most 36 rows, and matplotlib's text extents show no overlapping tick label and
   no legend over data (--check-layout).
5. The layout check fails on a deliberately broken figure (crowded labels, legend on the bars, text off the page).
6. Never over a file git tracks (exit 2, the file unchanged); default folder beside the results file; exit 2 for
   a non-rnnbench file, an unknown platform, a missing CSV, a bad claims file."""
import argparse
import json
import math
import os
import shutil
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import plots_synthetic as syn  # noqa: E402

A = None  # the command line arguments


def run(args, expect=0):
    p = subprocess.run([sys.executable, A.script] + args, capture_output=True, text=True)
    if p.returncode != expect:
        sys.stdout.write(p.stdout)
        sys.stderr.write(p.stderr)
        raise AssertionError("exit %d, expected %d: rnnbench_plots.py %s" % (p.returncode, expect, " ".join(args)))
    return p


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    assert len(head) == 24 and head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR", "%s: not a PNG" % path
    return list(struct.unpack(">II", head[16:24]))


def draw(results, out, *extra, formats="png"):
    """Runs the script with --check-layout and returns its summary."""
    summ = os.path.join(out, "summary.json")
    run([results, "--out", out, "--check-layout", "--formats", formats, "--summary", summ] + list(extra))
    with open(summ) as f:
        s = json.load(f)
    for name, info in s["figures"].items():
        if "skipped" in info:
            continue
        assert info["layout_problems"] == [], (name, info["layout_problems"])
        for ext in formats.split(","):
            path = os.path.join(out, "%s.%s" % (name, ext))
            assert os.path.isfile(path) and os.path.getsize(path) > 1000, "%s missing or tiny" % path
        assert png_size(os.path.join(out, name + ".png")) == info["size_px"], name
    return s


def close(a, b, rel=1e-9):
    return abs(a - b) <= rel * max(abs(a), abs(b))


def geomean(v):
    return math.exp(sum(math.log(x) for x in v) / len(v))


def dse_csvs(folder):
    """Two explore CSVs shaped like `rnnbench explore --backend spatial` on main (gp, weights on-chip /
    dram-streamed) and on the paper-chip branch (capacity, assumed-on-chip), with their true Pareto fronts."""
    old = os.path.join(folder, "dse_old.csv")
    new = os.path.join(folder, "dse_new.csv")
    fronts = {}
    with open(old, "w") as f:
        f.write("arch,cell,hidden,input,batch,timesteps,input_mode,hu,ru,rv,gp,pcus,pmus,weights,step_cycles,"
                "model_latency_ms,sim_latency_ms,area_alloc_mm2,chosen\n")
        pts = []
        for hu in (1, 2, 3, 4, 6, 8):
            for ru in (1, 2, 4):
                for rv in (1, 4, 16):
                    pcus = hu * ru * 4 + rv
                    lat = 2.0 / (hu * ru) + 0.05 / rv + 0.01
                    streamed = pcus > 80
                    sim = "%.6g" % (lat * 1.03) if (hu == ru and rv == 16) else ""
                    pts.append((pcus, float("%.6g" % lat), streamed))
                    f.write("test,lstm,256,256,1,150,skip,%d,%d,%d,1,%d,%d,%s,100,%.6g,%s,%.2f,%d\n"
                            % (hu, ru, rv, pcus, pcus, "dram-streamed" if streamed else "on-chip", lat, sim,
                               pcus * 1.4, int((hu, ru, rv) == (4, 4, 16))))
        fronts[("LSTM 256/150", "test")] = pareto([(u, l) for u, l, s in pts if not s])
    with open(new, "w") as f:
        f.write("arch,cell,hidden,input,batch,timesteps,input_mode,capacity,hu,ru,rv,pcus,pmus,weights,step_cycles,"
                "model_latency_ms,sim_latency_ms,area_alloc_mm2,chosen\n")
        pts = []
        for hu in range(1, 25):
            for ru in (1, 2, 3, 4):
                pcus = 6 * hu * ru
                lat = 1500 * (3.0 / (hu * ru) + 0.001 * hu)
                sim = "%.6g" % (lat * 0.97) if hu % 8 == 0 else ""
                pts.append((pcus, float("%.6g" % lat)))
                f.write("sysml19,gru,1024,1024,1,1500,full,onchip,%d,%d,64,%d,%d,%s,964,%.6g,%s,%.2f,%d\n"
                        % (hu, ru, pcus, pcus, "assumed-on-chip" if pcus > 150 else "on-chip", lat, sim,
                           pcus * 2.0, int((hu, ru) == (16, 3))))
        fronts[("GRU 1024/1500", "sysml19")] = pareto(pts)
    return [old, new], fronts


def pareto(pts):
    out, best = [], math.inf
    for u, lat in sorted(pts):
        if lat < best:
            out.append([u, lat])
            best = lat
    return out


def check_schema(dtype):
    import h5py
    with h5py.File(A.fixture, "r") as f:
        stored = f["results"].dtype
    ours = [(n, dtype[n].str) for n in dtype.names]
    theirs = [(n, stored[n].str) for n in stored.names]
    assert ours == theirs, "SCHEMA.md's /results columns differ from the store's: %s vs %s" % (ours, theirs)


def check_fixture(out):
    csvs, fronts = dse_csvs(out)
    s = draw(A.fixture, os.path.join(out, "fixture"), "--dse", csvs[0], "--dse", csvs[1], formats="png,svg")
    for name in ("latency", "speedup", "efficiency", "latency_vs_hidden", "dse"):
        assert "skipped" not in s["figures"][name], name
        with open(os.path.join(out, "fixture", name + ".svg")) as f:
            assert "<svg" in f.read(3000), name
    panels = {(p["task"], p["arch"]): p for p in s["figures"]["dse"]["panels"]}
    assert set(panels) == set(fronts), panels.keys()
    for k, front in fronts.items():
        got = panels[k]["front"]
        assert len(got) == len(front) and all(close(a[0], b[0]) and close(a[1], b[1], 1e-6)
                                              for a, b in zip(got, front)), (k, got, front)
        assert len(panels[k]["chosen"]) == 1 and panels[k]["simulated"] > 0, panels[k]
    # area on the x axis works too
    s = draw(A.fixture, os.path.join(out, "fixture-area"), "--dse", csvs[1], "--dse-x", "area", "--only", "dse")
    assert s["figures"]["dse"]["x"] == "area"


def synthetic(out, suite_or_shapes, name):
    dtype = syn.schema_dtype(A.schema)
    shapes = suite_or_shapes if isinstance(suite_or_shapes, list) else syn.suite_shapes(A.rnnbench, suite_or_shapes)
    path = os.path.join(out, name + ".h5")
    rows = syn.rows_for(dtype, shapes)
    syn.write(path, dtype, rows)
    return path, rows


def label(r):
    o = r["options"].decode()
    return r["backend"].decode() + ("[%s]" % o if o else "")


def shape(r):
    return (r["cell"].decode(), r["hidden"], r["input"], r["batch"], r["timesteps"])


def lat(rows):
    """(shape, platform label) -> latency of the ok rows."""
    return {(shape(r), label(r)): r["lat_median_ms"] for r in rows if r["status"] == b"ok"}


def check_paper(out):
    path, rows = synthetic(out, "paper", "paper")
    claims = os.path.join(out, "claims.csv")
    syn.claims_csv(claims)
    s = draw(path, os.path.join(out, "paper"), "--claims", claims)
    f = s["figures"]
    L = lat(rows)
    platforms = sorted({b for _, b in L})
    assert f["latency"]["layout"] == "bars" and f["latency"]["tasks"] == 11
    assert sorted(f["latency"]["platforms"]) == platforms, f["latency"]["platforms"]
    assert "cudnn" not in platforms
    sp = f["speedup"]
    assert sp["platform"] == "spatial" and sp["layout"] == "bars"
    want = {}
    for (sh, b), v in L.items():
        if b != "spatial" and (sh, "spatial") in L:
            want.setdefault((b, sh[3]), []).append(v / L[(sh, "spatial")])
    got = {(g["over"], g["batch"]): g for g in sp["geomeans"]}
    assert set(got) == set(want), (sorted(got), sorted(want))
    for k, v in want.items():
        assert close(got[k]["value"], geomean(v)) and got[k]["n"] == len(v), (k, got[k], geomean(v))
    assert {(c["versus"], c["value"]) for c in sp["claims"]} == {("v100-tf-fp16 (paper)", 29.8),
                                                                ("brainwave (paper)", 1.97)}, sp["claims"]
    # efficiency: every platform with area is in the area panel; the perf/W claim target of spatial is
    # 2 x the V100's geomean perf/W over spatial's tasks
    eff = f["efficiency"]
    area_plats = {r["platform"] for r in eff["panels"]["area_mm2"]}
    assert area_plats == {"spatial", "brainwave", "v100-tf-fp16 (paper)", "brainwave (paper)",
                          "plasticine (paper)"}, area_plats
    ff = {(shape(r), label(r)): r["flops_full"] / (r["lat_median_ms"] * 1e-3) / 1e9 / r["power_w"] for r in rows if r["status"] == b"ok"
          and r["power_source"] != b"unavailable"}
    v100 = geomean([v for (sh, b), v in ff.items() if b == "v100-tf-fp16 (paper)" and (sh, "spatial") in ff])
    target = [c for c in eff["claims"] if c["panel"] == "power_w" and c["platform"] == "spatial"]
    assert len(target) == 1 and close(target[0]["target"], 2 * v100), (target, 2 * v100)
    assert any(c["panel"] == "area_mm2" and c["platform"] == "plasticine (paper)" for c in eff["claims"])
    # parity: the pairs of reproduced_by, with the count within 10 % recomputed
    par = {(p["ours"], p["published"], p["metric"]): p for p in f["parity"]["pairs"]}
    assert set(par) == {("brainwave", "brainwave (paper)", "latency"), ("spatial", "plasticine (paper)", "latency"),
                        ("spatial", "plasticine (paper)", "power")}, par.keys()
    for (ours, pub, metric), p in par.items():
        if metric != "latency":
            continue
        ratios = [L[(sh, ours)] / v for (sh, b), v in L.items() if b == pub]
        assert p["n"] == len(ratios) and p["within"] == sum(abs(x - 1) <= 0.1 for x in ratios), (p, ratios)
    # another platform chosen, and no claims
    s = draw(path, os.path.join(out, "paper-bw"), "--platform", "brainwave", "--no-claims", "--only", "speedup")
    assert s["figures"]["speedup"]["platform"] == "brainwave" and s["figures"]["speedup"]["claims"] == []


def check_many(out):
    cases = [("deepbench-inference", 69), ("deepbench-train", 53)]
    shapes_all = []
    for suite in ("deepbench-inference", "deepbench-device", "deepbench-train"):
        shapes_all += syn.suite_shapes(A.rnnbench, suite)
    assert len(shapes_all) == 125, len(shapes_all)
    for what, n in cases + [(shapes_all, len(set(shapes_all)))]:  # one shape is in two suites
        name = what if isinstance(what, str) else "deepbench-all"
        path, _ = synthetic(out, what, name)
        s = draw(path, os.path.join(out, name))
        for fig in ("latency", "speedup"):
            info = s["figures"][fig]
            assert info["layout"] == "dots" and info["tasks"] == n, (name, fig, info)
        cols = s["figures"]["latency"]["columns"]
        assert sum(cols) == n and max(cols) <= 36, cols
        print("%s: %d tasks in %d columns, no layout problem" % (name, n, len(cols)))


def check_layout_check():
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(A.script))))
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from rbplots import layout
    fig, ax = plt.subplots(figsize=(6, 3), dpi=100)
    ax.bar(range(69), [1 + i % 7 for i in range(69)], label="bars")
    ax.set_xticks(range(69))
    ax.set_xticklabels(["GRU 2816/750 B4"] * 69)  # crowded, unrotated
    ax.legend(loc="center")  # on the bars
    fig.text(0.9, 0.5, "a note that runs off the page")
    problems = layout.check(fig)
    plt.close(fig)
    for what in ("overlaps tick label", "covers", "runs off"):
        assert any(what in p for p in problems), (what, problems[:5])
    fig, ax = plt.subplots(figsize=(6, 3), dpi=100)
    ax.bar(range(5), [1, 2, 3, 4, 5], label="bars")
    ax.set_xticks(range(5))
    ax.set_xticklabels(["LSTM %d" % i for i in range(5)])
    ax.legend(loc="upper left")
    fig.tight_layout()
    assert layout.check(fig) == [], layout.check(fig)
    plt.close(fig)


def check_files(out):
    path, _ = synthetic(out, "paper", "files")
    # default: a folder beside the results file
    run([path, "--only", "latency", "--formats", "png"])
    assert os.path.isfile(os.path.join(out, "files-figures", "latency.png"))
    # never over a file git tracks
    if shutil.which("git"):
        repo = os.path.join(out, "repo")
        os.makedirs(os.path.join(repo, "figs"))
        tracked = os.path.join(repo, "figs", "speedup.png")
        with open(tracked, "wb") as f:
            f.write(b"tracked figure")
        env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t", GIT_COMMITTER_NAME="t",
                   GIT_COMMITTER_EMAIL="t@t")
        for cmd in (["init", "-q"], ["add", "figs/speedup.png"], ["commit", "-qm", "figure"]):
            subprocess.run(["git", "-C", repo] + cmd, check=True, env=env, capture_output=True)
        p = run([path, "--out", os.path.join(repo, "figs"), "--only", "latency"], expect=2)
        assert "tracked by git" in p.stderr, p.stderr
        with open(tracked, "rb") as f:
            assert f.read() == b"tracked figure"
        assert not os.path.exists(os.path.join(repo, "figs", "latency.png"))
        run([path, "--out", os.path.join(repo, "other"), "--only", "latency", "--formats", "png"])
    else:
        print("git not found: tracked-file check skipped")
    # bad input: exit 2 and a reason
    text = os.path.join(out, "not.h5")
    with open(text, "w") as f:
        f.write("not hdf5\n")
    assert "HDF5" in run([text, "--out", out], expect=2).stderr
    assert "nosuch" in run([path, "--out", out, "--platform", "nosuch"], expect=2).stderr
    assert "no such file" in run([path, "--out", out, "--dse", os.path.join(out, "missing.csv")], expect=2).stderr
    bad = os.path.join(out, "bad_claims.csv")
    with open(bad, "w") as f:
        f.write("claim,metric,subject,versus,value,unit,batch\nx,speedup_geomean,a,b,fast,x,1\n")
    assert "bad_claims.csv:2" in run([path, "--out", out, "--claims", bad], expect=2).stderr
    assert "--only" in run([path, "--out", out, "--only", "pie"], expect=2).stderr


def main():
    global A
    ap = argparse.ArgumentParser()
    ap.add_argument("--script", required=True)
    ap.add_argument("--rnnbench", required=True)
    ap.add_argument("--schema", required=True)
    ap.add_argument("--fixture", required=True, help="results file written by the store (test_report)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--part", default="all", choices=("all", "basic", "many"))
    A = ap.parse_args()
    out = A.out
    if os.path.isdir(out):
        shutil.rmtree(out)  # stale figures must not pass the checks
    os.makedirs(out)
    if A.part in ("all", "basic"):
        check_schema(syn.schema_dtype(A.schema))
        check_layout_check()
        check_fixture(out)
        check_paper(out)
        check_files(tempfile.mkdtemp(dir=out))
    if A.part in ("all", "many"):
        check_many(out)
    print("plots ok (%s)" % A.part)


if __name__ == "__main__":
    main()
