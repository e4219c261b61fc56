//! Pulse check-ins: each party answering the alliance's instrument, one
//! file per person per round, and what the answers say over time.
//!
//! - `instrument.rs`: instruments as data (built in, or the repository's
//!   `*.instrument.yaml` beside its kinds);
//! - `answers.rs`: one answer file, read with spans and checked (A060–A067),
//!   and the text `pulse ask` writes;
//! - `rounds.rs`: where answers live (`STEM.pulse/DATE/HANDLE.yaml`) and
//!   how they group into rounds;
//! - `score.rs`: gaps, ruptures and repairs.
//!
//! [`picture`] is the entry point for `pulse report` and the review
//! agenda: the complete rounds, the state of the latest one, per item and
//! dimension the series of each party, and the signals worth talking
//! about, biggest first. A round stays *sealed* until every party has
//! answered: its scores appear nowhere (only how many have answered)
//! unless [`Seal::Partial`] is asked for.
//!
//! This module reads through `read` and never prints or renders.

pub mod answers;
pub mod instrument;
pub mod rounds;
pub mod score;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::check::finding::{Finding, Rule};
use crate::document::dates::Cadence;
use crate::document::{Alliance, FrontMatter};
use crate::kind::{Kind, Kinds};
use crate::workspace::{UnreadFile, Workspace};
pub use answers::AgreementState;
use answers::Expect;
pub use instrument::{Instrument, InstrumentError, Instruments, Scale};
use rounds::Round;

/// Whether a round that not every party has answered is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seal {
    /// Kept sealed: only how many have answered is told.
    Sealed,
    /// Shown as it is (`--partial`).
    Partial,
}

/// One party as the pulse sees them.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PartyView {
    /// Their handle (answer files are named after it).
    pub handle: String,
    /// Their role, which picks the words they are asked.
    pub role: Option<String>,
}

/// Where the alliance's pulse setup comes from and what it is.
#[derive(Debug, Clone)]
pub struct Setup {
    /// The instrument.
    pub instrument: Instrument,
    /// How often a round is due: `pulse.every`, else the instrument's,
    /// else `review.every`.
    pub every: Option<Cadence>,
    /// The parties with handles, in the front matter's order.
    pub parties: Vec<PartyView>,
    /// The agreements the instrument asks about: key and text.
    pub agreements: Vec<(String, String)>,
    /// Other keys answers may name an agreement by, each with its key:
    /// the words keys written before keys were one, and (see
    /// [`Pulse::carry_over`]) the keys of items reworded since.
    pub aliases: HashMap<String, String>,
    /// Where `every` comes from.
    pub every_from: CadenceFrom,
}

/// Where the pulse cadence comes from, so the report can say why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CadenceFrom {
    /// The alliance's `pulse.every`.
    PulseEvery,
    /// The instrument's `every:`.
    Instrument,
    /// The alliance's `review.every`, as it sets no `pulse.every` and the
    /// instrument none.
    ReviewEvery,
    /// Nowhere: no round is ever due.
    Nowhere,
}

impl Setup {
    /// The agreement key an answer's `written` key counts for: itself, or
    /// the key it is an alias of.
    pub fn agreement_key<'a>(&'a self, written: &'a str) -> Option<&'a str> {
        if self.agreements.iter().any(|(k, _)| k == written) {
            return Some(written);
        }
        self.aliases.get(written).map(String::as_str)
    }
}

