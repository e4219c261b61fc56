//! What is due for review: per alliance, the next review date, and per item,
//! the `[review:: DATE]` it carries, each placed in a tier relative to a
//! given day.
//!
//! The alliance's date is `review.next` when written, else `review.last` +
//! `review.every`, else `created` + `review.every` for an alliance never
//! reviewed. Responsibility goes to the item's `[owner:: ...]`, else to the
//! parties. Retired alliances are skipped; drafts and proposals are kept
//! apart and never fail a run (they are not in force yet). Proposals
//! waiting for consent are listed with who has agreed ([`DueReport::proposals`]). This module computes; it never
//! reads files, prints or decides exit codes beyond counting.

use jiff::civil::Date;

use crate::check;
use crate::check::finding::{Finding, Rule};
use crate::document::dates::{self, Cadence};
use crate::document::{Alliance, FrontMatter, Span, Status};
use crate::workspace::UnreadFile;

/// Where a dated thing stands on the day of the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Tier {
    /// The date has passed.
    Overdue,
    /// The date is today, or within the `--within` window.
    DueSoon,
    /// Later than that.
    Ok,
}

/// Where an alliance's review date came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Basis {
    /// `review.next`, as written.
    Next,
    /// `review.last` + `review.every`.
    LastPlusEvery,
    /// `created` + `review.every`: never reviewed yet.
    CreatedPlusEvery,
    /// An item's `[review:: DATE]`.
    Item,
    /// The newest pulse round + the pulse cadence (see [`crate::pulse`]).
    PulseRound,
}

/// One dated thing: the alliance's review, or an item.
#[derive(Debug, Clone, PartialEq)]
pub struct Due {
    /// The date the review falls on.
    pub date: Date,
    /// Days from the date to today: positive when overdue, 0 on the day,
    /// negative before.
    pub days_overdue: i64,
    /// Overdue, due soon or fine.
    pub tier: Tier,
    /// Where the date came from.
    pub basis: Basis,
    /// Who is responsible: the item's owners, else the parties.
    pub owners: Vec<String>,
    /// Where the date is written (1-based line and column).
    pub line: usize,
    /// Column of the date.
    pub column: usize,
    /// For an item, its text (without fields); its `id` when it has one.
    pub item: Option<DueItem>,
}

/// The item a [`Due`] is about.
#[derive(Debug, Clone, PartialEq)]
pub struct DueItem {
    /// The item's text without its inline fields.
    pub text: String,
    /// The item's `[id:: ...]`.
    pub id: Option<String>,
    /// The section it is in.
    pub section: String,
}

/// What is due in one alliance.
#[derive(Debug, Clone, PartialEq)]
pub struct AllianceDue {
    /// The file.
    pub path: std::path::PathBuf,
    /// The title.
    pub title: String,
    /// Whether the alliance is not in force yet, a draft or a proposal
    /// (listed apart, never failing).
    pub draft: bool,
    /// Whether it is a proposal waiting for consent (`draft` is true too).
    pub proposed: bool,
    /// The alliance's review, or `None` when no date can be worked out
    /// (no `review.next` and no valid cadence).
    pub review: Option<Due>,
    /// Every item with a review date, in file order.
    pub items: Vec<Due>,
    /// The next pulse round, once a first round has been answered (set by
    /// [`AllianceDue::add_pulse`]).
    pub pulse: Option<Due>,
}

impl AllianceDue {
    /// The alliance review, the pulse round and the items, in that order.
    pub fn entries(&self) -> impl Iterator<Item = &Due> {
        self.review.iter().chain(&self.pulse).chain(&self.items)
    }

    /// Add the next pulse round: `last_round` + `every`, the parties
    /// responsible, pointing at `at` (line, column) in the document.
    pub fn add_pulse(
        &mut self,
        window: &Window,
        last_round: Date,
        every: Cadence,
        owners: Vec<String>,
        at: (usize, usize),
    ) {
        if let Some(date) = every.after(last_round) {
            self.pulse = Some(window.due(date, Basis::PulseRound, owners, at, None));
        }
    }

    /// The worst tier of any of its entries.
    pub fn worst(&self) -> Tier {
        self.entries().map(|d| d.tier).min().unwrap_or(Tier::Ok)
    }
}

