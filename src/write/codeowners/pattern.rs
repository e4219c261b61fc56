//! CODEOWNERS patterns as GitHub and GitLab match them against a file's path.
//!
//! GitHub documents its patterns as gitignore-like ("most of the same rules
//! used in gitignore files", with no `!` negation, no `[ ]` ranges and no
//! `\#` at the start): <https://docs.github.com/en/repositories/managing-your-repositorys-settings-and-features/customizing-your-repository/about-code-owners#codeowners-syntax>.
//! The rules below are those of hmarr/codeowners (`match.go`), which is
//! tested against what GitHub does: a leading `/` anchors at the root; a
//! pattern of one segment (a trailing `/` aside) matches at any depth; a
//! pattern with a `/` inside is anchored; a trailing `/` matches what is
//! inside the folder; a pattern without one also matches what is inside a
//! folder of that name; `*` and `?` do not cross `/`; a segment that is
//! only `*` matches one level (`docs/*` not `docs/a/b`); `**` at the start,
//! in the middle or at the end matches any number of folders; `[` and `]`
//! are literal; `\x` is `x`; `***` makes the line invalid.
//!
//! GitLab matches with Ruby's `File.fnmatch` and the flags `FNM_DOTMATCH |
//! FNM_PATHNAME` (<https://docs.gitlab.com/user/project/codeowners/advanced/#pattern-matching>),
//! after it normalises the pattern (`ee/lib/gitlab/code_owners/file.rb`):
//! `*` alone is `/**/*`; a pattern not starting with `/` gets `/**/` in
//! front; one ending in `/` gets `**/*` after; a backslash before blanks is
//! one space; the path is matched with a leading `/`. There, `[...]` is a
//! character class, `**/` at the start of a segment is any number of
//! folders, and a pattern without a trailing `/` does not match what is
//! inside a folder.
//!
//! Either way the pattern becomes a small NFA (at most four nodes a pattern
//! character) run over the path once, so one match costs O(p·n) for a
//! pattern of p characters and a path of n, with no backtracking and no
//! memory beyond the reused [`Scratch`]: a file of L bytes costs at most
//! O(L·n) a path, whatever it holds.

/// Which forge's rules a CODEOWNERS file follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    /// GitHub (and Gitea, Forgejo): the last matching line wins.
    GitHub,
    /// GitLab: sections, each with its own last matching line.
    GitLab,
}

/// What a pattern is made of, before it becomes NFA nodes.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Lit(char),
    /// One character other than `/`.
    NotSlash,
    /// One character.
    Any,
    /// A `[...]` class (never `/`): negated, then ranges.
    Class(bool, Vec<(char, char)>),
    /// Any number of characters other than `/`.
    NotSlashStar,
    /// Any number of characters.
    AnyStar,
    /// The pieces, or nothing.
    Opt(Vec<Piece>),
}

#[derive(Debug, Clone, Copy)]
enum Node {
    /// Consume one character that `Test` accepts, then go to `next`.
    Step(Test, u32),
    /// Go to both, consuming nothing.
    Split(u32, u32),
    Match,
}

#[derive(Debug, Clone, Copy)]
enum Test {
    Lit(char),
    NotSlash,
    Any,
    /// Index into the scratch's classes.
    Class(u32),
}

/// Buffers reused from one match to the next.
#[derive(Debug, Default)]
pub struct Scratch {
    nodes: Vec<Node>,
    classes: Vec<(bool, Vec<(char, char)>)>,
    current: Vec<u32>,
    next: Vec<u32>,
    stack: Vec<u32>,
    seen: Vec<u32>,
    round: u32,
}

/// Whether `pattern` (as written in the file, GitLab's leading `!` already
/// taken off) matches the file at `path` (from the root, `/`-separated, no
/// leading `/`). An invalid pattern matches nothing.
pub fn matches(platform: Platform, pattern: &str, path: &str, scratch: &mut Scratch) -> bool {
    let pieces = match platform {
        Platform::GitHub => github(pattern),
        Platform::GitLab => gitlab(pattern),
    };
    let Some(pieces) = pieces else { return false };
    scratch.compile(&pieces);
    match platform {
        Platform::GitHub => scratch.run(path.chars()),
        Platform::GitLab => scratch.run(std::iter::once('/').chain(path.chars())),
    }
}