/// Why the pulse of an alliance cannot be worked out.
#[derive(Debug, thiserror::Error)]
pub enum PulseError {
    /// The front matter cannot be read.
    #[error("{}: the front matter cannot be read; run `alliance check {}`", path.display(), path.display())]
    NoFrontMatter {
        /// The alliance.
        path: PathBuf,
    },
    /// The instrument named is not available.
    #[error("{}: no instrument `{name}` here; use one of {known}", path.display())]
    UnknownInstrument {
        /// The alliance.
        path: PathBuf,
        /// The name asked for.
        name: String,
        /// The instruments there are.
        known: String,
    },
    /// `pulse.every` is not a cadence.
    #[error("{}: pulse.every: {source}", path.display())]
    Cadence {
        /// The alliance.
        path: PathBuf,
        /// Why.
        source: crate::document::dates::CadenceError,
    },
    /// A party has no handle, so their answers cannot be named.
    #[error("{}: every party needs a handle for pulse answers (HANDLE.yaml); {who} has none", path.display())]
    NoHandle {
        /// The alliance.
        path: PathBuf,
        /// The party, by name.
        who: String,
    },
    /// The repository's instruments are broken.
    #[error(transparent)]
    Instrument(#[from] InstrumentError),
}

/// The alliance's instrument, cadence, parties and agreements.
pub fn setup(
    doc: &Alliance,
    kinds: &Kinds,
    instruments: &Instruments,
) -> Result<Setup, PulseError> {
    let path = doc.path.clone();
    let Some(fields) = doc.fields() else {
        return Err(PulseError::NoFrontMatter { path });
    };
    let pulse = doc.front_root().and_then(|r| r.get("pulse"));
    let instrument = instrument_of(doc, fields, kinds, instruments)?;
    let (every, every_from) = match pulse
        .and_then(|p| p.get("every"))
        .and_then(|n| n.scalar_text())
    {
        Some(text) => (
            Some(
                text.parse::<Cadence>()
                    .map_err(|source| PulseError::Cadence {
                        path: path.clone(),
                        source,
                    })?,
            ),
            CadenceFrom::PulseEvery,
        ),
        None => match instrument.every {
            Some(every) => (Some(every), CadenceFrom::Instrument),
            None => match fields.review.cadence().and_then(Result::ok) {
                Some(every) => (Some(every), CadenceFrom::ReviewEvery),
                None => (None, CadenceFrom::Nowhere),
            },
        },
    };
    let parties = party_views(path, fields)?;
    let agreements = if instrument.agreements {
        let kind = fields.kind.as_ref().and_then(|k| kinds.get(&k.value));
        agreement_keys(doc, kind)
    } else {
        Vec::new()
    };
    let aliases = legacy_keys(&agreements);
    Ok(Setup {
        instrument,
        every,
        parties,
        agreements,
        aliases,
        every_from,
    })
}

/// The instrument the alliance names (`pulse.instrument`), else its kind's,
/// else `working-alliance`.
fn instrument_of(
    doc: &Alliance,
    fields: &FrontMatter,
    kinds: &Kinds,
    instruments: &Instruments,
) -> Result<Instrument, PulseError> {
    let named = doc
        .front_root()
        .and_then(|r| r.get("pulse"))
        .and_then(|p| p.get("instrument"))
        .and_then(|n| n.scalar_text())
        .map(|t| t.trim().to_owned());
    let name = named
        .or_else(|| {
            fields
                .kind
                .as_ref()
                .and_then(|k| kinds.get(&k.value))
                .and_then(|k| k.instrument.clone())
        })
        .unwrap_or_else(|| "working-alliance".to_owned());
    let instrument = instruments
        .get(&name)
        .ok_or_else(|| PulseError::UnknownInstrument {
            path: doc.path.clone(),
            name: crate::document::clip(&name, 60).into_owned(),
            known: crate::kind::one_of(&instruments.names()),
        })?;
    Ok(instrument.clone())
}

/// The parties, each by handle: a party without one cannot answer.
fn party_views(path: PathBuf, fields: &FrontMatter) -> Result<Vec<PartyView>, PulseError> {
    let mut parties = Vec::new();
    for party in &fields.parties {
        let Some(handle) = &party.handle else {
            return Err(PulseError::NoHandle {
                path,
                who: party.label(),
            });
        };
        parties.push(PartyView {
            handle: handle.value.clone(),
            role: party.role.as_ref().map(|r| r.value.clone()),
        });
    }
    Ok(parties)
}

/// The agreements of an alliance, as the team instrument asks about them:
/// the answered top-level items of the sections its kind marks
/// `agreements: true` (of every section when the kind marks none, or is
/// not known here), each with the key every command names it by
/// ([`crate::document::vocabulary::item_keys`]).
pub fn agreement_keys(doc: &Alliance, kind: Option<&Kind>) -> Vec<(String, String)> {
    let marked = |section: usize| -> bool {
        let Some(kind) = kind.filter(|k| k.sections.iter().any(|r| r.agreements)) else {
            return true;
        };
        kind.section_for(&doc.sections[section].heading.text)
            .is_some_and(|rule| kind.sections[rule].agreements)
    };
    crate::document::vocabulary::item_keys(&doc.sections)
        .into_iter()
        .filter(|(_, keyed)| marked(keyed.section))
        .map(|(key, keyed)| (key, keyed.item.text.clone()))
        .collect()
}

/// The keys answers written before the keys were one may use, each with
/// the key it now is: the first six words of an agreement (what `pulse
/// ask` wrote before), where that names one agreement only.
fn legacy_keys(agreements: &[(String, String)]) -> HashMap<String, String> {
    let mut seen: HashMap<String, Option<String>> = HashMap::new();
    for (key, text) in agreements {
        let old = crate::document::vocabulary::slug(text, 6);
        if old.is_empty() || old == *key {
            continue;
        }
        let old = crate::document::clip(&old, 60).into_owned();
        seen.entry(old)
            .and_modify(|k| *k = None)
            .or_insert_with(|| Some(key.clone()));
    }
    let current: HashSet<&str> = agreements.iter().map(|(k, _)| k.as_str()).collect();
    seen.into_iter()
        .filter(|(old, _)| !current.contains(old.as_str()))
        .filter_map(|(old, key)| Some((old, key?)))
        .collect()
}

/// Everything the pulse knows of one alliance, read from disk: the setup,
/// the rounds, and what was wrong with the answer files.
#[derive(Debug)]
pub struct Pulse {
    /// Instrument, cadence, parties, agreements.
    pub setup: Setup,
    /// The rounds, oldest first.
    pub rounds: Vec<Round>,
    /// Findings about round folders.
    pub folder_findings: Vec<(PathBuf, Finding)>,
    /// Answer files that could not be read.
    pub unread: Vec<UnreadFile>,
}

impl Pulse {
    /// The answer files with their findings, for `check`.
    pub fn file_findings(&self) -> impl Iterator<Item = (&Path, &[Finding])> {
        self.rounds
            .iter()
            .flat_map(|r| &r.files)
            .map(|f| (f.path.as_path(), f.findings.as_slice()))
    }
}

/// Where the keys of reworded items come from: given the agreement keys
/// answers name that no agreement has now, the key each became in the
/// alliance's history. The caller reads them (`tasks`, through
/// `history::reviews::carried_keys`); pulse never reads git.
pub type Carry<'a> = &'a dyn Fn(&[String]) -> HashMap<String, String>;

/// Read the pulse of the alliance `doc` (read from `doc.path`) in the
/// repository at `root`, judging dates by `today`. With `carry`, answers
/// under the key of an item since reworded count for the item (see
/// [`Carry`]).
pub fn read(
    root: &Path,
    doc: &Alliance,
    kinds: &Kinds,
    instruments: &Instruments,
    today: Date,
    carry: Option<Carry<'_>>,
) -> Result<Pulse, PulseError> {
    let mut setup = setup(doc, kinds, instruments)?;
    let mut loaded = load(root, doc, &setup, today);
    if let Some(carry) = carry {
        let mut orphans: Vec<String> = loaded
            .rounds
            .iter()
            .flat_map(|r| &r.files)
            .flat_map(|f| f.unknown_agreements.iter().cloned())
            .collect();
        orphans.sort();
        orphans.dedup();
        if !orphans.is_empty() {
            let carried = carry(&orphans);
            if !carried.is_empty() {
                setup.aliases.extend(carried);
                loaded = load(root, doc, &setup, today);
            }
        }
    }
    Ok(Pulse {
        setup,
        rounds: loaded.rounds,
        folder_findings: loaded.folder_findings,
        unread: loaded.unread,
    })
}

/// The answer files of `doc`'s pulse, checked against `setup`.
fn load(root: &Path, doc: &Alliance, setup: &Setup, today: Date) -> rounds::Loaded {
    let (handles, keys) = (handles(setup), agreement_key_set(setup));
    rounds::load(root, &doc.path, &expect(doc, setup, &handles, &keys, today))
}

/// The parties' handles, in the front matter's order.
fn handles(setup: &Setup) -> Vec<String> {
    setup.parties.iter().map(|p| p.handle.clone()).collect()
}

/// Every key an answer may name an agreement by.
fn agreement_key_set(setup: &Setup) -> HashSet<String> {
    setup
        .agreements
        .iter()
        .map(|(k, _)| k.clone())
        .chain(setup.aliases.keys().cloned())
        .collect()
}

/// What `doc`'s answer files are checked against.
fn expect<'a>(
    doc: &Alliance,
    setup: &'a Setup,
    handles: &'a [String],
    keys: &'a HashSet<String>,
    today: Date,
) -> Expect<'a> {
    Expect {
        instrument: &setup.instrument,
        handles,
        agreements: keys,
        today,
        created: doc
            .fields()
            .and_then(|f| f.created.as_ref())
            .and_then(|d| d.get()),
    }
}

