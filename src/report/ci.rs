//! What `alliance ci` posts: the pull-request comment (one per pull
//! request, found again by its hidden marker) and the CI job summary.
//!
//! Both are Markdown built from the same [`ChangeSet`]: every alliance a
//! change touches, added (shown whole), removed, renamed or changed (the
//! semantic diff, rendered by [`super::diff::markdown_changes`]). Document
//! text is escaped by [`md_escape`] and paths by [`code_path`] (both from
//! `report::escape::markdown`): nothing from a document can reach the first
//! line, where the marker is, or hold a `<!--` anywhere in the comment.
//!
//! Both stay under the forge's size limits by [`fit`]: detail is dropped
//! from the last block first (a block falls back to its one-line headline,
//! then is left out), and a closing line says what was dropped.

use std::fmt::Write as _;

use crate::ci::MARKER;
use crate::ci::changes::{AllianceChange, Approvals, ChangeKind, ChangeSet};
use crate::ci::forge::Strangers;
use crate::ci::rules::{RuleDifference, RulesChange, RulesFile};
use crate::due::{DueReport, Tier};
use crate::kind::Content;
use crate::report::CheckReport;
use crate::report::diff::{markdown_changes_at, md_escape};
use crate::report::due::{DueFormat, render};
use crate::report::plural;

/// GitHub's limit for a comment body, in characters.
pub const COMMENT_LIMIT: usize = 65_536;

/// GitHub's limit for one step's job summary, in bytes.
pub const SUMMARY_LIMIT: usize = 1_048_576;

/// A piece of a report that can shrink: its full text, and the line it
/// falls back to when the report is too big.
#[derive(Debug, Clone)]
pub struct Block {
    /// The full text.
    pub full: String,
    /// The short form (a headline).
    pub short: String,
}

/// Join `head`, the `blocks` and `tail` into at most `limit` units of
/// `measure` (characters for a comment, bytes for a summary), turning the
/// last blocks into their short form first, then leaving the last ones out,
/// and saying so in a closing line. `what` names the limit in that line.
pub fn fit(
    head: &str,
    blocks: &[Block],
    tail: &str,
    limit: usize,
    measure: fn(&str) -> usize,
    what: &str,
) -> String {
    // Room for the closing line that says what was dropped.
    const NOTE_ROOM: usize = 600;
    let fixed = measure(head) + measure(tail);
    let mut total: usize = fixed + blocks.iter().map(|b| measure(&b.full)).sum::<usize>();
    let mut shortened = 0;
    let mut dropped = 0;
    if total > limit {
        total += NOTE_ROOM;
        for block in blocks.iter().rev() {
            if total <= limit {
                break;
            }
            total = total - measure(&block.full) + measure(&block.short);
            shortened += 1;
        }
        for block in blocks.iter().rev() {
            if total <= limit {
                break;
            }
            total -= measure(&block.short);
            dropped += 1;
        }
        shortened = shortened.min(blocks.len() - dropped);
    }
    let kept = blocks.len() - dropped;
    let mut out = String::with_capacity(total.min(limit));
    out.push_str(head);
    for (i, block) in blocks.iter().take(kept).enumerate() {
        if i >= kept - shortened {
            out.push_str(&block.short);
        } else {
            out.push_str(&block.full);
        }
    }
    if shortened > 0 || dropped > 0 {
        let mut note = format!("\n> [!NOTE]\n> Cut to stay under {what}: ");
        let mut parts = Vec::new();
        if shortened > 0 {
            parts.push(format!(
                "{} shown as a headline only",
                plural(shortened, "part")
            ));
        }
        if dropped > 0 {
            parts.push(format!("the last {} left out", plural(dropped, "part")));
        }
        note.push_str(&parts.join(", "));
        note.push_str(
            ". Run `alliance diff PATH --base BASE` (or `alliance ci comment --dry-run`) for all of it.\n",
        );
        out.push_str(&note);
    }
    out.push_str(tail);
    out
}

