//! The owners a whole CODEOWNERS file gives each alliance, under its
//! platform's rules, and the lines that take the block's owners away.
//!
//! GitHub: "the last matching pattern takes the most precedence", and a
//! pattern without owners leaves the file without owners
//! (<https://docs.github.com/en/repositories/managing-your-repositorys-settings-and-features/customizing-your-repository/about-code-owners#codeowners-syntax>).
//!
//! GitLab (<https://docs.gitlab.com/user/project/codeowners/reference/#sections>,
//! `ee/lib/gitlab/code_owners/{file,section_parser}.rb`): a line that starts
//! with `[name]` or `^[name]` (then `[N]` approvals, then default owners)
//! opens a section; lines before the first one are an unnamed section;
//! sections of the same name (case aside) are combined; within a section
//! the last matching entry wins (entries are kept by pattern: a repeated
//! pattern keeps the first one's place and takes the last one's owners),
//! an entry without owners takes its section's default owners, and a
//! matching exclusion (`!pattern`) leaves the section out for that file;
//! every section's match applies, and a section is optional (`^`) only
//! when all its entries are.
//!
//! Cost: each alliance's path is matched against the lines from the last
//! one backwards until one matches (GitHub, and GitLab sections without an
//! exclusion); a GitLab section with an exclusion is matched whole. Each
//! match is O(p·n) ([`super::pattern`]), so a file of L bytes costs at most
//! O(L·n) an alliance, n its path's length.

use std::collections::HashMap;
use std::ops::Range;

use super::OwnersLine;
use super::pattern::{self, Platform, Scratch};

/// A line of the CODEOWNERS file that takes an alliance's owners away.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Override {
    /// The line's number, from 1.
    pub line: usize,
    /// The line as written, without the blanks around it.
    pub text: String,
    /// The alliance's pattern, as the block writes it (`/TEAM_ALLIANCE.md`).
    pub pattern: String,
    /// The block's owners for the alliance that the file no longer requires.
    pub missing: Vec<String>,
    /// How the line takes them away.
    pub kind: OverrideKind,
}

/// How a line takes the block's owners away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OverrideKind {
    /// A matching line after the block's line names other owners.
    Later,
    /// A matching line after the block's line names no owners.
    NoOwners,
    /// GitLab: the section the block's line is in is optional; the line is
    /// its `^[...]` heading.
    Optional,
    /// GitLab: an exclusion (`!pattern`) in the block's section matches.
    Exclusion,
    /// The block's own line does not apply (the line is the block's).
    Unmatched,
}

#[derive(Debug)]
struct Rule<'t> {
    line: usize,
    text: &'t str,
    pattern: &'t str,
    owners: Vec<&'t str>,
    section: usize,
    heading: Option<usize>,
    exclusion: bool,
}

#[derive(Debug)]
struct Heading<'t> {
    line: usize,
    text: &'t str,
    optional: bool,
    default_owners: Vec<&'t str>,
}

#[derive(Debug, Default)]
struct Section {
    name: String,
    /// Rule indices in the order GitLab keeps them.
    entries: Vec<usize>,
    /// Position in `entries` of each normalised pattern.
    keys: HashMap<String, usize>,
    has_exclusion: bool,
}

/// A parsed CODEOWNERS file.
#[derive(Debug)]
struct File<'t> {
    platform: Platform,
    rules: Vec<Rule<'t>>,
    headings: Vec<Heading<'t>>,
    sections: Vec<Section>,
    /// Section names as written, and lower-cased (the first of each).
    exact: HashMap<String, usize>,
    folded: HashMap<String, usize>,
}

/// For each alliance in `lines`, what in `text` (a CODEOWNERS file read
/// with `platform`'s rules) keeps one of its owners from being required,
/// when the block sits at `block` (a byte range of `text`).
pub fn overrides(
    text: &str,
    platform: Platform,
    lines: &[OwnersLine],
    block: Range<usize>,
) -> Vec<Override> {
    let file = File::parse(text, platform);
    let first = text[..block.start].matches('\n').count() + 1;
    let last = first + text[block.clone()].trim_end().matches('\n').count();
    let mut scratch = Scratch::default();
    let mut found = Vec::new();
    for line in lines {
        let mine = file.rules.iter().rposition(|r| {
            (first..=last).contains(&r.line) && !r.exclusion && r.pattern == line.pattern
        });
        if let Some(o) = file.check(line, mine, &mut scratch) {
            found.push(o);
        }
    }
    found
}