/// What is wrong with one answer file of `doc`'s pulse, given as text (an
/// editor's unsaved buffer): what `check` would report of it were it
/// saved. `round` is its round as read from disk, when there is one: the
/// buffer takes its file's place there (or the place its name would
/// have), so a second answer by the same person (A064) and a file not
/// named after its rater (A060) are found as `check` finds them.
pub fn answer_findings(
    doc: &Alliance,
    setup: &Setup,
    round: Option<&Round>,
    path: &Path,
    text: String,
    today: Date,
) -> Vec<Finding> {
    let (handles, keys) = (handles(setup), agreement_key_set(setup));
    let expect = expect(doc, setup, &handles, &keys, today);
    let mut file = answers::AnswerFile::parse(path, text);
    file.validate(&expect);
    let Some(round) = round else {
        return file.findings;
    };
    let mut files = round.files.clone();
    let name = path.file_name();
    let at = match files.iter().position(|f| f.path.file_name() == name) {
        Some(at) => {
            files[at] = file;
            at
        }
        None => {
            let at = files.partition_point(|f| f.path.file_name() < name);
            files.insert(at, file);
            at
        }
    };
    rounds::by_party(&mut files, &expect);
    std::mem::take(&mut files[at].findings)
}

/// The findings `check` reports about the alliance document itself: an
/// unknown instrument (A066) or a `pulse.every` that is not a cadence
/// (A021), pointing at the value. `has_answers`: whether the alliance has
/// a pulse folder (`rounds::pulse_folder`), which the caller looked for.
pub fn front_matter_findings(
    doc: &Alliance,
    kinds: &Kinds,
    instruments: &Instruments,
    has_answers: bool,
) -> Vec<Finding> {
    let Some(pulse) = doc.front_root().and_then(|r| r.get("pulse")) else {
        // No `pulse:`: the kind's instrument is used once there are answers,
        // and a kind naming one that is not here is said at `alliance:`.
        if !has_answers {
            return Vec::new();
        }
        let Err(PulseError::UnknownInstrument { name, known, .. }) = setup(doc, kinds, instruments)
        else {
            return Vec::new();
        };
        let Some(kind) = doc.fields().and_then(|f| f.kind.as_ref()) else {
            return Vec::new();
        };
        return vec![
            Finding::error(
                Rule::UnknownInstrument,
                format!(
                    "the `{}` kind asks the instrument `{name}`, which is not here",
                    crate::document::clip(&kind.value, 60)
                ),
            )
            .help(format!(
                "use one of {known} (in the kind's `instrument:`, or `pulse: {{instrument: NAME}}`), or add {name}.instrument.yaml to the kinds folder"
            ))
            .at(doc, kind.span),
        ];
    };
    let at = |key: &str| pulse.get(key).map_or(pulse.span, |n| n.span);
    match setup(doc, kinds, instruments) {
        Err(PulseError::UnknownInstrument { name, known, .. }) => vec![
            Finding::error(
                Rule::UnknownInstrument,
                format!("pulse.instrument `{name}` is not an instrument here"),
            )
            .help(format!(
                "use one of {known}, or add {name}.instrument.yaml to the kinds folder"
            ))
            .at(doc, at("instrument")),
        ],
        Err(PulseError::Cadence { source, .. }) => vec![
            Finding::error(Rule::InvalidCadence, format!("pulse.every: {source}"))
                .help("write how often a round is due: `4 weeks`, `monthly`")
                .at(doc, at("every")),
        ],
        _ => Vec::new(),
    }
}

