//! The digest of what the parties agree to: an alliance's sections and
//! items as the parties read and write them, hashed (SHA-256). Its form is
//! versioned in the consent entry, so what goes in can change again
//! without old entries silently meaning something else.
//!
//! A recorded digest names its form: `v2:sha256:1a2b3c4d5e6f` is form 2
//! (the current one, what `alliance agree` writes); `sha256:1a2b3c4d5e6f`,
//! with no form, is form 1 (written before form 2 existed). A digest of one
//! form never matches a record of another ([`Digest::matches`]).
//!
//! # Form 2: the Markdown source
//!
//! What goes in, in file order, each part's Markdown source with runs of
//! whitespace made one space (so line endings, blank lines, re-wrapped
//! lines and a continuation line's indent do not count):
//! - the body before the first `##` heading, the title heading taken out,
//!   read as a section of its own (its items and its other text, as below);
//! - each `##` section's heading: its source after the `#` marks (or above
//!   a setext underline), without a closing `#` sequence and without a
//!   leading number such as `2.` or `2.1)`. Everything else counts: case,
//!   emphasis, emoji, punctuation, links. The number is left out because it
//!   is layout in the way an ordered list's numbers are: inserting a
//!   section renumbers every one after it, and no wording changed;
//! - each item of the section, nested ones too (with their depth), that has
//!   anything in it: its own source (its nested items are items of their
//!   own), so strikethrough (`~~never~~`), inline HTML (`<del>`), emphasis,
//!   link and image destinations, code and every inline field count; left
//!   out are its list marker (`-`, `*`, `+`, or an ordered list's `1.` /
//!   `1)`, numbering included), a task box (`[ ]` or `[x]`: a tick is
//!   progress, not agreement), and exactly the spans of the bookkeeping
//!   inline fields `[review:: DATE]` (moved by `alliance review --item`)
//!   and `[id:: NAME]` (a stable name, not a commitment);
//! - the section's source outside its items (a purpose statement, a table,
//!   a quote, an HTML comment: agreed text or not, it is what the parties
//!   read when they agreed).
//!
//! # Form 1: the plain text (kept to read old entries)
//!
//! The preamble's and each section's text outside items as written; each
//! heading normalised as `check` matches headings (lower case, no
//! numbering, emphasis, emoji or punctuation); each answered item's plain
//! text (pulldown-cmark's text events: markup, link destinations and
//! inline HTML dropped) followed by its inline fields except `review` and
//! `id`. A struck word or a changed link target did not change it, which is
//! why form 2 exists; [`canonical`] still computes it exactly, so an entry
//! recorded in form 1 is read as it was meant ([`crate::consent::Coverage`]).
//!
//! # Left out of both
//!
//! The whole front matter. `review` (last, next, the log), `status` and
//! `consent` are bookkeeping that changes when nothing agreed changes.
//! `title` (and the `#` title heading) is a label. `parties` are left out
//! because consent is recorded per party: a new party has simply not agreed
//! yet, and the others' consent to the same text still stands.

use sha2::{Digest as _, Sha256};

use crate::document::{Alliance, Item, Section, Span, normalize_heading, vocabulary::keys};

/// How many hex digits of the SHA-256 a consent record keeps: 48 bits,
/// enough that two versions of one agreement never share a prefix by chance.
pub const SHORT_HEX: usize = 12;

/// The prefix naming the hash in a record: `sha256:1a2b3c4d5e6f`.
pub const PREFIX: &str = "sha256:";

/// What a version is reduced to before it is hashed (see the module doc).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Form {
    /// The plain text of items and normalised headings: records written as
    /// `sha256:HEX`.
    V1,
    /// The Markdown source of items, headings and text: records written as
    /// `v2:sha256:HEX`.
    V2,
}

impl Form {
    /// The form `alliance agree` writes.
    pub const CURRENT: Form = Form::V2;

