#!/usr/bin/env bash
# Does the work grow linearly with hostile input? Runs each pathological
# shape of scripts/hostile.py at n and 8n with the release binary and prints
# the time and peak-memory ratios: linear is about 8x, quadratic about 64x.
#
#   scripts/scaling.sh            # every shape
#   RUNS=9 scripts/scaling.sh     # more runs per size (median time)
#   BIN=/path/to/alliance RUNS=1 scripts/scaling.sh   # another build, e.g. an old one
#
# A run is killed after LIMIT seconds (default 60) and shown as such.
#
# Times (fastest of RUNS, wall clock) and peak resident memory (wait4's
# maxrss) are compared as they are and above a baseline (a plain alliance),
# so the start-up cost of the binary does not hide the growth. For reading, never
# for asserting: a shared machine is noisy.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
LIMIT=${LIMIT:-60}
if [ -z "${BIN:-}" ]; then
  cargo build --release --quiet
  BIN="$PWD/target/release/alliance"
fi

# shape, n and (after a colon) the command when it is not `check`; 8n stays
# under the document cap (1 MB), the YAML cap and the caps on kinds (1,000,
# 32 deep), includes (1,000) and pulse rounds (2,000).
shapes=(
  "yaml-line 5000"
  "excludes 120"
  "kind-aliases 5000"
  "brackets 60000"
  "field-storm 20000"
  "nesting 12000"
  "html 60000"
  "findings 2500"
  "yaml-list 5000"
  "yaml-keys 3000"
  "parties 1500"
  "kinds-chain 120"
  "includes 120"
  "pulse-rounds 250:pulse report ONE.md --format json"
)

python3 - "$BIN" "$work" "$RUNS" "$LIMIT" "${shapes[@]}" <<'PY'
import os, subprocess, sys, threading, time

bin, work, runs, limit, shapes = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), sys.argv[5:]

def generate(shape, n):
    out = os.path.join(work, f"{shape}-{n}")
    subprocess.run([sys.executable, "scripts/hostile.py", shape, str(n), out], check=True)
    return out

def measure(folder, command=("check",)):
    """Fastest wall time (s) and peak resident memory (KB) of `alliance COMMAND`."""
    times, peak, code = [], 0, None
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.Popen([bin, *command], cwd=folder,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        timer = threading.Timer(limit, proc.kill)
        timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        timer.cancel()
        times.append(time.perf_counter() - start)
        peak = max(peak, usage.ru_maxrss)
        code = os.waitstatus_to_exitcode(status)
        if code == -9:
            code = f"killed after {limit:.0f} s"
            break
    return min(times), peak, code

t0, m0, _ = measure(generate("empty", 1))
print(f"baseline (a plain alliance): {t0 * 1000:.1f} ms, {m0 / 1024:.0f} MB")
print()
print("| shape | n | time n | time 8n | ratio | above baseline | memory n | memory 8n | ratio | above baseline | exit n/8n |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for entry in shapes:
    entry, _, command = entry.partition(":")
    command = command.split() or ["check"]
    shape, n = entry.split()
    n = int(n)
    t1, m1, x1 = measure(generate(shape, n), command)
    t8, m8, x8 = measure(generate(shape, 8 * n), command)
    # Growth above the baseline, so start-up does not hide it.
    tr = f"{(t8 - t0) / (t1 - t0):.1f}x" if t1 - t0 > 0.001 else "(n under 1 ms)"
    mr = f"{(m8 - m0) / (m1 - m0):.1f}x" if m1 - m0 > 512 else "(n under 0.5 MB)"
    print(f"| {shape} | {n} | {t1 * 1000:.1f} ms | {t8 * 1000:.1f} ms | {t8 / t1:.1f}x | {tr} "
          f"| {m1 / 1024:.0f} MB | {m8 / 1024:.0f} MB | {m8 / m1:.1f}x | {mr} | {x1}/{x8} |")
PY
