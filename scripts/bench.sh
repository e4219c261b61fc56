#!/usr/bin/env bash
# Benchmarks for alliance, side by side in one run, with ratios.
#
#   scripts/bench.sh            # 10,000 generated alliances (default)
#   N=2000 scripts/bench.sh     # a smaller tree
#
# Installs what it needs (hyperfine, ripgrep, GNU time from Debian;
# markdownlint-cli2 from npm into a temporary folder), builds alliance in
# release mode, generates a deterministic tree with scripts/generate.py and
# prints a Markdown table of medians and ratios. Never run from the tests:
# timings on a shared machine are for reading, not for asserting.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-10000}
RUNS=${RUNS:-10}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

need() { command -v "$1" >/dev/null 2>&1; }
if ! need hyperfine || ! need rg || [ ! -x /usr/bin/time ]; then
  apt-get update -qq >/dev/null
  apt-get install -y -qq hyperfine ripgrep time >/dev/null
fi
if [ ! -x "$work/npm/node_modules/.bin/markdownlint-cli2" ]; then
  mkdir -p "$work/npm"
  (cd "$work/npm" && npm install --silent --no-audit --no-fund markdownlint-cli2 >/dev/null 2>&1) || true
fi
mdl="$work/npm/node_modules/.bin/markdownlint-cli2"

cargo build --release --quiet
bin="${CARGO_TARGET_DIR:-$PWD/target}/release/alliance"

# The binary the release workflow ships for Linux (and the GitHub Action
# and the container image install): static, musl. Built too when the
# target can be added, since its start-up differs from the dynamic build's.
musl_target="$(uname -m)-unknown-linux-musl"
static=""
if command -v rustup >/dev/null 2>&1 && rustup target add "$musl_target" >/dev/null 2>&1; then
  if ! need musl-gcc; then
    { apt-get update -qq && apt-get install -y -qq musl-tools; } >/dev/null 2>&1 || true
  fi
  if cargo build --release --quiet --target "$musl_target" 2>/dev/null; then
    static="${CARGO_TARGET_DIR:-$PWD/target}/$musl_target/release/alliance"
  fi
fi
[ -n "$static" ] || echo "the static ($musl_target) build was not possible here; its rows are left out" >&2

echo "generating $N alliances..." >&2
python3 scripts/generate.py "$N" "$work/tree"
python3 scripts/generate.py 1000 "$work/tree1k"
one=$(cd "$work/tree" && find . -name 'TEAM_ALLIANCE_*.md' | sort | sed -n 1p)
# Every command runs inside the tree it reads, as a team runs alliance in
# its own repository (the tree, without .git, is its own root) and as
# pre-commit names a file: a path named outside the repository is read the
# slower, careful way.
in_tree="cd $work/tree &&"

# markdownlint-cli2 with only MD043 (required headings), one config per kind
# so each file is held to its kind's sections, as alliance check does.
write_mdl_config() { # kind glob headings...
  local kind=$1 glob=$2; shift 2
  local hs='"?"'
  for h in "$@"; do hs="$hs, \"## $h\""; done
  hs="$hs, \"*\""
  cat > "$work/mdl-$kind.jsonc" <<JSON
{ "config": { "default": false, "MD043": { "headings": [ $hs ] } }, "globs": [ "$work/tree/**/$glob" ] }
JSON
}
write_mdl_config team 'TEAM_ALLIANCE_*.md' Purpose Atmosphere Co-responsibility Agreements 'When it gets hard'
write_mdl_config one-on-one 'ONE_ON_ONE_ALLIANCE_*.md' Purpose 'What we can count on' 'How we work together' Feedback 'When it gets hard' "How we'll know it's working"
write_mdl_config designed 'DESIGNED_ALLIANCE_*.md' Purpose 'Needs and expectations' 'What works and what to improve' 'Agreed steps' Review Celebrate
write_mdl_config working 'WORKING_ALLIANCE_*.md' Bond Goals Tasks 'Gauging the alliance'
mdl_cmd="for k in team one-on-one designed working; do $mdl --config $work/mdl-\$k.jsonc >/dev/null 2>&1; done; true"

cmds=(
  "$in_tree $bin check --format json"
  "$in_tree $bin due --today 2026-11-21 --fail-on never --format json"
  "$in_tree rg -c '^## '"
)
names=("alliance check" "alliance due" "ripgrep rg -c '^## '")
if [ -x "$mdl" ]; then
  cmds+=("$mdl_cmd"); names+=("markdownlint-cli2 (MD043)")
else
  echo "markdownlint-cli2 could not be installed from npm; its row is left out" >&2
fi
if [ -n "$static" ]; then
  cmds+=("$in_tree $static check --format json"); names+=("alliance check (static release binary)")
fi
cmds+=("$in_tree $bin check $one" "git --version")
names+=("alliance check (one file)" "git --version")

args=()
for c in "${cmds[@]}"; do args+=("$c >/dev/null 2>&1 || true"); done
hyperfine --style none --warmup 2 --runs "$RUNS" --export-json "$work/times.json" "${args[@]}" >/dev/null
# Process start without a shell in between (hyperfine -N), where a shell's
# own start-up would be most of what is measured.
start=("$bin check $one" "git --version")
[ -n "$static" ] && start+=("$static check $one")
(cd "$work/tree" && hyperfine --style none -N --warmup 5 --runs $((RUNS * 10)) \
  --export-json "$work/start.json" "${start[@]}" >/dev/null 2>&1) || true

