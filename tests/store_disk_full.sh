#!/bin/bash
# tests/store_disk_full.sh — a campaign that runs out of disk space: `run` stops with exit 4 and a clear message (no
# crash), the file stays readable with only complete rows, and `--resume` with more space completes the campaign
# (all 160 jobs, each once, all ok).
#   tmpfs:            a real 250 KB tmpfs (needs root and mount; skipped with exit 77 otherwise)
#   inject:           no root: tests/fault/enospc_preload.c makes writes past 250 KB fail with ENOSPC
#   inject-noreserve: the same with the store's disk reservation off (RNNBENCH_TEST_STORE_NO_RESERVE=1), so the
#                     failure hits HDF5 half-way through a batch
# usage: store_disk_full.sh MODE RNNBENCH PRELOAD.so SOURCE_DIR WORKDIR
set -u
mode=$1 bin=$2 preload=$3 src=$4 dir=$5
limit=250000
fail() { echo "FAIL: $*"; exit 1; }
mkdir -p "$dir"
work=$(mktemp -d "$dir/diskfull-$mode.XXXXXX")
cleanup() { if [ "$mode" = tmpfs ]; then umount "$work/fs" 2>/dev/null; fi; rm -rf "$work"; }
trap cleanup EXIT

# 160 distinct tiny problems on the modeled backend: fast jobs, enough rows to fill 250 KB part-way
for i in $(seq 0 159); do echo "cell=lstm hidden=$((8 + i)) timesteps=$((2 + i % 5)) name=w$i"; done > "$work/w.txt"
args=(run --workloads "$work/w.txt" --backends brainwave --quiet)
export RNNBENCH_TEST_APPEND_EVERY_BATCH=1 # batches of 8 rows, however fast the jobs: the disk fills part-way

out="$work/diskfull.h5"
case $mode in
tmpfs)
    if [ "$(id -u)" -ne 0 ]; then echo "SKIP: not root: cannot mount a small tmpfs"; exit 77; fi
    mkdir -p "$work/fs"
    mount -t tmpfs -o size=${limit} tmpfs "$work/fs" 2>/dev/null ||
        { echo "SKIP: mount -t tmpfs is not permitted here"; exit 77; }
    out="$work/fs/diskfull.h5"
    "$bin" "${args[@]}" --output "$out" 2> "$work/err"
    rc=$? ;;
inject | inject-noreserve)
    noreserve=0
    [ "$mode" = inject-noreserve ] && noreserve=1
    # an AddressSanitizer build wants its runtime first in the preload list
    asan_rt=$(ldd "$bin" 2>/dev/null | awk '/libasan/ {print $3; exit}')
    LD_PRELOAD="${asan_rt:+$asan_rt }$preload" RB_ENOSPC_FILE=diskfull.h5 RB_ENOSPC_LIMIT=$limit RNNBENCH_TEST_STORE_NO_RESERVE=$noreserve \
        "$bin" "${args[@]}" --output "$out" 2> "$work/err"
    rc=$? ;;
*) fail "unknown mode $mode" ;;
esac
cat "$work/err"
[ "$rc" -eq 4 ] || fail "the run on a full disk exited $rc, expected 4"
grep -q "No space left on device" "$work/err" || fail "no 'No space left on device' in the message"
grep -q -- "--resume" "$work/err" || fail "the message does not say to rerun with --resume"
! grep -qi "segmentation\|signal" "$work/err" || fail "the run crashed"

# readable, only complete rows: rnnbench's reader and h5py up to rows_committed
"$bin" report "$out" --format csv > "$work/report.csv" || fail "report cannot read the file"
/usr/bin/python3 - "$out" <<'PY' || fail "the file after the failure"
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "r") as f:
    r = f["results"]
    n = int(r.attrs.get("rows_committed", len(r)))  # (files of older versions have no such attribute)
    rows = r[:n]
    keys = [k.decode() for k in rows["key"]]
    assert 0 < n < 160, f"{n} committed rows: expected some, not all"
    assert all(len(k) == 16 for k in keys), "a committed row without its key"
    assert len(set(keys)) == n, "duplicate keys"
    assert all(s == b"ok" for s in rows["status"]), set(rows["status"])
    assert np.all(rows["hidden"] >= 8) and np.all(rows["lat_median_ms"] > 0), "a zero-filled row"
    print(f"after the failure: {n} complete rows ({len(r)} in the dataset)")
PY

if [ "$mode" = tmpfs ]; then mount -o remount,size=8m "$work/fs" || fail "cannot grow the tmpfs"; fi
"$bin" "${args[@]}" --output "$out" --resume || fail "--resume with more space failed"
/usr/bin/python3 "$src/tests/mpi_check.py" "$out" --rows 160 --status brainwave=ok || fail "file after --resume"
echo PASS