/// The state of the newest round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RoundStatus {
    /// Every party has answered.
    Complete,
    /// Not everyone has answered: its scores are not shown.
    Sealed,
}

/// The newest round and who has answered it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct LatestRound {
    /// The day it opened.
    #[serde(serialize_with = "date_text")]
    pub date: Date,
    /// Complete or sealed.
    pub status: RoundStatus,
    /// How many parties have answered.
    pub answered: usize,
    /// How many parties there are.
    pub expected: usize,
    /// The handles of those who have answered (never their scores).
    pub who: Vec<String>,
}

/// One round as the picture shows it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RoundView {
    /// The day it opened.
    #[serde(serialize_with = "date_text")]
    pub date: Date,
    /// Whether it is shown before every party answered (`--partial`).
    pub partial: bool,
    /// The notes of those who wrote one.
    pub notes: Vec<Note>,
}

/// One party's note in a round, dated by its answer (`date:`; the round's
/// day when the answer has none). In JSON: `[handle, note, date]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    /// Who wrote it.
    pub handle: String,
    /// What they wrote.
    pub text: String,
    /// The day of their answer.
    pub date: Date,
}

impl serde::Serialize for Note {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serde::Serialize::serialize(&(&self.handle, &self.text, self.date.to_string()), s)
    }
}

