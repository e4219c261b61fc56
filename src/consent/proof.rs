//! Proof of consent: what ties a `consent:` entry to the party it names.
//!
//! An entry is only a claim: anyone who can commit can write
//! `{handle: ada, …}`. What proves it is the commit that added it, read
//! from git by `history::attribution` and judged here, strongest first:
//!
//! - [`Proof::Signed`]: the commit carries an SSH signature (git's
//!   `gpg.format ssh`, namespace `git`) that verifies, by a key the
//!   repository's allowed-signers file (git's `allowedSignersFile` format)
//!   maps to the party: a principal equal to the party's handle or `email:`;
//! - [`Proof::Approved`]: the party approved the pull request at its head
//!   commit (CI only: the forge says so);
//! - [`Proof::Authored`]: the commit's author email is the party's `email:`,
//!   or a forge no-reply address carrying the handle. Git does not check
//!   author emails: this is a claim too, weaker, and reports say so;
//! - [`Proof::Recorded`]: anything else: someone recorded it for them, or
//!   it is not committed yet.
//!
//! The repository chooses the [`Level`] that counts (`.alliance.yaml`'s
//! `consent: {proof: …}`); an entry below it counts nowhere. This module
//! computes from facts handed in; it never reads files or git.

use jiff::civil::Date;
use ssh_key::{HashAlg, PublicKey, SshSig, public::KeyData};

use crate::document::{FrontMatter, Party};
use crate::history::attribution::Added;

/// How strongly an entry is tied to its party, weakest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Written by anyone (`proof: any`).
    Recorded,
    /// Committed under the party's email (`proof: authored`).
    Authored,
    /// The party approved the pull request at its head (`proof: approved`).
    Approved,
    /// Committed with the party's SSH key (`proof: signed`).
    Signed,
}

impl Level {
    /// The word `.alliance.yaml` uses for the level that counts.
    pub fn config_word(self) -> &'static str {
        match self {
            Level::Recorded => "any",
            Level::Authored => "authored",
            Level::Approved => "approved",
            Level::Signed => "signed",
        }
    }

    /// The level a config word names.
    pub fn from_config_word(word: &str) -> Option<Level> {
        [
            Level::Recorded,
            Level::Authored,
            Level::Approved,
            Level::Signed,
        ]
        .into_iter()
        .find(|l| l.config_word() == word)
    }

    /// The word reports use for an entry at this level.
    pub fn word(self) -> &'static str {
        match self {
            Level::Recorded => "recorded",
            Level::Authored => "authored",
            Level::Approved => "approved",
            Level::Signed => "signed",
        }
    }
}

/// What ties one consent entry to its party.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Proof {
    /// The commit that added the entry is signed by the party's key.
    Signed {
        /// The commit (short id).
        commit: String,
        /// The key's SHA-256 fingerprint (`SHA256:…`).
        key: String,
    },
    /// The party approved the pull request at its head commit.
    Approved,
    /// The commit that added the entry was authored under the party's email.
    Authored {
        /// The commit (short id).
        commit: String,
    },
    /// The clone's history is cut short (a shallow clone) before the
    /// commit that added the entry: nothing can be proven.
    Unknown,
    /// Nothing ties the entry to its party.
    Recorded {
        /// The author of the commit that added it (`None`: not committed).
        by: Option<String>,
        /// That commit (short id); `None` when the entry is in no commit.
        commit: Option<String>,
    },
}

impl Proof {
    /// The level this proof reaches.
    pub fn level(&self) -> Level {
        match self {
            Proof::Signed { .. } => Level::Signed,
            Proof::Approved => Level::Approved,
            Proof::Authored { .. } => Level::Authored,
            Proof::Recorded { .. } | Proof::Unknown => Level::Recorded,
        }
    }

    /// An entry with no commit behind it (not committed, or no history).
    pub fn unattributed() -> Proof {
        Proof::Recorded {
            by: None,
            commit: None,
        }
    }

