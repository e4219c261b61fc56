//! The pages of `alliance site`: `index.html`, one page per alliance under
//! `alliances/`, and `site.json`, the same data for bots.
//!
//! Every page stands alone: an inline stylesheet (light and dark by
//! `prefers-color-scheme`, printable), no script, no request to anywhere
//! (a Content-Security-Policy forbids it), and only relative links, so the
//! site reads the same from `file://`, a server's root or a sub-path.
//! Every piece of document text goes through [`crate::escape::html`]; the
//! agreement's body through [`markdown::render`].

pub mod chart;
pub mod markdown;
pub mod merge;
pub mod timeline;

use std::fmt::Write as _;
use std::path::PathBuf;

use serde_json::{Value, json};

use crate::agenda::Agenda;
use crate::consent::{Consent, PartyState};
use crate::due::{Due, Tier};
use crate::escape::html::text as h;
use crate::pulse::Picture;
use crate::report::agenda::AgendaFormat;
use crate::tasks::site::{Shown, Site, SiteAlliance};

/// The policy every page carries: nothing loads but the page's own inline
/// styles (and pictures of its own, of which there are none).
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'none'";

const STYLE: &str = "
:root { color-scheme: light dark; --fg: #0b0c0c; --bg: #fff; --muted: #505a5f; --line: #b1b4b6;
  --link: #1d70b8; --ok: #00703c; --soon: #8a5300; --late: #d4351c; --box: #f3f2f1;
  --c0: #1d70b8; --c1: #d4351c; --c2: #00703c; --c3: #4c2c92; --c4: #b58840; --c5: #28a197; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #f3f2f1; --bg: #161819; --muted: #b1b4b6; --line: #505a5f;
    --link: #8fc1ff; --ok: #5fd38d; --soon: #ffcf66; --late: #ff8a80; --box: #24272a;
    --c0: #8fc1ff; --c1: #ff8a80; --c2: #5fd38d; --c3: #c5a3ff; --c4: #ffcf66; --c5: #6fe0d4; } }
body { font: 1rem/1.5 system-ui, sans-serif; color: var(--fg); background: var(--bg);
  max-width: 60rem; margin: 0 auto; padding: 1rem; }
a { color: var(--link); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .4rem .6rem; border-bottom: 1px solid var(--line); }
.muted, footer { color: var(--muted); }
.badge { font-weight: bold; white-space: nowrap; }
.overdue { color: var(--late); } .due-soon { color: var(--soon); } .ok { color: var(--ok); }
.status-box { color: var(--fg); background: var(--box); border-left: .3rem solid var(--line); padding: .6rem 1rem; margin: 1rem 0; }
.status-box.overdue { border-color: var(--late); } .status-box.due-soon { border-color: var(--soon); }
dl.front { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
dl.front dt { font-weight: bold; }
.refused { text-decoration: underline dotted; }
.pulse-chart { margin: 1.5rem 0; }
svg.chart { width: 100%; max-width: 40rem; height: auto; display: block; }
svg.chart .axes line { stroke: var(--line); stroke-width: 1; }
svg.chart text { fill: var(--muted); font-size: 11px; }
svg.chart .line { fill: none; stroke-width: 2.5; }
svg.chart .gap { fill: var(--line); opacity: .35; } svg.chart .gap.flagged { fill: var(--soon); }
svg.chart .mark.rupture { fill: var(--late); } svg.chart .mark.repair { fill: var(--ok); }
svg.chart .sealed rect { fill: none; stroke: var(--muted); stroke-dasharray: 4 3; }
svg.chart .p0 { stroke: var(--c0); } svg.chart .p1 { stroke: var(--c1); stroke-dasharray: 7 3; }
svg.chart .p2 { stroke: var(--c2); stroke-dasharray: 2 3; } svg.chart .p3 { stroke: var(--c3); }
svg.chart .p4 { stroke: var(--c4); stroke-dasharray: 7 3; } svg.chart .p5 { stroke: var(--c5); stroke-dasharray: 2 3; }
svg.chart .dot { fill: var(--bg); stroke-width: 2; stroke-dasharray: none; }
table.chart-data { font-size: .9rem; max-width: 40rem; }
caption { text-align: left; font-weight: bold; padding: .3rem 0; }
nav.contents ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .3rem 1.2rem; }
ol.timeline { padding-left: 1.2rem; } ol.timeline > li { margin-bottom: 1.2rem; }
ol.timeline h3 { margin-bottom: .2rem; }
details { border-left: .2rem solid var(--line); padding-left: .8rem; }
summary { cursor: pointer; color: var(--link); }
pre { overflow-x: auto; background: var(--box); padding: .6rem; }
@media print { nav, footer { display: none; } a { color: inherit; } body { max-width: none; }
  .pulse-chart, tr { break-inside: avoid; } details > * { display: block; } }
";

/// Every file of the site, its path inside the site's folder first.
pub fn files(site: &Site) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = vec![(PathBuf::from("index.html"), index(site).into_bytes())];
    for alliance in &site.alliances {
        files.push((page_path(alliance), page(site, alliance).into_bytes()));
    }
    let mut json = Vec::new();
    // Writing to memory cannot fail.
    let _ = crate::escape::json::write_pretty(&mut json, &json_of(site));
    json.push(b'\n');
    files.push((PathBuf::from("site.json"), json));
    files
}

