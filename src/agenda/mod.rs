//! The review meeting, prepared (`alliance agenda`): what changed since the
//! last review, how the alliance is going, who reads which item aloud, the
//! kind's review questions, the items whose own review date has passed,
//! the proposals waiting for consent, and a time box for each part.
//!
//! This module assembles; it computes nothing another module already does:
//! the changes come from `history::reviews` and `compare` (as
//! [`Since`], built by the caller), the dates from `due`, the questions and
//! the meeting's length from the `kind`. The pulse picture ([`PulseTopic`]) and
//! the proposals ([`Waiting`]) are *inputs*, plain data the caller fills
//! from wherever they are recorded ([`Inputs`]); `None` means "not
//! recorded", which the agenda says rather than showing an empty list.
//!
//! Who reads is decided by [`rotation`] from the readings the document's
//! `reviews:` log records. Nothing here reads files or git, prints, or reads
//! the clock: the same document, inputs and date give the same agenda.

pub mod rotation;
pub mod timebox;

use jiff::civil::Date;

pub use crate::pulse::SignalKind;

use crate::compare::AllianceDiff;
use crate::document::{Alliance, Item, Party};
use crate::due::{self, Outcome, Tier, Window};
use crate::kind::Kind;

pub use rotation::{ReaderCount, Reading, Rotation};
pub use timebox::{Part, TimeBox, TooShort};

/// The meeting's length when neither `--minutes` nor the kind says: an hour.
pub const DEFAULT_MINUTES: u32 = 60;

/// The questions asked when a repository's kind names none and extends no
/// kind that does.
pub const DEFAULT_QUESTIONS: &[&str] = &[
    "What is working?",
    "What isn't working?",
    "What got in the way since the last review?",
    "Which goals did we reach?",
    "What did we learn?",
];

/// One thing the pulse check-ins say about the alliance: input data,
/// made from a pulse picture by [`pulse_signals`]. `report` puts it in
/// words.
#[derive(Debug, Clone, PartialEq)]
pub struct PulseTopic {
    /// What kind of signal.
    pub kind: SignalKind,
    /// The instrument item or agreement it is about.
    pub item: String,
    /// The dimension (bond, goals, tasks, ...), when the item has one.
    pub dimension: Option<String>,
    /// The parties it concerns (handles).
    pub who: Vec<String>,
    /// How big: the gap or the drop in points, for broken and slipping
    /// agreements how many parties marked them.
    pub magnitude: f64,
    /// The round it was seen in.
    pub round: Date,
    /// The item's words, or the agreement's text.
    pub statement: String,
    /// For a gap, each party's score in that round (handle, score), as
    /// answered (a reverse-scored item's answers, not its counted scores).
    pub scores: Vec<(String, f64)>,
    /// Whether the item is scored in reverse (a high answer counts low).
    pub reverse: bool,
}

/// Which pulse rounds the agenda's "how it is going" covers: input data,
/// made with the signals by [`pulse_signals`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PulseRounds {
    /// The last review, when one is recorded.
    pub last_review: Option<Date>,
    /// The complete rounds after it (every complete round without one),
    /// oldest first: the signals are theirs.
    pub since: Vec<Date>,
    /// The newest complete round, whatever its date: when none is newer
    /// than the last review, the signals are this round's.
    pub latest: Option<Date>,
}

/// What the pulse says for the agenda: the rounds covered and their
/// signals.
#[derive(Debug, Clone, PartialEq)]
pub struct PulsePart {
    /// The rounds covered.
    pub rounds: PulseRounds,
    /// The signals, in the picture's order.
    pub topics: Vec<PulseTopic>,
}