    /// How a report says it, after the party: `signed`, `approved`,
    /// `authored (email not verified)`, `recorded by Mallory in commit
    /// 1a2b3c4d5e`, `recorded, not committed`.
    pub fn describe(&self) -> String {
        match self {
            Proof::Signed { .. } => "signed".to_owned(),
            Proof::Approved => "approved".to_owned(),
            Proof::Authored { .. } => "authored (email not verified)".to_owned(),
            Proof::Unknown => {
                "not provable here: the clone's history is cut short (fetch the whole history)"
                    .to_owned()
            }
            Proof::Recorded {
                by: Some(by),
                commit: Some(commit),
            } => format!("recorded by {by} in commit {commit}"),
            Proof::Recorded { by: Some(by), .. } => format!("recorded by {by}"),
            Proof::Recorded { by: None, .. } => "recorded, not committed".to_owned(),
        }
    }
}

/// The proof of each of a front matter's consent entries (in its order),
/// and the level that counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proofs {
    /// One per `consent:` entry; missing ones are [`Proof::unattributed`].
    pub entries: Vec<Proof>,
    /// The weakest level that counts as consent.
    pub counts: Level,
    /// Entries whose form-1 digest still matches the text, but whose text
    /// changed since the commit that added them (form 1 is blind to
    /// markup): they cover an earlier version. A form-1 entry counts only
    /// where git shows the text unchanged since it was committed.
    pub outdated: Vec<bool>,
}

impl Proofs {
    /// No entry proven: every entry is a bare record (no history read).
    pub fn unattributed(counts: Level) -> Proofs {
        Proofs {
            entries: Vec::new(),
            counts,
            outdated: Vec::new(),
        }
    }

    /// Whether entry `index` covers an earlier text than its digest says.
    pub fn outdated(&self, index: usize) -> bool {
        self.outdated.get(index).copied().unwrap_or(false)
    }

    /// Every entry counts, whatever proves it (`proof: any`, and callers
    /// that judge the text only).
    pub fn any() -> Proofs {
        Proofs::unattributed(Level::Recorded)
    }

    /// The proof of entry `index`.
    pub fn of(&self, index: usize) -> Proof {
        self.entries
            .get(index)
            .cloned()
            .unwrap_or_else(Proof::unattributed)
    }

    /// Whether entry `index` counts as consent.
    pub fn counts(&self, index: usize) -> bool {
        self.counts == Level::Recorded || self.of(index).level() >= self.counts
    }
}

/// Judges entries: the allowed signers, the approvals (in CI), the level.
#[derive(Debug, Clone)]
pub struct Prover {
    /// The repository's allowed signers.
    pub signers: AllowedSigners,
    /// The handles who approved the pull request at its head (lower-case),
    /// when a forge said so.
    pub approvers: Vec<String>,
    /// The weakest level that counts.
    pub counts: Level,
}

impl Prover {
    /// A prover with no signers and no approvals.
    pub fn new(counts: Level) -> Prover {
        Prover {
            signers: AllowedSigners::default(),
            approvers: Vec::new(),
            counts,
        }
    }

    /// The proof of each entry of `fields`, given the commit that added it
    /// (`added[i]` for entry `i`; `None` when it is in no commit).
    pub fn proofs(&self, fields: &FrontMatter, added: &[Option<Added>]) -> Proofs {
        let entries = fields
            .consent
            .iter()
            .enumerate()
            .map(|(i, entry)| {
                let party = entry
                    .handle
                    .as_ref()
                    .and_then(|h| fields.party_by_handle(&h.value));
                self.proof(party, added.get(i).and_then(Option::as_ref))
            })
            .collect();
        Proofs {
            entries,
            counts: self.counts,
            outdated: Vec::new(),
        }
    }

    /// The strongest proof that ties `added` (the commit that added an
    /// entry) to `party` (the party the entry names, if any).
    pub fn proof(&self, party: Option<&Party>, added: Option<&Added>) -> Proof {
        // A shallow clone's boundary commit holds the entry, but may not
        // be the commit that added it: only an approval can prove it then.
        let truncated = added.is_some_and(|a| a.truncated);
        let Some(party) = party else {
            return if truncated {
                Proof::Unknown
            } else {
                recorded(added)
            };
        };
        let signed = added
            .filter(|_| !truncated)
            .and_then(|a| self.signed_by(party, a).map(|key| (a, key)));
        if let Some((added, key)) = signed {
            return Proof::Signed {
                commit: added.commit.clone(),
                key,
            };
        }
        let handle = party.handle.as_ref().map(|h| h.value.to_ascii_lowercase());
        if handle.is_some_and(|h| self.approvers.contains(&h)) {
            return Proof::Approved;
        }
        match added {
            _ if truncated => Proof::Unknown,
            Some(added) if is_authored_by(party, &added.author_email) => Proof::Authored {
                commit: added.commit.clone(),
            },
            _ => recorded(added),
        }
    }

