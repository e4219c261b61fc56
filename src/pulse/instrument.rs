//! Instruments: the questions of a pulse check-in, as data.
//!
//! An instrument is a YAML file (`NAME.instrument.yaml`): a name, a scale,
//! and items, each with an id, a dimension, the words each side answers,
//! and whether it is scored in reverse. The built-in instruments live in
//! `schemas/instruments/` and are compiled in; a repository adds or
//! overrides them with files of the same form in its kinds folder.
//!
//! ```yaml
//! name: one-on-one
//! title: 1-1 check-in
//! scale: 1-5              # 1-5 (default), 1-7, 0-10 or rag
//! gap_threshold: 2        # points apart that flag a gap (default: 2 on 1-5, scaled)
//! every: 4 weeks          # how often a round is due (default: the review cadence)
//! agreements: false       # true: ask kept/slipping/broken of each agreement
//! items:
//!   - id: bond-trust
//!     dimension: bond
//!     words:              # or one line for every side
//!       manager: I trust my report to tell me when something is wrong.
//!       any: I trust my manager to have my back.
//!     reverse: false
//! ```
//!
//! Unknown keys are refused, and every error names the file and the line.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::document::dates::Cadence;
use crate::document::{LineIndex, Span, clip, yaml};

/// The largest instrument file read: the cap on every file alliance reads.
const MAX_INSTRUMENT_BYTES: u64 = crate::workspace::MAX_FILE_BYTES;

/// The most items one instrument may have.
const MAX_ITEMS: usize = 200;

/// The most instrument files a kinds folder may hold: each is read whole,
/// up to [`MAX_ITEMS`] items.
pub const MAX_INSTRUMENTS: usize = 1_000;

/// The scale an item is answered on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// Whole numbers from `min` to `max`.
    Points {
        /// The lowest score.
        min: i64,
        /// The highest score.
        max: i64,
    },
    /// Red, amber, green: scored 1, 2, 3.
    Rag,
}

impl Scale {
    /// Read `1-5`, `1-7`, `0-10` or `rag`.
    pub fn parse(text: &str) -> Option<Scale> {
        match text.trim().to_ascii_lowercase().as_str() {
            "1-5" => Some(Scale::Points { min: 1, max: 5 }),
            "1-7" => Some(Scale::Points { min: 1, max: 7 }),
            "0-10" => Some(Scale::Points { min: 0, max: 10 }),
            "rag" | "red-amber-green" => Some(Scale::Rag),
            _ => None,
        }
    }

    /// The lowest and highest score.
    pub fn bounds(self) -> (i64, i64) {
        match self {
            Scale::Points { min, max } => (min, max),
            Scale::Rag => (1, 3),
        }
    }

    /// The scale as written: `1-5`, `rag`.
    pub fn label(self) -> String {
        match self {
            Scale::Points { min, max } => format!("{min}-{max}"),
            Scale::Rag => "rag".to_owned(),
        }
    }

    /// What an answer may be, for a message: `a whole number from 1 to 5`.
    pub fn describe(self) -> String {
        match self {
            Scale::Points { min, max } => format!("a whole number from {min} to {max}"),
            Scale::Rag => "red, amber or green".to_owned(),
        }
    }

    /// The score an answer's YAML value means on this scale, if it is one.
    pub fn score(self, value: &yaml::Value) -> Option<i64> {
        match (self, value) {
            (Scale::Points { min, max }, yaml::Value::Int(n)) if (min..=max).contains(n) => {
                Some(*n)
            }
            (Scale::Points { min, max }, yaml::Value::Str(s)) => s
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|n| (min..=max).contains(n)),
            (Scale::Rag, yaml::Value::Str(s)) => match s.trim().to_ascii_lowercase().as_str() {
                "red" => Some(1),
                "amber" => Some(2),
                "green" => Some(3),
                _ => None,
            },
            _ => None,
        }
    }

    /// A score read from a `--answer ITEM=SCORE` argument.
    pub fn score_text(self, text: &str) -> Option<i64> {
        self.score(&yaml::Value::Str(text.to_owned()))
    }

    /// How a score is written back: `4`, `amber`.
    pub fn show(self, score: i64) -> String {
        match self {
            Scale::Rag => match score {
                1 => "red".to_owned(),
                2 => "amber".to_owned(),
                _ => "green".to_owned(),
            },
            Scale::Points { .. } => score.to_string(),
        }
    }

    /// The gap flagged by default: 2 points on 1-5, the same share of the
    /// range on other scales (3 on 1-7, 5 on 0-10); two steps on RAG.
    pub fn default_gap(self) -> f64 {
        match self {
            Scale::Rag => 2.0,
            Scale::Points { min, max } => ((max - min) as f64 / 2.0).round(),
        }
    }

    /// The width of the scale, max - min.
    pub fn range(self) -> f64 {
        let (min, max) = self.bounds();
        (max - min) as f64
    }
}