/// The signals of `picture` for "how it is going": those seen in the
/// complete rounds after the last review (`last_review`; all when there was
/// none), or, when no round is newer than the review, those of the latest
/// round, with the rounds they come from; only signals about an item or
/// agreement, in the picture's order (biggest first).
pub fn pulse_signals(picture: &crate::pulse::Picture, last_review: Option<Date>) -> PulsePart {
    let complete: Vec<Date> = picture
        .rounds
        .iter()
        .filter(|r| !r.partial)
        .map(|r| r.date)
        .collect();
    let since: Vec<Date> = complete
        .iter()
        .copied()
        .filter(|d| last_review.is_none_or(|last| *d > last))
        .collect();
    let latest = complete.last().copied();
    let covered = |round: Date| match since.first() {
        Some(first) => round >= *first,
        None => Some(round) == latest,
    };
    let topics = picture
        .signals
        .iter()
        .filter(|s| covered(s.round))
        .filter_map(|s| {
            let item = s.item.clone()?;
            let trend = picture
                .items
                .iter()
                .find(|t| t.item.as_deref() == Some(item.as_str()));
            let scores = match s.kind {
                crate::pulse::SignalKind::Gap => gap_scores(picture, trend?),
                _ => Vec::new(),
            };
            Some(PulseTopic {
                kind: s.kind,
                item,
                dimension: s.dimension.clone(),
                who: s.parties.iter().map(|h| format!("@{h}")).collect(),
                magnitude: s.magnitude,
                round: s.round,
                statement: s.words.clone(),
                scores,
                reverse: trend.is_some_and(|t| t.reverse),
            })
        })
        .collect();
    PulsePart {
        rounds: PulseRounds {
            last_review,
            since,
            latest,
        },
        topics,
    }
}

/// Each party's newest score of `trend`, for a gap, as answered: a
/// reverse-scored item's counted score turned back into the answer.
fn gap_scores(picture: &crate::pulse::Picture, trend: &crate::pulse::Trend) -> Vec<(String, f64)> {
    let (min, max) = trend.scale.bounds();
    picture
        .parties
        .iter()
        .zip(&trend.series)
        .filter_map(|(p, series)| {
            let last = series.last().copied().flatten()?;
            let answered = if trend.reverse {
                (min + max) as f64 - last
            } else {
                last
            };
            Some((format!("@{}", p.handle), answered))
        })
        .collect()
}

/// The order the meeting takes signals of the same size in: agreements
/// (broken, then slipping), then drops, gaps and repairs.
fn meeting_rank(kind: SignalKind) -> u8 {
    match kind {
        SignalKind::Broken => 0,
        SignalKind::Slipping => 1,
        SignalKind::Rupture => 2,
        SignalKind::Gap => 3,
        SignalKind::Repair => 4,
    }
}

/// A proposal waiting for consent: input data.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Waiting {
    /// What is proposed, in words.
    pub what: String,
    /// When it was proposed.
    #[serde(serialize_with = "date_opt")]
    pub since: Option<Date>,
    /// The parties who agreed.
    pub agreed: Vec<String>,
    /// The parties whose consent is awaited.
    pub waiting_for: Vec<String>,
}

fn date_opt<S: serde::Serializer>(date: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
    match date {
        Some(d) => s.serialize_str(&d.to_string()),
        None => s.serialize_none(),
    }
}

/// What the agenda is given beside the document: the pulse picture and the
/// proposals. `None`: not recorded (the agenda says so).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Inputs {
    /// The pulse rounds covered and their signals, in any order.
    pub pulse: Option<PulsePart>,
    /// The proposals waiting for consent, in any order.
    pub proposals: Option<Vec<Waiting>>,
    /// The item each key the `reviews:` log's readings name but no item has
    /// now (see [`orphan_reading_keys`]) became, as history tells: an item
    /// reworded since keeps its readings in the rotation.
    pub carried: std::collections::HashMap<String, String>,
}

/// What changed since the last review, as the caller read it from history.
#[derive(Debug, Clone)]
pub enum Since {
    /// The last review and the changes since.
    Changes(Box<SinceReview>),
    /// No history to compare with, and why (for people).
    Unavailable(String),
}

