//! One person's answers to one round: a YAML file, read with spans so a
//! finding points at the line, and written (by `pulse ask`) either filled
//! in or as a form to fill in.
//!
//! ```yaml
//! rater: ada
//! date: 2026-09-07
//! instrument: one-on-one
//! answers:
//!   # Our 1-1s help my report move their work forward. (1-5)
//!   collaboration-progress: 4
//! note: A good month.
//! agreements:            # team instrument: each agreement of the alliance
//!   on-time: kept        # kept, slipping or broken
//! ```

use std::path::{Path, PathBuf};

use jiff::civil::Date;

use super::instrument::{Instrument, Question};
use crate::check::finding::{Finding, Location, Rule};
use crate::document::{LineIndex, Span, clip, yaml};

/// The largest answer file read, the cap on every file alliance reads (a
/// check-in is a few lines; the YAML layer bounds the work too).
pub const MAX_ANSWER_BYTES: u64 = crate::workspace::MAX_FILE_BYTES;

/// What a party says of one agreement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AgreementState {
    /// Broken: the agreement is not being kept.
    Broken,
    /// Slipping: kept less and less.
    Slipping,
    /// Kept.
    Kept,
}

impl AgreementState {
    /// Read `kept`, `slipping` or `broken`.
    pub fn parse(text: &str) -> Option<AgreementState> {
        match text.trim().to_ascii_lowercase().as_str() {
            "kept" => Some(AgreementState::Kept),
            "slipping" => Some(AgreementState::Slipping),
            "broken" => Some(AgreementState::Broken),
            _ => None,
        }
    }

    /// The word.
    pub fn as_str(self) -> &'static str {
        match self {
            AgreementState::Kept => "kept",
            AgreementState::Slipping => "slipping",
            AgreementState::Broken => "broken",
        }
    }
}

/// A value and where it is in its file.
#[derive(Debug, Clone, PartialEq)]
pub struct At<T> {
    /// The value.
    pub value: T,
    /// Its span.
    pub span: Span,
}

/// One answer of the file: the key as written, and the score if the
/// value is one on the item's scale.
#[derive(Debug, Clone, PartialEq)]
pub struct Score {
    /// The item id, as written.
    pub item: At<String>,
    /// The value as written (for messages).
    pub raw: yaml::Value,
    /// The value's span.
    pub span: Span,
    /// The score on the item's scale, when the value is one (set by
    /// [`AnswerFile::validate`]).
    pub score: Option<i64>,
}

/// One answer file.
#[derive(Debug, Clone)]
pub struct AnswerFile {
    /// The file.
    pub path: PathBuf,
    /// Its text (findings quote its lines).
    pub text: String,
    lines: LineIndex,
    /// `rater:` as written, without `@`.
    pub rater: Option<At<String>>,
    /// `date:`, when it is a date.
    pub date: Option<At<Date>>,
    /// `instrument:`.
    pub instrument: Option<At<String>>,
    /// `answers:`, in file order.
    pub scores: Vec<Score>,
    /// `agreements:`, the states that parse (once validated, only those
    /// of agreements the alliance has).
    pub agreements: Vec<(At<String>, AgreementState)>,
    /// The agreement keys it names that the alliance has not (found by
    /// [`AnswerFile::validate`]): keys of items since reworded, or typos.
    pub unknown_agreements: Vec<String>,
    /// `note:`.
    pub note: Option<String>,
    /// What is wrong with it.
    pub findings: Vec<Finding>,
}

/// What an answer file is checked against.
#[derive(Debug, Clone, Copy)]
pub struct Expect<'a> {
    /// The alliance's instrument.
    pub instrument: &'a Instrument,
    /// The parties' handles.
    pub handles: &'a [String],
    /// The agreement keys (team instrument), see [`super::agreement_keys`]:
    /// a set, so each key of each answer file is one look-up.
    pub agreements: &'a std::collections::HashSet<String>,
    /// Today: later dates are refused.
    pub today: Date,
    /// The alliance's `created:`, when it is a date: earlier answers are
    /// a finding (A068).
    pub created: Option<Date>,
}

const KEYS: &[&str] = &[
    "rater",
    "date",
    "instrument",
    "answers",
    "note",
    "agreements",
];