/// The words of an item: one line for everyone, or one per side.
#[derive(Debug, Clone, PartialEq)]
pub enum Words {
    /// The same words for every party.
    Same(String),
    /// Words per side (a party's role), with `any` for the others.
    BySide(Vec<(String, String)>),
}

impl Words {
    /// The words a party with `role` answers: its side's, else `any`,
    /// else the first side's.
    pub fn for_role(&self, role: Option<&str>) -> &str {
        match self {
            Words::Same(text) => text,
            Words::BySide(sides) => {
                let find = |side: &str| {
                    sides
                        .iter()
                        .find(|(s, _)| s.eq_ignore_ascii_case(side))
                        .map(|(_, w)| w.as_str())
                };
                role.and_then(find)
                    .or_else(|| find("any"))
                    .or_else(|| sides.first().map(|(_, w)| w.as_str()))
                    .unwrap_or_default()
            }
        }
    }
}

/// One question of an instrument.
#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    /// Its id, the key of its answer.
    pub id: String,
    /// The dimension it measures (`bond`, `goals`).
    pub dimension: String,
    /// What each side is asked.
    pub words: Words,
    /// The scale it is answered on.
    pub scale: Scale,
    /// Whether agreeing is the bad answer: scored as min + max - score.
    pub reverse: bool,
    /// The gap between parties that is flagged, in points of its scale.
    pub gap_threshold: f64,
}

impl Question {
    /// The score as counted in gaps, trends and ruptures: reversed items
    /// turned the right way round.
    pub fn counted(&self, score: i64) -> i64 {
        if self.reverse {
            let (min, max) = self.scale.bounds();
            min + max - score
        } else {
            score
        }
    }
}

/// A check-in instrument.
#[derive(Debug, Clone, PartialEq)]
pub struct Instrument {
    /// Its name (`pulse.instrument` names it).
    pub name: String,
    /// A human title.
    pub title: String,
    /// One line on what it asks.
    pub summary: String,
    /// Where it was defined: `None` for a built-in one.
    pub file: Option<PathBuf>,
    /// How often a round is due, when the instrument says.
    pub every: Option<Cadence>,
    /// Whether each agreement of the alliance is asked about (kept,
    /// slipping, broken).
    pub agreements: bool,
    /// The items, in order.
    pub items: Vec<Question>,
}

impl Instrument {
    /// The item with id `id`.
    pub fn item(&self, id: &str) -> Option<&Question> {
        self.items.iter().find(|i| i.id == id)
    }

    /// The dimensions, in the order their first item comes.
    pub fn dimensions(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for item in &self.items {
            if !out.contains(&item.dimension.as_str()) {
                out.push(&item.dimension);
            }
        }
        out
    }
}

