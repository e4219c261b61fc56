//! `alliance agree`: record in place that a party agrees to the current
//! text of an alliance, keeping every other byte.
//!
//! The entry is appended to the front matter's `consent:` list (created at
//! the end of the front matter when missing) as one flow mapping,
//! `- {handle: ada, date: 2026-11-20, digest: v2:sha256:1a2b3c4d5e6f}` (the
//! current form of the digest, `consent::digest`), with the
//! file's line ending and its neighbours' indentation. When the last party
//! agrees to a `proposed` alliance, its `status` value becomes `active` in
//! the same edit. Earlier entries are never removed: they are the history of
//! who agreed to what. The result is parsed again and checked before it is
//! handed back; the caller writes it (atomically).

use jiff::civil::Date;

use super::splice::{
    EditError, Edited, Splice, apply, entry_place, front_root, is_flow, line_end_after,
    line_indent, set_scalar,
};
use crate::consent::{Consent, Coverage, Digest, Level, PartyState, Proof, Proofs, coverage};
use crate::document::yaml::{self, Value, yaml_scalar};
use crate::document::{Alliance, Span, Status};

/// Why consent was not recorded. The file is left as it was.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AgreeError {
    /// The front matter cannot be edited (unreadable, anchors, flow style).
    #[error(transparent)]
    Edit(#[from] EditError),
    /// `--as` names nobody among the parties.
    #[error(
        "`{who}` is not a party to this alliance (its parties: {parties}); consent is recorded by a party's handle"
    )]
    NotAParty {
        /// The handle given.
        who: String,
        /// The parties, for the message.
        parties: String,
    },
    /// The party has no handle to record consent under.
    #[error(
        "the party `{who}` has no handle; add `handle:` to them under `parties:` to record their consent"
    )]
    NoHandle {
        /// The party's name.
        who: String,
    },
    /// A retired alliance binds nobody any more.
    #[error("the alliance is retired: it binds nobody, so there is nothing to agree to")]
    Retired,
    /// A draft is still being written.
    #[error(
        "the alliance is a draft, still being written; set `status: proposed` when it is ready for the parties' consent"
    )]
    Draft,
    /// `status:` holds something other than a word.
    #[error("`status` is not a word (draft, proposed, active or retired)")]
    StatusShape,
}

/// What `agree` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agreed {
    /// The new text and the changes (none when the party had already
    /// agreed to this text).
    pub edited: Edited,
    /// The party, as a report names them (`@ada`).
    pub party: String,
    /// The digest agreed to, as recorded (`sha256:…`).
    pub digest: String,
    /// Whether this consent made a proposed alliance active.
    pub activated: bool,
    /// The parties who have still not agreed to this text.
    pub waiting: Vec<String>,
    /// What will prove the new entry once it is committed as things stand.
    pub proof: Proof,
    /// The weakest proof the repository counts.
    pub counts: Level,
    /// Whether the new entry will count, as things stand.
    pub counted: bool,
}

/// What `agree` knows of proof: the proofs of the entries already in the
/// file, and what will prove the one it writes (from the git identity that
/// will commit it).
#[derive(Debug, Clone)]
pub struct Proving<'a> {
    /// The proofs of the file's entries, in order.
    pub proofs: &'a Proofs,
    /// What will prove the new entry.
    pub own: Proof,
    /// Whether the commit will be SSH-signed (counted as signed for the
    /// status change; `check` verifies the key once it is committed).
    pub will_sign: bool,
}

impl Proving<'_> {
    /// What `agree` did, with what will prove the entry.
    fn agreed(
        &self,
        edited: Edited,
        party: String,
        digest: &Digest,
        activated: bool,
        waiting: Vec<String>,
    ) -> Agreed {
        Agreed {
            edited,
            party,
            digest: digest.short(),
            activated,
            waiting,
            proof: self.own.clone(),
            counts: self.proofs.counts,
            counted: self.own_counts(),
        }
    }

    fn own_counts(&self) -> bool {
        self.proofs.counts == Level::Recorded
            || self.own.level() >= self.proofs.counts
            || (self.will_sign && self.proofs.counts == Level::Signed)
    }
}

