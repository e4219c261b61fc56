#!/usr/bin/env python3
"""Write N realistic alliance documents into DIR, deterministically.

All four built-in kinds, 5 to 40 items each, some items with review dates and
owners, about one file in eight with CRLF line endings, about one in twenty
with a finding (an empty section, a bad date, an unknown owner). The same N
and seed always give the same bytes.

    scripts/generate.py 10000 /tmp/alliances [--seed 7]
"""
import argparse
import os
import random

KINDS = {
    "team": ["Purpose", "Atmosphere", "Co-responsibility", "Agreements", "When it gets hard"],
    "one-on-one": ["Purpose", "What we can count on", "How we work together", "Feedback",
                   "When it gets hard", "How we'll know it's working"],
    "designed": ["Purpose", "Needs and expectations", "What works and what to improve",
                 "Agreed steps", "Review", "Celebrate"],
    "working": ["Bond", "Goals", "Tasks", "Gauging the alliance"],
}
ITEM_SECTIONS = {"Co-responsibility", "Agreements", "What we can count on", "Agreed steps", "Goals", "Tasks"}
NAMES = ["Ada Lovelace", "Grace Hopper", "Katherine Johnson", "Alan Turing", "Edsger Dijkstra",
         "Barbara Liskov", "Frances Allen", "Donald Knuth", "Margaret Hamilton", "Ken Thompson",
         "Radia Perlman", "John Backus", "Hedy Lamarr", "Dennis Ritchie", "Shafi Goldwasser"]
VERBS = ["start", "reply to", "review", "document", "share", "celebrate", "plan", "pair on",
         "announce", "protect", "revisit", "escalate", "timebox", "write down", "rotate"]
OBJECTS = ["meetings on time", "review requests within a day", "decisions in the log",
           "the on-call handover", "quiet mornings", "the release calendar", "incidents without blame",
           "design documents before building", "wins at the retro", "the sprint goal",
           "questions in the open channel", "feedback within a week", "estimates as ranges"]
CADENCES = ["3 months", "6 weeks", "quarterly", "monthly", "2 months", "8 weeks"]


def words(rng, n):
    pool = ("we keep our promises calm honest focused curious kind direct generous careful "
            "patient clear open steady shared trust growth learning rhythm balance").split()
    return " ".join(rng.choice(pool) for _ in range(n))


def day(rng, year_from=2025, year_to=2027):
    return f"{rng.randint(year_from, year_to)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def document(i, rng):
    kind = rng.choice(list(KINDS))
    count = 2 if kind in ("one-on-one", "working") else rng.randint(2, 6)
    people = rng.sample(NAMES, count)
    handles = [p.split()[0].lower() for p in people]
    broken = i % 20 == 7
    lines = ["---", f"alliance: {kind}", f"title: {people[0].split()[0]}'s {kind} alliance #{i}", "parties:"]
    for name, handle in zip(people, handles):
        lines += [f"  - name: {name}", f"    handle: {handle}"]
    lines += [f"status: {'draft' if i % 17 == 3 else 'active'}", f"created: {day(rng, 2024, 2025)}",
              "review:", f"  every: {rng.choice(CADENCES)}", f"  last: {day(rng, 2026, 2026)}"]
    if broken and i % 3 == 0:
        lines.append("  next: 2026-02-30")
    lines += ["---", "", f"# Alliance {i}", ""]
    sections = KINDS[kind]
    total_items = rng.randint(5, 40)
    item_sections = [s for s in sections if s in ITEM_SECTIONS]
    per = max(1, total_items // max(1, len(item_sections)))
    for s_index, section in enumerate(sections):
        lines += [f"## {section}", ""]
        if broken and s_index == 1 and i % 3 == 1:
            lines.append("")
            continue
        if section in ITEM_SECTIONS:
            for k in range(per):
                text = f"We {rng.choice(VERBS)} {rng.choice(OBJECTS)}."
                fields = []
                if rng.random() < 0.3:
                    owner = "nobody" if broken and i % 3 == 2 and k == 0 else rng.choice(handles)
                    fields.append(f"[owner:: @{owner}]")
                if rng.random() < 0.15:
                    fields.append(f"[review:: {day(rng, 2026, 2027)}]")
                if rng.random() < 0.2:
                    fields.append(f"[id:: item-{s_index}-{k}]")
                lines.append("- " + " ".join([text] + fields))
        else:
            lines.append(words(rng, rng.randint(12, 60)).capitalize() + ".")
        lines.append("")
    newline = "\r\n" if i % 8 == 5 else "\n"
    return kind, newline.join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("count", type=int)
    parser.add_argument("folder")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    for i in range(args.count):
        kind, text = document(i, rng)
        sub = os.path.join(args.folder, f"team-{i // 100:03d}")
        os.makedirs(sub, exist_ok=True)
        name = f"{kind.upper().replace('-', '_')}_ALLIANCE_{i:05d}.md"
        with open(os.path.join(sub, name), "w", newline="") as f:
            f.write(text)


if __name__ == "__main__":
    main()