    /// What a record of this form starts with, before [`PREFIX`].
    pub fn tag(self) -> &'static str {
        match self {
            Form::V1 => "",
            Form::V2 => "v2:",
        }
    }
}

/// The digest of one version of an agreement, in one [`Form`].
///
/// Two digests are equal when their form and hash are; the form-1 digest
/// [`Digest::of`] may carry along ([`Digest::legacy`]) is not compared.
#[derive(Debug, Clone)]
pub struct Digest {
    form: Form,
    hex: String,
    legacy: Option<Box<Digest>>,
}

impl PartialEq for Digest {
    fn eq(&self, other: &Digest) -> bool {
        self.form == other.form && self.hex == other.hex
    }
}

impl Eq for Digest {}

impl std::hash::Hash for Digest {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.form.hash(state);
        self.hex.hash(state);
    }
}

impl Digest {
    /// The digest of `doc`'s agreement text in the current form (2). When
    /// `doc` records a consent entry of form 1, its form-1 digest is worked
    /// out too and kept as [`Digest::legacy`].
    pub fn of(doc: &Alliance) -> Digest {
        let mut digest = Digest::of_form(doc, Form::CURRENT);
        let old_entries = doc.fields().is_some_and(|f| {
            f.consent.iter().any(|e| {
                e.digest
                    .as_ref()
                    .is_some_and(|d| recorded_form(&d.value) == Some(Form::V1))
            })
        });
        if old_entries {
            digest.legacy = Some(Box::new(Digest::of_form(doc, Form::V1)));
        }
        digest
    }

    /// The digest of `doc`'s agreement text in `form`.
    pub fn of_form(doc: &Alliance, form: Form) -> Digest {
        let mut hasher = Sha256::new();
        hasher.update(canonical(doc, form).as_bytes());
        let hex = hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        Digest {
            form,
            hex,
            legacy: None,
        }
    }

    /// The form of this digest.
    pub fn form(&self) -> Form {
        self.form
    }

    /// The form-1 digest of the same text, when [`Digest::of`] found a
    /// form-1 consent entry to compare it with.
    pub fn legacy(&self) -> Option<&Digest> {
        self.legacy.as_deref()
    }

    /// The form a consent record stores: the form's tag, `sha256:` and the
    /// first [`SHORT_HEX`] hex digits (`v2:sha256:1a2b3c4d5e6f`).
    pub fn short(&self) -> String {
        format!("{}{PREFIX}{}", self.form.tag(), &self.hex[..SHORT_HEX])
    }

    /// The whole SHA-256, in hex.
    pub fn full(&self) -> &str {
        &self.hex
    }

    /// Whether a recorded digest names this version: it is of this digest's
    /// form and its [`SHORT_HEX`] to 64 hex digits (any case) begin this
    /// digest's hash.
    pub fn matches(&self, recorded: &str) -> bool {
        match parse_recorded(recorded) {
            Some((form, hex)) => form == self.form && self.hex.starts_with(&hex),
            None => false,
        }
    }
}

/// The form of a recorded digest, or `None` when it is malformed.
pub fn recorded_form(recorded: &str) -> Option<Form> {
    parse_recorded(recorded).map(|(form, _)| form)
}

/// A recorded digest's form and hex digits (lower-cased), when it is well
/// formed: `v2:sha256:` (form 2) or `sha256:` (form 1), then
/// [`SHORT_HEX`] to 64 hex digits.
pub fn parse_recorded(recorded: &str) -> Option<(Form, String)> {
    let recorded = recorded.trim();
    let (form, rest) = match recorded.strip_prefix(Form::V2.tag()) {
        Some(rest) => (Form::V2, rest),
        None => (Form::V1, recorded),
    };
    let hex = rest.strip_prefix(PREFIX)?;
    let ok = (SHORT_HEX..=64).contains(&hex.len()) && hex.bytes().all(|b| b.is_ascii_hexdigit());
    ok.then(|| (form, hex.to_ascii_lowercase()))
}