    /// The fingerprint of the key that signed `added`, when the signature
    /// verifies and the allowed signers map that key to `party`.
    fn signed_by(&self, party: &Party, added: &Added) -> Option<String> {
        let signature = added.signature.as_ref()?;
        let sig = SshSig::from_pem(signature.armored.as_bytes()).ok()?;
        let key = PublicKey::from(sig.public_key().clone());
        key.verify("git", &signature.payload, &sig).ok()?;
        let day = added.date;
        self.signers
            .principals_of(sig.public_key(), day)
            .any(|principal| names_party(principal, party))
            .then(|| key.fingerprint(HashAlg::Sha256).to_string())
    }
}

fn recorded(added: Option<&Added>) -> Proof {
    Proof::Recorded {
        by: added.map(|a| a.author_name.clone()),
        commit: added.map(|a| a.commit.clone()),
    }
}

/// Whether an allowed-signers principal names `party`: its handle or its
/// email, case aside. Patterns (`*`, `?`) name nobody: a key is one
/// person's.
fn names_party(principal: &str, party: &Party) -> bool {
    if principal.contains(['*', '?']) {
        return false;
    }
    let principal = principal.trim_start_matches('@');
    [&party.handle, &party.email]
        .into_iter()
        .flatten()
        .any(|t| !t.value.is_empty() && t.value.eq_ignore_ascii_case(principal))
}

/// Whether `email` (a commit's author email) is `party`'s: their `email:`,
/// or a forge's no-reply address for their handle
/// (`12345+ada@users.noreply.github.com`, `ada@users.noreply.github.com`,
/// `12345-ada@users.noreply.gitlab.com`).
pub fn is_authored_by(party: &Party, email: &str) -> bool {
    let email = email.trim();
    if email.is_empty() {
        return false;
    }
    if party
        .email
        .as_ref()
        .is_some_and(|e| !e.value.trim().is_empty() && e.value.trim().eq_ignore_ascii_case(email))
    {
        return true;
    }
    let Some(handle) = party.handle.as_ref().map(|h| h.value.as_str()) else {
        return false;
    };
    let Some((local, host)) = email.rsplit_once('@') else {
        return false;
    };
    let digits_then = |sep: char| {
        local
            .split_once(sep)
            .filter(|(id, _)| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
            .map(|(_, name)| name)
    };
    let named = if host.eq_ignore_ascii_case("users.noreply.github.com") {
        digits_then('+').or(Some(local))
    } else if host.eq_ignore_ascii_case("users.noreply.gitlab.com") {
        digits_then('-')
    } else {
        None
    };
    named.is_some_and(|name| !handle.is_empty() && name.eq_ignore_ascii_case(handle))
}

/// A repository's allowed signers: git's `gpg.ssh.allowedSignersFile`
/// format (ssh-keygen(1), ALLOWED SIGNERS), one key a line:
/// `PRINCIPALS [OPTIONS] KEYTYPE BASE64 [COMMENT]`.
///
/// Principals are comma-separated. Of the options, `namespaces="…"` must
/// include `git` and `valid-after`/`valid-before` (YYYYMMDD…) bound the
/// commit's day; a `cert-authority` line is kept out (certificates are not
/// verified here).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllowedSigners {
    signers: Vec<Signer>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Signer {
    principals: Vec<String>,
    key: KeyData,
    /// `YYYYMMDD` bounds, as numbers.
    after: Option<u32>,
    before: Option<u32>,
}

/// A line of an allowed-signers file that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {reason}")]
pub struct SignersError {
    /// The line, from 1.
    pub line: usize,
    /// What is wrong.
    pub reason: String,
}

/// The most lines an allowed-signers file is read for (a line per key).
pub const MAX_SIGNERS: usize = 10_000;

impl AllowedSigners {
    /// Read an allowed-signers file's text.
    pub fn parse(text: &str) -> Result<AllowedSigners, SignersError> {
        let mut signers = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let error = |reason: String| SignersError {
                line: i + 1,
                reason,
            };
            if signers.len() >= MAX_SIGNERS {
                return Err(error(format!("more than {MAX_SIGNERS} keys")));
            }
            if let Some(signer) = parse_signer(line).map_err(error)? {
                signers.push(signer);
            }
        }
        Ok(AllowedSigners { signers })
    }

    /// How many keys it holds.
    pub fn len(&self) -> usize {
        self.signers.len()
    }

    /// Whether it holds no key.
    pub fn is_empty(&self) -> bool {
        self.signers.is_empty()
    }

    /// The principals `key` may sign for on `day` (any day when unknown).
    pub fn principals_of<'a>(
        &'a self,
        key: &'a KeyData,
        day: Option<Date>,
    ) -> impl Iterator<Item = &'a str> + 'a {
        let day = day.map(|d| {
            u32::try_from(
                i32::from(d.year()) * 10_000 + i32::from(d.month()) * 100 + i32::from(d.day()),
            )
            .unwrap_or(0)
        });
        self.signers
            .iter()
            .filter(move |s| &s.key == key)
            .filter(move |s| match day {
                Some(day) => s.after.is_none_or(|a| day >= a) && s.before.is_none_or(|b| day <= b),
                None => s.after.is_none() && s.before.is_none(),
            })
            .flat_map(|s| s.principals.iter().map(String::as_str))
    }
}