# Peak memory (max RSS, KB) and wall seconds of one run.
measure() { { /usr/bin/time -f '%M %e' "$@" 2>&1 >/dev/null || true; } | tail -1; }
big=$((N * 10))
echo "generating $big alliances for the scaling rows..." >&2
python3 scripts/generate.py "$big" "$work/treeBig"
scaling=()
for cmd in check due; do
  for tree in tree1k tree treeBig; do
    extra=()
    [ "$cmd" = due ] && extra=(--today 2026-11-21 --fail-on never)
    scaling+=("$cmd $tree $(cd "$work/$tree" && measure "$bin" "$cmd" --format json "${extra[@]}")")
  done
done

python3 - "$work/times.json" "$work/start.json" "$N" "$big" "${#names[@]}" "${names[@]}" "${scaling[@]}" <<'PY'
import json, os, platform, subprocess, sys
times, start, n, big, count = sys.argv[1:6]
count = int(count)
names = sys.argv[6:6 + count]
scaling = [row.split() for row in sys.argv[6 + count:]]
n, big = int(n), int(big)
results = json.load(open(times))["results"]
med = {name: r["median"] for name, r in zip(names, results)}
try:
    s = json.load(open(start))["results"]
    one_n, git_n = s[0]["median"], s[1]["median"]
    static_n = s[2]["median"] if len(s) > 2 else None
except Exception:
    one_n = git_n = static_n = None

def cpu():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"
mem_kb = next((int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemTotal")), 0)
osname = next((l.split("=", 1)[1].strip().strip('"') for l in open("/etc/os-release") if l.startswith("PRETTY_NAME")), platform.system())
date = subprocess.run(["date", "-u", "+%Y-%m-%d"], capture_output=True, text=True).stdout.strip()
print(f"machine: {os.cpu_count()} cores, {cpu()}, {mem_kb / 1048576:.0f} GiB, {osname}; {date}")
print()
rg = med["ripgrep rg -c '^## '"]
mdl = med.get("markdownlint-cli2 (MD043)")
git = med["git --version"]
print(f"| command ({n:,} files unless noted) | median | vs ripgrep | markdownlint-cli2 / this |")
print("|---|---:|---:|---:|")
for name in names:
    m = med[name]
    if "one file" in name or name == "git --version":
        print(f"| {name} (through a shell) | {m*1000:.1f} ms | | |")
        continue
    vs_mdl = f"{mdl/m:.0f}x" if mdl and name.startswith("alliance") else ""
    print(f"| {name} | {m*1000:.1f} ms | {m/rg:.2f}x | {vs_mdl} |")
if one_n and git_n:
    print(f"| alliance check (one file, `hyperfine -N`) | {one_n*1000:.2f} ms | | |")
    if static_n:
        print(f"| alliance check (one file, static release binary, `hyperfine -N`) | {static_n*1000:.2f} ms | | |")
    print(f"| git --version (`hyperfine -N`) | {git_n*1000:.2f} ms | | |")
print()
check, due = med["alliance check"], med["alliance due"]
print("targets (ratios; the machine is shared, so read them, do not assert them):")
print(f"- check on {n:,} files: {check/rg:.2f}x ripgrep (target <= 3x)" + (f", markdownlint-cli2 {mdl/check:.0f}x slower (target >= 100x)" if mdl else ""))
print(f"- due / check time: {due/check:.2f}x (target <= 1.0x)")
if one_n and git_n:
    print(f"- one file: {one_n/git_n:.2f}x git --version (target <= 2x)" + (f"; the static release binary {static_n/git_n:.2f}x" if static_n else ""))
rows = {(c, t): (int(kb), float(sec)) for c, t, kb, sec in scaling}
sizes = {"tree1k": 1000, "tree": n, "treeBig": big}
print()
print("| files | check time | check peak memory | due time | due peak memory |")
print("|---:|---:|---:|---:|---:|")
for tree, files in sizes.items():
    ck, cs = rows[("check", tree)]
    dk, ds = rows[("due", tree)]
    print(f"| {files:,} | {cs:.2f} s | {ck/1024:.1f} MB | {ds:.2f} s | {dk/1024:.1f} MB |")
ck_small, cs_small = rows[("check", "tree")]
ck_big, cs_big = rows[("check", "treeBig")]
dk_small, ds_small = rows[("due", "tree")]
dk_big, ds_big = rows[("due", "treeBig")]
print(f"- time from {n:,} to {big:,} files: check {cs_big/cs_small:.1f}x, due {ds_big/ds_small:.1f}x (linear: {big/n:.0f}x)")
print(f"- peak memory at {big:,} files: check {ck_big/1024:.1f} MB, due {dk_big/1024:.1f} MB (target <= 64 MB; due <= check: {dk_big <= ck_big})")
PY

echo
echo "history (15,000 commits, the alliance changed in 30):"
ALLIANCE="$bin" bash scripts/bench-history.sh 2>/dev/null