/// GitHub's pattern as pieces (hmarr/codeowners `buildPatternRegex`).
fn github(pattern: &str) -> Option<Vec<Piece>> {
    if pattern.is_empty() || pattern.contains("***") {
        return None;
    }
    if pattern == "/" {
        return Some(vec![Piece::Class(false, Vec::new())]);
    }
    let mut segs: Vec<&str> = pattern.split('/').collect();
    if segs[0].is_empty() {
        segs.remove(0);
    } else if (segs.len() == 1 || (segs.len() == 2 && segs[1].is_empty())) && segs[0] != "**" {
        segs.insert(0, "**");
    }
    let last = segs.len() - 1;
    if last > 0 && segs[last].is_empty() {
        segs[last] = "**";
    }
    let mut out = Vec::new();
    let mut need_slash = false;
    for (i, seg) in segs.iter().enumerate() {
        if *seg == "**" {
            need_slash = double_star(&mut out, i == 0, i == last, need_slash);
            continue;
        }
        if need_slash {
            out.push(Piece::Lit('/'));
        }
        need_slash = true;
        if *seg == "*" {
            out.extend([Piece::NotSlash, Piece::NotSlashStar]);
            continue;
        }
        let mut chars = seg.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => out.extend(chars.next().map(Piece::Lit)),
                '*' => out.push(Piece::NotSlashStar),
                '?' => out.push(Piece::NotSlash),
                c => out.push(Piece::Lit(c)),
            }
        }
        if i == last {
            out.push(Piece::Opt(vec![Piece::Lit('/'), Piece::AnyStar]));
        }
    }
    Some(out)
}

/// The pieces of a `**` segment, first and/or last or neither; whether the
/// next segment needs a `/` before it.
fn double_star(out: &mut Vec<Piece>, first: bool, last: bool, need_slash: bool) -> bool {
    match (first, last) {
        (true, true) => out.extend([Piece::Any, Piece::AnyStar]),
        (true, false) => {
            out.push(Piece::Opt(vec![
                Piece::Any,
                Piece::AnyStar,
                Piece::Lit('/'),
            ]));
            return false;
        }
        (false, true) => out.extend([Piece::Lit('/'), Piece::AnyStar]),
        (false, false) => {
            out.push(Piece::Opt(vec![
                Piece::Lit('/'),
                Piece::Any,
                Piece::AnyStar,
            ]));
            return true;
        }
    }
    need_slash
}

/// GitLab's pattern after `normalize_pattern` (`ee/lib/gitlab/code_owners/file.rb`):
/// also the key under which a section keeps its entries.
pub fn gitlab_normalized(pattern: &str) -> String {
    if pattern == "*" {
        return "/**/*".to_owned();
    }
    let mut text = blank_escapes_to_space(
        pattern
            .strip_prefix("\\#")
            .map_or(pattern, |_| &pattern[1..]),
    );
    if !text.starts_with('/') {
        text.insert_str(0, "/**/");
    }
    if text.ends_with('/') {
        text.push_str("**/*");
    }
    text
}

/// GitLab's pattern, normalised, as `File.fnmatch` pieces.
fn gitlab(pattern: &str) -> Option<Vec<Piece>> {
    if pattern.is_empty() {
        return None;
    }
    let text = gitlab_normalized(pattern);
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let segment_start = i == 0 || chars[i - 1] == '/';
        match chars[i] {
            '*' if segment_start && chars[i..].starts_with(&['*', '*', '/']) => {
                out.push(Piece::Opt(vec![Piece::AnyStar, Piece::Lit('/')]));
                i += 3;
                continue;
            }
            '*' => out.push(Piece::NotSlashStar),
            '?' => out.push(Piece::NotSlash),
            '[' => match class(&chars[i + 1..]) {
                Some((piece, used)) => {
                    out.push(piece);
                    i += used;
                }
                // Ruby: an unclosed `[` matches nothing.
                None => return None,
            },
            '\\' if i + 1 < chars.len() => {
                out.push(Piece::Lit(chars[i + 1]));
                i += 1;
            }
            c => out.push(Piece::Lit(c)),
        }
        i += 1;
    }
    Some(out)
}