/// The last review and what changed after it.
#[derive(Debug, Clone)]
pub struct SinceReview {
    /// The old side, named for people ("the review of 2026-10-01 (1a2b3c4d5e)").
    pub from: String,
    /// Its commit.
    pub from_commit: Option<String>,
    /// The new side ("the working tree").
    pub to: String,
    /// What changed.
    pub diff: AllianceDiff,
    /// The note recorded at the last review.
    pub note: Option<String>,
    /// The wins recorded at the last review.
    pub wins: Vec<String>,
}

/// An item whose own review date has passed (or is the meeting's day).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ToReview {
    /// The item's text.
    pub text: String,
    /// Its `[id:: …]`.
    pub id: Option<String>,
    /// Its section.
    pub section: String,
    /// Its review date.
    #[serde(serialize_with = "date_ser")]
    pub date: Date,
    /// Days from that date to the meeting (0 on the day).
    pub days_overdue: i64,
    /// Who is responsible.
    pub owners: Vec<String>,
}

fn date_ser<S: serde::Serializer>(date: &Date, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&date.to_string())
}

/// The review meeting, prepared.
#[derive(Debug, Clone)]
pub struct Agenda {
    /// The file, as named.
    pub path: String,
    /// The alliance's title.
    pub title: String,
    /// Its kind, as written in `alliance:`.
    pub kind: Option<String>,
    /// The day of the meeting.
    pub date: Date,
    /// How long it lasts, in minutes.
    pub minutes: u32,
    /// Since the last review.
    pub since: Since,
    /// How it is going: the signals, biggest first, broken and slipping
    /// agreements before the rest; `None` without pulse check-ins.
    pub pulse: Option<PulsePart>,
    /// Who reads which item aloud, and the counts that make it fair.
    pub rotation: Rotation,
    /// The kind's review questions.
    pub questions: Vec<String>,
    /// Items whose review date has passed, oldest first.
    pub due: Vec<ToReview>,
    /// Proposals waiting, oldest first; `None` when consent is not recorded.
    pub proposals: Option<Vec<Waiting>>,
    /// The time boxes, in the order of the parts, summing to `minutes`.
    pub boxes: Vec<TimeBox>,
}

impl Agenda {
    /// The minutes of `part`, when it has a box (a part with nothing in
    /// it has none).
    pub fn minutes_of(&self, part: Part) -> Option<u32> {
        self.boxes
            .iter()
            .find(|b| b.part == part)
            .map(|b| b.minutes)
    }
}

/// Everything the agenda is built from, besides the document.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    /// The file, as the user named it.
    pub path: String,
    /// The kind of the document, when it is known here.
    pub kind: Option<&'a Kind>,
    /// The day of the meeting.
    pub date: Date,
    /// `--minutes`, when given.
    pub minutes: Option<u32>,
    /// Since the last review.
    pub since: Since,
    /// Pulse and proposals.
    pub inputs: Inputs,
}

/// The item keys readings are recorded under, and items to read.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ReadItem {
    /// The key it is recorded under (see [`item_key`]).
    pub key: String,
    /// Its `[id:: …]`.
    pub id: Option<String>,
    /// Its section's heading.
    pub section: String,
    /// Its text.
    pub text: String,
}

/// The key a reading of `item` is recorded under, before it is made
/// unique: see [`crate::document::vocabulary::base_key`], the one rule
/// every command keys items by (`position`: its place among the items
/// read, from 1).
pub fn item_key(item: &Item, position: usize) -> String {
    crate::document::vocabulary::base_key(item, position)
}

/// The items read aloud: every answered top-level item of every section,
/// in document order, each with its unique key
/// ([`crate::document::vocabulary::item_keys`]).
pub fn items_to_read(doc: &Alliance) -> Vec<ReadItem> {
    crate::document::vocabulary::item_keys(&doc.sections)
        .into_iter()
        .map(|(key, keyed)| ReadItem {
            key,
            id: keyed.item.id().map(str::to_owned),
            section: doc.sections[keyed.section].heading.text.clone(),
            text: keyed.item.text.clone(),
        })
        .collect()
}