/// The day of the run and how far ahead "due soon" reaches.
#[derive(Debug, Clone, Copy)]
pub struct Window {
    /// Today.
    pub today: Date,
    /// The last day counted as due soon (today itself when no window).
    pub soon_until: Date,
}

impl Window {
    /// The window from `today` over `within` (none: only today is due soon).
    pub fn new(today: Date, within: Option<Cadence>) -> Window {
        let soon_until = within.and_then(|c| c.after(today)).unwrap_or(today);
        Window { today, soon_until }
    }

    /// The tier of `date`.
    pub fn tier(&self, date: Date) -> Tier {
        if date < self.today {
            Tier::Overdue
        } else if date <= self.soon_until {
            Tier::DueSoon
        } else {
            Tier::Ok
        }
    }

    fn due(
        &self,
        date: Date,
        basis: Basis,
        owners: Vec<String>,
        at: (usize, usize),
        item: Option<DueItem>,
    ) -> Due {
        Due {
            date,
            days_overdue: dates::days_between(date, self.today),
            tier: self.tier(date),
            basis,
            owners,
            line: at.0,
            column: at.1,
            item,
        }
    }
}

/// What one document amounts to for `due`.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// A retired alliance: not listed.
    Retired,
    /// The document could not be read as an alliance: the finding says why.
    Broken(Finding),
    /// An alliance with its dates.
    Listed(AllianceDue),
}

/// The finding that stops `doc` from being read as an alliance, if any.
pub fn broken(doc: &Alliance) -> Option<Finding> {
    check::unusable_front_matter(doc, None)
}

/// Work out what is due in `doc` on the window's day.
pub fn assess(doc: &Alliance, window: &Window) -> Outcome {
    if let Some(finding) = broken(doc) {
        return Outcome::Broken(finding);
    }
    let Some(fields) = doc.fields() else {
        // `broken` found no reason, yet there is no mapping: say so plainly.
        return Outcome::Broken(Finding::error(
            Rule::NoFrontMatter,
            "not an alliance: the file has no front matter",
        ));
    };
    let status = fields.status();
    if status == Status::Retired {
        return Outcome::Retired;
    }
    let parties: Vec<String> = fields.parties.iter().map(|p| p.label()).collect();
    let at = |span: Span| doc.line_col(span.start);
    let review = alliance_review(fields)
        .map(|(date, basis, span)| window.due(date, basis, parties.clone(), at(span), None));
    let mut items = Vec::new();
    for (section, item) in doc.items() {
        let (Some(field), Some(Ok(date))) = (item.review_field(), item.review()) else {
            // No date of its own, or not a date: `check` reports that (A040).
            continue;
        };
        let owners = if item.owner_field().is_some() {
            item.owners()
                .into_iter()
                .map(|who| match fields.party(who) {
                    Some(party) => party.label(),
                    None => who.to_owned(),
                })
                .collect()
        } else {
            parties.clone()
        };
        let described = DueItem {
            text: item.text.clone(),
            id: item.id().map(str::to_owned),
            section: section.heading.text.clone(),
        };
        items.push(window.due(
            date,
            Basis::Item,
            owners,
            at(field.value_span),
            Some(described),
        ));
    }
    Outcome::Listed(AllianceDue {
        path: doc.path.clone(),
        title: doc.display_title().unwrap_or("(untitled)").to_owned(),
        draft: matches!(status, Status::Draft | Status::Proposed),
        proposed: status == Status::Proposed,
        review,
        items,
        pulse: None,
    })
}

/// The alliance's review date, where it came from and where it is written.
pub fn alliance_review(fields: &FrontMatter) -> Option<(Date, Basis, Span)> {
    let plan = &fields.review;
    if let Some(next) = &plan.next {
        if let Some(date) = next.get() {
            return Some((date, Basis::Next, next.span));
        }
    }
    let cadence = plan.cadence()?.ok()?;
    if let Some(last) = &plan.last {
        if let Some(date) = last.get() {
            return Some((cadence.after(date)?, Basis::LastPlusEvery, last.span));
        }
    }
    let created = fields.created.as_ref()?;
    let date = created.get()?;
    Some((cadence.after(date)?, Basis::CreatedPlusEvery, created.span))
}

/// When a run fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    /// Overdue reviews fail the run (the default).
    Overdue,
    /// Overdue reviews and reviews due soon fail the run.
    DueSoon,
    /// Report only: never exit 1.
    Never,
}