impl AnswerFile {
    /// Read an answer file's text. Problems of form (not YAML, unknown
    /// keys, missing `rater:` or `answers:`) are findings (A060).
    pub fn parse(path: &Path, text: String) -> AnswerFile {
        let lines = LineIndex::new(&text);
        let mut file = AnswerFile {
            path: path.to_path_buf(),
            text,
            lines,
            rater: None,
            date: None,
            instrument: None,
            scores: Vec::new(),
            agreements: Vec::new(),
            unknown_agreements: Vec::new(),
            note: None,
            findings: Vec::new(),
        };
        let root = match yaml::parse_str(&file.text) {
            Ok(root) => root,
            Err(e) => {
                file.invalid(e.span, format!("not valid YAML: {}", clip(&e.message, 200)));
                return file;
            }
        };
        let yaml::Value::Map(entries) = &root.value else {
            file.invalid(
                root.span,
                "an answer file is a mapping: rater, date, answers".into(),
            );
            return file;
        };
        for (key, value) in entries {
            let name = key.as_str().unwrap_or_default();
            if !KEYS.contains(&name) {
                file.invalid(
                    key.span,
                    format!(
                        "unknown key `{}` (known keys: {})",
                        clip(&key.scalar_text().unwrap_or_default(), 60),
                        KEYS.join(", ")
                    ),
                );
                continue;
            }
            file.read_entry(name, value);
        }
        if file.rater.is_none() && root.get("rater").is_none() {
            file.invalid(root.span, "no `rater:`: say whose answers these are".into());
        }
        if root.get("answers").is_none() {
            file.invalid(root.span, "no `answers:` mapping".into());
        }
        file
    }

    /// Read one known key's value: `rater`, `instrument`, `note`, `date`,
    /// `answers` or `agreements`.
    fn read_entry(&mut self, name: &str, value: &yaml::Node) {
        let text = || {
            value.scalar_text().map(|t| At {
                value: t.trim().trim_start_matches('@').to_owned(),
                span: value.span,
            })
        };
        match name {
            "rater" => match text() {
                Some(t) if !t.value.is_empty() => self.rater = Some(t),
                _ => self.invalid(value.span, "`rater:` must be a party's handle".into()),
            },
            "instrument" => match text() {
                Some(t) => self.instrument = Some(t),
                None => self.invalid(value.span, "`instrument:` must be a name".into()),
            },
            "note" => match (&value.value, value.scalar_text()) {
                (yaml::Value::Null, _) => {}
                (_, Some(t)) => self.note = Some(t.into_owned()),
                _ => self.invalid(value.span, "`note:` must be text".into()),
            },
            "date" => match value
                .scalar_text()
                .map(|t| crate::document::dates::parse_date(&t))
            {
                Some(Ok(date)) => {
                    self.date = Some(At {
                        value: date,
                        span: value.span,
                    });
                }
                Some(Err(e)) => self.invalid(value.span, format!("`date:` {e}")),
                None => self.invalid(value.span, "`date:` must be YYYY-MM-DD".into()),
            },
            "answers" => self.read_answers(value),
            "agreements" => self.read_agreements(value),
            _ => {}
        }
    }

    fn read_answers(&mut self, value: &yaml::Node) {
        match &value.value {
            yaml::Value::Null => {}
            yaml::Value::Map(entries) => {
                for (key, answer) in entries {
                    let Some(id) = key.scalar_text() else {
                        self.invalid(key.span, "an answer's key is an item id".into());
                        continue;
                    };
                    self.scores.push(Score {
                        item: At {
                            value: id.into_owned(),
                            span: key.span,
                        },
                        raw: answer.value.clone(),
                        span: answer.span,
                        score: None,
                    });
                }
            }
            _ => self.invalid(
                value.span,
                "`answers:` must map each item id to a score".into(),
            ),
        }
    }

