//! Findings: what `check` (and the commands built on it) found in a
//! document, as data.
//!
//! Every finding names a [`Rule`] with a stable code, carries a message that
//! says what is wrong and a help line that says what to do, and points at a
//! line and column. The exit code is computed from counting findings, never
//! from an `Err`. Rendering is `report`'s job.

use std::ops::Range;

use crate::document::{Alliance, Span};

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth fixing, but the alliance is usable: exit 0.
    Warning,
    /// The alliance is broken: exit 1.
    Error,
}

macro_rules! rules {
    ($( $variant:ident = ($code:literal, $name:literal, $summary:literal), )*) => {
        /// The rules `check` applies. Codes are stable: scripts and
        /// `docs/rules.md` depend on them.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Rule {
            $(
                #[doc = $summary]
                $variant,
            )*
        }

        impl Rule {
            /// Every rule, in code order.
            pub const ALL: &'static [Rule] = &[$(Rule::$variant,)*];

            /// The stable code, `A001`.
            pub fn code(self) -> &'static str {
                match self { $(Rule::$variant => $code,)* }
            }

            /// The stable kebab-case name, `no-front-matter`.
            pub fn name(self) -> &'static str {
                match self { $(Rule::$variant => $name,)* }
            }

            /// One line on what the rule checks.
            pub fn summary(self) -> &'static str {
                match self { $(Rule::$variant => $summary,)* }
            }
        }
    };
}

rules! {
    NoFrontMatter = ("A001", "no-front-matter", "The file has no front matter, so it is not an alliance yet."),
    UnclosedFrontMatter = ("A002", "unclosed-front-matter", "The front matter opens with `---` but no `---` line closes it."),
    InvalidYaml = ("A003", "invalid-yaml", "The front matter is not valid YAML."),
    NotAMapping = ("A004", "front-matter-not-mapping", "The front matter is YAML but not a mapping of keys to values."),
    NotText = ("A005", "not-text", "The file is not UTF-8 text (binary, or another encoding)."),
    UnknownKind = ("A010", "unknown-kind", "`alliance:` names a kind that is neither built in nor defined by the repository."),
    MissingKey = ("A011", "missing-key", "A key the kind requires is missing from the front matter."),
    WrongType = ("A012", "wrong-type", "A front-matter value has the wrong type (text where a list belongs, ...)."),
    SchemaViolation = ("A013", "schema-violation", "A front-matter value breaks another rule of the kind's JSON Schema."),
    InvalidDate = ("A020", "invalid-date", "A front-matter date is not a real day written as YYYY-MM-DD."),
    InvalidCadence = ("A021", "invalid-cadence", "`review.every` is not a cadence such as `3 months` or `quarterly`."),
    NextBeforeLast = ("A022", "next-before-last", "`review.next` falls before `review.last`."),
    MissingSection = ("A030", "missing-section", "A section the kind requires is missing."),
    EmptySection = ("A031", "empty-section", "A required section has no content (or not the content it needs)."),
    DuplicateSection = ("A032", "duplicate-section", "The same required section appears twice."),
    SectionOrder = ("A033", "section-order", "Required sections are not in the kind's order."),
    UnansweredPrompt = ("A034", "unanswered-prompt", "A draft section still has only its template prompt."),
    DraftReady = ("A035", "draft-ready", "Every section of a draft is answered: it can be proposed for consent."),
    InvalidItemReview = ("A040", "invalid-item-review", "An item's `[review:: ...]` is not a date."),
    UnknownOwner = ("A041", "unknown-owner", "An item's `[owner:: ...]` is not one of the parties."),
    DuplicateItemId = ("A042", "duplicate-item-id", "Two items share the same `[id:: ...]`."),
    InvalidPulseAnswer = ("A060", "invalid-pulse-answer", "A pulse answer file is not the mapping `pulse ask` writes (YAML, keys, round folder)."),
    ScoreOffScale = ("A061", "score-off-scale", "A pulse answer is not on its item's scale (or an agreement is not kept, slipping or broken)."),
    UnknownPulseItem = ("A062", "unknown-pulse-item", "A pulse answer names an item (or agreement) the instrument does not ask."),
    RaterNotAParty = ("A063", "rater-not-a-party", "A pulse answer's `rater:` is not one of the alliance's parties."),
    DuplicatePulseAnswer = ("A064", "duplicate-pulse-answer", "One person answered twice in the same pulse round."),
    PulseDateInFuture = ("A065", "pulse-date-in-future", "A pulse answer (or round) is dated after today."),
    UnknownInstrument = ("A066", "unknown-instrument", "The pulse instrument named is not available here, or answers name another one."),
    UnansweredPulseItem = ("A067", "unanswered-pulse-item", "An item of a pulse answer file is left empty."),
    PulseBeforeCreated = ("A068", "pulse-before-created", "A pulse answer is dated before the alliance was created."),
    ConsentMissing = ("A070", "consent-missing", "A party of an active alliance has not agreed to its current text."),
    ConsentNotAParty = ("A071", "consent-not-a-party", "A consent entry names someone who is not a party."),
    MalformedConsent = ("A072", "malformed-consent", "A consent entry lacks a handle, a date or a well-formed digest (`v2:sha256:…`, or the older `sha256:…`)."),
    SupersededNotRetired = ("A073", "superseded-not-retired", "`superseded_by` is set on an alliance that is not retired."),
    SuccessorMissing = ("A074", "successor-missing", "`superseded_by` names a file that does not exist."),
    ConsentComplete = ("A075", "consent-complete", "Every party agreed to a proposed alliance, but its status is still `proposed`."),
    ConsentUnproven = ("A076", "consent-unproven", "A consent entry is not proven as the repository requires: someone else recorded it, or it is not committed."),
}

