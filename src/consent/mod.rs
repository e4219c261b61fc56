//! Consent: who agreed to which version of an alliance.
//!
//! A party's consent is an entry of the front matter's `consent:` list
//! (`{handle: ada, date: 2026-11-20, digest: sha256:1a2b3c4d5e6f}`, written
//! by `alliance agree`), naming the [`Digest`] of the text they agreed to.
//! When the agreement changes its digest changes, and earlier entries stop
//! covering it: they stay in the file as history and read here as
//! [`PartyState::Stale`].
//!
//! This module reads a parsed [`Alliance`] and computes; it never reads
//! files or git, prints, or decides what is an error (`check` does, with
//! rules A070–A079). [`proposal`] is what `due`, `diff`, `ci comment` and
//! the review agenda show of an alliance waiting for consent.

pub mod digest;
pub mod proof;

use std::path::PathBuf;

use jiff::civil::Date;

pub use digest::Digest;
pub use proof::{Level, Proof, Proofs, Prover};

use crate::document::{Alliance, ConsentEntry, FrontMatter, Status};

/// Where one party stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartyState {
    /// Agreed to the current text (on `date`, when the entry's date is
    /// one), proven well enough to count.
    Agreed {
        /// The day recorded.
        date: Option<Date>,
        /// What proves it.
        proof: Proof,
    },
    /// An entry says they agreed to the current text, but what proves it
    /// is below the level the repository counts: it counts nowhere.
    Unproven {
        /// The day recorded.
        date: Option<Date>,
        /// What ties the entry to them (too little).
        proof: Proof,
    },
    /// Agreed to an earlier text only (the newest such entry's date).
    Stale {
        /// The day recorded.
        date: Option<Date>,
    },
    /// Never agreed to any version.
    Waiting,
}

impl PartyState {
    /// Whether the party agreed to the current text, with proof that counts.
    pub fn agreed(&self) -> bool {
        matches!(self, PartyState::Agreed { .. })
    }
}

/// One party and their consent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartyConsent {
    /// How to name the party: `@handle`, else the name.
    pub party: String,
    /// The party's handle, without `@`, when they have one (consent is
    /// recorded by handle: a party without one cannot agree).
    pub handle: Option<String>,
    /// Where they stand.
    pub state: PartyState,
}

/// The consent to one version of an alliance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consent {
    /// The digest of the version judged.
    pub digest: Digest,
    /// Every party, in the front matter's order.
    pub parties: Vec<PartyConsent>,
    /// The weakest proof that counts.
    pub counts: Level,
}

impl Consent {
    /// The consent of `fields`'s parties to `digest`, each entry proven by
    /// `proofs`.
    pub fn for_digest(fields: &FrontMatter, digest: Digest, proofs: &Proofs) -> Consent {
        let parties = party_states(fields, || digest.clone(), proofs);
        Consent {
            digest,
            parties,
            counts: proofs.counts,
        }
    }

    /// The consent of `doc`'s parties to its current text; `None` when the
    /// front matter cannot be read.
    pub fn of(doc: &Alliance, proofs: &Proofs) -> Option<Consent> {
        Some(Consent::for_digest(doc.fields()?, Digest::of(doc), proofs))
    }

    /// The parties who agreed to this version.
    pub fn agreed(&self) -> impl Iterator<Item = &PartyConsent> {
        self.parties.iter().filter(|p| p.state.agreed())
    }

    /// The parties who have not (never, only to an earlier version, or
    /// without proof that counts).
    pub fn not_agreed(&self) -> impl Iterator<Item = &PartyConsent> {
        self.parties.iter().filter(|p| !p.state.agreed())
    }

    /// Whether every party agreed (and there is at least one).
    pub fn complete(&self) -> bool {
        complete(&self.parties)
    }
}