/// The text that is hashed for `form`: a first line naming the form, then
/// one line per part, tab-separated, each part's text with whitespace
/// collapsed (so no part holds a line break).
pub fn canonical(doc: &Alliance, form: Form) -> String {
    match form {
        Form::V1 => canonical_v1(doc),
        Form::V2 => canonical_v2(doc),
    }
}

/// Form 2: the Markdown source of each part.
fn canonical_v2(doc: &Alliance) -> String {
    let mut out = String::from("alliance-consent-v2\n");
    let preamble = doc.preamble();
    if !preamble.trim().is_empty() {
        // Read as a section of its own, to find its items.
        let pseudo = Alliance::parse_text(&doc.path, format!("## -\n{preamble}"));
        if let Some(section) = pseudo.sections.first() {
            out.push_str("preamble\n");
            push_section_v2(&mut out, &pseudo, section);
        }
    }
    for section in &doc.sections {
        let heading = section.heading.source(&doc.text).slice(&doc.text);
        out.push_str("section\t");
        out.push_str(&collapse(without_number(heading)));
        out.push('\n');
        push_section_v2(&mut out, doc, section);
    }
    out
}

/// A section's items and the text outside them, in form 2.
fn push_section_v2(out: &mut String, doc: &Alliance, section: &Section) {
    for (index, item) in section.items.iter().enumerate() {
        let source = item_source_v2(doc, section, index, item);
        if !source.is_empty() {
            out.push_str(&format!("item\t{}\t{source}\n", item.depth));
        }
    }
    let prose = collapse(&doc.section_prose(section));
    if !prose.is_empty() {
        out.push_str("prose\t");
        out.push_str(&prose);
        out.push('\n');
    }
}

/// An item's own source, without its marker, task box, nested items and
/// bookkeeping fields, whitespace collapsed.
fn item_source_v2(doc: &Alliance, section: &Section, index: usize, item: &Item) -> String {
    let text = &doc.text;
    let cut: Vec<Span> = item
        .fields
        .iter()
        .filter(|f| {
            f.key.eq_ignore_ascii_case(keys::REVIEW) || f.key.eq_ignore_ascii_case(keys::ID)
        })
        .map(|f| f.span)
        .collect();
    let mut source = String::new();
    for piece in section.item_source(text, index) {
        let mut at = piece.start;
        let inside = |f: &&Span| f.start >= piece.start && f.end <= piece.end;
        for field in cut.iter().filter(inside) {
            source.push_str(Span::new(at, field.start).slice(text));
            source.push(' ');
            at = field.end;
        }
        source.push_str(Span::new(at, piece.end).slice(text));
        source.push(' ');
    }
    collapse(&source)
}

/// A heading without a leading section number (`2.`, `2.1.`, `3)`) and the
/// space after it; a heading that is only a number keeps it.
fn without_number(heading: &str) -> &str {
    let digits = |s: &str| s.bytes().take_while(u8::is_ascii_digit).count();
    let mut at = 0;
    loop {
        let n = digits(&heading[at..]);
        if n == 0 {
            return heading;
        }
        at += n;
        match heading.as_bytes().get(at) {
            Some(b'.') if heading[at + 1..].starts_with(|c: char| c.is_ascii_digit()) => at += 1,
            Some(b'.' | b')') => {
                let rest = &heading[at + 1..];
                let words = rest.trim_start();
                let spaced = rest.len() > words.len();
                return if spaced && !words.is_empty() {
                    words
                } else {
                    heading
                };
            }
            _ => return heading,
        }
    }
}

