//! Consent and lifecycle rules, A070–A075: every party of an active
//! alliance agreed to its current text, consent entries name parties and
//! are well formed, and `superseded_by` belongs to a retired alliance and
//! names a successor that exists.
//!
//! Consent is read through [`crate::consent`] (the digest and the per-party
//! state); whether missing consent is a warning or an error is the
//! repository's choice (`consent: required` in `.alliance.yaml`), handed in
//! as [`Settings`].

use std::path::Path;

use crate::consent::{
    Digest, PartyConsent, PartyState, Proofs, complete, covers, digest::parse_recorded,
    party_states,
};
use crate::document::{Alliance, FrontMatterBlock, Span, Status, clip};

use super::{Finding, Rule, Settings};

/// A070–A075.
pub(super) fn check(doc: &Alliance, settings: &Settings<'_>, out: &mut Vec<Finding>) {
    let Some(fields) = doc.fields() else { return };
    let status = fields.status();
    let status_span = fields.status.as_ref().map(|s| s.span);
    // Without a `status:` line, the closing fence: where consent would be
    // written, and after every finding about the front matter's own keys.
    let start = match &doc.front {
        FrontMatterBlock::Mapping { inner, block, .. } => {
            let fence = doc.text[inner.end..block.end].trim_start_matches(['\r', '\n']);
            let at = block.end - fence.len();
            Span::new(at, at + fence.trim_end().len().min(3))
        }
        _ => Span::default(),
    };
    // The digest of the text is worked out only when consent is recorded,
    // and the commits behind the entries looked up only then.
    let proofs = match settings.proofs {
        Some(proofs) if !fields.consent.is_empty() => proofs(doc),
        _ => Proofs::any(),
    };
    let digest = (!fields.consent.is_empty()).then(|| Digest::of(doc));
    let parties = match &digest {
        Some(digest) => party_states(fields, || digest.clone(), &proofs),
        None => party_states(fields, || Digest::of(doc), &proofs),
    };
    if let Some(digest) = &digest {
        unproven(doc, &parties, &proofs, digest, settings, out);
    }
    if status == Status::Active && !parties.is_empty() {
        missing(doc, &parties, settings, status_span.unwrap_or(start), out);
    }
    if status == Status::Proposed && complete(&parties) {
        out.push(
            Finding::warning(
                Rule::ConsentComplete,
                "every party has agreed to the current text, but the status is still `proposed`",
            )
            .help("set `status: active`: the alliance is in force (`alliance agree` does this when the last party agrees)")
            .at(doc, status_span.unwrap_or(start)),
        );
    }
    entries(doc, fields, out);
    successor(doc, fields, settings, out);
}

/// A071, A072: each entry well formed and naming a party.
fn entries(doc: &Alliance, fields: &crate::document::FrontMatter, out: &mut Vec<Finding>) {
    for entry in &fields.consent {
        let problem = if !entry.is_mapping {
            Some(
                "is not a mapping; write it as `{handle: ada, date: 2026-11-20, digest: v2:sha256:…}`"
                    .to_owned(),
            )
        } else if entry.handle.as_ref().is_none_or(|h| h.value.is_empty()) {
            Some("has no `handle`".to_owned())
        } else if entry.date.is_none() {
            Some("has no `date`".to_owned())
        } else if let Some(Err(e)) = entry.date.as_ref().map(|d| &d.date) {
            Some(format!("has a `date` that is not a date: {e}"))
        } else {
            match &entry.digest {
                None => Some("has no `digest`".to_owned()),
                Some(d) if parse_recorded(&d.value).is_none() => Some(format!(
                    "has a `digest` that is not `v2:sha256:` (or the older `sha256:`) and 12 to 64 hex digits: `{}`",
                    clip(&d.value, 80)
                )),
                Some(_) => None,
            }
        };
        if let Some(problem) = problem {
            out.push(
                Finding::error(Rule::MalformedConsent, format!("this consent entry {problem}"))
                    .help("consent entries are written by `alliance agree --as HANDLE`; fix the entry or remove it and agree again")
                    .at(doc, entry.span),
            );
            continue;
        }
        if let Some(handle) = &entry.handle {
            if fields.party(&handle.value).is_none() {
                out.push(
                    Finding::warning(
                        Rule::ConsentNotAParty,
                        format!(
                            "`{}` agreed, but is not one of the parties",
                            clip(&handle.value, 80)
                        ),
                    )
                    .help("add them to `parties` if they are bound by the alliance, or remove the entry; a party who left keeps no say")
                    .at(doc, handle.span),
                );
            }
        }
    }
}

/// A073, A074: `superseded_by` on a retired alliance, naming a file that exists.
fn successor(
    doc: &Alliance,
    fields: &crate::document::FrontMatter,
    settings: &Settings<'_>,
    out: &mut Vec<Finding>,
) {
    let status = fields.status();
    if let Some(successor) = &fields.superseded_by {
        if status != Status::Retired {
            out.push(
                Finding::warning(
                    Rule::SupersededNotRetired,
                    format!(
                        "`superseded_by` names a successor, but the status is `{}`",
                        status.as_str()
                    ),
                )
                .help("set `status: retired` when the successor is in force, or remove `superseded_by`")
                .at(doc, successor.span),
            );
        }
        if looks_like_path(&successor.value) {
            if let Some(exists) = settings.exists {
                if !exists(&doc.path, Path::new(successor.value.trim())) {
                    out.push(
                        Finding::error(
                            Rule::SuccessorMissing,
                            format!(
                                "`superseded_by` names `{}`, which does not exist",
                                clip(&successor.value, 120)
                            ),
                        )
                        .help("write the successor's path relative to this file (or from the repository root), or its title")
                        .at(doc, successor.span),
                    );
                }
            }
        }
    }
}