/// What a signal is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SignalKind {
    /// The parties are at least the threshold apart: "you do not see this
    /// the same way".
    Gap,
    /// A drop of at least one standard deviation of that person's history.
    Rupture,
    /// Back at or above the level before a rupture.
    Repair,
    /// An agreement someone said is broken.
    Broken,
    /// An agreement someone said is slipping.
    Slipping,
}

impl SignalKind {
    /// Whether the signal is about an agreement (broken or slipping).
    pub fn is_agreement(self) -> bool {
        matches!(self, SignalKind::Broken | SignalKind::Slipping)
    }

    /// The order of signals of the same weight: what needs talking about first.
    fn rank(self) -> u8 {
        match self {
            SignalKind::Broken => 0,
            SignalKind::Gap => 1,
            SignalKind::Rupture => 2,
            SignalKind::Slipping => 3,
            SignalKind::Repair => 4,
        }
    }
}

/// Something worth talking about at the review.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Signal {
    /// Gap, rupture, repair, broken or slipping.
    pub kind: SignalKind,
    /// The item's id (or the agreement's key); `None` for a dimension.
    pub item: Option<String>,
    /// The dimension (`None` for an agreement).
    pub dimension: Option<String>,
    /// Who: the rupturing person, the two apart, those who said broken.
    pub parties: Vec<String>,
    /// The size, in points of the item's scale (the gap, the drop, the
    /// recovery; for an agreement, how many said so).
    pub magnitude: f64,
    /// The size as a share of the scale's width (0 to 1), by which signals
    /// are sorted, so items on different scales compare.
    pub weight: f64,
    /// The round it was seen in.
    #[serde(serialize_with = "date_text")]
    pub round: Date,
    /// The item's words (the first side's), or the agreement's text.
    pub words: String,
}

/// One item's (or dimension's) history, per party.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Trend {
    /// The item id; `None` for a dimension.
    pub item: Option<String>,
    /// The dimension.
    pub dimension: String,
    /// The words each party is asked, by handle (empty for a dimension).
    pub words: Vec<(String, String)>,
    /// Whether the item is scored in reverse (scores here are counted:
    /// min + max - answer).
    pub reverse: bool,
    /// The scale.
    #[serde(serialize_with = "scale_label")]
    pub scale: Scale,
    /// The gap that is flagged.
    pub gap_threshold: f64,
    /// Per party (in order), the counted score of each round shown.
    pub series: Vec<Vec<Option<f64>>>,
    /// The gap in the newest round shown: signed for two parties, the
    /// spread for more.
    pub gap: Option<f64>,
    /// Whether the gap is flagged.
    pub gap_flagged: bool,
}

fn scale_label<S: serde::Serializer>(scale: &Scale, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&scale.label())
}

/// One agreement's answers in the newest round shown.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AgreementView {
    /// Its key.
    pub key: String,
    /// Its text.
    pub text: String,
    /// What each party said, by handle.
    pub states: Vec<(String, AgreementState)>,
}

/// The pulse picture of one alliance.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Picture {
    /// The alliance.
    pub path: PathBuf,
    /// The instrument's name.
    pub instrument: String,
    /// Its title.
    pub instrument_title: String,
    /// The parties.
    pub parties: Vec<PartyView>,
    /// How often a round is due.
    #[serde(serialize_with = "cadence_label")]
    pub every: Option<Cadence>,
    /// Where `every` comes from.
    pub every_from: CadenceFrom,
    /// The rounds shown: complete ones, and with `--partial` the open one.
    pub rounds: Vec<RoundView>,
    /// The newest round, whatever its state.
    pub latest: Option<LatestRound>,
    /// When the next round is due: the newest round's day + `every`.
    #[serde(serialize_with = "optional_date_text")]
    pub next_due: Option<Date>,
    /// Per dimension: the mean of its items' counted scores.
    pub dimensions: Vec<Trend>,
    /// Per item.
    pub items: Vec<Trend>,
    /// The agreements asked about, in the newest round shown.
    pub agreements: Vec<AgreementView>,
    /// What to talk about, biggest first.
    pub signals: Vec<Signal>,
}

fn date_text<S: serde::Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(d)
}

fn optional_date_text<S: serde::Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.collect_str(d),
        None => s.serialize_none(),
    }
}