/// Form 1, exactly as it was first written: the plain text of each part.
fn canonical_v1(doc: &Alliance) -> String {
    let mut out = String::from("alliance-consent-v1\n");
    let preamble = doc.preamble();
    let preamble = collapse(&preamble);
    if !preamble.is_empty() {
        out.push_str("preamble\t");
        out.push_str(&preamble);
        out.push('\n');
    }
    for section in &doc.sections {
        out.push_str("section\t");
        let key = normalize_heading(&section.heading.text);
        if key.is_empty() {
            out.push_str(&collapse(&section.heading.text).to_lowercase());
        } else {
            out.push_str(&key);
        }
        out.push('\n');
        let prose = doc.section_prose(section);
        for item in section.items.iter().filter(|i| i.is_answered()) {
            out.push_str(&format!("item\t{}\t", item.depth));
            out.push_str(&item_text_v1(item));
            out.push('\n');
        }
        let prose = collapse(&prose);
        if !prose.is_empty() {
            out.push_str("prose\t");
            out.push_str(&prose);
            out.push('\n');
        }
    }
    out
}

/// Form 1: an item's words, then the inline fields that are part of the
/// agreement.
fn item_text_v1(item: &Item) -> String {
    let mut text = collapse(&item.text);
    for field in &item.fields {
        let key = field.key.trim().to_ascii_lowercase();
        if key == keys::REVIEW || key == keys::ID {
            continue;
        }
        text.push_str(&format!(" [{}:: {}]", key, collapse(&field.value)));
    }
    text
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn parse(text: &str) -> Alliance {
        Alliance::parse_text(Path::new("a.md"), text.to_owned())
    }

    fn digest(text: &str) -> Digest {
        Digest::of(&parse(text))
    }

    const BASE: &str = "---\nalliance: team\ntitle: T\nstatus: active\nreview:\n  every: 3 months\n---\n# T\n\n## Purpose\n\nWe ship calmly.\n\n## Ground rules\n\n- We start on time. [owner:: @ada] [id:: on-time]\n- We reply within a day.\n- [ ] We write the runbook. [review:: 2027-01-01]\n\n## 2. Deploys\n\n1. We never deploy on Fridays.\n2. We follow [the on-call guide](https://wiki/oncall-v1).\n3. We watch ![the graph](graph-v1.png) after each deploy.\n";

    #[test]
    fn layout_and_bookkeeping_do_not_change_it() {
        let base = digest(BASE);
        let same = [
            // Review bookkeeping, status, consent, title and parties.
            BASE.replace("status: active", "status: proposed\nconsent:\n  - {handle: ada, date: 2026-01-01, digest: v2:sha256:000000000000}\nreview_note: x"),
            BASE.replace("review:\n  every: 3 months", "review:\n  every: 1 month\n  last: 2026-01-01"),
            BASE.replace("title: T", "title: Another"),
            BASE.replace("# T\n", "# Another title\n"),
            // Line endings, blank lines and re-wrapping.
            BASE.replace('\n', "\r\n"),
            BASE.replace("\n\n", "\n\n\n"),
            BASE.replace("We ship calmly.", "We   ship\ncalmly."),
            BASE.replace("We reply within a day.", "We reply\n  within a day."),
            BASE.replace("We never deploy", "We never\n   deploy"),
            // List markers, renumbering, heading numbers.
            BASE.replace("- We", "* We"),
            BASE.replace("- We", "+ We"),
            BASE.replace("1. We never", "7. We never"),
            BASE.replace("2. We follow", "1. We follow"),
            BASE.replace("1. We", "1) We").replace("2. We", "2) We").replace("3. We", "3) We"),
            BASE.replace("## 2. Deploys", "## 3. Deploys"),
            BASE.replace("## 2. Deploys", "## Deploys"),
            BASE.replace("## Purpose", "## Purpose ##"),
            // The task box, ticked, and the bookkeeping fields.
            BASE.replace("- [ ] We write", "- [x] We write"),
            BASE.replace("[review:: 2027-01-01]", "[review:: 2028-06-30]"),
            BASE.replace(" [review:: 2027-01-01]", ""),
            BASE.replace("[id:: on-time]", "[id:: punctual]"),
            BASE.replace("[id:: on-time]", "[ID:: punctual]"),
        ];
        for text in same {
            assert_eq!(digest(&text), base, "{text}");
        }
    }

    #[test]
    fn markup_wording_order_and_fields_change_it() {
        let base = digest(BASE);
        let changed = [
            BASE.replace("We never deploy", "We ~~never~~ deploy"),
            BASE.replace("We never deploy", "We <del>never</del> deploy"),
            BASE.replace("We never deploy", "We *never* deploy"),
            BASE.replace("https://wiki/oncall-v1", "https://wiki/no-pager-ever"),
            BASE.replace("graph-v1.png", "graph-v2.png"),
            BASE.replace("## Ground rules", "## Ground rules 🚀"),
            BASE.replace("## Ground rules", "## Ground rules!"),
            BASE.replace("## Ground rules", "## Ground Rules"),
            BASE.replace("[owner:: @ada]", "[owner:: @grace]"),
            BASE.replace("[owner:: @ada]", "[owner:: @ada] [note:: only weekdays]"),
            BASE.replace("on time", "on the hour"),
            BASE.replace("We ship calmly.", "We ship fast."),
            BASE.replace("We ship calmly.", "We ship **calmly**."),
            BASE.replace(
                "- We start on time. [owner:: @ada] [id:: on-time]\n- We reply within a day.\n",
                "- We reply within a day.\n- We start on time. [owner:: @ada] [id:: on-time]\n",
            ),
            BASE.replace("- We reply within a day.", "  - We reply within a day."),
            BASE.replace("## Ground rules", "## Atmosphere"),
            format!("{BASE}4. We celebrate.\n"),
            BASE.replace("# T\n", "# T\n\nWhy we have this.\n"),
        ];
        for text in changed {
            assert_ne!(digest(&text), base, "{text}");
        }
    }

    #[test]
    fn inline_field_text_changes_it() {
        let base = "# T\n\n## A\n\n- We pair. [note:: on hard problems]\n";
        assert_ne!(
            digest(base),
            digest(&base.replace("hard problems", "every problem"))
        );
    }

    #[test]
    fn an_item_source_leaves_out_marker_box_nesting_and_bookkeeping() {
        let text = "## A\n\n- [x] We *pair*. [id:: p] [owner:: @ada]\n  continued\n  - nested [review:: 2027-01-01]\n";
        let doc = parse(text);
        let section = &doc.sections[0];
        let sources: Vec<String> = section
            .items
            .iter()
            .enumerate()
            .map(|(i, item)| item_source_v2(&doc, section, i, item))
            .collect();
        assert_eq!(sources, ["We *pair*. [owner:: @ada] continued", "nested"]);
        assert_eq!(section.heading.source(&doc.text).slice(&doc.text), "A");
    }

    #[test]
    fn heading_numbers() {
        assert_eq!(without_number("2. Deploys"), "Deploys");
        assert_eq!(without_number("2.1. Deploys"), "Deploys");
        assert_eq!(without_number("2.1 Deploys"), "2.1 Deploys");
        assert_eq!(without_number("3) Deploys"), "Deploys");
        assert_eq!(without_number("2026 goals"), "2026 goals");
        assert_eq!(without_number("2."), "2.");
        assert_eq!(without_number("1.5x faster"), "1.5x faster");
    }

    #[test]
    fn recorded_digests_name_their_form() {
        let d = digest(BASE);
        assert_eq!(d.form(), Form::V2);
        assert!(d.short().starts_with("v2:sha256:"));
        assert_eq!(d.short().len(), "v2:".len() + PREFIX.len() + SHORT_HEX);
        assert!(d.matches(&d.short()));
        assert!(d.matches(&d.short().to_uppercase().replace("V2:SHA256:", "v2:sha256:")));
        assert!(d.matches(&format!("v2:sha256:{}", d.full())));
        assert!(!d.matches("v2:sha256:1234"));
        assert!(!d.matches(&d.short().replace("sha256:", "md5:")));
        assert!(!d.matches("v2:sha256:zzzzzzzzzzzz"));
        // The same hash under another form's name is not this digest.
        assert!(!d.matches(&d.short().replace("v2:", "")));
        assert_eq!(recorded_form(&d.short()), Some(Form::V2));
        assert_eq!(recorded_form("sha256:1a2b3c4d5e6f"), Some(Form::V1));
        assert_eq!(recorded_form(" sha256:1A2B3C4D5E6F "), Some(Form::V1));
        assert_eq!(recorded_form("v3:sha256:1a2b3c4d5e6f"), None);
        assert_eq!(recorded_form("v2:1a2b3c4d5e6f"), None);
        assert_eq!(recorded_form("sha256:1a2b"), None);
    }

    /// A form-1 digest recorded before form 2 existed (by `alliance agree`
    /// of version 0.1.0) still names the unchanged text in form 1.
    #[test]
    fn an_old_recorded_digest_still_matches_form_one() {
        let old = "sha256:8e9be5835049";
        let doc = parse(OLD);
        let v1 = Digest::of_form(&doc, Form::V1);
        assert!(v1.matches(old), "{}", v1.short());
        assert_eq!(v1.short(), old);
        assert!(!Digest::of_form(&doc, Form::V2).matches(old));
        let with_entry = parse(&OLD.replace(
            "status: active\n",
            &format!(
                "status: active\nconsent:\n  - {{handle: ada, date: 2026-01-01, digest: {old}}}\n"
            ),
        ));
        let current = Digest::of(&with_entry);
        assert_eq!(current.form(), Form::V2);
        assert!(current.legacy().is_some_and(|l| l.matches(old)));
        assert!(Digest::of(&parse(OLD)).legacy().is_none());
    }

    /// Coverage: a form-2 entry of this text is current, a form-1 entry
    /// matching form 1 of this text is legacy, anything else covers nothing.
    #[test]
    fn coverage_tells_current_from_legacy() {
        use crate::consent::{Coverage, coverage, party_states};
        let v2 = Digest::of(&parse(OLD)).short();
        let text = OLD
            .replace("  - Ada <ada>\n", "  - Ada <ada>\n  - Grace <grace>\n  - Linus <linus>\n")
            .replace(
                "status: active\n",
                &format!("status: active\nconsent:\n  - {{handle: ada, date: 2026-01-01, digest: sha256:8e9be5835049}}\n  - {{handle: grace, date: 2026-01-02, digest: {v2}}}\n  - {{handle: linus, date: 2026-01-03, digest: sha256:000000000000}}\n"),
            );
        let doc = parse(&text);
        let fields = doc.fields().expect("front matter");
        let digest = Digest::of(&doc);
        let got: Vec<Coverage> = fields
            .consent
            .iter()
            .map(|e| coverage(e, &digest))
            .collect();
        assert_eq!(got, [Coverage::Legacy, Coverage::Current, Coverage::No]);
        let agreed: Vec<bool> =
            party_states(fields, || Digest::of(&doc), &crate::consent::Proofs::any())
                .iter()
                .map(|p| p.state.agreed())
                .collect();
        assert_eq!(agreed, [true, true, false]);
        // A struck word is invisible to form 1, so the old entry still
        // matches (legacy), but not to form 2: Grace's consent is stale.
        let struck = parse(&text.replace("We reply within", "We ~~reply~~ within"));
        let digest = Digest::of(&struck);
        let fields = struck.fields().expect("front matter");
        let got: Vec<Coverage> = fields
            .consent
            .iter()
            .map(|e| coverage(e, &digest))
            .collect();
        assert_eq!(got, [Coverage::Legacy, Coverage::No, Coverage::No]);
    }

    const OLD: &str = "---\nalliance: team\ntitle: T\nparties:\n  - Ada <ada>\nstatus: active\nreview:\n  every: 3 months\n---\n# T\n\n## Purpose\n\nWe ship calmly.\n\n## Ground rules\n\n- We start on time. [owner:: @ada] [id:: on-time]\n- We reply within a day.\n";
}