/// Where `alliance`'s page is, from the site's folder.
pub fn page_path(alliance: &SiteAlliance) -> PathBuf {
    PathBuf::from(format!("alliances/{}.html", alliance.slug))
}

/// Where a page's own links lead: the index, and `site.json` when there
/// is one.
struct Links {
    home: String,
    json: Option<String>,
}

impl Links {
    /// The links of a page `up` (`""` or `"../"`) from the site's folder.
    fn folder(up: &str) -> Links {
        Links {
            home: format!("{up}index.html"),
            json: Some(format!("{up}site.json")),
        }
    }
}

/// A whole page.
fn layout(title: &str, links: &Links, site: &Site, main: &str) -> String {
    let json = match &links.json {
        Some(json) => format!(" Data for tools: <a href=\"{json}\">site.json</a>."),
        None => String::new(),
    };
    format!(
        "{head}<nav><a href=\"{home}\">All alliances</a></nav>\n<main>\n{main}</main>\n\
<footer><p>As of {today}. Written by <code>alliance site</code>.{json}</p></footer>\n</body>\n</html>\n",
        head = head(title),
        home = links.home,
        today = site.today,
    )
}

/// Every page's start, to `<body>`: the policy, the stylesheet and the
/// title (escaped here).
pub(crate) fn head(title: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta http-equiv=\"Content-Security-Policy\" content=\"{CONTENT_SECURITY_POLICY}\">\n\
<meta name=\"referrer\" content=\"no-referrer\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        title = h(title),
    )
}

/// The whole site in one page (`--single-file`): the index, then every
/// alliance as an `<article>` its row links to (`#slug`), its headings one
/// level down.
pub fn single_file(site: &Site) -> String {
    let mut main = String::from("<section id=\"index\">\n");
    main.push_str(&index_main(site, &|a| format!("#{}", a.slug)));
    main.push_str("</section>\n");
    for a in &site.alliances {
        let _ = writeln!(main, "<article id=\"{}\">", a.slug);
        main.push_str(&demote(&article(a)));
        main.push_str("</article>\n");
    }
    let links = Links {
        home: "#index".to_owned(),
        json: None,
    };
    layout("Alliances", &links, site, &main)
}

/// `html` (ours: every text in it escaped, so each `<h` starts a heading
/// we wrote) with every heading one level further down, `h6` staying `h6`.
fn demote(html: &str) -> String {
    let mut out = html.to_owned();
    for level in (1..=5).rev() {
        out = out
            .replace(&format!("<h{level}>"), &format!("<h{}>", level + 1))
            .replace(&format!("</h{level}>"), &format!("</h{}>", level + 1));
    }
    out
}