/// Each party's consent to the version whose digest `digest` works out,
/// in the front matter's order, each entry proven by `proofs`. The digest
/// is worked out only when a consent entry is recorded to compare it
/// with: with none, every party is waiting, whatever the text. Entries
/// name their party by handle only.
pub fn party_states(
    fields: &FrontMatter,
    digest: impl FnOnce() -> Digest,
    proofs: &Proofs,
) -> Vec<PartyConsent> {
    let digest = (!fields.consent.is_empty()).then(digest);
    fields
        .parties
        .iter()
        .map(|party| {
            let mine = || {
                fields.consent.iter().enumerate().filter(|(_, entry)| {
                    entry
                        .handle
                        .as_ref()
                        .is_some_and(|h| party.has_handle(&h.value))
                })
            };
            let current = || {
                mine()
                    .filter(|(i, e)| {
                        digest.as_ref().is_some_and(|d| covers(e, d)) && !proofs.outdated(*i)
                    })
                    .map(|(i, e)| (proofs.counts(i), proofs.of(i), entry_date(e)))
            };
            // The strongest proof, then the newest day.
            let best =
                current().max_by(|a, b| (a.0, a.1.level(), a.2).cmp(&(b.0, b.1.level(), b.2)));
            let state = match best {
                Some((true, proof, date)) => PartyState::Agreed { date, proof },
                Some((false, proof, date)) => PartyState::Unproven { date, proof },
                None => match mine().map(|(_, e)| entry_date(e)).max() {
                    Some(date) => PartyState::Stale { date },
                    None => PartyState::Waiting,
                },
            };
            PartyConsent {
                party: party.label(),
                handle: party.handle.as_ref().map(|h| h.value.clone()),
                state,
            }
        })
        .collect()
}

/// Whether every one of `parties` agreed (and there is at least one).
pub fn complete(parties: &[PartyConsent]) -> bool {
    !parties.is_empty() && parties.iter().all(|p| p.state.agreed())
}

/// Whether `entry` records consent to `digest`: in its own form
/// ([`Coverage::Current`]) or, for now, in form 1 ([`Coverage::Legacy`]).
pub fn covers(entry: &ConsentEntry, digest: &Digest) -> bool {
    coverage(entry, digest) != Coverage::No
}

/// How a consent entry stands to a version's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coverage {
    /// The entry names the digest in its own form (the current form for
    /// [`Digest::of`]): consent to exactly this text.
    Current,
    /// The entry is of form 1 (`sha256:…`, before the digest covered
    /// markup) and matches form 1 of this text. Form 1 cannot see a struck
    /// word, inline HTML or a changed link target, so a match alone does
    /// not prove the party saw this text: it is treated as agreed for now,
    /// but needs confirmation that the text is unchanged since the commit
    /// that added the entry (from git history) before it is trusted.
    Legacy,
    /// The entry does not cover this text (or has no well-formed digest).
    No,
}

/// How `entry` covers the text whose digest is `digest`: [`Coverage::Legacy`]
/// needs `digest`'s form-1 companion, which [`Digest::of`] works out when
/// the document records a form-1 entry.
pub fn coverage(entry: &ConsentEntry, digest: &Digest) -> Coverage {
    let Some(recorded) = entry.digest.as_ref().map(|d| d.value.as_str()) else {
        return Coverage::No;
    };
    if digest.matches(recorded) {
        Coverage::Current
    } else if digest.legacy().is_some_and(|d| d.matches(recorded)) {
        Coverage::Legacy
    } else {
        Coverage::No
    }
}

fn entry_date(entry: &ConsentEntry) -> Option<Date> {
    entry.date.as_ref().and_then(|d| d.get())
}

/// Where the date a proposal has waited since comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SinceBasis {
    /// The commit that set `status: proposed` (from git history).
    ProposedCommit,
    /// No history: the earliest consent recorded in the file.
    EarliestConsent,
    /// No history and no consent: the alliance's `created` date.
    Created,
}

/// ProposedSince when a proposal has waited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProposedSince {
    /// The day.
    pub date: Date,
    /// Where it came from.
    pub basis: SinceBasis,
}

/// An alliance with `status: proposed`, waiting for its parties' consent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    /// The file.
    pub path: PathBuf,
    /// The title (or `(untitled)`).
    pub title: String,
    /// Who has and has not agreed to the current text.
    pub consent: Consent,
    /// ProposedSince when it has waited, when that can be told.
    pub since: Option<ProposedSince>,
}