/// Why an instrument file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum InstrumentError {
    /// The file could not be read.
    #[error("cannot read {}: {reason}", path.display())]
    Unread {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: crate::workspace::ReadProblem,
    },
    /// The file says something wrong.
    #[error("{}:{line}: {message}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// The 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// The kinds folder holds more instruments than alliance reads.
    #[error("the kinds folder {} holds {count} instruments; alliance reads up to {MAX_INSTRUMENTS}: keep the instruments your alliances use", path.display())]
    TooMany {
        /// The folder.
        path: PathBuf,
        /// How many `*.instrument.yaml` files it holds.
        count: usize,
    },
    /// The kinds folder could not be listed.
    #[error("cannot list {}: {source}", path.display())]
    List {
        /// The folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// The file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    name: String,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    summary: Option<String>,
    #[serde(default)]
    scale: Option<String>,
    #[serde(default)]
    gap_threshold: Option<f64>,
    #[serde(default)]
    every: Option<String>,
    #[serde(default)]
    agreements: bool,
    #[serde(default)]
    items: Vec<RawItem>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItem {
    id: String,
    dimension: String,
    words: RawWords,
    #[serde(default)]
    scale: Option<String>,
    #[serde(default)]
    reverse: bool,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawWords {
    Same(String),
    BySide(serde_json::Map<String, serde_json::Value>),
}

/// Read an instrument from its text, pointing at the line of what is wrong.
pub fn parse(path: &Path, text: &str) -> Result<Instrument, InstrumentError> {
    let source = Source {
        path,
        text,
        lines: LineIndex::new(text),
    };
    let root = yaml::parse_str(text).map_err(|e| source.invalid(e.span, e.message))?;
    let raw: Raw = serde_json::from_value(root.to_json()).map_err(|e| {
        let message = clip(&e.to_string(), 200).into_owned();
        source.invalid(offender(&root).unwrap_or(root.span), message)
    })?;
    let at = |key: &str| root.get(key).map_or(root.span, |n| n.span);
    check_name(&source, at("name"), &raw.name)?;
    let scale = source
        .scale(&raw.scale, at("scale"))?
        .unwrap_or(Scale::Points { min: 1, max: 5 });
    if let Some(g) = raw.gap_threshold
        && !(g > 0.0 && g <= scale.range())
    {
        return Err(source.invalid(
            at("gap_threshold"),
            format!(
                "gap_threshold must be more than 0 and at most {} (the width of the scale)",
                scale.range()
            ),
        ));
    }
    let every = match &raw.every {
        None => None,
        Some(t) => Some(
            t.parse::<Cadence>()
                .map_err(|e| source.invalid(at("every"), e.to_string()))?,
        ),
    };
    let items = items(&source, &root, raw.items, scale, raw.gap_threshold)?;
    Ok(Instrument {
        title: raw.title.unwrap_or_else(|| raw.name.clone()),
        summary: raw.summary.unwrap_or_default(),
        name: raw.name,
        file: None,
        every,
        agreements: raw.agreements,
        items,
    })
}

/// The instrument file being read: what an error needs to name its line.
struct Source<'a> {
    path: &'a Path,
    text: &'a str,
    lines: LineIndex,
}

impl Source<'_> {
    /// The error for what is wrong at `span`.
    fn invalid(&self, span: Span, message: String) -> InstrumentError {
        InstrumentError::Invalid {
            path: self.path.to_path_buf(),
            line: self.lines.line_col(self.text, span.start).0,
            // A message may quote the file: it stays one line.
            message: crate::document::one_line(&message).into_owned(),
        }
    }

    /// The scale `text` names, if any (written at `span`).
    fn scale(&self, text: &Option<String>, span: Span) -> Result<Option<Scale>, InstrumentError> {
        match text {
            None => Ok(None),
            Some(t) => Scale::parse(t).map(Some).ok_or_else(|| {
                self.invalid(
                    span,
                    format!("scale `{}` is not one of 1-5, 1-7, 0-10, rag", clip(t, 40)),
                )
            }),
        }
    }
}

/// An instrument's name is lower-case letters, digits and dashes.
fn check_name(source: &Source<'_>, span: Span, name: &str) -> Result<(), InstrumentError> {
    let name_ok = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if name_ok {
        return Ok(());
    }
    Err(source.invalid(
        span,
        format!(
            "instrument name `{}` must be lower-case letters, digits and dashes",
            clip(name, 80)
        ),
    ))
}

/// The items, one to [`MAX_ITEMS`], each checked in file order; an item
/// without its own scale has the instrument's (`scale`), and the gap
/// threshold is scaled to the item's scale.
fn items(
    source: &Source<'_>,
    root: &yaml::Node,
    raw_items: Vec<RawItem>,
    scale: Scale,
    gap_threshold: Option<f64>,
) -> Result<Vec<Question>, InstrumentError> {
    let at = root.get("items").map_or(root.span, |n| n.span);
    if raw_items.is_empty() {
        return Err(source.invalid(at, "an instrument needs at least one item".into()));
    }
    if raw_items.len() > MAX_ITEMS {
        return Err(source.invalid(
            at,
            format!("more than {MAX_ITEMS} items; a check-in should take minutes"),
        ));
    }
    let item_nodes = root
        .get("items")
        .and_then(yaml::Node::as_seq)
        .unwrap_or(&[]);
    let mut items: Vec<Question> = Vec::with_capacity(raw_items.len());
    for (i, raw_item) in raw_items.into_iter().enumerate() {
        let node = item_nodes.get(i);
        let item_at = |key: &str| {
            node.and_then(|n| n.get(key))
                .or(node)
                .map_or(root.span, |n| n.span)
        };
        check_item_id(source, &item_at, &items, &raw_item.id)?;
        let words = words(source, item_at("words"), raw_item.words)?;
        let item_scale = source
            .scale(&raw_item.scale, item_at("scale"))?
            .unwrap_or(scale);
        let gap_threshold = match gap_threshold {
            Some(g) if item_scale == scale => g,
            Some(g) => (g * item_scale.range() / scale.range()).max(1.0),
            None => item_scale.default_gap(),
        };
        items.push(Question {
            id: raw_item.id,
            dimension: raw_item.dimension,
            words,
            scale: item_scale,
            reverse: raw_item.reverse,
            gap_threshold,
        });
    }
    Ok(items)
}