/// Characters, as GitHub counts a comment.
pub fn chars(text: &str) -> usize {
    text.chars().count()
}

/// Bytes, as GitHub counts a job summary.
pub fn bytes(text: &str) -> usize {
    text.len()
}

/// A path in monospace, by [`crate::escape::markdown::code`]: a
/// backtick, a line break or a `<!--` in a file name cannot end it or put a
/// marker into the comment's source.
pub fn code_path(path: &str) -> String {
    crate::escape::markdown::code(path)
}

impl ChangeSet {
    /// The headline: "2 alliances changed: 1 added, 1 changed".
    pub fn headline(&self) -> String {
        let rules = match self.rules.len() {
            0 => String::new(),
            n => format!("; rules changed in {}", plural(n, "file")),
        };
        if self.changes.is_empty() {
            return format!("No changes to alliances{rules}");
        }
        let count = |c: ChangeKind| self.changes.iter().filter(|a| a.change == c).count();
        let mut parts = Vec::new();
        for (change, word) in [
            (ChangeKind::Added, "added"),
            (ChangeKind::Removed, "removed"),
            (ChangeKind::Renamed, "renamed"),
            (ChangeKind::Changed, "changed"),
        ] {
            let n = count(change);
            if n > 0 {
                parts.push(format!("{n} {word}"));
            }
        }
        format!(
            "{} touched: {}{rules}",
            plural(self.changes.len(), "alliance"),
            parts.join(", ")
        )
    }

    /// One block per alliance.
    pub fn blocks(&self) -> Vec<Block> {
        self.blocks_at(3)
    }

    /// [`ChangeSet::blocks`] with each alliance's heading at `level` (`###`
    /// is 3), for a report where they sit deeper (the job summary).
    pub fn blocks_at(&self, level: usize) -> Vec<Block> {
        let rules = self.rules.iter().map(|r| rules_block(r, level));
        rules
            .chain(
                self.changes
                    .iter()
                    .map(|c| block(c, self.approvals.as_ref(), level)),
            )
            .collect()
    }

    /// The line that says what was compared, naming the base once: a
    /// commit given as the base that is the merge base is named by its
    /// short id alone.
    pub fn compared(&self) -> String {
        let same = !self.base_commit.is_empty()
            && self.base.len() >= self.base_commit.len()
            && self.base.starts_with(&self.base_commit)
            && self.base.bytes().all(|b| b.is_ascii_hexdigit());
        if same {
            return format!(
                "Compared with the merge base {} and this change.",
                md_escape(&self.base_commit)
            );
        }
        format!(
            "Compared with the merge base of {} ({}) and this change.",
            md_escape(&self.base),
            md_escape(&self.base_commit)
        )
    }

    /// The pull-request comment: the marker, a headline, one block per
    /// alliance, within [`COMMENT_LIMIT`].
    pub fn comment(&self) -> String {
        self.comment_noting(&Strangers::default())
    }

    /// [`ChangeSet::comment`], saying that other accounts' comments carry
    /// the marker too and were left alone (`ci comment` never edits them).
    pub fn comment_noting(&self, strangers: &Strangers) -> String {
        let mut head = String::new();
        let _ = writeln!(head, "{MARKER}");
        let _ = writeln!(head, "## Alliances: {}", self.headline());
        let _ = writeln!(head);
        let _ = writeln!(head, "{}", self.compared());
        if !strangers.is_empty() {
            let _ = writeln!(head);
            let _ = writeln!(head, "{}", left_alone(strangers));
        }
        if self.changes.is_empty() && self.rules.is_empty() {
            let _ = writeln!(head);
            let _ = writeln!(
                head,
                "This change does not touch any alliance (any more): nothing for the parties to agree to."
            );
        }
        let tail =
            "\n<sub>Posted by `alliance ci comment`, updated in place on every push.</sub>\n";
        fit(
            &head,
            &self.blocks(),
            tail,
            COMMENT_LIMIT,
            chars,
            "GitHub's limit of 65,536 characters for a comment",
        )
    }
}

