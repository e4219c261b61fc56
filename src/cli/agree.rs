//! `alliance agree`: record a party's consent to the current text.

use clap::Args;
use std::io::Write;
use std::path::PathBuf;

use super::Failed;
use crate::consent::{Level, Proof};
use crate::history::Identity;
use crate::report::sanitize;
use crate::workspace::config::Config;

pub(super) const AGREE_HELP: &str = "\
Appends `{handle: HANDLE, date: DATE, digest: v2:sha256:...}` to the front
matter's `consent:` list and keeps every other byte. The digest names the
text agreed to: the Markdown source of the sections and items, markup, link
targets and inline fields included; not layout (whitespace, line wrapping,
list markers and numbering, a task box's tick, `[review:: ...]` and
`[id:: ...]`), and not the front matter (review dates, status, title,
parties, the consent list itself). When the agreement changes, earlier
consent stays in the list as history but no longer covers it: `check`,
`due` and `diff` show who must agree again. An entry written before this
form (`digest: sha256:...`) still counts where git shows the text unchanged
since it was committed; agreeing again records the current form.

An entry is proven by the commit that adds it: record your own consent and
commit it as yourself (your party's `email:` or your forge's no-reply
address: authored), signed with your SSH key where the repository counts
`signed` (.alliance.yaml `consent: {proof: ...}`; docs/consent.md). `agree`
warns when the git identity that will commit is not the party's: an entry
recorded for someone else counts for nobody.

When the last party agrees to a `proposed` alliance (and their entry will
count), its status becomes `active` in the same edit. An alliance adopted
before consent existed: each party runs `alliance agree --as HANDLE` once.

Agreeing again to the same version changes nothing (exit 0). Refused, with
the file untouched: a handle that is not a party's, a retired alliance, a
draft (set `status: proposed` first), front matter that cannot be edited.

Examples:
  alliance agree --as ada
  alliance agree TEAM_ALLIANCE.md --as @grace --date 2026-11-20
  git commit -am \"Grace agrees to the new on-call rule\"

Exit codes: 0 recorded (or already recorded), 2 refused (the file is untouched).";

/// Arguments of `alliance agree`.
#[derive(Debug, Args)]
pub struct AgreeArgs {
    /// The alliance (default: the repository's only one; with several, those waiting for HANDLE to name one from).
    pub path: Option<PathBuf>,
    /// The party who agrees: their handle, with or without `@`.
    #[arg(long = "as", value_name = "HANDLE")]
    pub who: String,
    /// The day of the consent, YYYY-MM-DD (default: today in local time, or ALLIANCE_TODAY).
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
}

pub(super) fn run(
    args: &AgreeArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<u8, Failed> {
    let date = super::date_or_today("--date", args.date.as_deref())?;
    let who = args.who.trim_start_matches('@');
    let path = super::history_path::named_or_choose(
        args.path.as_deref(),
        "agree",
        &format!(" --as {}", crate::escape::shell_word(&args.who)),
        &format!("name the one @{who} agrees to (those waiting for their consent)"),
        |doc| waiting_for(doc, who),
        super::history_path::Otherwise {
            question: &format!("none waits for @{who}'s consent; name one of @{who}'s"),
            keep: &|doc| {
                doc.fields()?.party_by_handle(who)?;
                Some(super::history_path::state(doc, date))
            },
            none: &format!(
                "none has a party with the handle @{who}; check the handle under `parties:`"
            ),
        },
    )?;
    let agreement = crate::tasks::agree::agree(&path, &args.who, date)?;
    crate::tasks::agree::write(&agreement)?;
    let agreed = &agreement.agreed;
    let shown = sanitize(&path.display().to_string()).into_owned();
    crate::report::write::agreed(&shown, agreed, out)?;
    if agreed.edited.changes.is_empty() {
        return Ok(0);
    }
    if args.date.is_some() && date != crate::clock::today()? {
        writeln!(
            out,
            "dated {date} by --date: the commit that records it shows when it was recorded"
        )?;
    }
    if let Some(identity) = &agreement.identity {
        let fields = agreement.doc.fields();
        warn_proof(agreed, fields, identity, &agreement.config, err)?;
    }
    Ok(0)
}

/// Warn when the commit that will record the entry will not prove it as
/// the repository requires, and say how to sign.
fn warn_proof(
    agreed: &crate::write::agree::Agreed,
    fields: Option<&crate::document::FrontMatter>,
    identity: &Identity,
    config: &Config,
    err: &mut dyn Write,
) -> std::io::Result<()> {
    let party = sanitize(&agreed.party).into_owned();
    if let Proof::Recorded { by: Some(by), .. } = &agreed.proof {
        writeln!(
            err,
            "alliance: warning: the next commit will be authored by {}, not by {party}: the entry will read as recorded by someone else",
            sanitize(by),
        )?;
        let whose = identity.email.as_deref().and_then(|email| {
            fields
                .into_iter()
                .flat_map(|f| &f.parties)
                .find(|p| crate::consent::proof::is_authored_by(p, email))
        });
        match (&identity.email, whose) {
            (Some(email), Some(other)) => writeln!(
                err,
                "alliance: {} is {}'s address: {party} records their own consent, from their own clone",
                sanitize(email),
                sanitize(&other.label())
            )?,
            (Some(email), None) => writeln!(
                err,
                "alliance: if you are {party}, add `email: {}` to {party} under `parties:` and commit; if not, {party} records their own consent",
                sanitize(email)
            )?,
            (None, _) => writeln!(
                err,
                "alliance: {party} records their own consent, committed as themselves (the `email:` under their party, or their forge's no-reply address)"
            )?,
        }
    }
    if config.consent.proof == Level::Signed && !identity.signs_ssh {
        writeln!(
            err,
            "alliance: warning: this repository counts signed consent only: commit with `git commit -S` (gpg.format ssh) using a key listed for {party} in {} (docs/consent.md: Signing consent)",
            sanitize(&config.consent.allowed_signers.display().to_string())
        )?;
    }
    Ok(())
}

/// Whether `doc` waits for the consent of the party with `handle` (to its
/// current text, by the text alone), and in a few words who else it waits
/// for.
fn waiting_for(doc: &crate::document::Alliance, handle: &str) -> Option<String> {
    let fields = doc.fields()?;
    fields.party_by_handle(handle)?;
    let consent = crate::consent::Consent::of(doc, &crate::consent::Proofs::any())?;
    let waiting: Vec<String> = consent
        .not_agreed()
        .map(|p| {
            p.handle
                .clone()
                .map_or(p.party.clone(), |h| format!("@{h}"))
        })
        .collect();
    let mine = consent.not_agreed().any(|p| {
        p.handle
            .as_deref()
            .is_some_and(|h| h.eq_ignore_ascii_case(handle))
    });
    mine.then(|| {
        crate::report::sanitize(&format!(
            "{}, waiting for {}",
            fields.status().as_str(),
            waiting.join(", ")
        ))
        .into_owned()
    })
}
