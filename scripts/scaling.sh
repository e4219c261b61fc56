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
# Then `ci comment` reads a forge's answer from a mock GitHub API on
# 127.0.0.1 (a page of 100 comments of n bytes in all, at n and 8n, under
# the 8 MiB answer cap), and one answer past the cap, which must end in
# exit 2 with memory near the cap, not the answer's size.
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

def measure(folder, args=("check",), env=None):
    """Fastest wall time (s) and peak resident memory (KB) of `alliance ARGS`."""
    times, peak, code = [], 0, None
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.Popen([bin, *args], cwd=folder, env=env,
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

# Forge answers: `ci comment` against a mock GitHub API on 127.0.0.1.
import http.server, json

answer = {"page": b"[]"}

class Forge(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass
    def reply(self, status, body):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except OSError:
            pass  # the client stopped reading: the cap
    def do_GET(self):
        first = "&page=1&" in self.path + "&"
        self.reply(200, answer["page"] if first else b"[]")
    def do_POST(self):
        self.reply(201, b'{"id": 1}')

server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Forge)
threading.Thread(target=server.serve_forever, daemon=True).start()

repo = generate("empty", 1)
git = lambda *a: subprocess.run(["git", "-c", "user.name=s", "-c", "user.email=s@x", *a],
                                cwd=repo, check=True, capture_output=True)
git("init", "-q", "-b", "main"); git("add", "."); git("commit", "-qm", "base")
git("checkout", "-qb", "pr")
with open(os.path.join(repo, "TEAM_ALLIANCE.md"), "a") as f:
    f.write("- We reply within a day.\n")
git("commit", "-qam", "change")
with open(os.path.join(work, "event.json"), "w") as f:
    json.dump({"pull_request": {"number": 5}}, f)
env = {"PATH": os.environ.get("PATH", ""), "HOME": work, "GITHUB_ACTIONS": "true",
       "GITHUB_API_URL": f"http://127.0.0.1:{server.server_address[1]}",
       "GITHUB_REPOSITORY": "o/r", "GITHUB_EVENT_PATH": os.path.join(work, "event.json"),
       "GITHUB_STEP_SUMMARY": os.devnull, "GITHUB_TOKEN": "t", "GIT_CONFIG_NOSYSTEM": "1"}

def page(size):
    """100 comments whose bodies make `size` bytes in all."""
    body = "x" * max(0, size // 100 - 60)
    return json.dumps([{"id": i, "body": body, "user": {"id": 2, "login": "grace"}}
                       for i in range(100)]).encode()

def forge(size):
    answer["page"] = page(size)
    return measure(repo, ("ci", "comment", "--base", "main"), env)

print()
print("| forge answer | n | time n | time 8n | ratio | memory n | memory 8n | ratio | exit n/8n |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
n = 512 * 1024
t1, m1, x1 = forge(n)
t8, m8, x8 = forge(8 * n)
print(f"| 100 comments | {n // 1024} KB | {t1 * 1000:.1f} ms | {t8 * 1000:.1f} ms | {t8 / t1:.1f}x "
      f"| {m1 / 1024:.0f} MB | {m8 / 1024:.0f} MB | {m8 / m1:.1f}x | {x1}/{x8} |")
tx, mx, xx = forge(20 * 1024 * 1024)
print(f"\npast the 8 MiB cap (20 MiB): {tx * 1000:.1f} ms, {mx / 1024:.0f} MB, exit {xx} (expected 2)")
server.shutdown()
PY