/// Record that the party `who` (a handle, with or without `@`) agrees to
/// the current text of `doc` on `date`.
///
/// Already agreed to this text: nothing changes (`edited.changes` is empty)
/// and the result says so; that is not an error, so running `agree` twice
/// is safe.
pub fn agree(
    doc: &Alliance,
    who: &str,
    date: Date,
    proving: &Proving<'_>,
) -> Result<Agreed, AgreeError> {
    let (root, inner) = front_root(doc)?;
    if yaml::uses_anchors(inner.slice(&doc.text)) {
        return Err(EditError::Anchors.into());
    }
    let fields = doc.fields().ok_or(EditError::Unreadable(
        "the file has no front matter".to_owned(),
    ))?;
    let party = party_named(fields, who)?;
    let Some(handle) = party.handle.as_ref().map(|h| h.value.clone()) else {
        return Err(AgreeError::NoHandle { who: party.label() });
    };
    let status = fields.status();
    match status {
        Status::Retired => return Err(AgreeError::Retired),
        Status::Draft => return Err(AgreeError::Draft),
        Status::Proposed | Status::Active => {}
    }
    let digest = Digest::of(doc);
    let before = Consent::for_digest(fields, digest.clone(), proving.proofs);
    let label = party.label();
    if has_agreed(fields, party, &digest) {
        let unchanged = Edited {
            text: doc.text.clone(),
            changes: Vec::new(),
        };
        let waiting = names(before.not_agreed().map(|p| &p.party));
        return Ok(proving.agreed(unchanged, label, &digest, false, waiting));
    }
    let waiting: Vec<String> = before
        .parties
        .iter()
        .filter(|p| !p.state.agreed() && p.party != label)
        .map(|p| p.party.clone())
        .collect();
    let activated = status == Status::Proposed && waiting.is_empty() && proving.own_counts();
    let text = &doc.text;
    let entry = format!(
        "{{handle: {}, date: {date}, digest: {}}}",
        yaml_scalar(&handle),
        digest.short()
    );
    let mut splices = vec![consent_splice(doc, root, inner, &entry, &label, date)?];
    if activated {
        splices.extend(activate(text, root)?);
    }
    let edited = apply(text, splices);
    verify(doc, &edited, &digest, &label, activated)?;
    Ok(proving.agreed(edited, label, &digest, activated, waiting))
}

/// Whether `party` has an entry for the current text in its current form:
/// a form-1 entry that still matches is not enough, agreeing again records
/// the current form.
fn has_agreed(
    fields: &crate::document::FrontMatter,
    party: &crate::document::Party,
    digest: &Digest,
) -> bool {
    fields.consent.iter().any(|e| {
        coverage(e, digest) == Coverage::Current
            && e.handle
                .as_ref()
                .is_some_and(|h| party.has_handle(&h.value))
    })
}

/// The party `who` names: by handle first (with or without `@`), else by
/// name, as the user typed it; the entry is always written by handle.
fn party_named<'a>(
    fields: &'a crate::document::FrontMatter,
    who: &str,
) -> Result<&'a crate::document::Party, AgreeError> {
    let who_plain = who.trim().trim_start_matches('@');
    fields
        .party_by_handle(who_plain)
        .or_else(|| fields.party(who_plain))
        .ok_or_else(|| AgreeError::NotAParty {
            who: who.to_owned(),
            parties: if fields.parties.is_empty() {
                "none listed".to_owned()
            } else {
                fields
                    .parties
                    .iter()
                    .map(|p| p.label())
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        })
}

/// The splice that sets `status: active`, when there is a `status:` word.
fn activate(text: &str, root: &yaml::Node) -> Result<Option<Splice>, AgreeError> {
    let Some((key, value)) = root.entry("status") else {
        return Ok(None);
    };
    if !matches!(value.value, Value::Str(_)) {
        return Err(AgreeError::StatusShape);
    }
    Ok(set_scalar(text, key, value, "active", "status".to_owned())?)
}

/// Read the edit back: the party's entry covers the text, the status is
/// active when it was to be, and the text agreed to is unchanged.
fn verify(
    doc: &Alliance,
    edited: &Edited,
    digest: &Digest,
    label: &str,
    activated: bool,
) -> Result<(), AgreeError> {
    let check = Alliance::parse_text(&doc.path, edited.text.clone());
    let ok = check.fields().is_some_and(|f| {
        Consent::for_digest(f, digest.clone(), &Proofs::any())
            .parties
            .iter()
            .any(|p| p.party == label && matches!(p.state, PartyState::Agreed { .. }))
            && (!activated || f.status() == Status::Active)
    }) && Digest::of(&check) == *digest;
    if ok {
        Ok(())
    } else {
        Err(EditError::Verify("the consent entry".to_owned()).into())
    }
}

fn names<'a>(labels: impl Iterator<Item = &'a String>) -> Vec<String> {
    labels.cloned().collect()
}

/// The splice that appends `entry` to `consent:`.
fn consent_splice(
    doc: &Alliance,
    root: &crate::document::yaml::Node,
    inner: Span,
    entry: &str,
    label: &str,
    date: Date,
) -> Result<Splice, AgreeError> {
    let text = &doc.text;
    let what = "consent".to_owned();
    let new = format!("{label} agreed on {date}");
    let list = match root.entry("consent") {
        Some((key, list)) => {
            let items = match &list.value {
                Value::Seq(items) => items.as_slice(),
                Value::Null => &[],
                _ => return Err(EditError::Shape("consent", "a list").into()),
            };
            if is_flow(text, list) {
                // `consent: []` becomes a block list; any other flow list
                // cannot grow line by line.
                let from = list.span.start
                    + (list.span.slice(text).len() - list.span.slice(text).trim_start().len());
                let close = text[from..].find(']').map(|i| from + i + 1);
                let empty = items.is_empty()
                    && close.is_some_and(|c| text[from + 1..c - 1].trim().is_empty());
                let rest_empty =
                    close.is_some_and(|c| text[c..line_end_after(text, c)].trim().is_empty());
                let (true, true, Some(close)) = (empty, rest_empty, close) else {
                    return Err(EditError::FlowStyle("consent").into());
                };
                let indent = format!("{}  ", line_indent(text, key.span.start));
                let eol = doc.line_ending_at(key.span.start);
                return Ok(Splice {
                    span: Span::new(key.span.start, close),
                    text: format!("{}:{eol}{indent}- {entry}", key.span.slice(text)),
                    what,
                    old: Some("[]".to_owned()),
                    new,
                });
            }
            Some((key, list, items))
        }
        None => None,
    };
    let place = entry_place(doc, "consent", list, inner);
    Ok(Splice {
        span: Span::new(place.at, place.at),
        text: format!(
            "{}{}- {entry}{}",
            place.prefix, place.dash_indent, place.eol
        ),
        what,
        old: None,
        new,
    })
}