/// A076: for each party with no entry that counts, their first entry for
/// the current text whose proof is below the level the repository counts.
fn unproven(
    doc: &Alliance,
    parties: &[PartyConsent],
    proofs: &Proofs,
    digest: &Digest,
    settings: &Settings<'_>,
    out: &mut Vec<Finding>,
) {
    let Some(fields) = doc.fields() else { return };
    // One finding per party: its first unproven entry.
    let mut reported = std::collections::HashSet::new();
    for (i, entry) in fields.consent.iter().enumerate() {
        let Some(handle) = &entry.handle else {
            continue;
        };
        if proofs.counts(i) || !covers(entry, digest) || proofs.outdated(i) {
            continue;
        }
        let agreed = parties.iter().any(|p| {
            p.handle
                .as_deref()
                .is_some_and(|h| h.eq_ignore_ascii_case(&handle.value))
                && p.state.agreed()
        });
        if agreed || !reported.insert(handle.value.to_ascii_lowercase()) {
            continue;
        }
        let who = clip(&handle.value, 80);
        let proof = proofs.of(i);
        let message = format!(
            "@{who}'s consent is {}: it does not count (this repository counts `{}` consent and stronger)",
            proof.describe(),
            proofs.counts.config_word()
        );
        let help = if proof == crate::consent::Proof::Unknown {
            "fetch the whole history: `git fetch --unshallow` (GitHub Actions: actions/checkout with `fetch-depth: 0`; GitLab: `GIT_DEPTH: \"0\"`)".to_owned()
        } else {
            format!(
                "@{who} runs `alliance agree {} --as {who}` and commits it as themselves ({})",
                doc.path.display(),
                match proofs.counts {
                    crate::consent::Level::Signed =>
                        "signed with the SSH key the allowed signers list for them",
                    crate::consent::Level::Approved =>
                        "or approves the pull request at its head commit",
                    _ => "their commit's author email is the party's `email:`",
                }
            )
        };
        let finding = if settings.consent_required {
            Finding::error(Rule::ConsentUnproven, message)
        } else {
            Finding::warning(Rule::ConsentUnproven, message)
        };
        out.push(finding.help(help).at(doc, entry.span));
    }
}

/// A070: the parties of an active alliance who have not agreed to its
/// current text, in one finding.
fn missing(
    doc: &Alliance,
    parties: &[PartyConsent],
    settings: &Settings<'_>,
    span: Span,
    out: &mut Vec<Finding>,
) {
    let waiting: Vec<&str> = parties
        .iter()
        .filter(|p| p.state == PartyState::Waiting)
        .map(|p| p.party.as_str())
        .collect();
    let stale: Vec<&str> = parties
        .iter()
        .filter(|p| matches!(p.state, PartyState::Stale { .. }))
        .map(|p| p.party.as_str())
        .collect();
    let unproven: Vec<&str> = parties
        .iter()
        .filter(|p| matches!(p.state, PartyState::Unproven { .. }))
        .map(|p| p.party.as_str())
        .collect();
    if waiting.is_empty() && stale.is_empty() && unproven.is_empty() {
        return;
    }
    let file = doc.path.display();
    let (message, help) = if !parties.iter().any(|p| p.state.agreed())
        && stale.is_empty()
        && unproven.is_empty()
    {
        (
            "no party's consent to this alliance is recorded".to_owned(),
            format!(
                "adopted before consent was recorded? each party runs `alliance agree {file} --as HANDLE` once ({})",
                waiting.join(", ")
            ),
        )
    } else {
        let mut parts = Vec::new();
        if !waiting.is_empty() {
            parts.push(format!("{} never agreed", waiting.join(", ")));
        }
        if !stale.is_empty() {
            parts.push(format!("{} agreed to an earlier version", stale.join(", ")));
        }
        if !unproven.is_empty() {
            parts.push(format!(
                "{}'s consent is not proven (A076)",
                unproven.join(", ")
            ));
        }
        (
            format!(
                "not every party agreed to the current text: {}",
                parts.join("; ")
            ),
            format!(
                "each of them runs `alliance agree {file} --as HANDLE`; `alliance diff` shows what changed since"
            ),
        )
    };
    let finding = if settings.consent_required {
        Finding::error(Rule::ConsentMissing, message)
    } else {
        Finding::warning(Rule::ConsentMissing, message)
    };
    out.push(finding.help(help).at(doc, span));
}

/// Whether a `superseded_by` value is a path rather than a title: it ends
/// in a Markdown extension or holds a `/`.
fn looks_like_path(value: &str) -> bool {
    let value = value.trim();
    let lower = value.to_ascii_lowercase();
    value.contains('/')
        || [".md", ".markdown", ".qmd", ".rmd", ".mdx"]
            .iter()
            .any(|ext| lower.ends_with(ext))
}