/// An item's id is letters, digits, dashes and underscores, and no
/// `earlier` item has it.
fn check_item_id(
    source: &Source<'_>,
    item_at: &dyn Fn(&str) -> Span,
    earlier: &[Question],
    id: &str,
) -> Result<(), InstrumentError> {
    let id_ok = !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_');
    if !id_ok {
        return Err(source.invalid(
            item_at("id"),
            format!(
                "item id `{}` must be letters, digits, dashes and underscores",
                clip(id, 80)
            ),
        ));
    }
    if earlier.iter().any(|it| it.id == id) {
        return Err(source.invalid(item_at("id"), format!("item id `{id}` is used twice")));
    }
    Ok(())
}

/// An item's words: one text for every side, or a text per side (written
/// at `span`).
fn words(source: &Source<'_>, span: Span, raw: RawWords) -> Result<Words, InstrumentError> {
    match raw {
        RawWords::Same(text) => Ok(Words::Same(text)),
        RawWords::BySide(map) => {
            let mut sides = Vec::new();
            for (side, value) in map {
                let Some(text) = value.as_str() else {
                    return Err(
                        source.invalid(span, format!("the words for side `{side}` must be text"))
                    );
                };
                sides.push((side, text.to_owned()));
            }
            if sides.is_empty() {
                return Err(source.invalid(span, "an item needs its words".into()));
            }
            Ok(Words::BySide(sides))
        }
    }
}

/// The first key of the file that serde would refuse, in file order.
fn offender(root: &yaml::Node) -> Option<Span> {
    const TOP: &[&str] = &[
        "name",
        "title",
        "summary",
        "scale",
        "gap_threshold",
        "every",
        "agreements",
        "items",
    ];
    const ITEM: &[&str] = &["id", "dimension", "words", "scale", "reverse"];
    let yaml::Value::Map(entries) = &root.value else {
        return Some(root.span);
    };
    for (key, value) in entries {
        match key.as_str() {
            Some(k) if TOP.contains(&k) => {}
            _ => return Some(key.span),
        }
        if key.as_str() == Some("items") {
            let Some(items) = value.as_seq() else {
                return Some(value.span);
            };
            for item in items {
                let yaml::Value::Map(fields) = &item.value else {
                    return Some(item.span);
                };
                if let Some((k, _)) = fields
                    .iter()
                    .find(|(k, _)| k.as_str().is_none_or(|k| !ITEM.contains(&k)))
                {
                    return Some(k.span);
                }
                if item.get("id").is_none() || item.get("dimension").is_none() {
                    return Some(item.span);
                }
            }
        }
    }
    None
}

/// The built-in instruments: name and text.
const BUILTIN: &[(&str, &str)] = &[
    (
        "working-alliance",
        include_str!("../../schemas/instruments/working-alliance.instrument.yaml"),
    ),
    (
        "one-on-one",
        include_str!("../../schemas/instruments/one-on-one.instrument.yaml"),
    ),
    (
        "team",
        include_str!("../../schemas/instruments/team.instrument.yaml"),
    ),
];

/// The instruments available in a repository.
#[derive(Debug, Clone)]
pub struct Instruments {
    /// The repository's own, in file-name order; they override built-in
    /// ones of the same name.
    own: Vec<Instrument>,
}

/// The built-in instruments, parsed the first time one is asked for: a run
/// that meets no pulse never parses them.
fn builtins() -> &'static [Instrument] {
    static PARSED: std::sync::OnceLock<Vec<Instrument>> = std::sync::OnceLock::new();
    PARSED.get_or_init(|| {
        BUILTIN
            .iter()
            .map(|(name, text)| {
                let path = PathBuf::from(format!("schemas/instruments/{name}.instrument.yaml"));
                // Tested to parse (below): a failure is a build defect.
                parse(&path, text)
                    .unwrap_or_else(|e| unreachable!("built-in instrument does not parse: {e}"))
            })
            .collect()
    })
}