fn cadence_label<S: serde::Serializer>(c: &Option<Cadence>, s: S) -> Result<S::Ok, S::Error> {
    match c {
        Some(c) => s.serialize_str(&c.to_string()),
        None => s.serialize_none(),
    }
}

/// The pulse picture of the alliance `doc` in `workspace`: read its
/// rounds, then [`Pulse::picture`]. This is what the review agenda calls.
pub fn picture(
    workspace: &Workspace,
    doc: &Alliance,
    today: Date,
    seal: Seal,
    carry: Option<Carry<'_>>,
) -> Result<Picture, PulseError> {
    let instruments = Instruments::with_folder(workspace.config.kinds.as_deref())?;
    let pulse = read(
        &workspace.root,
        doc,
        &workspace.kinds,
        &instruments,
        today,
        carry,
    )?;
    Ok(pulse.picture(&doc.path, seal))
}

impl Pulse {
    /// The rounds shown: the complete ones, and the newest if it is open
    /// and `seal` is [`Seal::Partial`].
    fn shown(&self, seal: Seal) -> Vec<(&Round, bool)> {
        let last = self.rounds.len().saturating_sub(1);
        self.rounds
            .iter()
            .enumerate()
            .filter_map(|(i, r)| {
                if r.complete() {
                    Some((r, false))
                } else if seal == Seal::Partial && i == last && r.answered() > 0 {
                    Some((r, true))
                } else {
                    None
                }
            })
            .collect()
    }

    /// What the answers say, for the alliance at `path`.
    pub fn picture(&self, path: &Path, seal: Seal) -> Picture {
        let setup = &self.setup;
        let shown = self.shown(seal);
        let complete: Vec<usize> = shown
            .iter()
            .enumerate()
            .filter(|(_, (_, partial))| !partial)
            .map(|(i, _)| i)
            .collect();
        let handles: Vec<String> = setup.parties.iter().map(|p| p.handle.clone()).collect();
        let next_due = match (self.rounds.last(), setup.every) {
            (Some(r), Some(every)) => every.after(r.date),
            _ => None,
        };
        let mut signals = Vec::new();
        let items = self.item_trends(&shown, &complete, &handles, &mut signals);
        let dimensions = self.dimension_trends(&items, &shown, &complete, &handles, &mut signals);
        let agreements = self.agreements(&shown, &handles, &mut signals);
        sort_biggest_first(&mut signals);
        Picture {
            path: path.to_path_buf(),
            instrument: setup.instrument.name.clone(),
            instrument_title: setup.instrument.title.clone(),
            parties: setup.parties.clone(),
            every: setup.every,
            every_from: setup.every_from,
            rounds: round_views(&shown, &handles),
            latest: self.latest(&handles),
            next_due,
            dimensions,
            items,
            agreements,
            signals,
        }
    }

    /// The newest round, shown or not: its date, whether it is sealed, and
    /// who has answered it.
    fn latest(&self, handles: &[String]) -> Option<LatestRound> {
        self.rounds.last().map(|r| LatestRound {
            date: r.date,
            status: if r.complete() {
                RoundStatus::Complete
            } else {
                RoundStatus::Sealed
            },
            answered: r.answered(),
            expected: handles.len(),
            who: (0..handles.len())
                .filter(|&p| r.of(p).is_some())
                .map(|p| handles[p].clone())
                .collect(),
        })
    }

    /// A trend per item of the instrument, pushing its signals.
    fn item_trends(
        &self,
        shown: &[(&Round, bool)],
        complete: &[usize],
        handles: &[String],
        signals: &mut Vec<Signal>,
    ) -> Vec<Trend> {
        let setup = &self.setup;
        let mut items = Vec::new();
        let mut table = score_table(&setup.instrument, shown, handles.len()).into_iter();
        for item in &setup.instrument.items {
            let series = table.next().unwrap_or_default();
            let words = setup
                .parties
                .iter()
                .map(|p| {
                    (
                        p.handle.clone(),
                        item.words.for_role(p.role.as_deref()).to_owned(),
                    )
                })
                .collect();
            let trend = Trend {
                item: Some(item.id.clone()),
                dimension: item.dimension.clone(),
                words,
                reverse: item.reverse,
                scale: item.scale,
                gap_threshold: item.gap_threshold,
                series,
                gap: None,
                gap_flagged: false,
            };
            let first_words = item
                .words
                .for_role(setup.parties.first().and_then(|p| p.role.as_deref()));
            items.push(self.finish(trend, shown, complete, handles, first_words, signals));
        }
        items
    }

