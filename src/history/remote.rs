//! The repository's web address: where a file can be opened in a browser,
//! read from the remote `origin` (github.com and gitlab.com, over https or
//! ssh) or from GitHub Actions' `GITHUB_SERVER_URL` and `GITHUB_REPOSITORY`.
//!
//! Only the host and the repository's path are kept: a user name, a token
//! or a password written into a remote's URL never reaches an address this
//! module makes. Anything it does not recognise gives no address (and the
//! calendar simply has no links), never an error.

use url::Url;

/// Which web pages a repository has, for the form of a file's address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Host {
    /// `HOST/OWNER/NAME/blob/HEAD/PATH`.
    GitHub,
    /// `HOST/GROUP/…/NAME/-/blob/HEAD/PATH`.
    GitLab,
}

/// A repository's home page on its forge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebAddress {
    /// `https://github.com/OWNER/NAME`, with no credentials.
    pub home: Url,
    /// The forge, for the form of a file's address.
    pub host: Host,
    /// `OWNER/NAME` (a GitLab project may sit in subgroups).
    pub name: String,
}

impl WebAddress {
    /// The address of `path` (from the repository root, `/` between
    /// folders) on the default branch: `HEAD` names it on both forges, so
    /// the address does not change with each commit.
    pub fn file(&self, path: &str) -> Url {
        let mut url = self.home.clone();
        if let Ok(mut segments) = url.path_segments_mut() {
            if self.host == Host::GitLab {
                segments.push("-");
            }
            segments.extend(["blob", "HEAD"]);
            segments.extend(path.split('/').filter(|s| !s.is_empty()));
        }
        url
    }
}

/// The web address of the remote `url` (`https://github.com/o/n.git`,
/// `git@github.com:o/n.git`, `ssh://git@gitlab.com/g/s/n.git`), when it is
/// on github.com or gitlab.com; credentials in it are dropped.
pub fn from_remote(url: &str) -> Option<WebAddress> {
    let url = url.trim();
    let (host, path) = match Url::parse(url) {
        Ok(parsed) if matches!(parsed.scheme(), "https" | "http" | "ssh" | "git") => (
            parsed.host_str()?.to_ascii_lowercase(),
            parsed.path().to_owned(),
        ),
        // scp-like: `[user@]host:path`.
        _ => {
            let (left, path) = url.split_once(':')?;
            if path.starts_with("//") || left.contains('/') {
                return None;
            }
            let host = left.rsplit_once('@').map_or(left, |(_, h)| h);
            (host.to_ascii_lowercase(), path.to_owned())
        }
    };
    let kind = match host.as_str() {
        "github.com" | "www.github.com" => Host::GitHub,
        "gitlab.com" | "www.gitlab.com" => Host::GitLab,
        _ => return None,
    };
    let host = host.trim_start_matches("www.");
    let path = path.trim_matches('/');
    let path = path.strip_suffix(".git").unwrap_or(path);
    web_address(&format!("https://{host}"), path, kind)
}

/// The web address GitHub Actions names: `server` (`GITHUB_SERVER_URL`,
/// `https://github.com` or an Enterprise Server) and `repository`
/// (`GITHUB_REPOSITORY`, `OWNER/NAME`).
pub fn from_actions(server: &str, repository: &str) -> Option<WebAddress> {
    let server = Url::parse(server.trim()).ok()?;
    if server.scheme() != "https" || !server.path().trim_matches('/').is_empty() {
        return None;
    }
    let host = server.host_str()?;
    let origin = match server.port() {
        Some(port) => format!("https://{host}:{port}"),
        None => format!("https://{host}"),
    };
    web_address(&origin, repository.trim(), Host::GitHub)
}

/// `origin` + `path`, when `path` is a repository's (two names on GitHub,
/// two or more on GitLab, each of letters, digits, `.`, `-` and `_`).
fn web_address(origin: &str, path: &str, host: Host) -> Option<WebAddress> {
    let names: Vec<&str> = path.split('/').collect();
    let count_ok = match host {
        Host::GitHub => names.len() == 2,
        Host::GitLab => (2..=20).contains(&names.len()),
    };
    let name_ok = |n: &&str| {
        !n.is_empty()
            && !n.starts_with('.')
            && n.len() <= 100
            && n.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
    };
    if !count_ok || !names.iter().all(name_ok) {
        return None;
    }
    let home = Url::parse(&format!("{origin}/{path}")).ok()?;
    Some(WebAddress {
        home,
        host,
        name: path.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn home(url: &str) -> Option<String> {
        from_remote(url).map(|w| w.home.to_string())
    }

    #[test]
    fn remotes_on_github_and_gitlab_give_their_home_without_credentials() {
        for url in [
            "https://github.com/ana/team.git",
            "https://x-access-token:ghp_secret@github.com/ana/team.git",
            "git@github.com:ana/team.git",
            "ssh://git@github.com/ana/team",
            "https://GitHub.com/ana/team/",
        ] {
            assert_eq!(
                home(url).as_deref(),
                Some("https://github.com/ana/team"),
                "{url}"
            );
        }
        assert_eq!(
            home("git@gitlab.com:group/sub/team.git").as_deref(),
            Some("https://gitlab.com/group/sub/team")
        );
        assert_eq!(home("https://git.example.com/ana/team.git"), None);
        assert_eq!(home("/srv/git/team.git"), None);
        assert_eq!(home("https://github.com/ana/team/extra"), None);
        assert_eq!(home("https://github.com/ana/..%2fx"), None);
    }

    #[test]
    fn a_file_address_names_the_default_branch_and_encodes_the_path() {
        let github = from_remote("git@github.com:ana/team.git").expect("github");
        assert_eq!(
            github.file("docs/our team#1.md").as_str(),
            "https://github.com/ana/team/blob/HEAD/docs/our%20team%231.md"
        );
        let gitlab = from_remote("https://gitlab.com/g/team").expect("gitlab");
        assert_eq!(
            gitlab.file("TEAM.md").as_str(),
            "https://gitlab.com/g/team/-/blob/HEAD/TEAM.md"
        );
    }

    #[test]
    fn actions_names_the_server_and_repository() {
        let web = from_actions("https://ghe.example.com", "ana/team").expect("ghes");
        assert_eq!(web.home.as_str(), "https://ghe.example.com/ana/team");
        assert_eq!(from_actions("https://u:p@github.com/x", "ana/team"), None);
        assert_eq!(from_actions("https://github.com", "ana"), None);
    }
}