/// A document that could not be read as an alliance.
#[derive(Debug, Clone)]
pub struct BrokenFile {
    /// The file.
    pub path: std::path::PathBuf,
    /// The `check` finding that says why (its location, when it has one).
    pub finding: Finding,
}

/// The result of a `due` run.
#[derive(Debug)]
pub struct DueReport {
    /// The day and window.
    pub window: Window,
    /// The alliances, active and draft, as [`DueReport::add`] keeps them
    /// (a report written as it comes keeps only what its format prints:
    /// count with [`DueReport::count`], `active` and `drafts`).
    pub alliances: Vec<AllianceDue>,
    /// Files that are not usable alliances (not text, front matter
    /// unusable), with the `check` finding that says why.
    pub broken: Vec<BrokenFile>,
    /// Files that could not be read at all.
    pub unread: Vec<UnreadFile>,
    /// How many retired alliances were skipped.
    pub retired: usize,
    /// The alliances with `status: proposed`, waiting for consent (who has
    /// agreed, and since when they wait), in discovery's order.
    pub proposals: Vec<crate::consent::Proposal>,
    /// How many alliances were added, and their entries by tier: kept as
    /// they are added, so the counts stand when the alliances themselves
    /// were written and dropped ([`DueReport::tally`]).
    counts: Counts,
    /// The soonest date not yet due of an alliance in force, and its file:
    /// what is next when nothing is due.
    next: Option<(Date, std::path::PathBuf)>,
}

/// How many alliances were added, and how many entries of active ones
/// are in each tier.
#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    active: usize,
    not_in_force: usize,
    overdue: usize,
    due_soon: usize,
    ok: usize,
}

impl DueReport {
    /// An empty report for `window`.
    pub fn new(window: Window) -> DueReport {
        DueReport {
            window,
            alliances: Vec::new(),
            broken: Vec::new(),
            unread: Vec::new(),
            retired: 0,
            proposals: Vec::new(),
            counts: Counts::default(),
            next: None,
        }
    }

    /// The soonest date not yet due of an alliance in force, with its file.
    pub fn next(&self) -> Option<(Date, &std::path::Path)> {
        self.next
            .as_ref()
            .map(|(date, path)| (*date, path.as_path()))
    }

    /// Add the outcome of one document.
    pub fn add(&mut self, path: &std::path::Path, outcome: Outcome) {
        if let Some(alliance) = self.tally(path, outcome) {
            self.alliances.push(alliance);
        }
    }

    /// Count the outcome of one document, keeping a broken file, but hand
    /// a listed alliance back instead of keeping it: for a caller that
    /// writes each alliance as it comes.
    pub fn tally(&mut self, path: &std::path::Path, outcome: Outcome) -> Option<AllianceDue> {
        match outcome {
            Outcome::Retired => self.retired += 1,
            Outcome::Broken(mut finding) => {
                // Every `due` format names the rule, the line and the
                // message; the excerpt and the help are `check`'s to show.
                finding.help = None;
                if let Some(location) = &mut finding.location {
                    location.excerpt = String::new();
                    location.underline = 0..0;
                }
                self.broken.push(BrokenFile {
                    path: path.to_path_buf(),
                    finding,
                });
            }
            Outcome::Listed(alliance) => {
                if alliance.draft {
                    self.counts.not_in_force += 1;
                } else {
                    self.counts.active += 1;
                    for due in alliance.entries() {
                        match due.tier {
                            Tier::Overdue => self.counts.overdue += 1,
                            Tier::DueSoon => self.counts.due_soon += 1,
                            Tier::Ok => {
                                self.counts.ok += 1;
                                if self.next.as_ref().is_none_or(|(d, _)| due.date < *d) {
                                    self.next = Some((due.date, path.to_path_buf()));
                                }
                            }
                        }
                    }
                }
                return Some(alliance);
            }
        }
        None
    }

    /// How many entries of active alliances are in `tier`.
    pub fn count(&self, tier: Tier) -> usize {
        match tier {
            Tier::Overdue => self.counts.overdue,
            Tier::DueSoon => self.counts.due_soon,
            Tier::Ok => self.counts.ok,
        }
    }

    /// How many alliances in force were added.
    pub fn active(&self) -> usize {
        self.counts.active
    }

    /// How many drafts were added: alliances not in force that are not
    /// proposals (those are counted apart).
    pub fn drafts(&self) -> usize {
        self.counts
            .not_in_force
            .saturating_sub(self.proposals.len())
    }