/// The index page.
fn index(site: &Site) -> String {
    let mut main = index_main(site, &|a| page_path(a).to_string_lossy().into_owned());
    // `alliance site` writes the calendar beside the index.
    main.push_str(
        "<p>Every review date as a calendar to subscribe to: \
<a href=\"alliances.ics\">alliances.ics</a> (add its address in your calendar app).</p>\n",
    );
    layout("Alliances", &Links::folder(""), site, &main)
}

/// The index: every alliance, with where its review, consent and pulse
/// stand, each linked to `link(alliance)`.
fn index_main(site: &Site, link: &dyn Fn(&SiteAlliance) -> String) -> String {
    let mut main = String::from("<h1>Alliances</h1>\n");
    if site.alliances.is_empty() {
        main.push_str("<p>No alliances here yet.</p>\n");
        return main;
    }
    main.push_str(
        "<table>\n<thead><tr><th>Alliance</th><th>Kind</th><th>Parties</th><th>Status</th>\
<th>Consent</th><th>Last review</th><th>Next review</th><th>Pulse</th></tr></thead>\n<tbody>\n",
    );
    for a in &site.alliances {
        let _ = writeln!(
            main,
            "<tr><td><a href=\"{href}\">{title}</a><br><span class=\"muted\">{path}</span></td>\
<td>{kind}</td><td>{parties}</td><td>{status}</td><td>{consent}</td><td>{last}</td><td>{next}</td>\
<td>{pulse}</td></tr>",
            href = h(&link(a)),
            title = h(&a.title),
            path = h(&a.path.to_string_lossy()),
            kind = h(&a.kind),
            parties = a
                .parties
                .iter()
                .map(|p| h(p))
                .collect::<Vec<_>>()
                .join("<br>"),
            status = h(&a.status),
            consent = consent_summary(a.consent.as_ref()),
            last = a
                .last_review
                .map(|d| d.to_string())
                .unwrap_or_else(|| "never".into()),
            next = next_review(a.review.as_ref()),
            pulse = chart::glance(a.pulse.as_ref()),
        );
    }
    main.push_str("</tbody>\n</table>\n");
    main
}

/// The next review's date and its badge.
fn next_review(review: Option<&Due>) -> String {
    match review {
        None => "<span class=\"muted\">none</span>".to_owned(),
        Some(due) => format!("{}<br>{}", due.date, badge(due)),
    }
}

/// Overdue by N days, due today, due in N days, or on time.
fn badge(due: &Due) -> String {
    let (class, words) = standing(due);
    format!("<span class=\"badge {class}\">{words}</span>")
}

/// The class and words of where `due` stands.
fn standing(due: &Due) -> (&'static str, String) {
    let days = |n: i64| {
        if n == 1 {
            "1 day".to_owned()
        } else {
            format!("{n} days")
        }
    };
    match due.tier {
        Tier::Overdue => ("overdue", format!("Overdue by {}", days(due.days_overdue))),
        Tier::DueSoon if due.days_overdue == 0 => ("due-soon", "Due today".to_owned()),
        Tier::DueSoon => ("due-soon", format!("Due in {}", days(-due.days_overdue))),
        Tier::Ok => ("ok", "On time".to_owned()),
    }
}

/// "2 of 3 agreed", with who has not.
fn consent_summary(consent: Option<&Consent>) -> String {
    let Some(consent) = consent else {
        return "<span class=\"muted\">unknown</span>".to_owned();
    };
    let agreed = consent.agreed().count();
    let all = consent.parties.len();
    let class = if consent.complete() { "ok" } else { "due-soon" };
    let mut out = format!("<span class=\"{class}\">{agreed} of {all} agreed</span>");
    let waiting: Vec<String> = consent.not_agreed().map(|p| h(&p.party)).collect();
    if !waiting.is_empty() {
        let _ = write!(
            out,
            "<br><span class=\"muted\">not yet: {}</span>",
            waiting.join(", ")
        );
    }
    out
}