impl<'t> File<'t> {
    fn parse(text: &'t str, platform: Platform) -> Self {
        let mut file = File {
            platform,
            rules: Vec::new(),
            headings: Vec::new(),
            sections: vec![Section {
                name: "codeowners".to_owned(),
                ..Section::default()
            }],
            exact: HashMap::from([("codeowners".to_owned(), 0)]),
            folded: HashMap::from([("codeowners".to_owned(), 0)]),
        };
        let mut section = 0;
        let mut heading = None;
        for (i, raw) in text.lines().enumerate() {
            let line = raw.trim_matches(|c: char| c.is_whitespace() || c == '\0');
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if platform == Platform::GitLab {
                if let Some((h, name)) = parse_heading(line, i + 1) {
                    section = file.section_named(name);
                    heading = Some(file.headings.len());
                    file.headings.push(h);
                    continue;
                }
            }
            file.push_rule(line, i + 1, section, heading);
        }
        file
    }

    /// GitLab's `find_section_name`: before any heading a name is taken as
    /// written; after one, the first existing name that differs only in
    /// case. Both looked up in maps, so many headings stay linear.
    fn section_named(&mut self, name: &str) -> usize {
        let exact = self.sections.last().is_some_and(|s| s.name == "codeowners");
        let lower = name.to_lowercase();
        let found = if exact {
            self.exact.get(name).copied()
        } else {
            self.folded.get(&lower).copied()
        };
        found.unwrap_or_else(|| {
            let index = self.sections.len();
            self.sections.push(Section {
                name: name.to_owned(),
                ..Section::default()
            });
            self.exact.insert(name.to_owned(), index);
            self.folded.entry(lower).or_insert(index);
            index
        })
    }

    fn push_rule(&mut self, line: &'t str, number: usize, section: usize, heading: Option<usize>) {
        let (pattern, owners) = split_line(line, self.platform);
        let exclusion = self.platform == Platform::GitLab && pattern.starts_with('!');
        let pattern = if exclusion { &pattern[1..] } else { pattern };
        let owners: Vec<&str> = owners
            .split_whitespace()
            .take_while(|o| self.platform == Platform::GitLab || !o.starts_with('#'))
            .collect();
        let index = self.rules.len();
        self.rules.push(Rule {
            line: number,
            text: line,
            pattern,
            owners: if exclusion { Vec::new() } else { owners },
            section,
            heading,
            exclusion,
        });
        let s = &mut self.sections[section];
        s.has_exclusion |= exclusion;
        if self.platform == Platform::GitHub {
            s.entries.push(index);
            return;
        }
        match s.keys.get(&pattern::gitlab_normalized(pattern)) {
            Some(&at) => s.entries[at] = index,
            None => {
                s.keys
                    .insert(pattern::gitlab_normalized(pattern), s.entries.len());
                s.entries.push(index);
            }
        }
    }

    /// A rule's owners: its own, else (GitLab) its heading's defaults.
    fn owners(&self, rule: usize) -> &[&'t str] {
        let r = &self.rules[rule];
        match r.heading {
            Some(h) if r.owners.is_empty() => &self.headings[h].default_owners,
            _ => &r.owners,
        }
    }

    fn optional(&self, section: usize) -> bool {
        let entries = &self.sections[section].entries;
        !entries.is_empty()
            && entries.iter().all(|&e| {
                self.rules[e]
                    .heading
                    .is_some_and(|h| self.headings[h].optional)
            })
    }

    /// The entry of `section` that decides `path`'s owners, `Err` with the
    /// exclusion that leaves the section out.
    fn winner(
        &self,
        section: usize,
        path: &str,
        scratch: &mut Scratch,
    ) -> Result<Option<usize>, usize> {
        let s = &self.sections[section];
        let mut winner = None;
        for &e in s.entries.iter().rev() {
            let rule = &self.rules[e];
            if !pattern::matches(self.platform, rule.pattern, path, scratch) {
                continue;
            }
            if rule.exclusion {
                return Err(e);
            }
            if winner.is_none() {
                winner = Some(e);
                if !s.has_exclusion {
                    break;
                }
            }
        }
        Ok(winner)
    }