/// `doc` as a proposal waiting for consent, or `None` when its status is
/// not `proposed` (or its front matter cannot be read).
///
/// `proposed_on` is the day of the commit that set `status: proposed`
/// (`crate::history::proposed::proposed_since`), when history is at hand;
/// without it the wait is counted from the earliest consent recorded in the
/// file (any version), else from `created`.
pub fn proposal(doc: &Alliance, proposed_on: Option<Date>, proofs: &Proofs) -> Option<Proposal> {
    let fields = doc.fields()?;
    if fields.status() != Status::Proposed {
        return None;
    }
    let since = match proposed_on {
        Some(date) => Some(ProposedSince {
            date,
            basis: SinceBasis::ProposedCommit,
        }),
        None => fields
            .consent
            .iter()
            .filter_map(entry_date)
            .min()
            .map(|date| ProposedSince {
                date,
                basis: SinceBasis::EarliestConsent,
            })
            .or_else(|| {
                fields
                    .created
                    .as_ref()
                    .and_then(|c| c.get())
                    .map(|date| ProposedSince {
                        date,
                        basis: SinceBasis::Created,
                    })
            }),
    };
    Some(Proposal {
        path: doc.path.clone(),
        title: doc.display_title().unwrap_or("(untitled)").to_owned(),
        consent: Consent::for_digest(fields, Digest::of(doc), proofs),
        since,
    })
}

/// Who agreed, where consent is at stake: a proposed or active alliance
/// with parties (the new side of a change, as `diff` and `ci` show it).
pub fn at_stake(
    doc: &crate::document::Alliance,
    proofs: &crate::consent::Proofs,
) -> Option<Consent> {
    use crate::document::Status;
    let fields = doc.fields()?;
    if fields.parties.is_empty() || !matches!(fields.status(), Status::Proposed | Status::Active) {
        return None;
    }
    Consent::of(doc, proofs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    const BODY: &str = "# T\n\n## Agreements\n\n- We start on time.\n";

    fn doc(front: &str) -> Alliance {
        Alliance::parse_text(
            Path::new("a.md"),
            format!(
                "---\nalliance: team\nparties:\n  - Ada <ada>\n  - Grace <grace>\n  - Linus\n{front}---\n{BODY}"
            ),
        )
    }

    #[test]
    fn current_stale_and_waiting() {
        let plain = doc("");
        let digest = Digest::of(&plain).short();
        let d = doc(&format!(
            "status: proposed\ncreated: 2026-01-05\nconsent:\n  - {{handle: ada, date: 2026-02-01, digest: '{digest}'}}\n  - {{handle: '@grace', date: 2026-01-20, digest: sha256:000000000000}}\n"
        ));
        let p = proposal(&d, None, &Proofs::any()).expect("a proposal");
        let states: Vec<_> = p
            .consent
            .parties
            .iter()
            .map(|p| (p.party.as_str(), p.state.clone()))
            .collect();
        let day = |s: &str| crate::document::dates::parse_date(s).ok();
        assert_eq!(
            states,
            [
                (
                    "@ada",
                    PartyState::Agreed {
                        date: day("2026-02-01"),
                        proof: Proof::unattributed(),
                    }
                ),
                (
                    "@grace",
                    PartyState::Stale {
                        date: day("2026-01-20")
                    }
                ),
                ("Linus", PartyState::Waiting),
            ]
        );
        assert!(!p.consent.complete());
        assert_eq!(
            p.since,
            Some(ProposedSince {
                date: day("2026-01-20").expect("date"),
                basis: SinceBasis::EarliestConsent
            })
        );
        let on = day("2026-01-10").expect("date");
        assert_eq!(
            proposal(&d, Some(on), &Proofs::any())
                .and_then(|p| p.since)
                .map(|s| s.basis),
            Some(SinceBasis::ProposedCommit)
        );
        assert!(proposal(&doc("status: active\n"), None, &Proofs::any()).is_none());
        let created = proposal(
            &doc("status: proposed\ncreated: 2026-01-05\n"),
            None,
            &Proofs::any(),
        )
        .and_then(|p| p.since);
        assert_eq!(created.map(|s| s.basis), Some(SinceBasis::Created));
    }
}