/// One line: `None` for a line that names no usable key for git (another
/// namespace, a certificate authority).
fn parse_signer(line: &str) -> Result<Option<Signer>, String> {
    let (principals, rest) = split_field(line);
    let principals: Vec<String> = principals
        .split(',')
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty())
        .collect();
    if principals.is_empty() {
        return Err("no principal".to_owned());
    }
    let rest = rest.trim_start();
    // Options come before the key type when the next field is not one.
    let (options, key) = if looks_like_key_type(rest) {
        ("", rest)
    } else {
        let (options, key) = split_field(rest);
        (options, key.trim_start())
    };
    let mut signer = Signer {
        principals,
        key: PublicKey::from_openssh(key)
            .map_err(|e| format!("not a public key ({e})"))?
            .key_data()
            .clone(),
        after: None,
        before: None,
    };
    for option in split_options(options) {
        let (name, value) = option.split_once('=').unwrap_or((option, ""));
        let value = value.trim_matches('"');
        match name.to_ascii_lowercase().as_str() {
            "cert-authority" => return Ok(None),
            "namespaces" if !value.split(',').any(|n| n.trim() == "git") => return Ok(None),
            "namespaces" => {}
            "valid-after" => signer.after = Some(day_bound(value)?),
            "valid-before" => signer.before = Some(day_bound(value)?),
            other => {
                return Err(format!(
                    "unknown option `{}`",
                    crate::document::clip(other, 40)
                ));
            }
        }
    }
    Ok(Some(signer))
}

/// The first whitespace-separated field (quotes kept together) and the rest.
fn split_field(text: &str) -> (&str, &str) {
    let mut quoted = false;
    for (i, c) in text.char_indices() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => return (&text[..i], &text[i..]),
            _ => {}
        }
    }
    (text, "")
}

/// Comma-separated options, a quoted value kept whole.
fn split_options(options: &str) -> impl Iterator<Item = &str> {
    let mut quoted = false;
    options
        .split(move |c| {
            if c == '"' {
                quoted = !quoted;
            }
            c == ',' && !quoted
        })
        .map(str::trim)
        .filter(|o| !o.is_empty())
}

fn looks_like_key_type(field: &str) -> bool {
    let word = split_field(field).0;
    word.starts_with("ssh-") || word.starts_with("ecdsa-") || word.starts_with("sk-")
}

