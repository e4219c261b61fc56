//! Front-matter rules, A001–A013: the block is there, closed, YAML, a
//! mapping, names a known kind, and satisfies the kind's JSON Schema.

use crate::document::{Alliance, FrontMatterBlock, Span, yaml};
use crate::kind::{Kind, Kinds, SchemaProblem, one_of};

use super::{Finding, Rule};

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
            // Built only here: most files have front matter.
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
pub(super) fn check<'k>(
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
        Err(e) => {
            out.push(Finding::error(Rule::SchemaViolation, e.to_string()));
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