/// "A comment by @mallory also carries this comment's marker; it was not
/// written by alliance and was left alone." Handles escaped, mentions inert.
fn left_alone(strangers: &Strangers) -> String {
    let mut names: Vec<String> = strangers
        .handles
        .iter()
        .map(|h| md_escape(&format!("@{h}")))
        .collect();
    if strangers.more > 0 {
        names.push(plural(strangers.more, "other"));
    }
    let one = names.len() == 1;
    let names = match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => names.concat(),
    };
    if one {
        format!(
            "A comment by {names} also carries this comment's marker; it was not written by alliance and was left alone."
        )
    } else {
        format!(
            "Comments by {names} also carry this comment's marker; they were not written by alliance and were left alone."
        )
    }
}

fn block(change: &AllianceChange, approvals: Option<&Approvals>, level: usize) -> Block {
    let hashes = "#".repeat(level);
    let path = code_path(&change.path);
    let title = change
        .title
        .as_deref()
        .map(|t| format!(" — {}", md_escape(t)))
        .unwrap_or_default();
    let counts = crate::report::words::headline(&change.diff.counts());
    let heading = match change.change {
        ChangeKind::Added => format!("{hashes} ➕ Added {path}{title}"),
        ChangeKind::Removed => format!("{hashes} ➖ Removed {path}{title}"),
        ChangeKind::Renamed => format!(
            "{hashes} 🔀 Renamed {} → {path}{title}",
            code_path(change.old_path.as_deref().unwrap_or(""))
        ),
        ChangeKind::Changed => format!("{hashes} ✏️ Changed {path}{title}"),
    };
    let consent = change
        .consent
        .as_ref()
        .map(|c| {
            format!(
                "\n{}\n",
                crate::report::consent::markdown_block_with(
                    c,
                    approvals.map(|a| (a.handles.as_slice(), a.what))
                )
            )
        })
        .unwrap_or_default();
    let mut full = format!("\n{heading}\n\n{}\n{consent}", md_escape(&counts));
    if change.change == ChangeKind::Removed {
        // What it said is in the base; the headline says how much goes.
    } else if change.diff.is_empty() && change.same_agreement {
        full.push_str("\nNo change to what the alliance says (formatting or layout only).\n");
    } else if change.diff.is_empty() {
        full.push_str("\nNo agreement was added, removed or reworded, but the text the parties agree to changed (its sections' order, say): consent to the old text does not cover it.\n");
    } else {
        let mut body = Vec::new();
        // Writing to a Vec cannot fail.
        let _ = markdown_changes_at(&change.diff, level + 1, &mut body);
        full.push_str(&String::from_utf8_lossy(&body));
    }
    let short = format!(
        "\n{heading}\n\n{} (detail left out)\n{consent}",
        md_escape(&counts)
    );
    Block { full, short }
}

/// The most alliances a rules block names; the rest are counted.
const NAMED_ALLIANCES: usize = 20;

/// One rules file the change touches: the alliances whose rules come from
/// it, and what changed in those rules.
fn rules_block(change: &RulesChange, level: usize) -> Block {
    let hashes = "#".repeat(level);
    let heading = format!("{hashes} 📐 Rules changed: {}", code_path(&change.path));
    let count = change.alliances.len();
    let affects = if count == 0 {
        "No alliance here uses it.".to_owned()
    } else {
        let mut names: Vec<String> = change
            .alliances
            .iter()
            .take(NAMED_ALLIANCES)
            .map(|a| code_path(a))
            .collect();
        if count > NAMED_ALLIANCES {
            names.push(format!("and {} more", count - NAMED_ALLIANCES));
        }
        format!(
            "Affects {}: {}. Their parties agree to these rules too.",
            plural(count, "alliance"),
            names.join(", ")
        )
    };
    let mut full = format!("\n{heading}\n\n{affects}\n\n");
    for difference in &change.differences {
        let _ = writeln!(full, "- {}", rule_difference(difference, change.file));
    }
    let short = format!("\n{heading}\n\n{affects} (detail left out)\n");
    Block { full, short }
}