/// One alliance's page: its front matter, the status box, consent, and
/// the agreement itself.
fn page(site: &Site, a: &SiteAlliance) -> String {
    layout(&a.title, &Links::folder("../"), site, &article(a))
}

/// What an alliance's page holds: its title, the front matter, the status box, what is on the page, then
/// the agreement, consent, the pulse and the reviews. Its ids start
/// `slug--`, so that several fit on one page.
fn article(a: &SiteAlliance) -> String {
    let slug = &a.slug;
    let mut main = format!("<h1>{}</h1>\n", h(&a.title));
    let _ = writeln!(
        main,
        "<dl class=\"front\">\n<dt>Kind</dt><dd>{kind}</dd>\n<dt>Status</dt><dd>{status}</dd>\n\
<dt>Parties</dt><dd>{parties}</dd>\n<dt>File</dt><dd><code>{path}</code></dd>\n</dl>",
        kind = h(&a.kind),
        status = h(&a.status),
        parties = a
            .parties
            .iter()
            .map(|p| h(p))
            .collect::<Vec<_>>()
            .join(", "),
        path = h(&a.path.to_string_lossy()),
    );
    main.push_str(&status_box(a));
    main.push_str(&contents(a));
    let _ = writeln!(
        main,
        "<section class=\"agreement\" id=\"{slug}--agreement\" aria-label=\"The agreement\">"
    );
    main.push_str(&markdown::render(&a.body));
    main.push_str("</section>\n");
    main.push_str(&consent_section(a.consent.as_ref(), slug));
    main.push_str(&agenda_section(a.agenda.as_ref(), slug));
    main.push_str(&pulse_section(a.pulse.as_ref(), slug));
    main.push_str(&timeline::section(a.reviews.as_ref(), slug));
    main
}

/// The page's own contents: a link to each part it has.
fn contents(a: &SiteAlliance) -> String {
    let mut parts = vec![("agreement", "The agreement")];
    if a.consent.is_some() {
        parts.push(("consent", "Consent"));
    }
    if a.agenda.is_some() {
        parts.push(("agenda", "The next review"));
    }
    if a.pulse.is_some() {
        parts.push(("pulse", "Pulse"));
    }
    parts.push(("reviews", "Reviews"));
    let links: Vec<String> = parts
        .iter()
        .map(|(id, words)| format!("<li><a href=\"#{}--{id}\">{words}</a></li>", a.slug))
        .collect();
    format!(
        "<nav class=\"contents\" aria-label=\"On this page\"><ul>{}</ul></nav>\n",
        links.join("")
    )
}

/// The agenda of the next review, as `alliance agenda --format markdown`
/// words it (written as HTML by [`markdown::render`]), or why there is
/// none.
fn agenda_section(agenda: Option<&Shown<Agenda>>, slug: &str) -> String {
    let Some(agenda) = agenda else {
        return String::new();
    };
    let body = match agenda {
        Ok(agenda) => {
            let mut text = Vec::new();
            // Writing to memory cannot fail.
            let style = crate::report::Style { color: false };
            let _ = crate::report::agenda::render(agenda, AgendaFormat::Markdown, style, &mut text);
            markdown::render(&String::from_utf8_lossy(&text))
        }
        Err(why) => format!("<p>No agenda can be prepared: {}</p>\n", h(why)),
    };
    format!(
        "<section class=\"agenda\" id=\"{slug}--agenda\">\n<h2>The next review</h2>\n{body}</section>\n"
    )
}

/// The pulse charts, or why there are none.
fn pulse_section(pulse: Option<&Shown<Picture>>, slug: &str) -> String {
    match pulse {
        None => String::new(),
        Some(Ok(picture)) => chart::section(picture, slug),
        Some(Err(why)) => format!(
            "<section class=\"pulse\" id=\"{slug}--pulse\">\n<h2>Pulse</h2>\n<p>The pulse cannot be shown: {}</p>\n</section>\n",
            h(why)
        ),
    }
}

