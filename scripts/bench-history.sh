#!/usr/bin/env bash
# Benchmark: `alliance log` against `git log --format=%H -- PATH` on a
# repository of 15,000 commits touching 400 files, in which one alliance
# changes in 30 commits (a review every third change).
#
# Usage: scripts/bench-history.sh [COMMITS]
#   ALLIANCE=path/to/alliance   binary to time (default: target/release/alliance,
#                               built with `cargo build --release` when missing)
#   KEEP=1                      keep the generated repository
#
# Uses hyperfine when installed (apt-get install -y hyperfine), else a
# timing loop. Prints the mean times and the ratio alliance/git with no
# commit-graph, with one, and with changed-path Bloom filters.
set -euo pipefail

commits=${1:-15000}
changes=30
here=$(cd "$(dirname "$0")/.." && pwd)
target=${CARGO_TARGET_DIR:-$here/target}
alliance=${ALLIANCE:-$target/release/alliance}
if [ ! -x "$alliance" ]; then
    (cd "$here" && cargo build --release --quiet)
fi

repo=$(mktemp -d)
if [ -z "${KEEP:-}" ]; then
    trap 'rm -rf "$repo"' EXIT
fi
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1

git -C "$repo" init -q -b main
echo "building $commits commits in $repo ..." >&2
awk -v commits="$commits" -v changes="$changes" '
function emit(path, content) {
    printf "M 100644 inline %s\ndata %d\n%s\n", path, length(content), content
}
function alliance_doc(n,   review, doc, i) {
    review = sprintf("2026-%02d-01", (int((n - 1) / 3) % 12) + 1)
    doc = "---\nalliance: team\ntitle: Bench\nparties:\n  - name: Ada\n    handle: ada\nreview:\n  every: 3 months\n  last: " review "\n---\n\n# Bench\n\n## Agreements\n\n"
    for (i = 1; i <= n; i++) doc = doc "- Agreement number " i " that we keep.\n"
    return doc
}
BEGIN {
    every = int(commits / changes)
    n = 0
    for (c = 1; c <= commits; c++) {
        ts = 1767225600 + c * 600
        msg = "commit " c
        printf "commit refs/heads/main\nmark :%d\nauthor Bench <bench@example.com> %d +0000\ncommitter Bench <bench@example.com> %d +0000\n", c, ts, ts
        printf "data %d\n%s\n", length(msg), msg
        if (c > 1) printf "from :%d\n", c - 1
        emit(sprintf("src/d%02d/f%03d.txt", c % 40, c % 400), "content of commit " c "\n")
        if (c % every == 1 && n < changes) {
            n++
            emit("TEAM_ALLIANCE.md", alliance_doc(n))
        }
        printf "\n"
    }
}' | git -C "$repo" fast-import --quiet
git -C "$repo" checkout -q main
git -C "$repo" gc -q

cd "$repo"
echo "git log sees $(git log --format=%H -- TEAM_ALLIANCE.md | wc -l) changes; alliance log says: $("$alliance" log TEAM_ALLIANCE.md | head -1)" >&2

git_cmd="git log --format=%H -- TEAM_ALLIANCE.md"
alliance_cmd="$alliance log TEAM_ALLIANCE.md"
diff_cmd="$alliance diff TEAM_ALLIANCE.md --from HEAD~7500 --to HEAD --format json"

# Median milliseconds of commands, measured in one hyperfine run (side by
# side), else by a timing loop.
time_ms() {
    if command -v hyperfine >/dev/null; then
        hyperfine -N --warmup 3 --min-runs 20 --export-json "$repo/one.json" "$@" >/dev/null 2>&1
        python3 -c 'import json,sys; print(" ".join("%.1f" % (r["median"] * 1000) for r in json.load(open(sys.argv[1]))["results"]))' "$repo/one.json"
    else
        local c runs=10 start end out=()
        for c in "$@"; do
            eval "$c" >/dev/null
            start=$(date +%s%N)
            for _ in $(seq $runs); do eval "$c" >/dev/null; done
            end=$(date +%s%N)
            out+=("$(awk -v a="$start" -v b="$end" -v n="$runs" 'BEGIN { printf "%.1f", (b - a) / n / 1e6 }')")
        done
        echo "${out[@]}"
    fi
}

# The same walk three ways, side by side: no commit-graph, a commit-graph
# (what `git gc` writes), and one with changed-path Bloom filters. git and
# alliance both read whatever the repository has.
graph=.git/objects/info/commit-graph
printf '%-32s %10s %10s %8s\n' "repository" "git log" "alliance" "ratio"
for setup in none graph bloom; do
    rm -f "$graph"
    rm -rf .git/objects/info/commit-graphs
    case $setup in
        graph) git commit-graph write --reachable ;;
        bloom) git commit-graph write --reachable --changed-paths ;;
    esac
    read -r git_ms alliance_ms < <(time_ms "$git_cmd" "$alliance_cmd")
    ratio=$(awk -v a="$alliance_ms" -v g="$git_ms" 'BEGIN { printf "%.2f", a / g }')
    case $setup in
        none) label="no commit-graph" ;;
        graph) label="commit-graph" ;;
        bloom) label="commit-graph + Bloom filters" ;;
    esac
    printf '%-32s %8s ms %7s ms %7sx\n' "$label" "$git_ms" "$alliance_ms" "$ratio"
    if command -v valgrind >/dev/null; then
        # Instructions executed: the same ratio without the machine's noise.
        irs() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
            awk '/refs:/ { gsub(",", "", $NF); print $NF }'; }
        # shellcheck disable=SC2086
        git_ir=$(irs $git_cmd)
        # shellcheck disable=SC2086
        alliance_ir=$(irs $alliance_cmd)
        printf '%-32s %7.1fM ir %6.1fM ir %7sx\n' "  (instructions)" \
            "$(awk -v n="$git_ir" 'BEGIN { print n / 1e6 }')" \
            "$(awk -v n="$alliance_ir" 'BEGIN { print n / 1e6 }')" \
            "$(awk -v a="$alliance_ir" -v g="$git_ir" 'BEGIN { printf "%.2f", a / g }')"
    fi
done
diff_ms=$(time_ms "$diff_cmd")
echo "alliance diff --from HEAD~7500 --to HEAD: ${diff_ms} ms"
echo "target: alliance log within 1.0x git log with a commit-graph, with and without Bloom filters"
