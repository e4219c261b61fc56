//! The editor set-ups in `editors/` as editors read them: Neovim (the
//! Debian package `.ci/run` installs) runs `editors/neovim/alliance.lua`
//! headless, opens an alliance and must show `check`'s findings; the
//! Helix `languages.toml` must say to start `alliance lsp`.

use std::path::Path;

use crate::common::{Sandbox, TEAM_BODY, hermetic, team_doc};

fn project() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `PATH` with the built `alliance` first, as an installed one would be.
fn path_with_alliance() -> std::ffi::OsString {
    let bin = Path::new(env!("CARGO_BIN_EXE_alliance"))
        .parent()
        .expect("the binary's folder")
        .to_path_buf();
    let rest = std::env::var_os("PATH").unwrap_or_default();
    std::env::join_paths(std::iter::once(bin).chain(std::env::split_paths(&rest))).expect("a PATH")
}

#[test]
fn neovim_with_the_documented_set_up_shows_checks_findings() {
    let sandbox = Sandbox::new();
    std::fs::create_dir(sandbox.path().join(".git")).expect("mkdir .git");
    let broken = team_doc("", &TEAM_BODY.replacen("## Purpose", "## Porpoise", 1));
    sandbox.write("TEAM_ALLIANCE.md", &broken);
    let config = project().join("editors/neovim/alliance.lua");
    let out = sandbox.path().join("codes.txt");
    // Wait (at most a minute: a hang guard, not a timing) for the
    // diagnostics, write their codes, quit.
    let wait = format!(
        "lua vim.wait(60000, function() return #vim.diagnostic.get(0) > 0 end, 50) \
         local codes = {{}} \
         for _, d in ipairs(vim.diagnostic.get(0)) do table.insert(codes, tostring(d.code)) end \
         table.sort(codes) \
         vim.fn.writefile(codes, '{}')",
        out.display()
    );
    let status = hermetic("nvim", sandbox.path())
        .env("PATH", path_with_alliance())
        .env("ALLIANCE_TODAY", "2026-11-22")
        .args(["--headless", "--clean", "-u"])
        .arg(&config)
        .args(["TEAM_ALLIANCE.md", "-c", &wait, "-c", "qa!"])
        .status()
        .unwrap_or_else(|e| panic!("nvim is needed (.ci/run installs the neovim package): {e}"));
    assert!(status.success(), "nvim: {status}");
    let codes = std::fs::read_to_string(&out).expect("nvim wrote the codes");
    let mut expected: Vec<&str> = vec!["A030", "A070"];
    expected.sort_unstable();
    assert_eq!(codes.lines().collect::<Vec<_>>(), expected, "{codes}");
    // The editor wrote nothing back.
    assert_eq!(sandbox.read("TEAM_ALLIANCE.md"), broken);
}

#[test]
fn the_helix_set_up_starts_alliance_lsp_for_markdown_and_yaml() {
    let text = std::fs::read_to_string(project().join("editors/helix/languages.toml"))
        .expect("editors/helix/languages.toml");
    let config: toml_edit::DocumentMut = text.parse().expect("valid TOML");
    let server = &config["language-server"]["alliance"];
    assert_eq!(server["command"].as_str(), Some("alliance"));
    let args: Vec<&str> = server["args"]
        .as_array()
        .expect("args")
        .iter()
        .filter_map(|a| a.as_str())
        .collect();
    assert_eq!(args, ["lsp"]);
    let languages = config["language"]
        .as_array_of_tables()
        .expect("[[language]]");
    for name in ["markdown", "yaml"] {
        let language = languages
            .iter()
            .find(|l| l.get("name").and_then(|n| n.as_str()) == Some(name))
            .unwrap_or_else(|| panic!("no {name} entry"));
        let servers = language["language-servers"].as_array().expect("servers");
        assert!(
            servers.iter().any(|s| s.as_str() == Some("alliance")),
            "{name}"
        );
    }
}
