//! The rules of `alliance check`: one function per concern, each pushing
//! findings into a list.
//!
//! The checks read a parsed [`Alliance`] and the [`Kinds`]; they never read
//! files, print, or decide exit codes. A rule's code, name and summary live
//! in `finding::Rule`; its long description lives in `docs/rules.md`.

pub mod finding;

pub use finding::{Finding, Location, Rule, Severity};

use std::collections::HashMap;

use crate::document::{Alliance, FrontMatterBlock, NotText, Span, Status, Unreadable, yaml};

use crate::kind::{Content, Kind, Kinds, SchemaProblem, one_of};

/// The findings for a file that is not text at all.
pub fn unreadable(file: &Unreadable) -> Finding {
    match file.reason {
        NotText::Binary => Finding::error(Rule::NotText, "this is a binary file, not Markdown")
            .help("name only Markdown files, or exclude this one in .alliance.yaml"),
        NotText::OtherUnicode { encoding } => Finding::error(
            Rule::NotText,
            format!("the file is {encoding} text; alliance reads UTF-8"),
        )
        .help(format!(
            "save the file as UTF-8 (e.g. `iconv -f {encoding} -t UTF-8`)"
        )),
        NotText::InvalidUtf8 { at } => Finding::error(
            Rule::NotText,
            format!("the file is not UTF-8: byte {at} is not valid UTF-8"),
        )
        .help("save the file as UTF-8"),
    }
}

/// Check one document. A file without front matter is reported as not an
/// alliance: discovery only hands over files that claim to be one, and a
/// file the user named is one they expect to be.
pub fn check(doc: &Alliance, kinds: &Kinds) -> Vec<Finding> {
    let mut findings = Vec::new();
    let Some(kind) = front_matter(doc, kinds, &mut findings) else {
        return findings;
    };
    let draft = doc.fields().is_some_and(|f| f.status() == Status::Draft);
    dates(doc, &mut findings);
    if let Some(kind) = kind {
        sections(doc, kind, draft, &mut findings);
    }
    items(doc, &mut findings);
    findings.sort_by_key(|f| f.location.as_ref().map(|l| (l.line, l.column)));
    findings
}

/// The finding that makes `doc`'s front matter unusable (missing, not
/// closed, not YAML, not a mapping), if any. `kinds`, when given, are named
/// in the help of a missing front matter. `due` and `review` use this too.
pub fn unusable_front_matter(doc: &Alliance, kinds: Option<&Kinds>) -> Option<Finding> {
    let finding = match &doc.front {
        FrontMatterBlock::Missing if doc.cr_only_line_endings() => {
            let start = if doc.bom { 3 } else { 0 };
            Finding::error(
                Rule::NoFrontMatter,
                "the file ends its lines with a lone CR (classic Mac OS line endings), so its front matter and sections cannot be read",
            )
            .help("convert the line endings to LF or CRLF (e.g. `tr '\\r' '\\n'`) and check again")
            .at(doc, Span::new(start, start))
        }
        FrontMatterBlock::Missing => {
            let start = if doc.bom { 3 } else { 0 };
            let kinds = kinds.map_or_else(|| "see `alliance kinds`".to_owned(), |k| one_of(&k.names()));
            Finding::error(Rule::NoFrontMatter, "not an alliance: the file has no front matter")
                .help(format!(
                    "`alliance adopt {} --kind team` adds it, or start the file with a `---` block naming `alliance:` ({kinds})",
                    doc.path.display(),
                ))
                .at(doc, Span::new(start, start))
        }
        FrontMatterBlock::Unclosed { open } => {
            Finding::error(
                Rule::UnclosedFrontMatter,
                "the front matter is never closed",
            )
            .help("end the front matter with a line holding only `---`")
            .at(doc, *open)
        }
        FrontMatterBlock::Invalid { error, .. } => {
            Finding::error(Rule::InvalidYaml, format!("the front matter is not valid YAML: {}", error.message))
                .help("fix the YAML syntax here; quote values that contain `: ` or start with a special character")
                .at(doc, error.span)
        }
        FrontMatterBlock::NotMapping { root, .. } => {
            Finding::error(
                Rule::NotAMapping,
                format!("the front matter is {}, not a mapping of keys to values", root.type_name()),
            )
            .help("write the front matter as `key: value` lines, starting with `alliance: <kind>`")
            .at(doc, root.span)
        }
        FrontMatterBlock::Mapping { .. } => return None,
    };
    Some(finding)
}