    fn read_agreements(&mut self, value: &yaml::Node) {
        match &value.value {
            yaml::Value::Null => {}
            yaml::Value::Map(entries) => {
                for (key, state) in entries {
                    let Some(id) = key.scalar_text() else {
                        self.invalid(key.span, "an agreement's key is its id".into());
                        continue;
                    };
                    let key = At {
                        value: id.into_owned(),
                        span: key.span,
                    };
                    match state.scalar_text().and_then(|t| AgreementState::parse(&t)) {
                        Some(s) => self.agreements.push((key, s)),
                        None if state.value == yaml::Value::Null => {}
                        None => {
                            let finding = Finding::error(
                                Rule::ScoreOffScale,
                                format!(
                                    "agreement `{}` is {}; answer kept, slipping or broken",
                                    clip(&key.value, 60),
                                    shown(&state.value)
                                ),
                            );
                            self.push(finding, state.span);
                        }
                    }
                }
            }
            _ => self.invalid(
                value.span,
                "`agreements:` must map each agreement to kept, slipping or broken".into(),
            ),
        }
    }

    fn invalid(&mut self, span: Span, message: String) {
        let finding = Finding::error(Rule::InvalidPulseAnswer, message).help(
            "write rater:, date:, answers: (ITEM: SCORE) and optionally note: and agreements:",
        );
        self.push(finding, span);
    }

    /// Record a finding at `span` of this file.
    pub fn push(&mut self, finding: Finding, span: Span) {
        let mut finding = finding;
        finding.location = Some(Location::in_text(&self.text, &self.lines, span));
        self.findings.push(finding);
    }

    /// A span for a finding about the whole file: its first line.
    pub fn top(&self) -> Span {
        self.lines.line_span(&self.text, 1)
    }

    /// Check the answers against the alliance and score them: scores off
    /// the scale (A061), unknown items (A062), a rater who is not a party
    /// (A063), a date after today (A065), another instrument (A066),
    /// items left empty (A067), a date before the alliance was created
    /// (A068).
    pub fn validate(&mut self, expect: &Expect<'_>) {
        self.check_rater(expect.handles);
        self.check_date(expect.today);
        self.check_created(expect.created);
        self.check_instrument(expect.instrument);
        let seen = self.score_answers(expect.instrument);
        self.check_missing(expect.instrument, &seen);
        self.check_agreements(expect);
    }

    /// The rater is one of the parties (A063).
    fn check_rater(&mut self, handles: &[String]) {
        if let Some(rater) = self.rater.clone()
            && !handles.iter().any(|h| h.eq_ignore_ascii_case(&rater.value))
        {
            let finding = Finding::error(
                Rule::RaterNotAParty,
                format!(
                    "`{}` is not a party to this alliance",
                    clip(&rater.value, 60)
                ),
            )
            .help(format!("the parties are {}", handles_list(handles)));
            self.push(finding, rater.span);
        }
    }

    /// The answers are not dated after today (A065).
    fn check_date(&mut self, today: Date) {
        if let Some(date) = self.date.clone()
            && date.value > today
        {
            let finding = Finding::error(
                Rule::PulseDateInFuture,
                format!(
                    "answered on {}, which is after today ({})",
                    date.value, today
                ),
            )
            .help("date an answer on the day it was given");
            self.push(finding, date.span);
        }
    }

    /// The answers are not dated before the alliance was created (A068).
    fn check_created(&mut self, created: Option<Date>) {
        if let (Some(date), Some(created)) = (self.date.clone(), created)
            && date.value < created
        {
            let finding = Finding::warning(
                Rule::PulseBeforeCreated,
                format!(
                    "answered on {}, before the alliance was created ({created})",
                    date.value
                ),
            )
            .help("date an answer on the day it was given, or correct the alliance's `created:`");
            self.push(finding, date.span);
        }
    }

    /// The answers are to the alliance's instrument (A066).
    fn check_instrument(&mut self, instrument: &Instrument) {
        if let Some(name) = self.instrument.clone()
            && name.value != instrument.name
        {
            let finding = Finding::error(
                Rule::UnknownInstrument,
                format!(
                    "these answers are to `{}`, but the alliance asks `{}`",
                    clip(&name.value, 60),
                    instrument.name
                ),
            )
            .help("answer the alliance's instrument (`alliance pulse ask` writes the form)");
            self.push(finding, name.span);
        }
    }

