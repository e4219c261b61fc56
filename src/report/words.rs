//! The words of messages, defined once for every renderer: plurals and
//! the one-line summaries of what changed in an agreement.

use crate::check::Severity;
use crate::compare::Counts;

/// "1 agreement", "2 agreements"; "1 party", "2 parties".
pub fn plural(n: usize, noun: &str) -> String {
    match (n, noun) {
        (1, _) => format!("{n} {noun}"),
        (_, "party") => format!("{n} parties"),
        _ => format!("{n} {noun}s"),
    }
}

/// The word for a severity: `error`, `warning`. GitHub's workflow
/// commands and SARIF's levels use the same words.
pub fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// "2 agreements added, 1 removed, 3 reworded", or "no changes".
pub fn headline(counts: &Counts) -> String {
    let mut parts = Vec::new();
    let items = [
        (counts.added, "added"),
        (counts.removed, "removed"),
        (counts.reworded, "reworded"),
        (counts.moved, "moved"),
    ];
    for (n, what) in items.into_iter().filter(|(n, _)| *n > 0) {
        // The noun goes with the first count only.
        if parts.is_empty() {
            parts.push(format!("{} {what}", plural(n, "agreement")));
        } else {
            parts.push(format!("{n} {what}"));
        }
    }
    if counts.joined > 0 {
        parts.push(format!("{} joined", plural(counts.joined, "party")));
    }
    if counts.left > 0 {
        parts.push(format!("{} left", plural(counts.left, "party")));
    }
    if counts.sections > 0 {
        parts.push(format!(
            "{} added, removed or renamed",
            plural(counts.sections, "section")
        ));
    }
    if counts.other > 0 {
        parts.push(format!(
            "{} in the front matter",
            plural(counts.other, "other change")
        ));
    }
    if parts.is_empty() {
        "no changes".to_owned()
    } else {
        parts.join(", ")
    }
}

/// "4 agreements in 2 sections, 2 parties": a first version in words.
pub fn first_version(agreements: usize, sections: usize, parties: usize) -> String {
    let mut text = format!(
        "{} in {}",
        plural(agreements, "agreement"),
        plural(sections, "section")
    );
    if parties > 0 {
        text.push_str(&format!(", {}", plural(parties, "party")));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plurals() {
        assert_eq!(plural(1, "party"), "1 party");
        assert_eq!(plural(2, "party"), "2 parties");
        assert_eq!(plural(0, "review"), "0 reviews");
    }

    #[test]
    fn headlines() {
        let counts = Counts {
            added: 2,
            removed: 1,
            joined: 1,
            ..Counts::default()
        };
        assert_eq!(
            headline(&counts),
            "2 agreements added, 1 removed, 1 party joined"
        );
        assert_eq!(headline(&Counts::default()), "no changes");
    }
}