    /// A trend per dimension: the mean of its items' scores, pushing its
    /// signals when it has more than one item.
    fn dimension_trends(
        &self,
        items: &[Trend],
        shown: &[(&Round, bool)],
        complete: &[usize],
        handles: &[String],
        signals: &mut Vec<Signal>,
    ) -> Vec<Trend> {
        let mut dimensions = Vec::new();
        for dim in self.setup.instrument.dimensions() {
            let mine: Vec<&Trend> = items.iter().filter(|t| t.dimension == dim).collect();
            let Some(first) = mine.first() else { continue };
            let series = (0..handles.len())
                .map(|p| {
                    (0..shown.len())
                        .map(|r| {
                            score::mean(&mine.iter().map(|t| t.series[p][r]).collect::<Vec<_>>())
                        })
                        .collect()
                })
                .collect();
            let threshold = mine.iter().map(|t| t.gap_threshold).sum::<f64>() / mine.len() as f64;
            let trend = Trend {
                item: None,
                dimension: dim.to_owned(),
                words: Vec::new(),
                reverse: false,
                scale: first.scale,
                gap_threshold: threshold,
                series,
                gap: None,
                gap_flagged: false,
            };
            // A dimension of one item says what its item says: its signals
            // would only repeat the item's.
            let mut own = Vec::new();
            let trend = self.finish(trend, shown, complete, handles, "", &mut own);
            if mine.len() > 1 {
                signals.extend(own);
            }
            dimensions.push(trend);
        }
        dimensions
    }

    /// Work out a trend's gap and its ruptures and repairs (over complete
    /// rounds only), pushing the signals.
    fn finish(
        &self,
        mut trend: Trend,
        shown: &[(&Round, bool)],
        complete: &[usize],
        handles: &[String],
        words: &str,
        signals: &mut Vec<Signal>,
    ) -> Trend {
        if let Some(last) = shown.len().checked_sub(1) {
            let newest: Vec<Option<f64>> = trend.series.iter().map(|s| s[last]).collect();
            trend.gap = score::gap(&newest);
            if let Some(gap) = trend.gap
                && gap.abs() + 1e-9 >= trend.gap_threshold
            {
                trend.gap_flagged = true;
                let round = shown[last].0.date;
                signals.push(gap_signal(&trend, gap, &newest, handles, round, words));
            }
        }
        break_signals(&trend, shown, complete, handles, words, signals);
        trend
    }

    /// The agreements in the newest round shown, and a signal for each
    /// one someone said is broken or slipping.
    fn agreements(
        &self,
        shown: &[(&Round, bool)],
        handles: &[String],
        signals: &mut Vec<Signal>,
    ) -> Vec<AgreementView> {
        let Some((round, _)) = shown.last() else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (key, text) in &self.setup.agreements {
            let states: Vec<(String, AgreementState)> = (0..handles.len())
                .filter_map(|p| {
                    round.of(p).and_then(|f| {
                        f.agreements
                            .iter()
                            .find(|(k, _)| self.setup.agreement_key(&k.value) == Some(key))
                            .map(|(_, s)| (handles[p].clone(), *s))
                    })
                })
                .collect();
            for (state, kind, weight) in [
                (AgreementState::Broken, SignalKind::Broken, 1.0),
                (AgreementState::Slipping, SignalKind::Slipping, 0.5),
            ] {
                let who: Vec<String> = states
                    .iter()
                    .filter(|(_, s)| *s == state)
                    .map(|(h, _)| h.clone())
                    .collect();
                if !who.is_empty() {
                    signals.push(Signal {
                        kind,
                        item: Some(key.clone()),
                        dimension: None,
                        magnitude: who.len() as f64,
                        weight: weight * who.len() as f64 / handles.len().max(1) as f64,
                        parties: who,
                        round: round.date,
                        words: text.clone(),
                    });
                }
            }
            out.push(AgreementView {
                key: key.clone(),
                text: text.clone(),
                states,
            });
        }
        out
    }
}

/// What each party said in each round shown, with its notes.
fn round_views(shown: &[(&Round, bool)], handles: &[String]) -> Vec<RoundView> {
    shown
        .iter()
        .map(|(r, partial)| RoundView {
            date: r.date,
            partial: *partial,
            notes: (0..handles.len())
                .filter_map(|p| {
                    let file = r.of(p)?;
                    Some(Note {
                        handle: handles[p].clone(),
                        text: file.note.clone()?,
                        date: file.date.as_ref().map_or(r.date, |d| d.value),
                    })
                })
                .collect(),
        })
        .collect()
}