/// The parties who can read: those with a handle or a name.
pub fn readers(doc: &Alliance) -> Vec<&Party> {
    doc.fields()
        .map(|f| {
            f.parties
                .iter()
                .filter(|p| p.handle.is_some() || p.name.is_some())
                .collect()
        })
        .unwrap_or_default()
}

/// The item keys the `reviews:` log's readings name that no item has now
/// (items reworded since), each once, in the order first read.
pub fn orphan_reading_keys(doc: &Alliance) -> Vec<String> {
    let keys: std::collections::HashSet<String> =
        items_to_read(doc).into_iter().map(|i| i.key).collect();
    let mut orphans: Vec<String> = Vec::new();
    for entry in doc
        .fields()
        .map(|f| f.reviews.as_slice())
        .unwrap_or_default()
    {
        for r in &entry.readers {
            let key = &r.item.value;
            if !keys.contains(key) && !orphans.contains(key) {
                orphans.push(key.clone());
            }
        }
    }
    orphans
}

/// The reading proposed for a review on `date`: from the readings recorded
/// at reviews before that day (see [`rotation::rotate`]).
pub fn reading_for(doc: &Alliance, date: Date) -> Rotation {
    reading_carried(doc, date, &std::collections::HashMap::new())
}

/// [`reading_for`], the readings of a key that no item has now counted for
/// the item it became (`carried`, old key to new).
pub fn reading_carried(
    doc: &Alliance,
    date: Date,
    carried: &std::collections::HashMap<String, String>,
) -> Rotation {
    let now = |key: &str| carried.get(key).cloned().unwrap_or_else(|| key.to_owned());
    let items = items_to_read(doc);
    let parties = readers(doc);
    let past: Vec<rotation::Past> = doc
        .fields()
        .map(|f| {
            let mut entries: Vec<(Date, rotation::Past)> = f
                .reviews
                .iter()
                .filter_map(|e| {
                    let day = e.date.as_ref()?.get()?;
                    (day < date).then(|| {
                        (
                            day,
                            e.readers
                                .iter()
                                .map(|r| (now(&r.item.value), r.reader.value.clone()))
                                .collect(),
                        )
                    })
                })
                .collect();
            // Oldest first; entries of one day stay in the order written.
            entries.sort_by_key(|(day, _)| *day);
            entries.into_iter().map(|(_, past)| past).collect()
        })
        .unwrap_or_default();
    rotation::rotate(&items, &parties, &past)
}

/// Why a reading asked for cannot be recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadingError {
    /// No item has this key; `known` names some of those there are.
    UnknownItem {
        /// The key asked for.
        item: String,
        /// The keys there are (the first [`NAMES_SHOWN`], then how many more).
        known: String,
    },
    /// Nobody of this name or handle is a party.
    UnknownReader {
        /// The name asked for.
        who: String,
        /// The parties there are (the first [`NAMES_SHOWN`], then how many more).
        known: String,
    },
    /// The review of that day is recorded already, with another reading.
    AlreadyRecorded,
}

/// How many names an error message lists before "and N more".
pub const NAMES_SHOWN: usize = 12;

fn some_names(names: impl ExactSizeIterator<Item = String>) -> String {
    let total = names.len();
    if total == 0 {
        return "(none)".to_owned();
    }
    let shown: Vec<String> = names.take(NAMES_SHOWN).collect();
    if total > NAMES_SHOWN {
        format!("{}, and {} more", shown.join(", "), total - NAMES_SHOWN)
    } else {
        shown.join(", ")
    }
}

