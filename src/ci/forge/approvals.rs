//! Which approvals of a pull request stand at its head commit: an approval
//! is consent to the text someone saw, and a push after it changes the
//! text.
//!
//! GitHub (REST docs, "List reviews for a pull request"): reviews come
//! oldest first, each with `state` and the `commit_id` it was given on. A
//! reviewer's latest APPROVED, CHANGES_REQUESTED or DISMISSED review is
//! where they stand (a COMMENTED review changes nothing, and a dismissed
//! approval is listed as DISMISSED); it counts when it is APPROVED and its
//! `commit_id` is the head commit.
//!
//! GitLab: approvals belong to the merge request, not to a commit. "Merge
//! request approvals API" (`GET /projects/:id/merge_requests/:iid/approvals`)
//! lists `approved_by`, each entry with `user` and, in recent GitLab,
//! `approved_at` (the approval's creation time; older versions give no
//! time). "Merge requests API", "Get merge request diff versions"
//! (`GET .../versions`) lists one version per push, newest first, with
//! `head_commit_sha` and `created_at`. An approval counts when it was
//! given while the head commit was the merge request's head: at or after
//! the `created_at` of the newest version whose `head_commit_sha` is the
//! head, and before the next version's. An approval without a time, or a
//! head commit with no version, counts for nobody, and the caller says so.

use jiff::Timestamp;

use super::{Client, ForgeError, GitHub, GitLab, encode, ok, parse, wire};

/// An approval that stands at the pull request's head commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approver {
    /// Their login (GitHub) or username (GitLab), without `@`.
    pub handle: String,
    /// The head commit they approved, when the forge ties the approval to
    /// one (GitHub: the review's `commit_id`; GitLab: the head whose
    /// version was current when they approved).
    pub head: Option<String>,
}

/// Why an approval on the forge does not count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotCounted {
    /// It was given on another commit than the head (GitHub), or while
    /// another commit was the head (GitLab).
    OtherCommit,
    /// The forge gave no time for it (GitLab without `approved_at`).
    NoTime,
    /// The head commit is not known (no `pull_request` event on GitHub, no
    /// `CI_COMMIT_SHA` or no version with it on GitLab).
    HeadUnknown,
}

/// The approvals of a pull request, judged against its head commit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApprovalState {
    /// The approvals that stand at the head, in the forge's order.
    pub standing: Vec<Approver>,
    /// The approvals that do not count: handle and why.
    pub not_counted: Vec<(String, NotCounted)>,
}

/// GitHub: each reviewer's latest deciding review.
pub(super) fn github(client: &Client<'_>, g: &GitHub) -> Result<Option<ApprovalState>, ForgeError> {
    let url = |page: u32| {
        format!(
            "{}/repos/{}/pulls/{}/reviews?per_page=100&page={page}",
            g.api, g.repository, g.number
        )
    };
    // (login, approved, commit): a later decision replaces an earlier one.
    let mut latest: Vec<(String, bool, Option<String>)> = Vec::new();
    let mut each = |review: wire::Review| {
        let login = review.user.and_then(|u| u.login);
        let (Some(login), Some(state)) = (login, review.state) else {
            return Ok(());
        };
        let approved = match state.as_str() {
            "APPROVED" => true,
            "CHANGES_REQUESTED" | "DISMISSED" => false,
            _ => return Ok(()),
        };
        latest.retain(|(l, _, _)| !l.eq_ignore_ascii_case(&login));
        latest.push((login, approved, review.commit_id));
        Ok(())
    };
    if client
        .pages(&url, "reviews", &[403, 404], &mut each)?
        .is_some()
    {
        return Ok(None);
    }
    let mut state = ApprovalState::default();
    for (login, _, commit) in latest.into_iter().filter(|(_, approved, _)| *approved) {
        match (&g.head, commit) {
            (Some(head), Some(commit)) if *head == commit => state.standing.push(Approver {
                handle: login,
                head: Some(commit),
            }),
            (None, _) => state.not_counted.push((login, NotCounted::HeadUnknown)),
            _ => state.not_counted.push((login, NotCounted::OtherCommit)),
        }
    }
    Ok(Some(state))
}

