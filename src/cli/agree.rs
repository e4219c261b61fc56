//! `alliance agree`: record a party's consent to the current text.

use std::io::Write;

use super::{AgreeArgs, Failed};
use crate::report::sanitize;
use crate::workspace::read_document;

pub(super) fn run(args: &AgreeArgs, out: &mut dyn Write) -> Result<u8, Failed> {
    let date = super::date_or_today("--date", args.date.as_deref())?;
    let path = super::history_path::named_or_only(args.path.as_deref(), "agree")?;
    let doc = read_document(&path)?;
    let agreed =
        crate::write::agree::agree(&doc, &args.who, date).map_err(|source| Failed::Agree {
            path: path.clone(),
            source,
        })?;
    if !agreed.edited.changes.is_empty() {
        let root = crate::workspace::root_of(&path);
        crate::write::atomic::write(
            &root,
            &path,
            agreed.edited.text.as_bytes(),
            crate::write::atomic::Replace::IfUnchanged(doc.text.as_bytes()),
        )?;
    }
    let shown = sanitize(&path.display().to_string()).into_owned();
    crate::report::write::agreed(&shown, &agreed, out)?;
    Ok(0)
}