/// The reading to record with the review of `date` whose note is `note`:
/// the one [`reading_for`] proposes, with `changes` (item key, party's
/// handle or name) applied, readers written as [`rotation::recorded_name`]
/// has them. When that review is recorded already, its reading is kept as
/// written; changes that would alter it are refused.
pub fn reading_to_record(
    doc: &Alliance,
    date: Date,
    note: Option<&str>,
    changes: &[(String, String)],
    carried: &std::collections::HashMap<String, String>,
) -> Result<Vec<(String, String)>, ReadingError> {
    let mut reading: Vec<(String, Option<String>)> = reading_carried(doc, date, carried)
        .readings
        .into_iter()
        .map(|r| (r.item.key, r.reader))
        .collect();
    let slots: std::collections::HashMap<String, usize> = reading
        .iter()
        .enumerate()
        .map(|(i, (key, _))| (key.clone(), i))
        .collect();
    let parties = readers(doc);
    // Each change checked and resolved to the name readings are recorded under.
    let mut resolved: Vec<(usize, Option<String>)> = Vec::with_capacity(changes.len());
    for (item, who) in changes {
        let party =
            parties
                .iter()
                .find(|p| p.is(who))
                .ok_or_else(|| ReadingError::UnknownReader {
                    who: who.clone(),
                    known: some_names(parties.iter().map(|p| p.label())),
                })?;
        let slot = *slots.get(item).ok_or_else(|| ReadingError::UnknownItem {
            item: item.clone(),
            known: some_names(reading.iter().map(|(k, _)| format!("`{k}`"))),
        })?;
        resolved.push((slot, rotation::recorded_name(party)));
    }
    let recorded = doc.fields().and_then(|f| {
        f.reviews.iter().find(|e| {
            e.date.as_ref().and_then(|d| d.get()) == Some(date)
                && e.note.as_ref().map(|n| n.value.as_str()) == note
        })
    });
    if let Some(entry) = recorded {
        // Recorded already: kept as written; a change must say what it says.
        let kept: Vec<(String, String)> = entry
            .readers
            .iter()
            .map(|r| (r.item.value.clone(), r.reader.value.clone()))
            .collect();
        let agrees = resolved.iter().all(|(slot, name)| {
            kept.iter()
                .any(|(k, r)| *k == reading[*slot].0 && Some(r) == name.as_ref())
        });
        return if agrees {
            Ok(kept)
        } else {
            Err(ReadingError::AlreadyRecorded)
        };
    }
    for (slot, name) in resolved {
        reading[slot].1 = name;
    }
    Ok(reading
        .into_iter()
        .filter_map(|(key, who)| Some((key, who?)))
        .collect())
}

/// The items whose own review date has passed on `date`, or falls on it,
/// oldest first (a retired alliance has none).
pub fn due_items(doc: &Alliance, date: Date) -> Vec<ToReview> {
    let Outcome::Listed(listed) = due::assess(doc, &Window::new(date, None)) else {
        return Vec::new();
    };
    let mut out: Vec<ToReview> = listed
        .items
        .into_iter()
        .filter(|d| d.tier != Tier::Ok)
        .filter_map(|d| {
            let item = d.item?;
            Some(ToReview {
                text: item.text,
                id: item.id,
                section: item.section,
                date: d.date,
                days_overdue: d.days_overdue,
                owners: d.owners,
            })
        })
        .collect();
    out.sort_by_key(|d| d.date);
    out
}

/// The questions of `kind` (or [`DEFAULT_QUESTIONS`]).
pub fn questions(kind: Option<&Kind>) -> Vec<String> {
    match kind {
        Some(kind) if !kind.review_questions.is_empty() => kind.review_questions.clone(),
        _ => DEFAULT_QUESTIONS.iter().map(|q| (*q).to_owned()).collect(),
    }
}

/// Signals in the order the meeting takes them: broken and slipping
/// agreements first, then the rest, each biggest first; ties by kind, item,
/// dimension, round and words, so any input order gives the same list.
pub fn order_signals(signals: &mut [PulseTopic]) {
    signals.sort_by(|a, b| {
        b.kind
            .is_agreement()
            .cmp(&a.kind.is_agreement())
            .then(b.magnitude.total_cmp(&a.magnitude))
            .then(meeting_rank(a.kind).cmp(&meeting_rank(b.kind)))
            .then_with(|| a.item.cmp(&b.item))
            .then_with(|| a.dimension.cmp(&b.dimension))
            .then_with(|| a.round.cmp(&b.round))
            .then_with(|| a.statement.cmp(&b.statement))
            .then_with(|| a.who.cmp(&b.who))
    });
}