/// Front matter shape, kind and schema. Returns `None` when the front
/// matter is unusable (nothing more can be checked), `Some(None)` when the
/// kind is unknown, `Some(Some(kind))` otherwise.
fn front_matter<'k>(
    doc: &Alliance,
    kinds: &'k Kinds,
    out: &mut Vec<Finding>,
) -> Option<Option<&'k Kind>> {
    if let Some(finding) = unusable_front_matter(doc, Some(kinds)) {
        out.push(finding);
        return None;
    }
    let FrontMatterBlock::Mapping { root, fields, .. } = &doc.front else {
        return None;
    };
    let Some(kind_name) = &fields.kind else {
        let span = match &doc.front {
            FrontMatterBlock::Mapping { block, .. } => Span::new(block.start, block.start + 3),
            _ => root.span,
        };
        out.push(
            Finding::error(
                Rule::MissingKey,
                "the front matter has no `alliance:` key, so it is not an alliance",
            )
            .help(format!(
                "add `alliance: <kind>` with one of {}",
                one_of(&kinds.names())
            ))
            .at(doc, span),
        );
        return None;
    };
    let Some(kind) = kinds.get(&kind_name.value) else {
        out.push(
            Finding::error(
                Rule::UnknownKind,
                format!(
                    "unknown kind `{}`",
                    crate::document::clip(&kind_name.value, 80)
                ),
            )
            .help(format!(
                "use one of {}, or define it in the kinds folder named in .alliance.yaml",
                one_of(&kinds.names())
            ))
            .at(doc, kind_name.span),
        );
        return Some(None);
    };
    schema(doc, kind, root, out);
    Some(Some(kind))
}

fn schema(doc: &Alliance, kind: &Kind, root: &yaml::Node, out: &mut Vec<Finding>) {
    let errors = match kind.validate(&root.to_json()) {
        Ok(errors) => errors,
        Err(message) => {
            out.push(Finding::error(
                Rule::SchemaViolation,
                format!(
                    "the `{}` kind's schema does not compile: {message}",
                    kind.name
                ),
            ));
            return;
        }
    };
    // Many errors (a repository schema can fault every key of a big
    // mapping) are located through one index, not a walk each.
    let index = (errors.len() > 8).then(|| root.pointers());
    for error in errors {
        let (key, node) = match index.as_ref().and_then(|i| i.get(&error.pointer)) {
            Some(&(key, node)) => (key, node),
            None => (
                root.key_at_pointer(&error.pointer),
                root.at_pointer(&error.pointer),
            ),
        };
        let path = pointer_to_path(&error.pointer);
        let finding = match error.problem {
            SchemaProblem::Missing(keys) => {
                let keys: Vec<String> = keys.iter().map(|k| join_path(&path, k)).collect();
                let listed = keys
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let noun = if keys.len() == 1 { "key" } else { "keys" };
                // Point at the mapping's own key (`review:`), or at the
                // opening fence for a key missing at the top.
                let span = match (&key, &doc.front) {
                    (Some(k), _) => k.span,
                    (None, FrontMatterBlock::Mapping { block, .. }) => {
                        Span::new(block.start, block.start + 3)
                    }
                    _ => node.span,
                };
                Finding::error(
                    Rule::MissingKey,
                    format!("the `{}` kind requires the {noun} {listed}", kind.name),
                )
                .help(missing_key_help(&keys))
                .at(doc, span)
            }
            SchemaProblem::Type { want } => Finding::error(
                Rule::WrongType,
                format!(
                    "`{}` should be {want}, not {}",
                    display_path(&path),
                    node.type_name()
                ),
            )
            .help(type_help(&path))
            .at(doc, node.span),
            SchemaProblem::Other(message) => Finding::error(
                Rule::SchemaViolation,
                format!("`{}`: {message}", display_path(&path)),
            )
            .help(format!(
                "see `alliance schema {}` for what the front matter accepts",
                kind.name
            ))
            .at(doc, key.map_or(node.span, |k| k.span)),
        };
        out.push(finding);
    }
}

fn pointer_to_path(pointer: &str) -> Vec<String> {
    pointer
        .split('/')
        .skip(1)
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect()
}

fn join_path(path: &[String], key: &str) -> String {
    let mut parts: Vec<&str> = path.iter().map(String::as_str).collect();
    parts.push(key);
    parts.join(".")
}

fn display_path(path: &[String]) -> String {
    if path.is_empty() {
        "front matter".to_owned()
    } else {
        path.join(".")
    }
}