/// `\` followed by blanks becomes one space (GitLab's `gsub(/\\\s+/, ' ')`).
fn blank_escapes_to_space(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.peek().is_some_and(|n| n.is_whitespace()) {
            while chars.peek().is_some_and(|n| n.is_whitespace()) {
                chars.next();
            }
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out
}

/// The class after a `[`: the piece and how many characters it used, `]`
/// included; `None` when there is no closing `]`.
fn class(chars: &[char]) -> Option<(Piece, usize)> {
    let mut i = 0;
    let negated = matches!(chars.first(), Some('!' | '^'));
    if negated {
        i += 1;
    }
    let mut ranges = Vec::new();
    loop {
        let mut c = *chars.get(i)?;
        if c == ']' && i > usize::from(negated) {
            return Some((Piece::Class(negated, ranges), i + 1));
        }
        if c == '\\' {
            i += 1;
            c = *chars.get(i)?;
        }
        let mut high = c;
        if chars.get(i + 1) == Some(&'-') && chars.get(i + 2).is_some_and(|n| *n != ']') {
            i += 2;
            high = chars[i];
            if high == '\\' {
                i += 1;
                high = *chars.get(i)?;
            }
        }
        ranges.push((c, high));
        i += 1;
    }
}

impl Scratch {
    fn compile(&mut self, pieces: &[Piece]) {
        self.nodes.clear();
        self.classes.clear();
        self.emit(pieces);
        self.nodes.push(Node::Match);
    }

    fn emit(&mut self, pieces: &[Piece]) {
        for piece in pieces {
            let here = self.len();
            match piece {
                Piece::Lit(c) => self.nodes.push(Node::Step(Test::Lit(*c), here + 1)),
                Piece::NotSlash => self.nodes.push(Node::Step(Test::NotSlash, here + 1)),
                Piece::Any => self.nodes.push(Node::Step(Test::Any, here + 1)),
                Piece::Class(negated, ranges) => {
                    let index = u32::try_from(self.classes.len()).unwrap_or(u32::MAX);
                    self.classes.push((*negated, ranges.clone()));
                    self.nodes.push(Node::Step(Test::Class(index), here + 1));
                }
                Piece::NotSlashStar | Piece::AnyStar => {
                    let test = if *piece == Piece::AnyStar {
                        Test::Any
                    } else {
                        Test::NotSlash
                    };
                    self.nodes.push(Node::Split(here + 1, here + 2));
                    self.nodes.push(Node::Step(test, here));
                }
                Piece::Opt(group) => {
                    self.nodes.push(Node::Split(here + 1, 0));
                    self.emit(group);
                    let after = self.len();
                    self.nodes[here as usize] = Node::Split(here + 1, after);
                }
            }
        }
    }

    fn len(&self) -> u32 {
        u32::try_from(self.nodes.len()).unwrap_or(u32::MAX)
    }

    /// Run the compiled NFA over `path`: whether it ends in `Match`.
    fn run(&mut self, path: impl Iterator<Item = char>) -> bool {
        self.seen.clear();
        self.seen.resize(self.nodes.len(), 0);
        self.round = 0;
        self.current.clear();
        self.next_round();
        let mut current = std::mem::take(&mut self.current);
        self.close(0, &mut current);
        for c in path {
            self.next_round();
            let mut next = std::mem::take(&mut self.next);
            next.clear();
            for &state in &current {
                if let Node::Step(test, to) = self.nodes[state as usize] {
                    if self.accepts(test, c) {
                        self.close(to, &mut next);
                    }
                }
            }
            self.next = current;
            current = next;
            if current.is_empty() {
                break;
            }
        }
        let matched = current
            .iter()
            .any(|s| matches!(self.nodes[*s as usize], Node::Match));
        self.current = current;
        matched
    }

    fn next_round(&mut self) {
        self.round = self.round.wrapping_add(1);
        if self.round == 0 {
            self.seen.iter_mut().for_each(|s| *s = 0);
            self.round = 1;
        }
    }

    /// Add `state` and every state reachable from it without consuming.
    fn close(&mut self, state: u32, into: &mut Vec<u32>) {
        self.stack.clear();
        self.stack.push(state);
        while let Some(s) = self.stack.pop() {
            let seen = &mut self.seen[s as usize];
            if *seen == self.round {
                continue;
            }
            *seen = self.round;
            match self.nodes[s as usize] {
                Node::Split(a, b) => {
                    self.stack.push(b);
                    self.stack.push(a);
                }
                Node::Step(..) | Node::Match => into.push(s),
            }
        }
    }

    fn accepts(&self, test: Test, c: char) -> bool {
        match test {
            Test::Lit(l) => c == l,
            Test::NotSlash => c != '/',
            Test::Any => true,
            Test::Class(i) => {
                let Some((negated, ranges)) = self.classes.get(i as usize) else {
                    return false;
                };
                c != '/' && ranges.iter().any(|(lo, hi)| (*lo..=*hi).contains(&c)) != *negated
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gh(pattern: &str, path: &str) -> bool {
        matches(Platform::GitHub, pattern, path, &mut Scratch::default())
    }

    fn gl(pattern: &str, path: &str) -> bool {
        matches(Platform::GitLab, pattern, path, &mut Scratch::default())
    }

    #[test]
    fn github_anchored_and_unanchored() {
        assert!(gh("/TEAM_ALLIANCE.md", "TEAM_ALLIANCE.md"));
        assert!(!gh("/TEAM_ALLIANCE.md", "team/TEAM_ALLIANCE.md"));
        assert!(gh("TEAM_ALLIANCE.md", "team/TEAM_ALLIANCE.md"));
        assert!(gh("*.md", "TEAM_ALLIANCE.md"));
        assert!(gh("*.md", "a/b/c.md"));
        assert!(!gh("*.md", "a/b/c.mdx"));
        assert!(gh("*", "a/b/c.md"));
        // A `/` inside anchors the pattern, as in gitignore.
        assert!(gh("team/*.md", "team/A.md"));
        assert!(!gh("team/*.md", "x/team/A.md"));
        assert!(!gh("/A.md", "A.mdx"));
    }

    #[test]
    fn github_folders_and_double_stars() {
        assert!(gh("/docs/", "docs/a/b.md"));
        assert!(!gh("/docs/", "docs"));
        assert!(gh("docs/", "x/docs/a.md"));
        assert!(gh("/docs", "docs/a.md"));
        assert!(gh("docs/*", "docs/a.md"));
        assert!(!gh("docs/*", "docs/a/b.md"));
        assert!(gh("**/logs", "build/logs/x.log"));
        assert!(gh("**/logs", "logs/x.log"));
        assert!(gh("/a/**/b.md", "a/b.md"));
        assert!(gh("/a/**/b.md", "a/x/y/b.md"));
        assert!(!gh("/a/**/b.md", "ab.md"));
        assert!(gh("/a/**", "a/x/y"));
        assert!(!gh("/a/***", "a/x"));
        assert!(!gh("/", "a"));
        // `[ ]` is not a class on GitHub.
        assert!(!gh("/[AT]EAM.md", "TEAM.md"));
        assert!(gh("/[AT]EAM.md", "[AT]EAM.md"));
    }

    #[test]
    fn escaped_blanks_and_hashes() {
        assert!(gh(
            "/team\\ docs/ON\\ CALL\\ \\#2.md",
            "team docs/ON CALL #2.md"
        ));
        assert!(!gh("/team\\ docs/x.md", "team\\ docs/x.md"));
        assert!(gl(
            "/team\\ docs/ON\\ CALL\\ \\#2.md",
            "team docs/ON CALL #2.md"
        ));
        assert!(gl("\\#2.md", "a/#2.md"));
    }

    #[test]
    fn gitlab_rules() {
        assert!(gl("/TEAM_ALLIANCE.md", "TEAM_ALLIANCE.md"));
        assert!(gl("*.md", "a/b/TEAM_ALLIANCE.md"));
        assert!(gl("*", ".github/x"));
        assert!(gl("docs/*", "x/docs/a.md"));
        assert!(!gl("docs/*", "docs/a/b.md"));
        assert!(gl("/docs/", "docs/a/b.md"));
        // Without a trailing `/`, GitLab does not match inside a folder.
        assert!(!gl("/docs", "docs/a.md"));
        assert!(gl("/docs/**/*.md", "docs/a.md"));
        assert!(gl("/docs/**/*.md", "docs/x/y/a.md"));
        assert!(gl("/[AT]EAM.md", "TEAM.md"));
        assert!(gl("/[!A]EAM.md", "TEAM.md"));
        assert!(!gl("/[!T]EAM.md", "TEAM.md"));
        assert!(gl("/[a-z]x.md", "qx.md"));
        assert!(!gl("/[a-z]x.md", "Qx.md"));
        assert!(!gl("/[ab", "a"));
        assert!(!gl("/?", "a/b"));
    }

    #[test]
    fn long_hostile_patterns_stay_linear() {
        let pattern = "*a".repeat(5_000);
        let path = "a".repeat(4_000) + "b";
        assert!(!gh(&pattern, &path));
        assert!(!gl(&pattern, &path));
        let deep = format!("{}x", "d/".repeat(1_000));
        assert!(gl(&format!("/{}x", "**/".repeat(2_000)), &deep));
        assert!(gh("/d/**/x", &deep));
        assert!(!gh("/d/**/y", &deep));
    }
}
