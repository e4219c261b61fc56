//! The rules a change touches: the files of the kinds folder (kinds, their
//! schemas, templates and pulse instruments) and `.alliance.yaml` that
//! differ from the merge base, each with the alliances whose rules come
//! from it and what changed in those rules (sections made optional or
//! removed, sections added or required, aliases, cadence, instrument).
//!
//! The kinds at the merge base are read through `history` and loaded by
//! the same loader as the working tree's ([`Kinds::from_texts`]); nothing
//! is written. *Must not* render (that is `report::ci`'s).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::document::Alliance;
use crate::history::changed::ChangedFile;
use crate::history::{History, HistoryError};
use crate::kind::{Content, Kind, Kinds, SectionRule};

/// The repository's settings file.
pub const CONFIG_FILE: &str = ".alliance.yaml";

/// What a rules file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RulesFile {
    /// A kind's definition (`NAME.kind.yaml`).
    Kind,
    /// A kind's front-matter schema (`NAME.schema.json`).
    Schema,
    /// A kind's template (`NAME.md.j2`).
    Template,
    /// A pulse instrument (`NAME.instrument.yaml`).
    Instrument,
    /// The repository's settings (`.alliance.yaml`).
    Config,
}

impl RulesFile {
    /// What the file at `path` (from the root) is, when it makes rules:
    /// `.alliance.yaml` at the root, or one of the kinds folder's files
    /// (`kinds`, from the root).
    pub fn of(path: &Path, kinds: Option<&Path>) -> Option<RulesFile> {
        if path == Path::new(CONFIG_FILE) {
            return Some(RulesFile::Config);
        }
        if kinds.is_none_or(|folder| path.parent() != Some(folder)) {
            return None;
        }
        let name = path.file_name()?.to_str()?;
        [
            (".kind.yaml", RulesFile::Kind),
            (".schema.json", RulesFile::Schema),
            (".md.j2", RulesFile::Template),
            (".instrument.yaml", RulesFile::Instrument),
        ]
        .into_iter()
        .find(|(suffix, _)| name.ends_with(suffix))
        .map(|(_, file)| file)
    }
}

/// One rules file the change touches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RulesChange {
    /// The file, from the root, `/`-separated.
    pub path: String,
    /// What it is.
    pub file: RulesFile,
    /// The alliances whose rules come from it (all of them for the
    /// settings), by path from the root, sorted.
    pub alliances: Vec<String>,
    /// What changed in the rules (for a kind's definition: kind by kind;
    /// for the other files, that their text changed).
    pub differences: Vec<RuleDifference>,
}

/// One difference in the rules, old side to new.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleDifference {
    /// A kind that was not there (nor built in).
    KindAdded {
        /// The kind.
        kind: String,
    },
    /// A kind that is no longer there (nor built in).
    KindRemoved {
        /// The kind.
        kind: String,
    },
    /// A section the kind no longer asks for.
    SectionRemoved {
        /// The kind.
        kind: String,
        /// The section.
        section: String,
    },
    /// A section the kind asks for now.
    SectionAdded {
        /// The kind.
        kind: String,
        /// The section.
        section: String,
        /// Whether it must be there.
        required: bool,
    },
    /// A section renamed (its old name stays an alias).
    SectionRenamed {
        /// The kind.
        kind: String,
        /// The old name.
        from: String,
        /// The new name.
        to: String,
    },
    /// A section that must no longer be there.
    MadeOptional {
        /// The kind.
        kind: String,
        /// The section.
        section: String,
    },
    /// A section that must be there now.
    MadeRequired {
        /// The kind.
        kind: String,
        /// The section.
        section: String,
    },
    /// What counts as a section's content changed (`optional`: it may be
    /// empty).
    Content {
        /// The kind.
        kind: String,
        /// The section.
        section: String,
        /// Before.
        from: Content,
        /// After.
        to: Content,
    },
    /// A heading now accepted for a section.
    AliasAdded {
        /// The kind.
        kind: String,
        /// The section.
        section: String,
        /// The heading.
        alias: String,
    },
    /// A heading no longer accepted for a section.
    AliasRemoved {
        /// The kind.
        kind: String,
        /// The section.
        section: String,
        /// The heading.
        alias: String,
    },
    /// The cadence `new` proposes (`default_every`).
    Cadence {
        /// The kind.
        kind: String,
        /// Before.
        from: Option<String>,
        /// After.
        to: Option<String>,
    },
    /// The pulse instrument the kind's alliances use.
    Instrument {
        /// The kind.
        kind: String,
        /// Before.
        from: Option<String>,
        /// After.
        to: Option<String>,
    },
    /// The file was added, removed or its text changed (a schema, a
    /// template, an instrument, the settings, or a definition whose rules
    /// read the same).
    Text {
        /// Added, removed or changed.
        how: &'static str,
    },
    /// The kinds at the merge base could not be loaded, so no rule is
    /// compared.
    BaseUnreadable {
        /// Why.
        reason: String,
    },
}