impl Rule {
    /// The rule with this code or name.
    pub fn find(code_or_name: &str) -> Option<Rule> {
        Rule::ALL
            .iter()
            .copied()
            .find(|r| r.code().eq_ignore_ascii_case(code_or_name) || r.name() == code_or_name)
    }
}

/// Where a finding points: a line and column, with a bounded excerpt of the
/// line so a renderer can draw it without the file.
///
/// The excerpt is at most [`EXCERPT_BYTES`] of the line around the span:
/// twenty thousand findings on one 260 KB line keep twenty thousand short
/// excerpts, not twenty thousand copies of the line.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Location {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// 1-based line where the span ends.
    pub end_line: usize,
    /// 1-based column (exclusive) where the span ends on `end_line`.
    pub end_column: usize,
    /// The text of `line` around the span, without its line ending.
    #[serde(skip)]
    pub excerpt: String,
    /// Whether the line goes on before the excerpt.
    #[serde(skip)]
    pub cut_before: bool,
    /// Whether the line goes on after the excerpt.
    #[serde(skip)]
    pub cut_after: bool,
    /// The bytes of `excerpt` to underline.
    #[serde(skip)]
    pub underline: Range<usize>,
}

/// Lines longer than this many characters are cut to an excerpt of about
/// this many bytes around the span.
pub const EXCERPT_BYTES: usize = 400;

impl Location {
    /// Locate `span` in `doc`.
    pub fn of(doc: &Alliance, span: Span) -> Location {
        Location::in_text(&doc.text, &doc.lines, span)
    }

    /// Locate `span` in `text`, whose lines `lines` indexes.
    pub fn in_text(text: &str, lines: &crate::document::LineIndex, span: Span) -> Location {
        let (line, column) = lines.line_col(text, span.start);
        let (end_line, end_column) = lines.line_col(text, span.end);
        let line_span = lines.line_span(text, line);
        let line_len = line_span.end - line_span.start;
        let from = span.start.saturating_sub(line_span.start).min(line_len);
        let to = if end_line == line {
            span.end.saturating_sub(line_span.start).min(line_len)
        } else {
            line_len
        };
        // The window: a quarter before the span, the rest after it.
        let source_line = line_span.slice(text);
        let (start, end) = if lines.chars_in(text, line_span) > EXCERPT_BYTES {
            let start = floor_char(source_line, from.saturating_sub(EXCERPT_BYTES / 4));
            let end = floor_char(source_line, (start + EXCERPT_BYTES).min(line_len));
            (start, end)
        } else {
            (0, line_len)
        };
        let excerpt = source_line.get(start..end).unwrap_or("").to_owned();
        let from = from.saturating_sub(start).min(excerpt.len());
        let to = to.saturating_sub(start).min(excerpt.len()).max(from);
        Location {
            line,
            column,
            end_line,
            end_column,
            cut_before: start > 0,
            cut_after: end < line_len,
            underline: from..to,
            excerpt,
        }
    }
}

fn floor_char(text: &str, mut at: usize) -> usize {
    while at > 0 && !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// One thing found in one file.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// The rule.
    pub rule: Rule,
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
    /// Where, when it is somewhere in the file.
    pub location: Option<Location>,
}

impl Finding {
    /// An error of `rule`.
    pub fn error(rule: Rule, message: impl Into<String>) -> Finding {
        Finding {
            rule,
            severity: Severity::Error,
            message: message.into(),
            help: None,
            location: None,
        }
    }

    /// A warning of `rule`.
    pub fn warning(rule: Rule, message: impl Into<String>) -> Finding {
        Finding {
            severity: Severity::Warning,
            ..Finding::error(rule, message)
        }
    }

    /// With a help line.
    pub fn help(mut self, help: impl Into<String>) -> Finding {
        self.help = Some(help.into());
        self
    }

    /// Pointing at `span` of `doc`.
    pub fn at(mut self, doc: &Alliance, span: Span) -> Finding {
        self.location = Some(Location::of(doc, span));
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_and_names_are_unique() {
        let codes: HashSet<_> = Rule::ALL.iter().map(|r| r.code()).collect();
        let names: HashSet<_> = Rule::ALL.iter().map(|r| r.name()).collect();
        assert_eq!(codes.len(), Rule::ALL.len());
        assert_eq!(names.len(), Rule::ALL.len());
        for rule in Rule::ALL {
            assert_eq!(Rule::find(rule.code()), Some(*rule));
            assert_eq!(Rule::find(rule.name()), Some(*rule));
        }
    }
}
