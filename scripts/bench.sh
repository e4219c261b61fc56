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
bin="$PWD/target/release/alliance"

echo "generating $N alliances..." >&2
python3 scripts/generate.py "$N" "$work/tree"
python3 scripts/generate.py 1000 "$work/tree1k"
one=$(find "$work/tree" -name 'TEAM_ALLIANCE_*.md' | sort | sed -n 1p)

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
  "$bin check $work/tree --format json"
  "$bin due $work/tree --today 2026-11-21 --fail-on never --format json"
  "rg -c '^## ' $work/tree"
)
names=("alliance check" "alliance due" "ripgrep rg -c '^## '")
if [ -x "$mdl" ]; then
  cmds+=("$mdl_cmd"); names+=("markdownlint-cli2 (MD043)")
else
  echo "markdownlint-cli2 could not be installed from npm; its row is left out" >&2
fi
cmds+=("$bin check $one" "git --version")
names+=("alliance check (one file)" "git --version")

args=()
for c in "${cmds[@]}"; do args+=("$c >/dev/null 2>&1 || true"); done
hyperfine --style none --warmup 2 --runs "$RUNS" --export-json "$work/times.json" "${args[@]}" >/dev/null

mem() { { /usr/bin/time -v "$@" 2>&1 >/dev/null || true; } | awk -F': ' '/Maximum resident/ {print $2}'; }
m1k=$(mem "$bin" check "$work/tree1k" --format json)
mNk=$(mem "$bin" check "$work/tree" --format json)

python3 - "$work/times.json" "$N" "$m1k" "$mNk" "${names[@]}" <<'PY'
import json, sys
times, n, m1k, mNk, names = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
results = json.load(open(times))["results"]
med = {name: r["median"] for name, r in zip(names, results)}
rg = med["ripgrep rg -c '^## '"]
mdl = med.get("markdownlint-cli2 (MD043)")
git = med["git --version"]
print(f"| command ({n} files unless noted) | median | vs ripgrep | markdownlint-cli2 / this |")
print("|---|---:|---:|---:|")
for name in names:
    m = med[name]
    if "one file" in name or name == "git --version":
        print(f"| {name} | {m*1000:.1f} ms | | |")
        continue
    vs_mdl = f"{mdl/m:.0f}x" if mdl and name.startswith("alliance") else ""
    print(f"| {name} | {m*1000:.1f} ms | {m/rg:.2f}x | {vs_mdl} |")
one = med["alliance check (one file)"]
print(f"\none file: {one*1000:.1f} ms, {one/git:.1f}x `git --version` ({git*1000:.1f} ms)")
print(f"peak memory of `alliance check`: {int(m1k)/1024:.1f} MB at 1,000 files, {int(mNk)/1024:.1f} MB at {n} files")
PY

echo
echo "history (15,000 commits, the alliance changed in 30):"
ALLIANCE="$bin" bash scripts/bench-history.sh 2>/dev/null
