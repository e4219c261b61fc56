#!/bin/sh
# Writes the pulse histories of examples/ with `alliance pulse ask`, one
# answer at a time on its own day (ALLIANCE_TODAY), so the files are exactly
# what the tool writes. Run from the repository root after removing
# examples/*.pulse:  scripts/pulse-examples.sh [PATH-TO-ALLIANCE]
#
# The 1-1 (ada, the manager; grace): grace's candour drops in the round of
# 2026-09-21 (a rupture) and is back in the next (a repair); on the quarter's
# focus ada says 5 and grace 2 (a gap); the round of 2026-11-16 is open (ada
# only), so it stays sealed.
# The coaching alliance (jordan, coach; sam, client): sam's "going through the
# motions" (reverse-scored) spikes on 2026-10-27 and recovers; jordan thinks
# the goals are sam's own (5), sam does not (2).
set -e
A=$(realpath "${1:-target/debug/alliance}")
cd "$(dirname "$0")/../examples"
# ask FILE HANDLE DATE NOTE SCORES... (scores in instrument order)
ask() {
  file=$1; who=$2; date=$3; note=$4; shift 4
  ids=$($A pulse report "$file" --format json | python3 -c 'import json,sys; print(" ".join(i["item"] for i in json.load(sys.stdin)["pulse"]["items"]))')
  args=""
  for id in $ids; do args="$args --answer $id=$1"; shift; done
  if [ -n "$note" ]; then
    ALLIANCE_TODAY=$date $A pulse ask "$file" --as "$who" --date "$date" $args --note "$note" >/dev/null
  else
    ALLIANCE_TODAY=$date $A pulse ask "$file" --as "$who" --date "$date" $args >/dev/null
  fi
}
F=one-on-one-ada-grace.md
#                                     cp cb bc bt ga gg wr ws
ask $F ada   2026-06-01 ""             4 4 4 4 3 4 4 2
ask $F grace 2026-06-02 ""             4 3 4 4 2 3 4 2
ask $F ada   2026-06-29 ""             4 4 4 4 3 4 4 2
ask $F grace 2026-06-30 ""             4 3 4 4 2 3 4 2
ask $F ada   2026-07-27 ""             4 4 4 4 4 4 4 2
ask $F grace 2026-07-28 "The blocker channel works." 4 4 5 4 2 4 4 2
ask $F ada   2026-08-24 ""             4 4 4 4 4 4 4 2
ask $F grace 2026-08-25 ""             4 4 5 4 2 4 4 2
ask $F ada   2026-09-21 ""             4 4 4 4 5 4 4 2
ask $F grace 2026-09-22 "I did not say what I thought about the reorg." 4 4 2 4 2 4 4 2
ask $F ada   2026-10-19 "We talked the reorg through, late but honestly." 4 4 4 4 5 4 4 2
ask $F grace 2026-10-20 ""             4 4 5 4 2 4 4 2
ask $F ada   2026-11-16 ""             4 4 4 4 5 4 4 2
W=working-alliance-coaching.md
#                                    bt br bg bc gs gm gc gd tu ta tf tp
for d in 2026-09-01 2026-09-15; do
ask $W jordan $d ""                   4 4 2 4 4 5 4 2 4 4 4 2
ask $W sam    $d ""                   4 4 2 4 4 2 4 2 4 4 4 2
done
for d in 2026-09-29 2026-10-13; do
ask $W jordan $d ""                   4 4 2 4 4 5 4 2 4 4 4 2
ask $W sam    $d ""                   4 4 2 4 4 2 4 2 4 4 4 1
done
ask $W jordan 2026-10-27 ""           4 4 2 4 4 5 4 2 4 4 4 2
ask $W sam    2026-10-27 "Two sessions in a row felt like going through the motions." 4 4 2 4 4 2 4 2 4 4 4 4
ask $W jordan 2026-11-10 "New format: Sam brings one decision to each session." 4 4 2 4 4 5 4 2 4 4 4 2
ask $W sam    2026-11-10 ""           4 4 2 4 4 2 4 2 4 4 4 1
