//! Consent as people read it: who agreed to a version, who has not, and
//! how long a proposal has waited. Shared by `due`, `diff`, the
//! pull-request comment and (through [`waited`]) the review agenda.
//! Every name passes the escaper of the place it lands.

use jiff::civil::Date;

use super::{plural, sanitize};
use crate::consent::{Consent, PartyConsent, PartyState, Proof, Proposal, SinceBasis};
use crate::escape::markdown;

/// `@ada (2026-11-20, signed), @grace (authored, email not verified)`:
/// the parties who agreed, with their dates and what proves it.
pub fn agreed_list(consent: &Consent) -> Vec<String> {
    consent
        .agreed()
        .map(|p| match &p.state {
            PartyState::Agreed {
                date: Some(d),
                proof,
            } => format!("{} ({d}, {})", p.party, proof.describe()),
            PartyState::Agreed { date: None, proof } => {
                format!("{} ({})", p.party, proof.describe())
            }
            _ => p.party.clone(),
        })
        .collect()
}

/// `@kj, @alan (agreed to an earlier version), @grace (recorded by
/// Mallory, not counted)`: the parties who have not.
pub fn waiting_list(consent: &Consent) -> Vec<String> {
    consent.not_agreed().map(not_yet).collect()
}

/// One party who has not agreed, and why.
fn not_yet(p: &PartyConsent) -> String {
    match &p.state {
        PartyState::Stale { .. } => format!("{} (agreed to an earlier version)", p.party),
        PartyState::Unproven { proof, .. } => {
            format!("{} ({}, not counted)", p.party, proof.describe())
        }
        _ => p.party.clone(),
    }
}

/// The JSON words of a party's consent: the state, its day, and what
/// proves it (`signed`, `approved`, `authored`, `recorded`), with who
/// recorded it and in which commit.
pub fn json_state(state: &PartyState) -> serde_json::Value {
    let (word, date, proof) = match state {
        PartyState::Agreed { date, proof } => ("agreed", *date, Some(proof)),
        PartyState::Unproven { date, proof } => ("unproven", *date, Some(proof)),
        PartyState::Stale { date } => ("stale", *date, None),
        PartyState::Waiting => ("waiting", None, None),
    };
    let mut value = serde_json::json!({
        "consent": word,
        "date": date.map(|d| d.to_string()),
    });
    if let Some(proof) = proof {
        value["proof"] = proof_json(proof);
    }
    value
}

fn proof_json(proof: &Proof) -> serde_json::Value {
    match proof {
        Proof::Signed { commit, key } => {
            serde_json::json!({"level": "signed", "commit": commit, "key": key})
        }
        Proof::Approved => serde_json::json!({"level": "approved"}),
        Proof::Authored { commit } => serde_json::json!({"level": "authored", "commit": commit}),
        Proof::Recorded { by, commit } => {
            serde_json::json!({"level": "recorded", "by": by, "commit": commit})
        }
        Proof::Unknown => serde_json::json!({"level": "unknown", "commit": null}),
    }
}

/// Days from the start of the wait to `today` (0 when it starts later).
pub fn days_waiting(proposal: &Proposal, today: Date) -> Option<i64> {
    proposal
        .since
        .map(|s| crate::document::dates::days_between(s.date, today).max(0))
}

/// `waiting 12 days (since 2026-11-10, when it was proposed)`.
pub fn waited(proposal: &Proposal, today: Date) -> String {
    match (proposal.since, days_waiting(proposal, today)) {
        (Some(since), Some(days)) => {
            let from = match since.basis {
                SinceBasis::ProposedCommit => "the commit that proposed it",
                SinceBasis::EarliestConsent => "the first consent recorded",
                SinceBasis::Created => "its created date",
            };
            format!(
                "waiting {} (since {}, {from})",
                plural(days as usize, "day"),
                since.date
            )
        }
        _ => "waiting (since an unknown date: no history, consent or created date)".to_owned(),
    }
}