/// The box at the top of a page, as GOV.UK's tech docs have: when it was
/// reviewed and when it is next, or how late the review is.
fn status_box(a: &SiteAlliance) -> String {
    let reviewed = match a.last_review {
        Some(date) => format!("Reviewed on {date}"),
        None => "Not reviewed yet".to_owned(),
    };
    let (class, next) = match &a.review {
        Some(due) if due.tier == Tier::Overdue => (
            "overdue",
            format!(
                "the review due on {} is {}",
                due.date,
                standing(due).1.to_lowercase()
            ),
        ),
        Some(due) => (
            "",
            format!(
                "next review on {} ({})",
                due.date,
                standing(due).1.to_lowercase()
            ),
        ),
        None => ("", "no review planned".to_owned()),
    };
    format!("<div class=\"status-box {class}\" role=\"status\"><p>{reviewed}; {next}.</p></div>\n")
}

/// Who agreed to which version, with the proof, and who has not.
fn consent_section(consent: Option<&Consent>, slug: &str) -> String {
    let Some(consent) = consent else {
        return String::new();
    };
    let mut out = format!(
        "<section class=\"consent\" id=\"{slug}--consent\">\n<h2>Consent</h2>\n<p>To this version, <code>{}</code>: {}.</p>\n<ul>\n",
        h(&consent.digest.short()),
        consent_summary(Some(consent)),
    );
    for party in &consent.parties {
        let (class, words) = party_words(&party.state);
        let _ = writeln!(
            out,
            "<li><span class=\"{class}\">{}</span>: {}</li>",
            h(&party.party),
            h(&words)
        );
    }
    out.push_str("</ul>\n</section>\n");
    out
}

/// The class and words of where one party stands.
fn party_words(state: &PartyState) -> (&'static str, String) {
    let on =
        |date: &Option<jiff::civil::Date>| date.map(|d| format!(" on {d}")).unwrap_or_default();
    match state {
        PartyState::Agreed { date, proof } => {
            ("ok", format!("agreed{} ({})", on(date), proof.describe()))
        }
        PartyState::Unproven { date, proof } => (
            "due-soon",
            format!(
                "recorded as agreeing{}, but not proven enough to count ({})",
                on(date),
                proof.describe()
            ),
        ),
        PartyState::Stale { date } => (
            "due-soon",
            format!(
                "agreed to an earlier version{}; not to this one yet",
                on(date)
            ),
        ),
        PartyState::Waiting => ("due-soon", "has not agreed yet".to_owned()),
    }
}

/// `site.json`: what the index shows, for bots and an organisation's view.
pub fn json_of(site: &Site) -> Value {
    json!({
        "today": site.today.to_string(),
        "repository": site.repository,
        "url": site.url,
        "alliances": site.alliances.iter().map(alliance_json).collect::<Vec<_>>(),
    })
}

fn alliance_json(a: &SiteAlliance) -> Value {
    json!({
        "title": a.title,
        "page": page_path(a).to_string_lossy(),
        "path": a.path.to_string_lossy(),
        "kind": a.kind,
        "status": a.status,
        "parties": a.parties,
        "review": {
            "last": a.last_review.map(|d| d.to_string()),
            "next": a.review.as_ref().map(|d| d.date.to_string()),
            "tier": a.review.as_ref().map(|d| d.tier),
            "days_overdue": a.review.as_ref().map(|d| d.days_overdue),
        },
        "consent": a.consent.as_ref().map(|c| json!({
            "digest": c.digest.short(),
            "complete": c.complete(),
            "agreed": c.agreed().map(|p| p.party.clone()).collect::<Vec<_>>(),
            "waiting": c.not_agreed().map(|p| p.party.clone()).collect::<Vec<_>>(),
        })),
    })
}