/// One difference in the rules, in words; document text escaped.
fn rule_difference(difference: &RuleDifference, file: RulesFile) -> String {
    use RuleDifference as D;
    let or_none = |v: &Option<String>| v.as_deref().map_or("none".to_owned(), code_path);
    match difference {
        D::KindAdded { kind } => format!("kind {} added", code_path(kind)),
        D::KindRemoved { kind } => format!(
            "kind {} removed: its alliances name a kind that is not here",
            code_path(kind)
        ),
        D::Cadence { kind, from, to } => format!(
            "{}: cadence (`default_every`) {} → {}",
            code_path(kind),
            or_none(from),
            or_none(to)
        ),
        D::Instrument { kind, from, to } => format!(
            "{}: pulse instrument {} → {}",
            code_path(kind),
            or_none(from),
            or_none(to)
        ),
        D::Text { how } => text_change(file, how),
        D::BaseUnreadable { reason } => format!(
            "the kinds at the merge base could not be read, so no rule was compared: {}",
            md_escape(reason)
        ),
        section => section_difference(section),
    }
}

/// A difference in one section's rule, in words: "`team`: section
/// “Atmosphere” made optional (no longer required)".
fn section_difference(difference: &RuleDifference) -> String {
    use RuleDifference as D;
    let quoted = |s: &str| format!("“{}”", md_escape(s));
    let (kind, section, what) = match difference {
        D::SectionRemoved { kind, section } => {
            (kind, section, "removed (no longer asked for)".to_owned())
        }
        D::SectionAdded {
            kind,
            section,
            required,
        } => {
            let how = if *required { "required" } else { "optional" };
            (kind, section, format!("added ({how})"))
        }
        D::SectionRenamed { kind, from, to } => (
            kind,
            from,
            format!("renamed {} (the old name is still accepted)", quoted(to)),
        ),
        D::MadeOptional { kind, section } => (
            kind,
            section,
            "made optional (no longer required)".to_owned(),
        ),
        D::MadeRequired { kind, section } => (kind, section, "now required".to_owned()),
        D::Content {
            kind,
            section,
            from,
            to,
        } => {
            let empty = if *to == Content::Optional {
                "may now be empty: "
            } else {
                ""
            };
            let (from, to) = (content_word(*from), content_word(*to));
            (kind, section, format!("{empty}content `{from}` → `{to}`"))
        }
        D::AliasAdded {
            kind,
            section,
            alias,
        } => (
            kind,
            section,
            format!("also accepts the heading {}", quoted(alias)),
        ),
        D::AliasRemoved {
            kind,
            section,
            alias,
        } => (
            kind,
            section,
            format!("no longer accepts the heading {}", quoted(alias)),
        ),
        _ => return String::new(),
    };
    format!("{}: section {} {what}", code_path(kind), quoted(section))
}

/// A rules file whose text changed, in words.
fn text_change(file: RulesFile, how: &str) -> String {
    match file {
        RulesFile::Kind => format!("the definition was {how}; the rules it makes read the same"),
        RulesFile::Schema => format!("the front matter's schema was {how}"),
        RulesFile::Template => format!("the template was {how} (what `alliance new` writes)"),
        RulesFile::Instrument => {
            format!("the pulse instrument was {how}: its questions, scale or cadence may differ")
        }
        RulesFile::Config => format!("the settings were {how}: every alliance is affected"),
    }
}

/// How a kind's definition writes `content:`.
fn content_word(content: Content) -> &'static str {
    match content {
        Content::Items => "items",
        Content::Text => "text",
        Content::Optional => "optional",
    }
}