fn missing_key_help(keys: &[String]) -> String {
    let example = |key: &str| match key {
        "alliance" => "alliance: team",
        "title" => "title: Payments team alliance",
        "parties" => "parties:\n  - name: Ada Lovelace\n    handle: ada",
        "review" => "review:\n  every: 3 months",
        "review.every" => "every: 3 months",
        "name" | "parties.name" => "name: Ada Lovelace",
        _ => "",
    };
    match keys.iter().map(|k| example(k)).find(|e| !e.is_empty()) {
        Some(e) => format!("add it, e.g. `{}`", e.replace('\n', "⏎")),
        None => "add the missing keys".to_owned(),
    }
}

fn type_help(path: &[String]) -> String {
    let path = path.join(".");
    if path == "parties" {
        "write parties as a list: `- name: Ada Lovelace` on its own line".to_owned()
    } else if path.starts_with("parties.") {
        "write a party as `Name <handle>` or as a mapping with `name`, `handle` and `role`"
            .to_owned()
    } else if path == "review" {
        "write review as a mapping: `review:` then `  every: 3 months` on the next line".to_owned()
    } else {
        "quote the value if it is text".to_owned()
    }
}

fn dates(doc: &Alliance, out: &mut Vec<Finding>) {
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

fn sections(doc: &Alliance, kind: &Kind, draft: bool, out: &mut Vec<Finding>) {
    // Which document section answers which rule; the first wins.
    let mut matched: Vec<Option<usize>> = vec![None; kind.sections.len()];
    let mut order: Vec<(usize, usize)> = Vec::new();
    for (i, section) in doc.sections.iter().enumerate() {
        let Some(rule) = kind.section_for(&section.heading.text) else {
            continue;
        };
        match matched[rule] {
            None => {
                matched[rule] = Some(i);
                order.push((rule, i));
            }
            Some(first) => {
                let (line, _) = doc.line_col(doc.sections[first].heading.span.start);
                out.push(
                    Finding::error(
                        Rule::DuplicateSection,
                        format!(
                            "section `{}` appears twice (first on line {line})",
                            kind.sections[rule].name
                        ),
                    )
                    .help("merge the two sections into one")
                    .at(doc, heading_line(doc, section.heading.span)),
                );
            }
        }
    }
    let anchor = doc
        .fields()
        .and_then(|f| f.kind.as_ref())
        .map(|k| k.span)
        .unwrap_or_default();
    for (rule, found) in kind.sections.iter().zip(&matched) {
        let Some(i) = found else {
            let also = if rule.aliases.is_empty() {
                String::new()
            } else {
                format!(" (or one of: {})", rule.aliases.join(", "))
            };
            out.push(
                Finding::error(
                    Rule::MissingSection,
                    format!(
                        "the `{}` kind requires a `## {}` section{also}",
                        kind.name, rule.name
                    ),
                )
                .help(format!(
                    "add `## {}` and {}",
                    rule.name,
                    rule.help.as_deref().unwrap_or("fill it in")
                ))
                .at(doc, anchor),
            );
            continue;
        };
        let section = &doc.sections[*i];
        let answered = match rule.content {
            Content::Optional => true,
            Content::Text => section.has_content(),
            Content::Items => section.answered_items().next().is_some(),
        };
        if answered {
            continue;
        }
        let at = heading_line(doc, section.heading.span);
        let what = rule.help.as_deref().unwrap_or("fill it in");
        let finding = if !section.prompts.is_empty() && draft {
            Finding::warning(
                Rule::UnansweredPrompt,
                format!(
                    "section `{}` still has only its prompt",
                    section.heading.text
                ),
            )
            .help(format!("answer the question under it: {what}"))
        } else {
            let need = match (rule.content, section.has_content()) {
                (Content::Items, true) => "has no list items",
                _ if !section.prompts.is_empty() => "has a prompt but no answer",
                _ => "is empty",
            };
            let finding = Finding::error(
                Rule::EmptySection,
                format!("section `{}` {need}", section.heading.text),
            )
            .help(format!(
                "{what}{}",
                if draft {
                    ""
                } else {
                    " (a `status: draft` alliance may leave it empty)"
                }
            ));
            if draft {
                Finding {
                    severity: Severity::Warning,
                    ..finding
                }
            } else {
                finding
            }
        };
        out.push(finding.at(doc, at));
    }
    // Order: report the first required section that comes after one the
    // kind puts later.
    let mut latest: Option<usize> = None;
    for (rule, i) in order {
        match latest {
            Some(l) if rule < l => {
                let section = &doc.sections[i];
                out.push(
                    Finding::warning(
                        Rule::SectionOrder,
                        format!(
                            "section `{}` comes after `{}`; the `{}` kind puts it before",
                            section.heading.text, kind.sections[l].name, kind.name
                        ),
                    )
                    .help(format!(
                        "move it up; the order is: {}",
                        kind.sections
                            .iter()
                            .map(|s| s.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))
                    .at(doc, heading_line(doc, section.heading.span)),
                );
                break;
            }
            _ => latest = Some(latest.map_or(rule, |l| l.max(rule))),
        }
    }
}

/// A heading's first line (a setext heading spans two).
fn heading_line(doc: &Alliance, span: Span) -> Span {
    let text = span.slice(&doc.text);
    let end = text.find(['\n', '\r']).map_or(span.end, |i| span.start + i);
    Span::new(span.start, end)
}

fn items(doc: &Alliance, out: &mut Vec<Finding>) {
    let fields = doc.fields();
    let parties = fields.map(|f| f.parties.as_slice()).unwrap_or_default();
    let known = Parties::new(parties);
    let mut ids: HashMap<&str, usize> = HashMap::new();
    for (_, item) in doc.items() {
        for field in &item.fields {
            match field.key.to_ascii_lowercase().as_str() {
                "review" => {
                    if let Err(e) = crate::document::dates::parse_date(&field.value) {
                        out.push(
                            Finding::error(
                                Rule::InvalidItemReview,
                                format!("item review date: {e}"),
                            )
                            .help("write it as `[review:: YYYY-MM-DD]`")
                            .at(doc, field.value_span),
                        );
                    }
                }
                "owner" if !parties.is_empty() => {
                    for who in owners(&field.value) {
                        if !known.has(who) {
                            let known = known.labels();
                            out.push(
                                Finding::error(
                                    Rule::UnknownOwner,
                                    format!(
                                        "owner `{}` is not one of the parties",
                                        crate::document::clip(who, 80)
                                    ),
                                )
                                .help(format!(
                                    "use a party's handle ({known}), or add them to `parties`"
                                ))
                                .at(doc, field.value_span),
                            );
                        }
                    }
                }
                "id" => {
                    if let Some(first) = ids.insert(field.value.as_str(), field.span.start) {
                        let (line, _) = doc.line_col(first);
                        out.push(
                            Finding::error(
                                Rule::DuplicateItemId,
                                format!(
                                    "item id `{}` is already used on line {line}",
                                    crate::document::clip(&field.value, 80)
                                ),
                            )
                            .help("give each item its own id; ids let `alliance diff` follow an item through rewording")
                            .at(doc, field.value_span),
                        );
                    }
                }
                _ => {}
            }
        }
    }
}

/// The parties of an alliance, for looking up owners: one set of handles
/// and names (past a handful of parties), built at the first owner, so a thousand owners among a thousand parties cost a
/// thousand look-ups, not a million comparisons; and the list a help line
/// names, built once and cut short.
struct Parties<'a> {
    parties: &'a [crate::document::Party],
    names: std::cell::OnceCell<std::collections::HashSet<String>>,
    labels: std::cell::OnceCell<std::rc::Rc<str>>,
}

/// How many parties a help line names before "and N more".
const PARTIES_NAMED: usize = 10;

impl<'a> Parties<'a> {
    fn new(parties: &'a [crate::document::Party]) -> Self {
        Parties {
            parties,
            names: std::cell::OnceCell::new(),
            labels: std::cell::OnceCell::new(),
        }
    }

    /// Whether `who` (a handle with or without `@`, or a name) is a party,
    /// as [`crate::document::Party::is`] says.
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
                    .map(|p| crate::document::clip(&p.label(), 80).into_owned())
                    .collect();
                if self.parties.len() > PARTIES_NAMED {
                    named.push(format!("and {} more", self.parties.len() - PARTIES_NAMED));
                }
                named.join(", ").into()
            })
            .clone()
    }
}

/// The people an `owner` field names: `@ada`, `@ada, @grace`, `Ada Lovelace`.
pub fn owners(value: &str) -> Vec<&str> {
    value
        .split([',', ';'])
        .flat_map(|part| {
            let part = part.trim();
            if part.starts_with('@') {
                part.split_whitespace().collect::<Vec<_>>()
            } else {
                vec![part]
            }
        })
        .filter(|s| !s.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owner_lists() {
        assert_eq!(owners("@ada"), ["@ada"]);
        assert_eq!(owners("@ada @grace"), ["@ada", "@grace"]);
        assert_eq!(owners("@ada, Grace Hopper"), ["@ada", "Grace Hopper"]);
    }
}