    /// The owners every required section gives `path`, lower-cased.
    fn required(&self, path: &str, scratch: &mut Scratch) -> Vec<String> {
        let mut required = Vec::new();
        for section in 0..self.sections.len() {
            if self.optional(section) {
                continue;
            }
            if let Ok(Some(w)) = self.winner(section, path, scratch) {
                required.extend(self.owners(w).iter().map(|o| o.to_lowercase()));
            }
        }
        required
    }

    fn check(
        &self,
        line: &OwnersLine,
        mine: Option<usize>,
        scratch: &mut Scratch,
    ) -> Option<Override> {
        let required = self.required(&line.path, scratch);
        let missing: Vec<String> = line
            .owners
            .iter()
            .filter(|o| !required.contains(&o.to_lowercase()))
            .cloned()
            .collect();
        if missing.is_empty() {
            return None;
        }
        let (at, kind) = self.culprit(&line.path, mine, scratch);
        let (number, text) = match at {
            Culprit::Rule(r) => (self.rules[r].line, self.rules[r].text),
            Culprit::Heading(h) => (self.headings[h].line, self.headings[h].text),
            Culprit::Nothing => (0, ""),
        };
        Some(Override {
            line: number,
            text: text.to_owned(),
            pattern: line.pattern.clone(),
            missing,
            kind,
        })
    }

    /// Why the block's rule `mine` for `path` does not count.
    fn culprit(
        &self,
        path: &str,
        mine: Option<usize>,
        scratch: &mut Scratch,
    ) -> (Culprit, OverrideKind) {
        let Some(mine) = mine else {
            return (Culprit::Nothing, OverrideKind::Unmatched);
        };
        let section = self.rules[mine].section;
        match self.winner(section, path, scratch) {
            Err(exclusion) => (Culprit::Rule(exclusion), OverrideKind::Exclusion),
            Ok(Some(w)) if w != mine && self.owners(w).is_empty() => {
                (Culprit::Rule(w), OverrideKind::NoOwners)
            }
            Ok(Some(w)) if w != mine => (Culprit::Rule(w), OverrideKind::Later),
            Ok(Some(_)) if self.optional(section) => match self.rules[mine].heading {
                Some(h) => (Culprit::Heading(h), OverrideKind::Optional),
                None => (Culprit::Rule(mine), OverrideKind::Unmatched),
            },
            Ok(_) => (Culprit::Rule(mine), OverrideKind::Unmatched),
        }
    }
}

enum Culprit {
    Rule(usize),
    Heading(usize),
    Nothing,
}

/// The pattern and the rest of a line: GitHub splits at the first blank
/// not escaped by a backslash, GitLab at the first blank not right after
/// one (`partition(/(?<!\\)\s+/)`).
fn split_line(line: &str, platform: Platform) -> (&str, &str) {
    let mut escaped = false;
    let mut previous = ' ';
    for (i, c) in line.char_indices() {
        let split = match platform {
            Platform::GitHub => !escaped && c.is_whitespace(),
            Platform::GitLab => c.is_whitespace() && previous != '\\',
        };
        if split {
            return (&line[..i], line[i..].trim_start());
        }
        escaped = platform == Platform::GitHub && !escaped && c == '\\';
        previous = c;
    }
    (line, "")
}