/// Proposals oldest first (undated last), then by their words.
pub fn order_proposals(proposals: &mut [Waiting]) {
    proposals.sort_by(|a, b| {
        (a.since.is_none(), a.since, &a.what, &a.waiting_for).cmp(&(
            b.since.is_none(),
            b.since,
            &b.what,
            &b.waiting_for,
        ))
    });
}

/// The agenda of `doc`'s review meeting as `request` asks. Refused only
/// when `--minutes` is too short to hold the parts.
pub fn build(doc: &Alliance, request: Request<'_>) -> Result<Agenda, TooShort> {
    let Request {
        path,
        kind,
        date,
        minutes,
        since,
        inputs,
    } = request;
    let rotation = reading_carried(doc, date, &inputs.carried);
    let questions = questions(kind);
    let due = due_items(doc, date);
    let mut pulse = inputs.pulse;
    if let Some(part) = &mut pulse {
        order_signals(&mut part.topics);
    }
    let mut proposals = inputs.proposals;
    if let Some(list) = &mut proposals {
        order_proposals(list);
    }
    let minutes = minutes
        .or_else(|| kind.and_then(|k| k.review_minutes))
        .unwrap_or(DEFAULT_MINUTES);
    let changes = match &since {
        Since::Changes(s) => change_count(&s.diff) + usize::from(s.note.is_some()) + s.wins.len(),
        Since::Unavailable(_) => 0,
    };
    let content = [
        (Part::SinceLastReview, changes),
        (
            Part::HowItIsGoing,
            pulse.as_ref().map_or(0, |p| p.topics.len()),
        ),
        (Part::ReadAloud, rotation.readings.len()),
        (Part::Questions, questions.len()),
        (Part::Due, due.len()),
        (Part::Proposals, proposals.as_ref().map_or(0, Vec::len)),
    ];
    let boxes = timebox::allot(minutes, &content)?;
    Ok(Agenda {
        path,
        title: doc.display_title().unwrap_or("(untitled)").to_owned(),
        kind: doc
            .fields()
            .and_then(|f| f.kind.as_ref())
            .map(|k| k.value.clone()),
        date,
        minutes,
        since,
        pulse,
        rotation,
        questions,
        due,
        proposals,
        boxes,
    })
}

