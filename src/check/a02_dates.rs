//! Date rules, A020–A022: front-matter dates are real days, the cadence
//! parses, and the next review does not come before the last.

use crate::document::Alliance;

use super::{Finding, Rule};

/// A020–A022.
pub(super) fn check(doc: &Alliance, out: &mut Vec<Finding>) {
    let Some(fields) = doc.fields() else {
        return;
    };
    let review = &fields.review;
    let named = [
        ("created", fields.created.as_ref()),
        ("review.last", review.last.as_ref()),
        ("review.next", review.next.as_ref()),
    ];
    let logged = fields
        .reviews
        .iter()
        .filter_map(|r| r.date.as_ref().map(|d| ("reviews[].date", Some(d))));
    for (key, field) in named.into_iter().chain(logged) {
        let Some(field) = field else { continue };
        if let Err(e) = &field.date {
            out.push(
                Finding::error(Rule::InvalidDate, format!("`{key}`: {e}"))
                    .help("write the day as YYYY-MM-DD, e.g. 2026-03-31")
                    .at(doc, field.span),
            );
        }
    }
    if let (Some(every), Some(Err(e))) = (&review.every, review.cadence()) {
        out.push(
            Finding::error(Rule::InvalidCadence, format!("`review.every`: {e}"))
                .help("e.g. `every: 3 months` or `every: quarterly`")
                .at(doc, every.span),
        );
    }
    if let (Some(last), Some(next)) = (&review.last, &review.next) {
        if let (Some(l), Some(n)) = (last.get(), next.get()) {
            if n < l {
                let suggestion = match review.cadence() {
                    Some(Ok(c)) => c
                        .after(l)
                        .map(|d| {
                            format!("set it to {d} (last review + {c}), or remove it to derive it")
                        })
                        .unwrap_or_default(),
                    _ => "set it after the last review, or remove it to derive it from `every`"
                        .to_owned(),
                };
                out.push(
                    Finding::error(
                        Rule::NextBeforeLast,
                        format!("`review.next` ({n}) is before `review.last` ({l})"),
                    )
                    .help(suggestion)
                    .at(doc, next.span),
                );
            }
        }
    }
}