/// `YYYYMMDD[HHMM[SS]][Z]` as the number `YYYYMMDD`.
fn day_bound(value: &str) -> Result<u32, String> {
    value
        .get(..8)
        .filter(|d| d.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|d| d.parse().ok())
        .ok_or_else(|| {
            format!(
                "`{}` is not a YYYYMMDD time",
                crate::document::clip(value, 40)
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Text;

    fn party(handle: &str, email: Option<&str>) -> Party {
        let text = |value: &str| Text {
            value: value.to_owned(),
            span: Default::default(),
        };
        Party {
            name: Some(text("Ada Lovelace")),
            handle: Some(text(handle)),
            role: None,
            email: email.map(text),
            span: Default::default(),
        }
    }

    #[test]
    fn authored_by_the_party_email_or_a_no_reply_address_for_the_handle() {
        let ada = party("ada", Some("Ada@Example.com"));
        assert!(is_authored_by(&ada, "ada@example.com"));
        assert!(is_authored_by(&ada, "1001+ada@users.noreply.github.com"));
        assert!(is_authored_by(&ada, "ada@users.noreply.github.com"));
        assert!(is_authored_by(&ada, "77-ada@users.noreply.gitlab.com"));
        for other in [
            "",
            "mallory@example.com",
            "1001+adam@users.noreply.github.com",
            "ada@users.noreply.github.com.evil.example",
            "x+ada@users.noreply.github.com",
            "ada@users.noreply.gitlab.com",
        ] {
            assert!(!is_authored_by(&ada, other), "{other}");
        }
        assert!(!is_authored_by(&party("ada", None), "ada@example.com"));
    }

    const KEY: &str =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINyR80RMKzDpRzIv6hXptuPNatlxSxqFrCrkq8ZvW/ez";

    #[test]
    fn allowed_signers_lines_as_git_reads_them() {
        let text = format!(
            "# who signs\n\nada@example.com,ada {KEY} ada's laptop\ngrace@example.com namespaces=\"file,git\",valid-after=\"20260101\" {KEY}\nops namespaces=\"file\" {KEY}\nca cert-authority {KEY}\n*@example.com {KEY}\n"
        );
        let signers = AllowedSigners::parse(&text).expect("parses");
        assert_eq!(signers.len(), 3);
        let key = PublicKey::from_openssh(KEY)
            .expect("key")
            .key_data()
            .clone();
        let day = |s: &str| crate::document::dates::parse_date(s).ok();
        let on = |d| signers.principals_of(&key, day(d)).collect::<Vec<_>>();
        assert_eq!(
            on("2025-12-31"),
            ["ada@example.com", "ada", "*@example.com"]
        );
        assert_eq!(
            on("2026-01-01"),
            [
                "ada@example.com",
                "ada",
                "grace@example.com",
                "*@example.com"
            ]
        );
        // A pattern names nobody.
        assert!(!names_party(
            "*@example.com",
            &party("ada", Some("ada@example.com"))
        ));
        assert!(names_party("@ADA", &party("ada", None)));
        for (bad, why) in [
            (format!("ada {KEY}x"), "not a public key"),
            (format!("ada foo=bar {KEY}"), "unknown option `foo`"),
            (
                format!("ada valid-before=\"soon\" {KEY}"),
                "is not a YYYYMMDD time",
            ),
        ] {
            let err = AllowedSigners::parse(&bad).expect_err("refused");
            assert_eq!(err.line, 1);
            assert!(err.reason.contains(why), "{bad}: {err}");
        }
    }

    #[test]
    fn levels_order_and_what_counts() {
        assert!(Level::Signed > Level::Approved && Level::Approved > Level::Authored);
        assert_eq!(Level::from_config_word("any"), Some(Level::Recorded));
        assert_eq!(Level::from_config_word("trust"), None);
        let proofs = Proofs {
            entries: vec![
                Proof::Authored {
                    commit: "1a2b".to_owned(),
                },
                Proof::unattributed(),
            ],
            counts: Level::Authored,
            outdated: Vec::new(),
        };
        assert!(proofs.counts(0));
        assert!(!proofs.counts(1));
        assert!(!proofs.counts(7));
        assert!(Proofs::any().counts(7));
    }
}