    /// Score each answer on its item's scale: unknown items (A062), items
    /// left empty (A067), scores off the scale (A061). Returns the items
    /// answered.
    fn score_answers(&mut self, instrument: &Instrument) -> std::collections::HashSet<String> {
        // One look-up per answer, not a scan of the instrument's items.
        let items: std::collections::HashMap<&str, &Question> = instrument
            .items
            .iter()
            .rev()
            .map(|it| (it.id.as_str(), it))
            .collect();
        let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
        for i in 0..self.scores.len() {
            let (id, raw, span, key_span) = {
                let s = &self.scores[i];
                (s.item.value.clone(), s.raw.clone(), s.span, s.item.span)
            };
            let Some(&item) = items.get(id.as_str()) else {
                let finding = Finding::error(
                    Rule::UnknownPulseItem,
                    format!(
                        "`{}` is not an item of the `{}` instrument",
                        clip(&id, 60),
                        instrument.name
                    ),
                )
                .help(format!("its items are {}", item_list(instrument)));
                self.push(finding, key_span);
                continue;
            };
            seen.insert(id.clone());
            if raw == yaml::Value::Null {
                let finding = Finding::warning(
                    Rule::UnansweredPulseItem,
                    format!("`{id}` is not answered yet"),
                )
                .help(format!("answer {}", item.scale.describe()));
                self.push(finding, key_span);
                continue;
            }
            match item.scale.score(&raw) {
                Some(score) => self.scores[i].score = Some(score),
                None => {
                    let finding = Finding::error(
                        Rule::ScoreOffScale,
                        format!(
                            "`{id}` is {}, off its {} scale",
                            shown(&raw),
                            item.scale.label()
                        ),
                    )
                    .help(format!("answer {}", item.scale.describe()));
                    self.push(finding, span);
                }
            }
        }
        seen
    }

    /// Every item of the instrument is answered (A067).
    fn check_missing(&mut self, instrument: &Instrument, seen: &std::collections::HashSet<String>) {
        let missing: Vec<&str> = instrument
            .items
            .iter()
            .filter(|it| !seen.contains(&it.id))
            .map(|it| it.id.as_str())
            .collect();
        if !missing.is_empty() && self.rater.is_some() {
            let finding = Finding::warning(
                Rule::UnansweredPulseItem,
                format!("no answer to {}", missing.join(", ")),
            )
            .help("answer every item, or leave the file out until it is filled in");
            let top = self.top();
            self.push(finding, top);
        }
    }

    /// Only the alliance's agreements are answered (A062), and only when
    /// its instrument asks about them; the others are dropped.
    fn check_agreements(&mut self, expect: &Expect<'_>) {
        let instrument = expect.instrument;
        let unknown: Vec<At<String>> = self
            .agreements
            .iter()
            .filter(|(k, _)| !instrument.agreements || !expect.agreements.contains(&k.value))
            .map(|(k, _)| k.clone())
            .collect();
        for key in unknown {
            self.unknown_agreements.push(key.value.clone());
            let finding = Finding::error(
                Rule::UnknownPulseItem,
                format!(
                    "`{}` is not an agreement of this alliance",
                    clip(&key.value, 60)
                ),
            )
            .help(if instrument.agreements {
                "name an agreement by its [id:: ...], or by the key `alliance pulse ask` writes"
            } else {
                "this alliance's instrument does not ask about agreements"
            });
            self.push(finding, key.span);
        }
        self.agreements
            .retain(|(k, _)| instrument.agreements && expect.agreements.contains(&k.value));
    }

    /// Whether the file holds at least one score: a form not filled in yet
    /// does not count as an answer.
    pub fn has_scores(&self) -> bool {
        self.scores.iter().any(|s| s.score.is_some()) || !self.agreements.is_empty()
    }

    /// The counted score of `item` (reverse-scored items turned round).
    pub fn counted(&self, item: &Question) -> Option<i64> {
        self.scores
            .iter()
            .find(|s| s.item.value == item.id)
            .and_then(|s| s.score)
            .map(|s| item.counted(s))
    }
}

