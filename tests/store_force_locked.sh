#!/bin/bash
# tests/store_force_locked.sh — `run --force` on a file another process holds open never destroys it: refused with
# exit 2 and the file byte-identical, (a) while h5py reads it (a notebook), (b) while a campaign is writing it (which
# then completes with all its rows).
# usage: store_force_locked.sh RNNBENCH SOURCE_DIR WORKDIR
set -u
bin=$1 src=$2 dir=$3
fail() { echo "FAIL: $*"; exit 1; }
mkdir -p "$dir"
work=$(mktemp -d "$dir/forcelock.XXXXXX")
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$work"; }
trap cleanup EXIT
tiny=(--workloads "$src/tests/data/tiny.txt" --backends brainwave --quiet)

# (a) h5py holds the file open read-only
f="$work/held.h5"
"$bin" run "${tiny[@]}" --output "$f" || fail "setup run failed"
sum=$(md5sum < "$f")
/usr/bin/python3 -c "
import h5py, sys, time
f = h5py.File(sys.argv[1], 'r')
print('open', flush=True)
time.sleep(120)" "$f" > "$work/reader.out" &
pids+=($!)
for _ in $(seq 300); do grep -q open "$work/reader.out" && break; sleep 0.1; done
grep -q open "$work/reader.out" || fail "h5py did not open the file"
"$bin" run "${tiny[@]}" --force --output "$f" 2> "$work/err"
rc=$?
cat "$work/err"
[ "$(md5sum < "$f")" = "$sum" ] || fail "the file h5py holds open was changed (now $(stat -c %s "$f") bytes)"
[ "$rc" -eq 2 ] || fail "run --force on a file h5py holds open exited $rc, expected 2"
grep -q "open in another process" "$work/err" || fail "the message does not say the file is open elsewhere"
ls -a "$work" | grep -q "\.new-" && fail "a temporary file was left beside it"

# (b) a campaign is writing the file: its stalled job keeps it running for the hard job timeout (1.5 x 6 + 2 s)
printf 'cell=lstm hidden=8 timesteps=2 name=first\ncell=lstm hidden=9 timesteps=2 name=stallme\n' > "$work/w.txt"
g="$work/running.h5"
RNNBENCH_TEST_STALL_WORKLOAD=stallme "$bin" run --workloads "$work/w.txt" --backends brainwave --job-timeout 6 \
    --quiet --output "$g" &
camp=$!
pids+=($camp)
for _ in $(seq 300); do [ -s "$g" ] && break; sleep 0.1; done
sleep 0.5
"$bin" run "${tiny[@]}" --force --output "$g" 2> "$work/err2"
rc=$?
cat "$work/err2"
kill -0 "$camp" 2>/dev/null || fail "the campaign ended before the --force attempt finished: the test proves nothing"
[ "$rc" -eq 2 ] || fail "run --force on a file a campaign is writing exited $rc, expected 2"
wait "$camp"
crc=$?
[ "$crc" -eq 1 ] || fail "the running campaign exited $crc, expected 1 (one job timed out)"
/usr/bin/python3 "$src/tests/mpi_check.py" "$g" --rows 2 --workload-status first=ok --workload-status stallme=timeout ||
    fail "the running campaign's file after the --force attempt"
echo PASS