/// The signals, biggest first; equal ones by kind, round and item.
fn sort_biggest_first(signals: &mut [Signal]) {
    signals.sort_by(|a, b| {
        b.weight
            .total_cmp(&a.weight)
            .then(a.kind.rank().cmp(&b.kind.rank()))
            .then(a.round.cmp(&b.round))
            .then_with(|| a.item.cmp(&b.item))
    });
}

/// The gap signal of a trend whose `gap` in the newest round (`newest`,
/// on `round`) is flagged: between the highest and the lowest score.
fn gap_signal(
    trend: &Trend,
    gap: f64,
    newest: &[Option<f64>],
    handles: &[String],
    round: Date,
    words: &str,
) -> Signal {
    let present: Vec<(usize, f64)> = newest
        .iter()
        .enumerate()
        .filter_map(|(p, v)| v.map(|v| (p, v)))
        .collect();
    let hi = present
        .iter()
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|x| x.0);
    let lo = present
        .iter()
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|x| x.0);
    Signal {
        kind: SignalKind::Gap,
        item: trend.item.clone(),
        dimension: Some(trend.dimension.clone()),
        parties: [hi, lo]
            .into_iter()
            .flatten()
            .map(|p| handles[p].clone())
            .collect(),
        magnitude: gap.abs(),
        weight: gap.abs() / trend.scale.range().max(1.0),
        round,
        words: words.to_owned(),
    }
}

/// Each party's ruptures in a trend, over complete rounds only, each
/// followed by its repair when there is one.
fn break_signals(
    trend: &Trend,
    shown: &[(&Round, bool)],
    complete: &[usize],
    handles: &[String],
    words: &str,
    signals: &mut Vec<Signal>,
) {
    let range = trend.scale.range().max(1.0);
    for (p, handle) in handles.iter().enumerate() {
        let series: Vec<Option<f64>> = complete.iter().map(|&r| trend.series[p][r]).collect();
        for found in score::breaks(&series) {
            let round = shown[complete[found.at]].0.date;
            signals.push(Signal {
                kind: SignalKind::Rupture,
                item: trend.item.clone(),
                dimension: Some(trend.dimension.clone()),
                parties: vec![handle.clone()],
                magnitude: found.drop,
                weight: found.drop / range,
                round,
                words: words.to_owned(),
            });
            if let Some((at, value)) = found.repair {
                signals.push(Signal {
                    kind: SignalKind::Repair,
                    item: trend.item.clone(),
                    dimension: Some(trend.dimension.clone()),
                    parties: vec![handle.clone()],
                    magnitude: value - found.after,
                    weight: (value - found.after) / range,
                    round: shown[complete[at]].0.date,
                    words: words.to_owned(),
                });
            }
        }
    }
}

/// Per item of `instrument` (in order), per party, the counted score of
/// each round shown: every answer file read once, each of its answers
/// found by one look-up (the first answer to an item counts, as
/// [`answers::AnswerFile::counted`] has it).
fn score_table(
    instrument: &Instrument,
    shown: &[(&Round, bool)],
    parties: usize,
) -> Vec<Vec<Vec<Option<f64>>>> {
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (i, item) in instrument.items.iter().enumerate() {
        index.entry(item.id.as_str()).or_insert(i);
    }
    let mut table = vec![vec![vec![None; shown.len()]; parties]; instrument.items.len()];
    let mut seen = vec![false; instrument.items.len()];
    for (r, (round, _)) in shown.iter().enumerate() {
        for (p, file) in (0..parties).filter_map(|p| round.of(p).map(|f| (p, f))) {
            seen.fill(false);
            for score in &file.scores {
                let Some(&i) = index.get(score.item.value.as_str()) else {
                    continue;
                };
                if !std::mem::replace(&mut seen[i], true) {
                    let item = &instrument.items[i];
                    table[i][p][r] = score.score.map(|s| item.counted(s) as f64);
                }
            }
        }
    }
    table
}

/// Where a new answer goes: the newest round if it is still open (not
/// every party has answered) and `date` is on or after its opening and
/// before one `every` has passed; else a new round named `date`.
pub fn round_for(pulse: &Pulse, date: Date) -> Date {
    if let Some(r) = pulse.rounds.last() {
        let open = !r.complete();
        let within = match pulse.setup.every.and_then(|e| e.after(r.date)) {
            Some(end) => date >= r.date && date < end,
            None => date >= r.date,
        };
        if open && within {
            return r.date;
        }
    }
    date
}