    /// Exit code: 2 when a file is broken or unreadable, 1 when `fail_on`
    /// is met, else 0.
    pub fn exit_code(&self, fail_on: FailOn) -> u8 {
        if !self.broken.is_empty() || !self.unread.is_empty() {
            return 2;
        }
        let failing = match fail_on {
            FailOn::Never => 0,
            FailOn::Overdue => self.count(Tier::Overdue),
            FailOn::DueSoon => self.count(Tier::Overdue) + self.count(Tier::DueSoon),
        };
        u8::from(failing > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn date(s: &str) -> Date {
        dates::parse_date(s).expect("date")
    }

    fn doc(front: &str, body: &str) -> Alliance {
        Alliance::parse_text(
            Path::new("a.md"),
            format!(
                "---\nalliance: team\ntitle: T\nparties:\n  - Ada <ada>\n  - Grace <grace>\n{front}---\n# T\n{body}"
            ),
        )
    }

    fn listed(outcome: Outcome) -> AllianceDue {
        match outcome {
            Outcome::Listed(a) => a,
            other => panic!("expected a listed alliance, got {other:?}"),
        }
    }

    #[test]
    fn tiers_at_the_boundaries() {
        let w = Window::new(date("2026-11-21"), Some("14d".parse().expect("cadence")));
        assert_eq!(w.tier(date("2026-11-20")), Tier::Overdue);
        assert_eq!(w.tier(date("2026-11-21")), Tier::DueSoon);
        assert_eq!(w.tier(date("2026-12-05")), Tier::DueSoon);
        assert_eq!(w.tier(date("2026-12-06")), Tier::Ok);
        let bare = Window::new(date("2026-11-21"), None);
        assert_eq!(bare.tier(date("2026-11-21")), Tier::DueSoon);
        assert_eq!(bare.tier(date("2026-11-22")), Tier::Ok);
    }

    #[test]
    fn date_sources_in_order() {
        let w = Window::new(date("2027-03-01"), None);
        let a = listed(assess(
            &doc("created: 2026-01-31\nreview:\n  every: 1 month\n", ""),
            &w,
        ));
        let r = a.review.expect("review");
        assert_eq!(
            (r.date, r.basis),
            (date("2026-02-28"), Basis::CreatedPlusEvery)
        );
        let a = listed(assess(
            &doc(
                "created: 2026-01-01\nreview:\n  every: 1 month\n  last: 2028-01-31\n",
                "",
            ),
            &w,
        ));
        let r = a.review.expect("review");
        assert_eq!(
            (r.date, r.basis),
            (date("2028-02-29"), Basis::LastPlusEvery)
        );
        let a = listed(assess(
            &doc(
                "review:\n  every: 1 month\n  last: 2026-01-01\n  next: 2027-02-27\n",
                "",
            ),
            &w,
        ));
        let r = a.review.expect("review");
        assert_eq!(
            (r.date, r.basis, r.days_overdue, r.tier),
            (date("2027-02-27"), Basis::Next, 2, Tier::Overdue)
        );
        assert_eq!(r.owners, ["@ada", "@grace"]);
    }

    #[test]
    fn items_with_owners_and_retired_and_drafts() {
        let w = Window::new(date("2026-12-01"), None);
        let body = "## Agreements\n- On time. [owner:: @grace] [review:: 2026-11-01]\n- No date.\n- Bad. [review:: soon]\n";
        let a = listed(assess(&doc("", body), &w));
        assert!(a.review.is_none());
        assert_eq!(a.items.len(), 1);
        assert_eq!(a.items[0].owners, ["@grace"]);
        assert_eq!(a.items[0].days_overdue, 30);
        assert_eq!(a.items[0].line, 10);
        assert!(matches!(
            assess(&doc("status: retired\n", body), &w),
            Outcome::Retired
        ));
        assert!(listed(assess(&doc("status: draft\n", body), &w)).draft);
    }

    #[test]
    fn unparsable_documents_are_broken() {
        let w = Window::new(date("2026-12-01"), None);
        let bad = Alliance::parse_text(Path::new("b.md"), "---\ntitle: [\n---\n".to_owned());
        match assess(&bad, &w) {
            Outcome::Broken(f) => assert_eq!(f.rule, Rule::InvalidYaml),
            other => panic!("{other:?}"),
        }
    }
}
