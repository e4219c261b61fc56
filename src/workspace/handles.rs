//! `handles:` in `.alliance.yaml`: who each handle is in the team's chat,
//! so `due --format slack` and `--format teams` can mention people.
//!
//! ```yaml
//! handles:
//!   ana: {slack: U0123ABCD, teams: ana@example.com}
//!   grace:
//!     slack: W0456EFGH
//!     teams: 8d2c4a1e-5b6f-4c3d-9e8f-0a1b2c3d4e5f
//! ```
//!
//! A handle is written with or without `@` and matched as documents match
//! parties (case aside). A Slack member ID is `U` or `W` and capitals and
//! digits; a Teams member is a Microsoft Entra object ID (a GUID) or a user
//! principal name (an address). Anything else is refused with its line, so
//! a mention never carries text a document or config could inject.

use std::collections::BTreeMap;

use crate::document::yaml;

/// The most handles the map may hold.
pub const MAX_HANDLES: usize = 10_000;

/// Who one handle is in chat.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChatMember {
    /// The Slack member ID (`U0123ABCD`).
    pub slack: Option<String>,
    /// The Teams member: an Entra object ID or a user principal name.
    pub teams: Option<String>,
}

/// Handles (lower case, without `@`) and who they are in chat.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChatHandles(BTreeMap<String, ChatMember>);

impl ChatHandles {
    /// Who `handle` (`@Ana`, `ana`) is in chat, when the map says.
    pub fn member(&self, handle: &str) -> Option<&ChatMember> {
        let key = handle.trim().trim_start_matches('@').to_ascii_lowercase();
        self.0.get(&key)
    }

    /// Whether the map is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// `handles:` read from its YAML node; an error names the byte it is at.
pub fn parse(node: &yaml::Node) -> Result<ChatHandles, (usize, String)> {
    let entries = match &node.value {
        yaml::Value::Map(entries) => entries,
        yaml::Value::Null => return Ok(ChatHandles::default()),
        _ => return Err((node.span.start, shape_help("`handles` is not a mapping"))),
    };
    if entries.len() > MAX_HANDLES {
        return Err((
            node.span.start,
            format!(
                "`handles` lists {} handles; alliance takes up to {MAX_HANDLES}",
                entries.len()
            ),
        ));
    }
    let mut handles = BTreeMap::new();
    for (key, value) in entries {
        let handle = key.as_str().unwrap_or("").trim().trim_start_matches('@');
        if !is_handle(handle) {
            return Err((
                key.span.start,
                format!(
                    "`{}` is not a handle (letters, digits, `.`, `-`, `_`)",
                    crate::document::clip(handle, 80)
                ),
            ));
        }
        handles.insert(handle.to_ascii_lowercase(), member(handle, value)?);
    }
    Ok(ChatHandles(handles))
}

/// One handle's `{slack: ID, teams: ID}`.
fn member(handle: &str, node: &yaml::Node) -> Result<ChatMember, (usize, String)> {
    let yaml::Value::Map(entries) = &node.value else {
        return Err((
            node.span.start,
            shape_help(&format!("`handles.{handle}` is not a mapping")),
        ));
    };
    let mut member = ChatMember::default();
    for (key, value) in entries {
        let id = value.as_str().unwrap_or("").trim();
        match key.as_str().unwrap_or("") {
            "slack" if is_slack_id(id) => member.slack = Some(id.to_owned()),
            "slack" => {
                return Err((
                    value.span.start,
                    format!(
                        "`handles.{handle}.slack` is not a Slack member ID (`U` or `W`, then capitals and digits, as in U0123ABCD)"
                    ),
                ));
            }
            "teams" if is_teams_id(id) => member.teams = Some(id.to_owned()),
            "teams" => {
                return Err((
                    value.span.start,
                    format!(
                        "`handles.{handle}.teams` is neither an Entra object ID (a GUID) nor a user principal name (name@example.com)"
                    ),
                ));
            }
            other => {
                return Err((
                    key.span.start,
                    format!(
                        "unknown key `handles.{handle}.{}` (known keys: slack, teams)",
                        crate::document::clip(other, 80)
                    ),
                ));
            }
        }
    }
    Ok(member)
}

fn shape_help(what: &str) -> String {
    format!("{what}; write `handles: {{ana: {{slack: U0123ABCD, teams: ana@example.com}}}}`")
}

fn is_handle(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 100
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_'))
}

/// `U` or `W`, then 2 to 20 capitals and digits.
fn is_slack_id(id: &str) -> bool {
    let mut chars = id.chars();
    matches!(chars.next(), Some('U' | 'W'))
        && (3..=21).contains(&id.len())
        && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

/// A GUID (8-4-4-4-12 hex digits) or `local@domain.tld` of plain letters.
fn is_teams_id(id: &str) -> bool {
    let hex = |part: &str, n: usize| part.len() == n && part.chars().all(|c| c.is_ascii_hexdigit());
    let parts: Vec<&str> = id.split('-').collect();
    let guid = parts.len() == 5
        && [8, 4, 4, 4, 12]
            .iter()
            .zip(&parts)
            .all(|(n, part)| hex(part, *n));
    guid || is_principal_name(id)
}

fn is_principal_name(id: &str) -> bool {
    let Some((local, domain)) = id.split_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '+' | '\''));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && !l.starts_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    id.len() <= 254 && local_ok && domain_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_ids_are_checked_strictly() {
        assert!(is_slack_id("U0123ABCD") && is_slack_id("W0456EFGH"));
        for bad in ["u0123", "U", "U01<!channel>", "C0123ABCD", "U0123 ABCD"] {
            assert!(!is_slack_id(bad), "{bad}");
        }
        assert!(is_teams_id("ana@example.com"));
        assert!(is_teams_id("8d2c4a1e-5b6f-4c3d-9e8f-0a1b2c3d4e5f"));
        for bad in [
            "ana",
            "ana@localhost",
            "<at>x</at>@a.b",
            "a@b..c",
            "8d2c4a1e-5b6f",
        ] {
            assert!(!is_teams_id(bad), "{bad}");
        }
    }
}