/// A GitLab section heading (`SectionParser::HEADER_REGEX`, matched at the
/// start of the line only): `^`? `[name]` (`[N]`)? (blanks, owners)?.
fn parse_heading(line: &str, number: usize) -> Option<(Heading<'_>, &str)> {
    let optional = line.starts_with('^');
    let rest = line.strip_prefix('^').unwrap_or(line).strip_prefix('[')?;
    let close = rest.find(']')?;
    let name = &rest[..close];
    let mut rest = &rest[close + 1..];
    if let Some(count) = rest.strip_prefix('[') {
        if let Some(end) = count.find(']') {
            if count[..end].bytes().all(|b| b.is_ascii_digit()) {
                rest = &count[end + 1..];
            }
        }
    }
    let mut default_owners = Vec::new();
    if rest.starts_with(char::is_whitespace) {
        let end = rest
            .find(|c: char| {
                !(c.is_whitespace()
                    || c.is_ascii_alphanumeric()
                    || matches!(c, '@' | '_' | '.' | '-' | '/' | '+'))
            })
            .unwrap_or(rest.len());
        default_owners = rest[..end].split_whitespace().collect();
    }
    let heading = Heading {
        line: number,
        text: line,
        optional,
        default_owners,
    };
    Some((heading, name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owners_line(path: &str) -> OwnersLine {
        OwnersLine {
            path: path.to_owned(),
            pattern: format!("/{path}"),
            owners: vec!["@ada".to_owned(), "@grace".to_owned()],
        }
    }

    fn check(text: &str, platform: Platform) -> Vec<(usize, OverrideKind)> {
        let start = text.find("# BEGIN").unwrap_or(0);
        let end = text.find("# END").map_or(text.len(), |e| e + 5);
        overrides(text, platform, &[owners_line("A.md")], start..end)
            .into_iter()
            .map(|o| (o.line, o.kind))
            .collect()
    }

    const BLOCK: &str = "# BEGIN\n/A.md @ada @grace\n# END\n";

    #[test]
    fn github_last_line_wins() {
        assert_eq!(check(BLOCK, Platform::GitHub), []);
        let later = format!("* @core\n{BLOCK}*.md @mallory\n");
        assert_eq!(check(&later, Platform::GitHub), [(5, OverrideKind::Later)]);
        let adds = format!("{BLOCK}*.md @Ada @grace @bob\n");
        assert_eq!(check(&adds, Platform::GitHub), []);
        let none = format!("{BLOCK}/A.md\n");
        assert_eq!(
            check(&none, Platform::GitHub),
            [(4, OverrideKind::NoOwners)]
        );
        let other = format!("{BLOCK}/B.md @mallory\n*.rs @mallory\n");
        assert_eq!(check(&other, Platform::GitHub), []);
    }

    #[test]
    fn gitlab_sections() {
        let optional = format!("* @core\n^[Docs]\n*.txt @docs\n{BLOCK}");
        assert_eq!(
            check(&optional, Platform::GitLab),
            [(2, OverrideKind::Optional)]
        );
        // Combined with a required section of the same name: required.
        let combined = format!("[docs]\n/x @y\n^[Docs]\n{BLOCK}");
        assert_eq!(check(&combined, Platform::GitLab), []);
        let counted = format!("[Docs][2] @docs\n*.txt\n{BLOCK}");
        assert_eq!(check(&counted, Platform::GitLab), []);
        // Another section adds owners, never takes the block's away.
        let more = format!("{BLOCK}[Docs]\n*.md @mallory\n");
        assert_eq!(check(&more, Platform::GitLab), []);
        // Within the block's section the last match wins.
        let later = format!("[Alliances]\n{BLOCK}*.md\n");
        assert_eq!(
            check(&later, Platform::GitLab),
            [(5, OverrideKind::NoOwners)]
        );
        let later = format!("[Alliances] @mallory\n{BLOCK}*.md\n");
        assert_eq!(check(&later, Platform::GitLab), [(5, OverrideKind::Later)]);
        let excluded = format!("{BLOCK}!/A.md\n");
        assert_eq!(
            check(&excluded, Platform::GitLab),
            [(4, OverrideKind::Exclusion)]
        );
        // A repeated pattern keeps the first one's place.
        let kept = format!("*.md @x\n{BLOCK}*.md @mallory\n");
        assert_eq!(check(&kept, Platform::GitLab), []);
        assert_eq!(check(&kept, Platform::GitHub), [(5, OverrideKind::Later)]);
    }

    #[test]
    fn headings_parse_like_gitlab() {
        let (h, name) = parse_heading("^[Docs][2] @a @b/c # x", 1).expect("heading");
        assert_eq!(
            (name, h.optional, h.default_owners),
            ("Docs", true, vec!["@a", "@b/c"])
        );
        let (h, name) = parse_heading("[Docs]", 1).expect("heading");
        assert_eq!((name, h.optional), ("Docs", false));
        assert!(parse_heading("/[Docs]", 1).is_none());
        assert!(parse_heading("[Docs", 1).is_none());
        assert_eq!(split_line("a\\ b @x", Platform::GitHub), ("a\\ b", "@x"));
        assert_eq!(split_line("a\\ b @x", Platform::GitLab), ("a\\ b", "@x"));
    }
}