impl Instruments {
    /// The built-in instruments.
    pub fn builtin() -> Instruments {
        Instruments { own: Vec::new() }
    }

    /// The built-in instruments plus the repository's own
    /// (`*.instrument.yaml` in `folder`, its kinds folder), which override
    /// built-in ones of the same name. Files are read through the safe
    /// reader, with the kinds folder as their place.
    pub fn with_folder(folder: Option<&Path>) -> Result<Instruments, InstrumentError> {
        let mut all = Instruments::builtin();
        let Some(folder) = folder else {
            return Ok(all);
        };
        // The kinds folder is the place: what is in it stays in it.
        let entries = match crate::read::list_folder(folder, folder) {
            Ok(entries) => entries,
            // A missing kinds folder is the kinds' error to report.
            Err(e) if e.is_not_found() => return Ok(all),
            Err(e) => {
                return Err(InstrumentError::List {
                    path: folder.to_path_buf(),
                    source: std::io::Error::other(e.reason()),
                });
            }
        };
        // Every file so named is read: the reader says why a link out or
        // a pipe is refused.
        let mut files: Vec<PathBuf> = entries
            .into_iter()
            .map(|e| e.path)
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.ends_with(".instrument.yaml"))
            })
            .collect();
        if files.len() > MAX_INSTRUMENTS {
            return Err(InstrumentError::TooMany {
                path: folder.to_path_buf(),
                count: files.len(),
            });
        }
        files.sort();
        for path in files {
            let text =
                crate::read::read_text(folder, &path, MAX_INSTRUMENT_BYTES).map_err(|e| {
                    InstrumentError::Unread {
                        path: path.clone(),
                        reason: e.into(),
                    }
                })?;
            let mut instrument = parse(&path, &text)?;
            instrument.file = Some(path);
            all.own.retain(|i| i.name != instrument.name);
            all.own.push(instrument);
        }
        Ok(all)
    }

    /// The instrument named `name`.
    pub fn get(&self, name: &str) -> Option<&Instrument> {
        self.own
            .iter()
            .find(|i| i.name == name)
            .or_else(|| builtins().iter().find(|i| i.name == name))
    }

    /// Every instrument's name, for "one of" messages.
    pub fn names(&self) -> Vec<&str> {
        builtins()
            .iter()
            .filter(|b| self.own.iter().all(|i| i.name != b.name))
            .chain(&self.own)
            .map(|i| i.name.as_str())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_instruments_parse() {
        let all = Instruments::builtin();
        let working = all.get("working-alliance").expect("working-alliance");
        assert_eq!(working.dimensions(), ["bond", "goals", "tasks"]);
        for dim in ["bond", "goals", "tasks"] {
            assert_eq!(
                working.items.iter().filter(|i| i.dimension == dim).count(),
                4
            );
        }
        assert!(all.get("team").expect("team").agreements);
        assert!(all.get("one-on-one").is_some());
    }

    #[test]
    fn unknown_key_points_at_its_line() {
        let text = "name: x\nitems:\n  - id: a\n    dimension: d\n    words: w\n    revers: true\n";
        let err = parse(Path::new("x.instrument.yaml"), text).expect_err("refused");
        assert!(err.to_string().starts_with("x.instrument.yaml:6:"), "{err}");
    }

    #[test]
    fn scales_and_gaps() {
        assert_eq!(Scale::parse("1-7").map(Scale::default_gap), Some(3.0));
        assert_eq!(Scale::parse("0-10").map(Scale::default_gap), Some(5.0));
        assert_eq!(Scale::parse("1-5").map(Scale::default_gap), Some(2.0));
        assert_eq!(Scale::Rag.score(&yaml::Value::Str("Amber".into())), Some(2));
        assert_eq!(Scale::parse("1-5").and_then(|s| s.score_text("6")), None);
    }

    #[test]
    fn reverse_scoring() {
        let all = Instruments::builtin();
        let item = all
            .get("working-alliance")
            .and_then(|i| i.item("bond-guarded"))
            .expect("item");
        assert_eq!(item.counted(5), 1);
        assert_eq!(item.counted(2), 4);
    }
}