/// How many things changed: front matter changes, items changed, section
/// texts changed.
fn change_count(diff: &AllianceDiff) -> usize {
    diff.front.len()
        + diff
            .sections
            .iter()
            .map(|s| s.items.len().max(1) + usize::from(!s.text.is_empty()))
            .sum::<usize>()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn doc(text: &str) -> Alliance {
        Alliance::parse_text(Path::new("a.md"), text.to_owned())
    }

    fn date(s: &str) -> Date {
        crate::document::dates::parse_date(s).expect("date")
    }

    #[test]
    fn keys_are_ids_else_slugs_and_unique() {
        let d = doc(
            "---\nalliance: team\n---\n## Agreements\n- We start meetings ON time, always and forever. [id:: on-time]\n- We start meetings on time, always and forever!\n- We start meetings on time: always & forever\n- 🎉\n- [owner:: @ada]\n",
        );
        let keys: Vec<String> = items_to_read(&d).into_iter().map(|i| i.key).collect();
        assert_eq!(
            keys,
            [
                "on-time",
                "we-start-meetings-on",
                "we-start-meetings-on-2",
                "item-4"
            ]
        );
    }

    fn signal(kind: SignalKind, item: &str, magnitude: f64) -> PulseTopic {
        PulseTopic {
            kind,
            item: item.to_owned(),
            dimension: Some("goals".to_owned()),
            who: vec!["ada".to_owned(), "grace".to_owned()],
            magnitude,
            round: jiff::civil::date(2026, 9, 1),
            statement: format!("{item} {magnitude}"),
            scores: Vec::new(),
            reverse: false,
        }
    }

    #[test]
    fn signals_broken_and_slipping_first_then_biggest() {
        let mut signals = vec![
            signal(SignalKind::Gap, "clarity", 1.0),
            signal(SignalKind::Rupture, "trust", 3.0),
            signal(SignalKind::Slipping, "on-time", 1.0),
            signal(SignalKind::Repair, "pace", 0.5),
            signal(SignalKind::Broken, "reply", 2.0),
            signal(SignalKind::Gap, "scope", 2.5),
        ];
        let mut reversed = signals.clone();
        reversed.reverse();
        order_signals(&mut signals);
        order_signals(&mut reversed);
        assert_eq!(signals, reversed, "any input order gives one order");
        let order: Vec<&str> = signals.iter().map(|s| s.item.as_str()).collect();
        assert_eq!(
            order,
            ["reply", "on-time", "trust", "scope", "clarity", "pace"]
        );
    }

    #[test]
    fn proposals_oldest_first_undated_last() {
        let p = |what: &str, since: Option<&str>| Waiting {
            what: what.to_owned(),
            since: since.map(date),
            agreed: vec![],
            waiting_for: vec!["grace".to_owned()],
        };
        let mut list = vec![
            p("c", None),
            p("b", Some("2026-03-01")),
            p("a", Some("2026-02-01")),
        ];
        order_proposals(&mut list);
        let order: Vec<&str> = list.iter().map(|p| p.what.as_str()).collect();
        assert_eq!(order, ["a", "b", "c"]);
    }

    const TEAM: &str = "---\nalliance: team\ntitle: T\nparties:\n  - name: Ada\n    handle: ada\n  - name: Grace\n    handle: grace\nreview:\n  every: 1 month\n  last: 2026-01-01\nreviews:\n  - date: 2026-01-01\n    readers:\n      on-time: ada\n      reply: grace\n---\n## Agreements\n- On time. [id:: on-time]\n- Reply fast. [id:: reply] [review:: 2026-01-15]\n- Quiet mornings. [id:: quiet] [review:: 2026-09-01]\n";

    #[test]
    fn a_reworded_item_keeps_its_reading_when_history_carries_its_key() {
        // `early` was read by Ada; its item has a new id now, `on-time`.
        let text = TEAM.replace("      on-time: ada\n", "      early: ada\n");
        let d = doc(&text);
        assert_eq!(orphan_reading_keys(&d), ["early"]);
        let reader_of = |rotation: &Rotation, key: &str| {
            rotation
                .readings
                .iter()
                .find(|r| r.item.key == key)
                .and_then(|r| r.reader.clone())
        };
        let carried: std::collections::HashMap<String, String> =
            [("early".to_owned(), "on-time".to_owned())].into();
        let with = reading_carried(&d, date("2026-02-01"), &carried);
        let without = reading_for(&d, date("2026-02-01"));
        // Carried, Ada's reading of it counts: she does not read it twice
        // running, as on the unchanged document.
        assert_eq!(with, reading_for(&doc(TEAM), date("2026-02-01")));
        assert_ne!(reader_of(&with, "on-time").as_deref(), Some("ada"));
        assert_ne!(with, without);
    }

    #[test]
    fn the_agenda_takes_signals_and_proposals_as_given() {
        let d = doc(TEAM);
        let request = Request {
            path: "a.md".to_owned(),
            kind: None,
            date: date("2026-02-01"),
            minutes: Some(30),
            since: Since::Unavailable("no history".to_owned()),
            inputs: Inputs {
                carried: Default::default(),
                pulse: Some(PulsePart {
                    rounds: PulseRounds::default(),
                    topics: vec![
                        signal(SignalKind::Gap, "clarity", 2.0),
                        signal(SignalKind::Broken, "on-time", 1.0),
                    ],
                }),
                proposals: Some(vec![Waiting {
                    what: "Add a Friday demo".to_owned(),
                    since: Some(date("2026-01-20")),
                    agreed: vec!["ada".to_owned()],
                    waiting_for: vec!["grace".to_owned()],
                }]),
            },
        };
        let agenda = build(&d, request).expect("fits");
        let pulse = agenda.pulse.as_ref().expect("pulse");
        assert_eq!(pulse.topics[0].item, "on-time");
        assert_eq!(agenda.proposals.as_ref().map(Vec::len), Some(1));
        assert_eq!(agenda.boxes.iter().map(|b| b.minutes).sum::<u32>(), 30);
        assert_eq!(agenda.minutes_of(Part::SinceLastReview), None);
        assert!(agenda.minutes_of(Part::HowItIsGoing).is_some());
        assert!(agenda.minutes_of(Part::Proposals).is_some());
        // Only the item whose own date has passed.
        let due: Vec<&str> = agenda.due.iter().map(|d| d.text.as_str()).collect();
        assert_eq!(due, ["Reply fast."]);
        assert_eq!(agenda.questions, DEFAULT_QUESTIONS);
        // Nobody reads the item they read last time.
        let who: Vec<(&str, &str)> = agenda
            .rotation
            .readings
            .iter()
            .map(|r| (r.item.key.as_str(), r.reader.as_deref().unwrap_or("")))
            .collect();
        assert_eq!(who[0], ("on-time", "grace"));
        assert_eq!(who[1], ("reply", "ada"));
    }

    #[test]
    fn a_reading_to_record_takes_changes_and_keeps_a_recorded_one() {
        let d = doc(TEAM);
        let change = |item: &str, who: &str| vec![(item.to_owned(), who.to_owned())];
        let reading = reading_to_record(
            &d,
            date("2026-02-01"),
            None,
            &change("quiet", "@Grace"),
            &Default::default(),
        )
        .expect("ok");
        assert!(
            reading.contains(&("quiet".to_owned(), "grace".to_owned())),
            "{reading:?}"
        );
        assert_eq!(reading.len(), 3);
        assert!(matches!(
            reading_to_record(
                &d,
                date("2026-02-01"),
                None,
                &change("nope", "ada"),
                &Default::default()
            ),
            Err(ReadingError::UnknownItem { .. })
        ));
        assert_eq!(
            reading_to_record(
                &d,
                date("2026-02-01"),
                None,
                &change("quiet", "linus"),
                &Default::default()
            ),
            Err(ReadingError::UnknownReader {
                who: "linus".to_owned(),
                known: "@ada, @grace".to_owned()
            })
        );
        // The review of 2026-01-01 is recorded: its reading is kept, and a
        // change to it refused.
        let kept =
            reading_to_record(&d, date("2026-01-01"), None, &[], &Default::default()).expect("ok");
        assert_eq!(
            kept,
            [
                ("on-time".to_owned(), "ada".to_owned()),
                ("reply".to_owned(), "grace".to_owned())
            ]
        );
        assert_eq!(
            reading_to_record(
                &d,
                date("2026-01-01"),
                None,
                &change("on-time", "grace"),
                &Default::default()
            ),
            Err(ReadingError::AlreadyRecorded)
        );
        assert_eq!(
            reading_to_record(
                &d,
                date("2026-01-01"),
                None,
                &change("on-time", "Ada"),
                &Default::default()
            ),
            Ok(kept)
        );
    }

    #[test]
    fn the_reading_ignores_reviews_on_or_after_the_day() {
        let d = doc(TEAM);
        // On the day of the recorded review, the reading is the one
        // proposed before it: from no readings at all.
        let on_the_day = reading_for(&d, date("2026-01-01"));
        assert!(on_the_day.counts.iter().all(|c| c.before == 0));
        let after = reading_for(&d, date("2026-01-02"));
        assert!(after.counts.iter().all(|c| c.before == 1));
    }
}