/// The job summary: check, due and the changes, within GitHub's 1 MiB.
pub fn summary_text(check: &CheckReport, due: &DueReport, set: Option<&ChangeSet>) -> String {
    let head = "## alliance\n";
    let mut blocks = vec![check_block(check), due_block(due)];
    match set {
        Some(set) => {
            let line = format!("\n### Changes: {}\n\n{}\n", set.headline(), set.compared());
            blocks.push(Block {
                full: line.clone(),
                short: line,
            });
            blocks.extend(set.blocks_at(4));
        }
        None => {
            let line =
                "\n### Changes\n\nNo base to compare with (not a pull request, and no --base).\n"
                    .to_owned();
            blocks.push(Block {
                full: line.clone(),
                short: line,
            });
        }
    }
    fit(
        head,
        &blocks,
        "",
        SUMMARY_LIMIT,
        bytes,
        "GitHub's limit of 1 MiB for a job summary",
    )
}

fn check_block(report: &CheckReport) -> Block {
    use crate::check::finding::Severity;
    let super::Totals {
        errors, warnings, ..
    } = report.totals();
    let mark = if errors > 0 || !report.failures.is_empty() {
        "❌"
    } else {
        "✅"
    };
    let line = format!(
        "\n### Check\n\n{mark} {} checked: {}, {}{}\n",
        // Files, as `check` counts them: alliances and pulse answers.
        plural(report.files.len(), "file"),
        plural(errors, "error"),
        plural(warnings, "warning"),
        if report.failures.is_empty() {
            String::new()
        } else {
            format!(", {} unreadable", plural(report.failures.len(), "file"))
        }
    );
    let mut full = line.clone();
    let rows: Vec<String> = report
        .files
        .iter()
        .flat_map(|file| {
            file.findings.iter().map(move |f| {
                let place = match &f.location {
                    Some(l) => format!("{}:{}", file.path.display(), l.line),
                    None => file.path.display().to_string(),
                };
                let severity = match f.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                };
                format!(
                    "| {severity} | {} | {} {} | {} |\n",
                    md_escape(&place),
                    f.rule.code(),
                    f.rule.name(),
                    md_escape(&f.message)
                )
            })
        })
        .chain(report.failures.iter().map(|f| {
            format!(
                "| error | {} | A005 | cannot read the file: {} |\n",
                md_escape(&f.path.display().to_string()),
                md_escape(&f.reason.to_string())
            )
        }))
        .collect();
    if !rows.is_empty() {
        full.push_str("\n| | Where | Rule | What |\n|---|---|---|---|\n");
        rows.iter().for_each(|r| full.push_str(r));
    }
    Block { full, short: line }
}

fn due_block(report: &DueReport) -> Block {
    let overdue = report.count(Tier::Overdue);
    let soon = report.count(Tier::DueSoon);
    let mark = if overdue > 0 { "🔴" } else { "✅" };
    let waiting = if report.proposals.is_empty() {
        String::new()
    } else {
        format!(
            "; {} waiting for consent",
            plural(report.proposals.len(), "proposal")
        )
    };
    let line = format!(
        "\n### Reviews\n\n{mark} {} overdue, {} due soon{waiting}\n",
        plural(overdue, "review"),
        soon
    );
    let mut table = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = render(report, DueFormat::Markdown, &mut table);
    let mut full = line.clone();
    if overdue + soon > 0 || !report.proposals.is_empty() {
        full.push('\n');
        full.push_str(&String::from_utf8_lossy(&table));
    }
    Block { full, short: line }
}

/// Why the approvals were not read, or which were not counted: one
/// sentence each, for warnings.
pub fn approval_warnings(read: &crate::tasks::ci::ApprovalsRead) -> Vec<String> {
    use crate::tasks::ci::ApprovalsRead;
    match read {
        ApprovalsRead::NotAPullRequest => {
            vec!["not a pull request, so there are no approvals".to_owned()]
        }
        ApprovalsRead::Unreadable => {
            vec!["the token cannot read the approvals (none, or HTTP 403/404)".to_owned()]
        }
        ApprovalsRead::Failed(why) => vec![format!("cannot read the approvals: {why}")],
        ApprovalsRead::Read {
            not_counted: list, ..
        } => not_counted(list),
    }
}