#[cfg(test)]
mod tests {
    fn open() -> Proving<'static> {
        static ANY: std::sync::OnceLock<Proofs> = std::sync::OnceLock::new();
        Proving {
            proofs: ANY.get_or_init(Proofs::any),
            own: Proof::unattributed(),
            will_sign: false,
        }
    }

    use super::*;
    use std::path::Path;

    fn day(s: &str) -> Date {
        crate::document::dates::parse_date(s).expect("date")
    }

    fn parse(text: &str) -> Alliance {
        Alliance::parse_text(Path::new("a.md"), text.to_owned())
    }

    const DOC: &str = "---\r\nalliance: team # kind\r\nparties:\r\n  - Ada <ada>\r\n  - name: Grace\r\n    handle: grace\r\nstatus: 'proposed'  # until both agree\r\n---\r\n# T\r\n\r\n## Agreements\r\n\r\n- We start on time.\r\n";

    #[test]
    fn records_each_party_then_activates() {
        let doc = parse(DOC);
        let digest = Digest::of(&doc).short();
        let first = agree(&doc, "@ada", day("2026-11-20"), &open()).expect("agrees");
        assert!(!first.activated);
        assert_eq!(first.waiting, ["@grace"]);
        assert_eq!(
            first.edited.text,
            DOC.replace(
                "---\r\n# T",
                &format!("consent:\r\n  - {{handle: ada, date: 2026-11-20, digest: {digest}}}\r\n---\r\n# T")
            )
        );
        let doc = parse(&first.edited.text);
        let again = agree(&doc, "ada", day("2026-11-21"), &open()).expect("no-op");
        assert!(again.edited.changes.is_empty());
        assert_eq!(again.edited.text, doc.text);
        let second = agree(&doc, "Grace", day("2026-11-22"), &open()).expect("agrees");
        assert!(second.activated);
        assert!(
            second
                .edited
                .text
                .contains("status: 'active'  # until both agree\r\n")
        );
        assert!(second.edited.text.contains(&format!(
            "  - {{handle: ada, date: 2026-11-20, digest: {digest}}}\r\n  - {{handle: grace, date: 2026-11-22, digest: {digest}}}\r\n---"
        )));
        let whats: Vec<_> = second
            .edited
            .changes
            .iter()
            .map(|c| c.what.as_str())
            .collect();
        assert_eq!(whats, ["status", "consent"]);
    }

    #[test]
    fn refusals() {
        let doc = parse(DOC);
        assert!(matches!(
            agree(&doc, "linus", day("2026-11-20"), &open()),
            Err(AgreeError::NotAParty { .. })
        ));
        let retired = parse(&DOC.replace("'proposed'", "retired"));
        assert_eq!(
            agree(&retired, "ada", day("2026-11-20"), &open()),
            Err(AgreeError::Retired)
        );
        let draft = parse(&DOC.replace("'proposed'", "draft"));
        assert_eq!(
            agree(&draft, "ada", day("2026-11-20"), &open()),
            Err(AgreeError::Draft)
        );
        let nameless = parse(&DOC.replace("  - Ada <ada>", "  - Ada"));
        assert!(matches!(
            agree(&nameless, "Ada", day("2026-11-20"), &open()),
            Err(AgreeError::NoHandle { .. })
        ));
        let flow = parse(&DOC.replace("status:", "consent: [{handle: x}]\r\nstatus:"));
        assert_eq!(
            agree(&flow, "ada", day("2026-11-20"), &open()),
            Err(AgreeError::Edit(EditError::FlowStyle("consent")))
        );
    }

    #[test]
    fn an_empty_flow_list_and_a_stale_entry() {
        let text = DOC.replace("status:", "consent: []\r\nstatus:");
        let doc = parse(&text);
        let edited = agree(&doc, "ada", day("2026-11-20"), &open()).expect("agrees");
        assert!(
            edited
                .edited
                .text
                .contains("consent:\r\n  - {handle: ada, date: 2026-11-20, digest: v2:sha256:")
        );
        // A changed agreement: the old entry stays, a new one is added.
        let changed = parse(&edited.edited.text.replace("on time", "on the hour"));
        let again = agree(&changed, "ada", day("2026-11-25"), &open()).expect("agrees");
        assert_eq!(again.edited.text.matches("handle: ada").count(), 2);
    }
}