/// GitLab: `approved_by`, each judged by its time against the versions.
pub(super) fn gitlab(client: &Client<'_>, g: &GitLab) -> Result<Option<ApprovalState>, ForgeError> {
    let base = format!(
        "{}/projects/{}/merge_requests/{}",
        g.api,
        encode(&g.project),
        g.iid
    );
    let url = format!("{base}/approvals");
    let answer = client.get(&url)?;
    if matches!(answer.status, 403 | 404) {
        return Ok(None);
    }
    let body: wire::Approvals = parse(&ok(answer, "GET", &url)?, "GET", &url)?;
    let Some(list) = body.approved_by else {
        return Err(ForgeError::Unexpected {
            method: "GET",
            url,
            reason: "no `approved_by` list".to_owned(),
        });
    };
    let approvals: Vec<(String, Option<Timestamp>)> = list
        .0
        .into_iter()
        .filter_map(|a| Some((a.user?.username?, time(a.approved_at.as_deref()))))
        .collect();
    if approvals.is_empty() {
        return Ok(Some(ApprovalState::default()));
    }
    let window = match &g.head {
        Some(head) => match head_window(client, &base, head)? {
            Some(window) => Some(window),
            None => return Ok(None),
        },
        None => None,
    };
    Ok(Some(judge(approvals, g.head.as_deref(), window.flatten())))
}

/// When `head` was the merge request's head: from the `created_at` of its
/// newest version to the next version's, if any. `Some(None)` when no
/// version has it; `None` when the versions cannot be read (403, 404).
fn head_window(
    client: &Client<'_>,
    base: &str,
    head: &str,
) -> Result<Option<Option<Window>>, ForgeError> {
    let url = |page: u32| format!("{base}/versions?per_page=100&page={page}");
    let mut versions: Vec<(Timestamp, bool)> = Vec::new();
    let mut each = |version: wire::Version| {
        if let Some(created) = time(version.created_at.as_deref()) {
            versions.push((created, version.head_commit_sha.as_deref() == Some(head)));
        }
        Ok(())
    };
    if client
        .pages(&url, "versions", &[403, 404], &mut each)?
        .is_some()
    {
        return Ok(None);
    }
    versions.sort_by_key(|(created, _)| *created);
    let Some(at) = versions.iter().rposition(|(_, is_head)| *is_head) else {
        return Ok(Some(None));
    };
    Ok(Some(Some(Window {
        from: versions[at].0,
        until: versions.get(at + 1).map(|(created, _)| *created),
    })))
}

/// The time `head` was the head: `[from, until)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Window {
    from: Timestamp,
    until: Option<Timestamp>,
}

/// Each approval, standing or not, by its time.
fn judge(
    approvals: Vec<(String, Option<Timestamp>)>,
    head: Option<&str>,
    window: Option<Window>,
) -> ApprovalState {
    let mut state = ApprovalState::default();
    for (handle, at) in approvals {
        let why = match (window, at) {
            (None, _) => NotCounted::HeadUnknown,
            (Some(_), None) => NotCounted::NoTime,
            (Some(w), Some(at)) if at >= w.from && w.until.is_none_or(|u| at < u) => {
                state.standing.push(Approver {
                    handle,
                    head: head.map(str::to_owned),
                });
                continue;
            }
            (Some(_), Some(_)) => NotCounted::OtherCommit,
        };
        state.not_counted.push((handle, why));
    }
    state
}

/// An RFC 3339 time (`2026-11-02T10:00:00.000Z`), when there is one.
fn time(value: Option<&str>) -> Option<Timestamp> {
    value?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        text.parse().expect("a time")
    }

    #[test]
    fn only_approvals_while_the_head_was_current_count() {
        let window = Window {
            from: at("2026-11-03T10:00:00Z"),
            until: Some(at("2026-11-04T10:00:00Z")),
        };
        let approvals = vec![
            ("early".to_owned(), Some(at("2026-11-03T09:59:59Z"))),
            ("on-time".to_owned(), Some(at("2026-11-03T10:00:00+00:00"))),
            ("later-head".to_owned(), Some(at("2026-11-04T10:00:00Z"))),
            ("untimed".to_owned(), None),
        ];
        let state = judge(approvals, Some("abc"), Some(window));
        assert_eq!(
            state.standing,
            vec![Approver {
                handle: "on-time".to_owned(),
                head: Some("abc".to_owned())
            }]
        );
        assert_eq!(
            state.not_counted,
            vec![
                ("early".to_owned(), NotCounted::OtherCommit),
                ("later-head".to_owned(), NotCounted::OtherCommit),
                ("untimed".to_owned(), NotCounted::NoTime),
            ]
        );
    }

    #[test]
    fn without_a_head_nothing_counts() {
        let state = judge(
            vec![("ada".to_owned(), Some(at("2026-11-03T10:00:00Z")))],
            None,
            None,
        );
        assert!(state.standing.is_empty());
        assert_eq!(
            state.not_counted,
            vec![("ada".to_owned(), NotCounted::HeadUnknown)]
        );
    }
}