/// Warnings for approvals that were not counted because of what the forge
/// could not say (an approval of another commit is no news: it is simply
/// not consent to this text).
fn not_counted(list: &[(String, crate::ci::forge::NotCounted)]) -> Vec<String> {
    use crate::ci::forge::NotCounted;
    let who = |why: NotCounted| {
        list.iter()
            .filter(|(_, w)| *w == why)
            .map(|(h, _)| format!("@{h}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut lines = Vec::new();
    let untimed = who(NotCounted::NoTime);
    if !untimed.is_empty() {
        lines.push(format!(
            "the forge did not say when {untimed} approved (no `approved_at`: GitLab before it was added), so it cannot tell whether they approved the head commit; not counted"
        ));
    }
    let headless = who(NotCounted::HeadUnknown);
    if !headless.is_empty() {
        lines.push(format!(
            "the head commit of the pull request is not known (GitHub: no pull_request event; GitLab: no CI_COMMIT_SHA, or no merge request version with it), so the approvals of {headless} are not counted"
        ));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(n: usize, size: usize) -> Vec<Block> {
        (0..n)
            .map(|i| Block {
                full: format!("\n### {i}\n{}\n", "x".repeat(size)),
                short: format!("\n### {i} (short)\n"),
            })
            .collect()
    }

    #[test]
    fn fits_by_shortening_the_last_blocks_first() {
        let text = fit(
            "head\n",
            &blocks(10, 1000),
            "tail\n",
            6000,
            chars,
            "a limit",
        );
        assert!(chars(&text) <= 6000, "{}", chars(&text));
        assert!(text.contains("### 0\n"));
        assert!(text.contains("### 9 (short)"));
        assert!(text.contains("shown as a headline only"));
        assert!(text.ends_with("tail\n"));
    }

    #[test]
    fn drops_blocks_when_headlines_do_not_fit() {
        let text = fit(
            "head\n",
            &blocks(1000, 1000),
            "tail\n",
            5000,
            chars,
            "a limit",
        );
        assert!(chars(&text) <= 5000, "{}", chars(&text));
        assert!(text.contains("left out"));
        assert!(!text.contains("### 999"));
    }

    #[test]
    fn leaves_small_reports_alone() {
        let text = fit("head\n", &blocks(3, 10), "tail\n", 5000, chars, "a limit");
        assert!(!text.contains("NOTE"));
        assert_eq!(text.matches("xxxxxxxxxx").count(), 3);
    }

    #[test]
    fn a_byte_limit_counts_bytes_not_characters() {
        let blocks: Vec<Block> = (0..100)
            .map(|i| Block {
                full: format!("\n### {i}\n{}\n", "é".repeat(500)),
                short: format!("\n### {i}\n"),
            })
            .collect();
        let text = fit("", &blocks, "", 50_000, bytes, "a limit");
        assert!(bytes(&text) <= 50_000, "{}", bytes(&text));
        assert!(chars(&text) < 50_000);
        assert!(text.contains("headline only"));
    }

    #[test]
    fn other_accounts_marked_comments_are_named_without_mentions() {
        let strangers = |handles: &[&str], more| Strangers {
            handles: handles.iter().map(|h| (*h).to_owned()).collect(),
            more,
        };
        assert_eq!(
            left_alone(&strangers(&["mal_lory"], 0)),
            "A comment by @&#8203;mal\\_lory also carries this comment's marker; it was not written by alliance and was left alone."
        );
        assert_eq!(
            left_alone(&strangers(&["a", "b"], 3)),
            "Comments by @&#8203;a, @&#8203;b and 3 others also carry this comment's marker; they were not written by alliance and were left alone."
        );
    }

    #[test]
    fn paths_cannot_end_their_code_span() {
        assert_eq!(code_path("TEAM_ALLIANCE.md"), "`TEAM_ALLIANCE.md`");
        assert_eq!(code_path("a`b\nc.md"), "<code>a\\`b c.md</code>");
        assert_eq!(
            code_path("x <!-- alliance-ci-comment -->.md"),
            "<code>x &lt;\\!-- alliance-ci-comment --&gt;.md</code>"
        );
    }
}