fn shown(value: &yaml::Value) -> String {
    match value {
        yaml::Value::Null => "empty".to_owned(),
        yaml::Value::Seq(_) => "a list".to_owned(),
        yaml::Value::Map(_) => "a mapping".to_owned(),
        yaml::Value::Bool(b) => format!("`{b}`"),
        yaml::Value::Int(i) => format!("`{i}`"),
        yaml::Value::BigInt(digits) => format!("`{}`", clip(digits, 40)),
        yaml::Value::Float(f) => format!("`{f}`"),
        yaml::Value::Str(s) => format!("`{}`", clip(s, 40)),
    }
}

fn handles_list(handles: &[String]) -> String {
    handles
        .iter()
        .map(|h| format!("`{h}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn item_list(instrument: &Instrument) -> String {
    let ids: Vec<&str> = instrument.items.iter().map(|i| i.id.as_str()).collect();
    if ids.len() > 12 {
        format!("{}, ... ({} in all)", ids[..12].join(", "), ids.len())
    } else {
        ids.join(", ")
    }
}

/// What `pulse ask` writes.
#[derive(Debug, Clone)]
pub struct Filled<'a> {
    /// The rater's handle.
    pub rater: &'a str,
    /// The rater's role (picks the words of each item).
    pub role: Option<&'a str>,
    /// The day answered.
    pub date: Date,
    /// The instrument.
    pub instrument: &'a Instrument,
    /// The score of each item answered, by id; an item without one is
    /// written empty, to fill in.
    pub scores: &'a [(String, i64)],
    /// The agreements asked (key, the agreement's text), and the state of
    /// each one answered.
    pub agreements: &'a [(String, String, Option<AgreementState>)],
    /// The note.
    pub note: Option<&'a str>,
}

/// The text of an answer file: every item's words and scale in a comment
/// above its key, its score or nothing.
pub fn render(filled: &Filled<'_>) -> String {
    use crate::document::yaml::yaml_scalar;
    let mut out = String::new();
    let complete = filled
        .instrument
        .items
        .iter()
        .all(|i| filled.scores.iter().any(|(id, _)| *id == i.id));
    out.push_str(&format!(
        "# {} - answers of {}.{}\n",
        one_line(&filled.instrument.title),
        one_line(filled.rater),
        if complete {
            ""
        } else {
            " Fill in each empty value, then commit this file."
        }
    ));
    out.push_str("# Everyone who can read this repository can read these answers.\n");
    out.push_str(&format!("rater: {}\n", yaml_scalar(filled.rater)));
    out.push_str(&format!("date: {}\n", filled.date));
    out.push_str(&format!(
        "instrument: {}\n",
        yaml_scalar(&filled.instrument.name)
    ));
    out.push_str("answers:\n");
    for item in &filled.instrument.items {
        let reverse = if item.reverse {
            ", scored in reverse"
        } else {
            ""
        };
        out.push_str(&format!(
            "  # {} ({}{reverse})\n",
            one_line(item.words.for_role(filled.role)),
            scale_hint(item)
        ));
        let score = filled
            .scores
            .iter()
            .find(|(id, _)| *id == item.id)
            .map(|(_, s)| format!(" {}", item.scale.show(*s)))
            .unwrap_or_default();
        out.push_str(&format!("  {}:{score}\n", yaml_scalar(&item.id)));
    }
    if filled.instrument.agreements && !filled.agreements.is_empty() {
        out.push_str("agreements:\n");
        for (key, text, state) in filled.agreements {
            out.push_str(&format!(
                "  # {} (kept, slipping or broken)\n",
                one_line(text)
            ));
            let state = state
                .map(|s| format!(" {}", s.as_str()))
                .unwrap_or_default();
            out.push_str(&format!("  {}:{state}\n", yaml_scalar(key)));
        }
    }
    match filled.note {
        Some(note) => out.push_str(&format!("note: {}\n", yaml_scalar(note))),
        None => out.push_str("# note: anything you want to add\n"),
    }
    out
}

fn scale_hint(item: &Question) -> String {
    match item.scale {
        super::instrument::Scale::Rag => "red, amber or green".to_owned(),
        super::instrument::Scale::Points { min, max } => {
            format!("{min} not at all .. {max} completely")
        }
    }
}

/// Text for a YAML comment: one line, no control characters.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
