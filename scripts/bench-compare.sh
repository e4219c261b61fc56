#!/usr/bin/env bash
# Two builds of alliance side by side, in one run, on the same generated
# tree: for a refactoring that must not slow anything down.
#
#   scripts/bench-compare.sh OLD_BINARY [NEW_BINARY]
#   N=2000 RUNS=20 scripts/bench-compare.sh /tmp/alliance-before
#
# NEW_BINARY defaults to this checkout's release build. Prints, per command,
# both medians and NEW / OLD (below 1.00 is faster). Timings on a shared
# machine are for reading, never for asserting.
set -euo pipefail
cd "$(dirname "$0")/.."
old=${1:?usage: scripts/bench-compare.sh OLD_BINARY [NEW_BINARY]}
N=${N:-10000}
RUNS=${RUNS:-10}
if [ $# -ge 2 ]; then
  new=$2
else
  cargo build --release --quiet
  new="${CARGO_TARGET_DIR:-$PWD/target}/release/alliance"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "generating $N alliances..." >&2
python3 scripts/generate.py "$N" "$work/tree"
one=$(cd "$work/tree" && find . -name 'TEAM_ALLIANCE_*.md' | sort | sed -n 1p)

# The two binaries take turns, run by run (old-new, then new-old), so the
# load of a shared machine falls on both alike; hyperfine would run all of
# one before the other.
cd "$work/tree"
python3 - "$old" "$new" "$RUNS" "$one" <<'PY'
import statistics, subprocess, sys, time
old, new, runs, one = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
commands = [
    ["check", "--format", "json"],
    ["check", "--format", "sarif"],
    ["due", "--today", "2026-11-21", "--fail-on", "never", "--format", "json"],
    ["list", "--format", "json"],
    ["check", one],
]
def run(binary, args):
    start = time.perf_counter()
    subprocess.run([binary, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start
print("| command | old (ms) | new (ms) | new / old |\n|---|---:|---:|---:|")
for args in commands:
    binaries = (old, new)
    for binary in binaries:  # warm-up
        run(binary, args)
    times = ([], [])
    for i in range(runs):
        for side in ((0, 1) if i % 2 == 0 else (1, 0)):
            times[side].append(run(binaries[side], args))
    o, n = statistics.median(times[0]), statistics.median(times[1])
    print(f"| `alliance {' '.join(args)}` | {o*1000:.1f} | {n*1000:.1f} | {n/o:.2f} |")
PY