/// The basis word used in JSON.
pub fn basis_word(basis: SinceBasis) -> &'static str {
    match basis {
        SinceBasis::ProposedCommit => "proposed-commit",
        SinceBasis::EarliestConsent => "earliest-consent",
        SinceBasis::Created => "created",
    }
}

/// One line for a terminal: `agreed: @ada (2026-11-20); not yet: @grace`.
pub fn terminal_line(consent: &Consent) -> String {
    let agreed = agreed_list(consent);
    let waiting = waiting_list(consent);
    let mut parts = Vec::new();
    parts.push(format!(
        "agreed: {}",
        if agreed.is_empty() {
            "nobody yet".to_owned()
        } else {
            agreed.join(", ")
        }
    ));
    if !waiting.is_empty() {
        parts.push(format!("not yet: {}", waiting.join(", ")));
    }
    sanitize(&parts.join("; ")).into_owned()
}

/// The same for Markdown: every handle inert (notifies nobody).
pub fn markdown_line(consent: &Consent) -> String {
    let agreed = agreed_list(consent);
    let waiting = waiting_list(consent);
    let mut out = format!(
        "Agreed: {}",
        if agreed.is_empty() {
            "nobody yet".to_owned()
        } else {
            markdown::inline(&agreed.join(", "))
        }
    );
    if !waiting.is_empty() {
        out.push_str(&format!(
            " · Not yet: {}",
            markdown::inline(&waiting.join(", "))
        ));
    }
    out
}

/// A paragraph for a pull-request comment or `diff --format markdown`: who
/// agreed to this version (its digest) and who has not, handles inert.
pub fn markdown_block(consent: &Consent) -> String {
    markdown_block_with(consent, None)
}

/// [`markdown_block`], counting the forge's approvals too: `approvals` is
/// the approvers' handles and what an approval is called there. A party
/// who has not recorded consent in the file but approved is listed apart,
/// saying which kind of consent was counted.
pub fn markdown_block_with(consent: &Consent, approvals: Option<(&[String], &str)>) -> String {
    let approved = |p: &crate::consent::PartyConsent| {
        approvals.is_some_and(|(handles, _)| {
            p.handle
                .as_ref()
                .is_some_and(|h| handles.iter().any(|a| a.eq_ignore_ascii_case(h)))
        })
    };
    let agreed = agreed_list(consent);
    let by_approval: Vec<String> = consent
        .not_agreed()
        .filter(|p| approved(p))
        .map(|p| p.party.clone())
        .collect();
    let waiting: Vec<String> = consent
        .not_agreed()
        .filter(|p| !approved(p))
        .map(not_yet)
        .collect();
    let mut out = format!(
        "**Consent to this version** ({}): Agreed: {}",
        markdown::code(&consent.digest.short()),
        if agreed.is_empty() {
            "nobody yet".to_owned()
        } else {
            markdown::inline(&agreed.join(", "))
        }
    );
    if let (false, Some((_, what))) = (by_approval.is_empty(), approvals) {
        out.push_str(&format!(
            " · Counted as consent because they {}: {}",
            markdown::inline(what),
            markdown::inline(&by_approval.join(", "))
        ));
    }
    if !waiting.is_empty() {
        out.push_str(&format!(
            " · Not yet: {}",
            markdown::inline(&waiting.join(", "))
        ));
    }
    if waiting.is_empty() && !consent.parties.is_empty() {
        out.push_str(" ✅");
    }
    out
}

/// `{"digest": …, "complete": …, "parties": [{"party", "consent", "date"}]}`
/// for the JSON of `diff`.
pub fn json_value(consent: &Consent) -> serde_json::Value {
    let parties: Vec<serde_json::Value> = consent
        .parties
        .iter()
        .map(|p| {
            let mut value = serde_json::json!({"party": p.party});
            if let (Some(out), serde_json::Value::Object(state)) =
                (value.as_object_mut(), json_state(&p.state))
            {
                out.extend(state);
            }
            value
        })
        .collect();
    serde_json::json!({
        "digest": consent.digest.short(),
        "complete": consent.complete(),
        "counts": consent.counts.config_word(),
        "parties": parties,
    })
}
