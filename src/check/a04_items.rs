//! Item rules, A040–A042: an item's own review date is a date, its owners
//! are parties, and its id is unique in the document. The fields are read
//! through the document's vocabulary (`Item::review`, `Item::owners`,
//! `Item::id`), never by spelling their keys here.

use std::collections::HashMap;

use crate::document::vocabulary::keys;
use crate::document::{Alliance, Item, Party, clip};

use super::{Finding, Rule};

/// A040–A042.
pub(super) fn check(doc: &Alliance, out: &mut Vec<Finding>) {
    let parties = doc
        .fields()
        .map(|f| f.parties.as_slice())
        .unwrap_or_default();
    let known = Parties::new(parties);
    let mut ids: HashMap<&str, usize> = HashMap::new();
    for (_, item) in doc.items() {
        review_date(doc, item, out);
        if !parties.is_empty() {
            owners(doc, item, &known, out);
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
fn owners(doc: &Alliance, item: &Item, parties: &Parties<'_>, out: &mut Vec<Finding>) {
    let Some(field) = item.owner_field() else {
        return;
    };
    for who in item.owners() {
        if parties.has(who) {
            continue;
        }
        let known = parties.labels();
        out.push(
            Finding::error(
                Rule::UnknownOwner,
                format!("owner `{}` is not one of the parties", clip(who, 80)),
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
            format!(
                "item id `{}` is already used on line {line}",
                clip(&field.value, 80)
            ),
        )
        .help("give each item its own id; ids let `alliance diff` follow an item through rewording")
        .at(doc, field.value_span),
    );
}

/// The parties of an alliance, for looking up owners: one set of handles
/// and names (past a handful of parties), built at the first owner, so a
/// thousand owners among a thousand parties cost a thousand look-ups, not
/// a million comparisons; and the list a help line names, built once and
/// cut short.
struct Parties<'a> {
    parties: &'a [Party],
    names: std::cell::OnceCell<std::collections::HashSet<String>>,
    labels: std::cell::OnceCell<std::rc::Rc<str>>,
}

/// How many parties a help line names before "and N more".
const PARTIES_NAMED: usize = 10;

impl<'a> Parties<'a> {
    fn new(parties: &'a [Party]) -> Self {
        Parties {
            parties,
            names: std::cell::OnceCell::new(),
            labels: std::cell::OnceCell::new(),
        }
    }

    /// Whether `who` (a handle with or without `@`, or a name) is a party,
    /// as [`Party::is`] says.
    fn has(&self, who: &str) -> bool {
        let who = who.trim().trim_start_matches('@');
        if self.parties.len() <= PARTIES_NAMED {
            return self.parties.iter().any(|p| p.is(who));
        }
        let names = self.names.get_or_init(|| {
            self.parties
                .iter()
                .flat_map(|p| [&p.handle, &p.name])
                .flatten()
                .map(|t| t.value.to_ascii_lowercase())
                .collect()
        });
        names.contains(&who.to_ascii_lowercase())
    }

    /// `@ada, @grace`, at most [`PARTIES_NAMED`] of them.
    fn labels(&self) -> std::rc::Rc<str> {
        self.labels
            .get_or_init(|| {
                let mut named: Vec<String> = self
                    .parties
                    .iter()
                    .take(PARTIES_NAMED)
                    .map(|p| clip(&p.label(), 80).into_owned())
                    .collect();
                if self.parties.len() > PARTIES_NAMED {
                    named.push(format!("and {} more", self.parties.len() - PARTIES_NAMED));
                }
                named.join(", ").into()
            })
            .clone()
    }
}
