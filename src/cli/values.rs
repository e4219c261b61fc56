//! The library's choices as clap values: each format and `--fail-on`
//! named and explained for `--help`, here rather than in the library, so
//! no clap is outside `cli/`.

/// `clap::ValueEnum` for a library enum: each variant's name on the
/// command line and its help line.
macro_rules! value_enum {
    ($ty:path { $($variant:ident => $name:literal: $help:literal,)* }) => {
        impl clap::ValueEnum for $ty {
            fn value_variants<'a>() -> &'a [Self] {
                use $ty as This;
                &[$(This::$variant),*]
            }

            fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
                use $ty as This;
                Some(match self {
                    $(This::$variant => clap::builder::PossibleValue::new($name).help($help),)*
                })
            }
        }
    };
}

value_enum!(crate::report::kinds::KindsFormat {
        Human => "human": "A readable list",
        Json => "json": "JSON: name, origin, summary and sections of each kind",
});

value_enum!(crate::report::pulse::PulseFormat {
        Human => "human": "For people: signals, then a table per dimension with a sparkline per party",
        Json => "json": "For programs: one JSON document",
        Markdown => "markdown": "For a pull request or an issue: tables, trends as numbers",
});

value_enum!(crate::report::agenda::AgendaFormat {
        Human => "human": "For people, in a terminal",
        Markdown => "markdown": "Markdown, to paste in a meeting document or an issue",
        Json => "json": "One JSON document (see docs/json.md)",
});

value_enum!(crate::report::log::LogFormat {
        Human => "human": "One line per review",
        Json => "json": "One JSON document",
});

value_enum!(crate::report::CheckFormat {
        Human => "human": "For people: rustc-style, with the source line",
        Json => "json": "For programs: one JSON document (see docs/json.md)",
        Github => "github": "GitHub Actions workflow commands: annotations on the pull request",
        Sarif => "sarif": "SARIF 2.1.0, for code scanning",
        Junit => "junit": "JUnit XML, for GitLab, Jenkins and other CI test reports",
        Codequality => "codequality": "GitLab Code Quality JSON (fingerprints stable when lines move)",
});

value_enum!(crate::report::diff::DiffFormat {
        Human => "human": "For people, in a terminal",
        Markdown => "markdown": "A pull-request comment, with a hidden marker line for bots",
        Json => "json": "One JSON document",
});

value_enum!(crate::report::due::DueFormat {
        Human => "human": "For people: most overdue first, drafts apart",
        Json => "json": "For programs: one JSON document",
        Github => "github": "GitHub Actions annotations on the line of each date",
        Junit => "junit": "JUnit XML: one test case per alliance and per dated item",
        Markdown => "markdown": "A Markdown table, for an issue or a pull-request comment",
        Ics => "ics": "An iCalendar feed: one all-day event per date, to subscribe to",
        Slack => "slack": "A Slack Block Kit message, for an incoming webhook",
        Teams => "teams": "A Teams Workflows webhook message with an Adaptive Card",
});

value_enum!(crate::due::FailOn {
        Overdue => "overdue": "Overdue reviews fail the run (the default)",
        DueSoon => "due-soon": "Overdue reviews and reviews due soon fail the run",
        Never => "never": "Report only: never exit 1",
});
