//! Item rules, A040–A042: an item's own review date is a date, its owners
//! are parties, and its id is unique in the document. The fields are read
//! through the document's vocabulary (`Item::review`, `Item::owners`,
//! `Item::id`), never by spelling their keys here.

use std::collections::HashMap;

use crate::document::vocabulary::keys;
use crate::document::{Alliance, Item, Party};

use super::{Finding, Rule};

/// A040–A042.
pub(super) fn check(doc: &Alliance, out: &mut Vec<Finding>) {
    let parties = doc
        .fields()
        .map(|f| f.parties.as_slice())
        .unwrap_or_default();
    let mut ids: HashMap<&str, usize> = HashMap::new();
    for (_, item) in doc.items() {
        review_date(doc, item, out);
        if !parties.is_empty() {
            owners(doc, item, parties, out);
        }
        unique_id(doc, item, &mut ids, out);
    }
}

/// A040: `[review:: …]` is a date.
fn review_date(doc: &Alliance, item: &Item, out: &mut Vec<Finding>) {
    let (Some(field), Some(Err(e))) = (item.review_field(), item.review()) else {
        return;
    };
    out.push(
        Finding::error(Rule::InvalidItemReview, format!("item review date: {e}"))
            .help("write it as `[review:: YYYY-MM-DD]`")
            .at(doc, field.value_span),
    );
}

/// A041: every owner is one of the parties.
fn owners(doc: &Alliance, item: &Item, parties: &[Party], out: &mut Vec<Finding>) {
    let Some(field) = item.owner_field() else {
        return;
    };
    for who in item.owners() {
        if parties.iter().any(|p| p.is(who)) {
            continue;
        }
        let known = parties
            .iter()
            .map(|p| p.label())
            .collect::<Vec<_>>()
            .join(", ");
        out.push(
            Finding::error(
                Rule::UnknownOwner,
                format!("owner `{who}` is not one of the parties"),
            )
            .help(format!(
                "use a party's handle ({known}), or add them to `parties`"
            ))
            .at(doc, field.value_span),
        );
    }
}

/// A042: no two items share an id.
fn unique_id<'d>(
    doc: &'d Alliance,
    item: &'d Item,
    ids: &mut HashMap<&'d str, usize>,
    out: &mut Vec<Finding>,
) {
    let Some(field) = item.field(keys::ID) else {
        return;
    };
    let Some(first) = ids.insert(field.value.as_str(), field.span.start) else {
        return;
    };
    let (line, _) = doc.line_col(first);
    out.push(
        Finding::error(
            Rule::DuplicateItemId,
            format!("item id `{}` is already used on line {line}", field.value),
        )
        .help("give each item its own id; ids let `alliance diff` follow an item through rewording")
        .at(doc, field.value_span),
    );
}