/// What [`collect`] needs of the working tree.
pub struct Tree<'a> {
    /// The kinds folder, from the root (none when the settings name none).
    pub kinds_folder: Option<PathBuf>,
    /// The working tree's kinds.
    pub kinds: &'a Kinds,
    /// The working tree's alliances, as much as the rules need of each,
    /// read only when a rules file changed.
    pub alliances: &'a dyn Fn() -> Vec<RulesUser>,
}

/// What the rules need to know of one alliance (the document itself is
/// not kept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RulesUser {
    /// Its path from the root, `/`-separated.
    pub path: String,
    /// Its kind (`alliance:`).
    pub kind: Option<String>,
    /// The pulse instrument its front matter names (`pulse: instrument:`).
    pub instrument: Option<String>,
}

impl RulesUser {
    /// What the rules need of `doc`, at `path` from the root.
    pub fn of(path: String, doc: &Alliance) -> RulesUser {
        RulesUser {
            path,
            kind: doc
                .fields()
                .and_then(|f| f.kind.as_ref())
                .map(|k| k.value.clone()),
            instrument: instrument_named(doc),
        }
    }
}

/// The rules files among `files` (what changed since `merge_base`, `rev`
/// for messages), each with the alliances it affects and what changed.
pub fn collect(
    history: &History,
    merge_base: crate::history::ObjectId,
    rev: &str,
    files: &[ChangedFile],
    tree: &Tree<'_>,
) -> Result<Vec<RulesChange>, HistoryError> {
    let folder = tree.kinds_folder.as_deref();
    let mut touched: Vec<(PathBuf, RulesFile, &'static str)> = Vec::new();
    for file in files {
        let sides = [
            (&file.old_path, file.new_path.is_some(), "removed"),
            (&file.new_path, file.old_path.is_some(), "added"),
        ];
        for (path, both, how) in sides {
            let Some(path) = path else { continue };
            let Some(kind) = RulesFile::of(path, folder) else {
                continue;
            };
            let how = if both && file.old_path == file.new_path {
                "changed"
            } else {
                how
            };
            if !touched.iter().any(|(p, ..)| p == path) {
                touched.push((path.clone(), kind, how));
            }
        }
    }
    if touched.is_empty() {
        return Ok(Vec::new());
    }
    let base = base_kinds(history, merge_base, rev, folder)?;
    let alliances = (tree.alliances)();
    let mut out: Vec<RulesChange> = touched
        .into_iter()
        .map(|(path, file, how)| {
            let name = file_name(&path);
            let rules = Rules {
                base: &base,
                now: tree.kinds,
            };
            RulesChange {
                path: slash(&path),
                file,
                alliances: rules.affected(&alliances, file, &name),
                differences: rules.differences(file, &name, how),
            }
        })
        .collect();
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// The names of the kinds folder's files an alliance's rules come from:
/// its kind's (see [`Kind::files`]) and its pulse instrument's
/// (`NAME.instrument.yaml`, whether or not the folder holds it).
pub fn files_of(doc: &Alliance, kinds: &Kinds) -> Vec<String> {
    let kind = kinds.of(doc);
    let instrument = instrument_named(doc)
        .or_else(|| kind.and_then(|k| k.instrument.clone()))
        .unwrap_or_else(|| DEFAULT_INSTRUMENT.to_owned());
    kind.into_iter()
        .flat_map(Kind::files)
        .map(str::to_owned)
        .chain([format!("{instrument}.instrument.yaml")])
        .collect()
}

/// The instrument an alliance without one of its own or its kind's uses.
const DEFAULT_INSTRUMENT: &str = "working-alliance";

/// The instrument the front matter names (`pulse: instrument:`).
fn instrument_named(doc: &Alliance) -> Option<String> {
    doc.front_root()
        .and_then(|r| r.get("pulse"))
        .and_then(|p| p.get("instrument"))
        .and_then(|n| n.scalar_text())
        .map(|t| t.trim().to_owned())
}

/// The kinds at the merge base: the kinds folder's files there, loaded by
/// the working tree's loader; or why they could not be.
fn base_kinds(
    history: &History,
    merge_base: crate::history::ObjectId,
    rev: &str,
    folder: Option<&Path>,
) -> Result<Result<Kinds, String>, HistoryError> {
    let Some(folder) = folder else {
        return Ok(Ok(Kinds::builtin()));
    };
    let mut texts = BTreeMap::new();
    let mut bytes = 0usize;
    let names = history.files_at(merge_base, folder)?;
    let wanted = names.into_iter().filter(|name| {
        name.ends_with(".kind.yaml") || name.ends_with(".schema.json") || name.ends_with(".md.j2")
    });
    for name in wanted {
        if texts.len() >= MAX_BASE_FILES || bytes > MAX_BASE_BYTES {
            return Ok(Err(format!(
                "the kinds folder there holds more than {MAX_BASE_FILES} kinds, schemas and templates, or more than {} MiB of them; alliance reads up to that much",
                MAX_BASE_BYTES >> 20
            )));
        }
        match history.read_at(merge_base, &folder.join(&name), rev) {
            Ok(text) => {
                bytes += text.len();
                texts.insert(name, text);
            }
            Err(HistoryError::Binary { .. } | HistoryError::NotUtf8 { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(Kinds::from_texts(folder, &texts).map_err(|e| e.to_string()))
}

/// The most kind definitions, schemas and templates read at the merge base:
/// a kind of each per the most kinds a folder may hold.
const MAX_BASE_FILES: usize = 3 * crate::kind::MAX_KINDS;

/// The most bytes of them read at the merge base.
const MAX_BASE_BYTES: usize = 64 << 20;

/// The rules on both sides.
struct Rules<'a> {
    base: &'a Result<Kinds, String>,
    now: &'a Kinds,
}

impl Rules<'_> {
    /// The kind named `name` on each side.
    fn kind(&self, name: &str) -> (Option<&Kind>, Option<&Kind>) {
        let base = self.base.as_ref().ok().and_then(|k| k.get(name));
        (base, self.now.get(name))
    }

    /// The names of the kinds, on either side, made of the file `file`.
    fn kinds_of(&self, file: RulesFile, name: &str) -> BTreeSet<String> {
        let sides = self.base.as_ref().ok().into_iter().chain([self.now]);
        let made_of = |kind: &Kind| match file {
            RulesFile::Kind | RulesFile::Schema | RulesFile::Template => {
                kind.files().any(|f| f == name)
            }
            RulesFile::Instrument | RulesFile::Config => false,
        };
        sides
            .flat_map(Kinds::iter)
            .filter(|k| made_of(k))
            .map(|k| k.name.clone())
            .collect()
    }

    /// The alliances whose rules come from the file `name`.
    fn affected(&self, alliances: &[RulesUser], file: RulesFile, name: &str) -> Vec<String> {
        let kinds = self.kinds_of(file, name);
        let instrument = name.strip_suffix(".instrument.yaml");
        let mut out: Vec<String> = alliances
            .iter()
            .filter(|user| match file {
                RulesFile::Config => true,
                RulesFile::Instrument => {
                    instrument.is_some_and(|i| self.instruments(user).iter().any(|n| n == i))
                }
                _ => user.kind.as_ref().is_some_and(|k| kinds.contains(k)),
            })
            .map(|user| user.path.clone())
            .collect();
        out.sort();
        out
    }

    /// The instruments an alliance uses on either side.
    fn instruments(&self, user: &RulesUser) -> Vec<String> {
        if let Some(named) = &user.instrument {
            return vec![named.clone()];
        }
        let (base, now) = user
            .kind
            .as_deref()
            .map(|k| self.kind(k))
            .unwrap_or_default();
        [base, now]
            .into_iter()
            .map(|k| {
                k.and_then(|k| k.instrument.clone())
                    .unwrap_or_else(|| DEFAULT_INSTRUMENT.to_owned())
            })
            .collect()
    }

    /// What changed in the rules the file `name` makes.
    fn differences(&self, file: RulesFile, name: &str, how: &'static str) -> Vec<RuleDifference> {
        if file != RulesFile::Kind {
            return vec![RuleDifference::Text { how }];
        }
        if let Err(reason) = self.base {
            return vec![RuleDifference::BaseUnreadable {
                reason: reason.clone(),
            }];
        }
        let mut out = Vec::new();
        for kind in self.kinds_of(file, name) {
            let (base, now) = self.kind(&kind);
            out.extend(compare_kinds(&kind, base, now));
        }
        if out.is_empty() {
            out.push(RuleDifference::Text { how });
        }
        out
    }
}

/// What changed between two versions of kind `name`.
pub fn compare_kinds(name: &str, base: Option<&Kind>, now: Option<&Kind>) -> Vec<RuleDifference> {
    let kind = || name.to_owned();
    let (base, now) = match (base, now) {
        (None, None) => return Vec::new(),
        (None, Some(_)) => return vec![RuleDifference::KindAdded { kind: kind() }],
        (Some(_), None) => return vec![RuleDifference::KindRemoved { kind: kind() }],
        (Some(base), Some(now)) => (base, now),
    };
    let mut out = Vec::new();
    for old in &base.sections {
        let same = now.sections.iter().find(|s| s.name == old.name);
        match same.or_else(|| renamed(old, &now.sections)) {
            None => out.push(RuleDifference::SectionRemoved {
                kind: kind(),
                section: old.name.clone(),
            }),
            Some(new) => {
                if new.name != old.name {
                    out.push(RuleDifference::SectionRenamed {
                        kind: kind(),
                        from: old.name.clone(),
                        to: new.name.clone(),
                    });
                }
                out.extend(compare_sections(name, old, new));
            }
        }
    }
    for new in &now.sections {
        let was = base.sections.iter().any(|old| {
            old.name == new.name || renamed(old, &now.sections).is_some_and(|r| r.name == new.name)
        });
        if !was {
            out.push(RuleDifference::SectionAdded {
                kind: kind(),
                section: new.name.clone(),
                required: new.required,
            });
        }
    }
    if base.default_every != now.default_every {
        out.push(RuleDifference::Cadence {
            kind: kind(),
            from: base.default_every.clone(),
            to: now.default_every.clone(),
        });
    }
    if base.instrument != now.instrument {
        out.push(RuleDifference::Instrument {
            kind: kind(),
            from: base.instrument.clone(),
            to: now.instrument.clone(),
        });
    }
    out
}

/// The section of `sections` that `old` was renamed to: one that holds
/// its name as an alias, when no section keeps the name.
fn renamed<'a>(old: &SectionRule, sections: &'a [SectionRule]) -> Option<&'a SectionRule> {
    if sections.iter().any(|s| s.name == old.name) {
        return None;
    }
    sections.iter().find(|s| s.aliases.contains(&old.name))
}

/// What changed in one section's rule.
fn compare_sections(kind: &str, old: &SectionRule, new: &SectionRule) -> Vec<RuleDifference> {
    let kind = || kind.to_owned();
    let section = || new.name.clone();
    let mut out = Vec::new();
    match (old.required, new.required) {
        (true, false) => out.push(RuleDifference::MadeOptional {
            kind: kind(),
            section: section(),
        }),
        (false, true) => out.push(RuleDifference::MadeRequired {
            kind: kind(),
            section: section(),
        }),
        _ => {}
    }
    if old.content != new.content {
        out.push(RuleDifference::Content {
            kind: kind(),
            section: section(),
            from: old.content,
            to: new.content,
        });
    }
    let added = new
        .aliases
        .iter()
        .filter(|a| !old.aliases.contains(a) && **a != old.name);
    for alias in added {
        out.push(RuleDifference::AliasAdded {
            kind: kind(),
            section: section(),
            alias: alias.clone(),
        });
    }
    for alias in old
        .aliases
        .iter()
        .filter(|a| !new.aliases.contains(a) && **a != new.name)
    {
        out.push(RuleDifference::AliasRemoved {
            kind: kind(),
            section: section(),
            alias: alias.clone(),
        });
    }
    out
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn slash(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(files: &[(&str, &str)]) -> Kinds {
        let texts = files
            .iter()
            .map(|(name, text)| ((*name).to_owned(), (*text).to_owned()))
            .collect();
        Kinds::from_texts(Path::new("alliance-kinds"), &texts).expect("kinds load")
    }

    #[test]
    fn a_kind_from_texts_knows_the_files_it_is_made_of() {
        let kinds = kinds(&[
            ("crew.kind.yaml", "name: crew\nextends: team\n"),
            ("crew.md.j2", "# {{ title }}\n"),
            ("squad.kind.yaml", "name: squad\nextends: crew\n"),
            ("squad.schema.json", "{\"type\": \"object\"}"),
        ]);
        let squad = kinds.get("squad").expect("squad");
        let files: Vec<&str> = squad.files().collect();
        assert_eq!(
            files,
            [
                "squad.kind.yaml",
                "crew.kind.yaml",
                "squad.schema.json",
                "crew.md.j2"
            ]
        );
        assert_eq!(kinds.get("team").expect("team").files().count(), 0);
    }

    #[test]
    fn kinds_compare_as_rules() {
        let base = kinds(&[("squad.kind.yaml", "name: squad\nextends: team\n")]);
        let now = kinds(&[(
            "squad.kind.yaml",
            "name: squad\nextends: team\ndefault_every: 6 months\nsections:\n  - name: Atmosphere\n    rename: Values\n    required: false\n  - name: Purpose\n    content: optional\n  - name: Agreements\n    aliases: [House rules]\n  - name: Risks\n    content: items\n",
        )]);
        let kind = || "squad".to_owned();
        let differences = compare_kinds("squad", base.get("squad"), now.get("squad"));
        assert_eq!(
            differences,
            [
                RuleDifference::Content {
                    kind: kind(),
                    section: "Purpose".to_owned(),
                    from: Content::Text,
                    to: Content::Optional,
                },
                RuleDifference::SectionRenamed {
                    kind: kind(),
                    from: "Atmosphere".to_owned(),
                    to: "Values".to_owned(),
                },
                RuleDifference::MadeOptional {
                    kind: kind(),
                    section: "Values".to_owned(),
                },
                RuleDifference::AliasAdded {
                    kind: kind(),
                    section: "Agreements".to_owned(),
                    alias: "House rules".to_owned(),
                },
                RuleDifference::SectionAdded {
                    kind: kind(),
                    section: "Risks".to_owned(),
                    required: true,
                },
                RuleDifference::Cadence {
                    kind: kind(),
                    from: Some("3 months".to_owned()),
                    to: Some("6 months".to_owned()),
                },
            ]
        );
        let gone = compare_kinds("squad", base.get("squad"), None);
        assert_eq!(gone, [RuleDifference::KindRemoved { kind: kind() }]);
    }

    #[test]
    fn rules_files_are_the_kinds_folders_and_the_settings() {
        let folder = Some(Path::new("alliance-kinds"));
        let of = |p: &str| RulesFile::of(Path::new(p), folder);
        assert_eq!(of(".alliance.yaml"), Some(RulesFile::Config));
        assert_eq!(of("alliance-kinds/team.kind.yaml"), Some(RulesFile::Kind));
        assert_eq!(
            of("alliance-kinds/team.schema.json"),
            Some(RulesFile::Schema)
        );
        assert_eq!(of("alliance-kinds/team.md.j2"), Some(RulesFile::Template));
        assert_eq!(
            of("alliance-kinds/pulse.instrument.yaml"),
            Some(RulesFile::Instrument)
        );
        assert_eq!(of("alliance-kinds/notes.md"), None);
        assert_eq!(of("elsewhere/team.kind.yaml"), None);
        assert_eq!(of("docs/.alliance.yaml"), None);
        assert_eq!(RulesFile::of(Path::new("k/team.kind.yaml"), None), None);
    }
}
