//! Document text for an iCalendar (RFC 5545) file.
//!
//! [`text`] makes a TEXT value: control characters, line separators and
//! bidirectional overrides are dropped from document text (a calendar
//! client shows them raw or breaks on them), and `\`, `;`, `,` and line
//! feeds are escaped (RFC 5545 §3.3.11). [`fold`] writes one content line:
//! cut into lines of at most 75 octets, never inside a UTF-8 character,
//! each continuation starting with one space, every line ended by CRLF
//! (§3.1). The calendar writer (`report::due::ics`) sends every property
//! through [`fold`] and every piece of document text through [`text`].

use std::io::{self, Write};

/// The most octets a content line holds, its line break not counted.
const LINE_OCTETS: usize = 75;

/// `lines` joined by line feeds as one TEXT value: each line's document
/// text cleaned of control characters, then `\ ; ,` and the joining line
/// feeds escaped.
pub fn text_lines(lines: &[String]) -> String {
    let mut out = String::new();
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            out.push_str("\\n");
        }
        out.push_str(&text(line));
    }
    out
}

/// `value` as a TEXT value on one line: control characters (line feeds
/// among them), line separators and bidirectional overrides dropped (a
/// tab becomes a space), `\`, `;` and `,` escaped.
pub fn text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' | ';' | ',' => {
                out.push('\\');
                out.push(c);
            }
            '\t' => out.push(' '),
            c if super::terminal::needs_escape(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// Write `line` (a property, `NAME;PARAMS:VALUE`, with no line break in
/// it) as a folded content line: at most 75 octets a line, cut between
/// UTF-8 characters, each continuation led by one space, CRLF after each.
pub fn fold(out: &mut dyn Write, line: &str) -> io::Result<()> {
    let mut rest = line;
    let mut room = LINE_OCTETS;
    loop {
        if rest.len() <= room {
            out.write_all(rest.as_bytes())?;
            return out.write_all(b"\r\n");
        }
        let mut cut = room;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        out.write_all(&rest.as_bytes()[..cut])?;
        out.write_all(b"\r\n ")?;
        rest = &rest[cut..];
        // The leading space of a continuation counts toward its 75.
        room = LINE_OCTETS - 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folded(line: &str) -> String {
        let mut out = Vec::new();
        fold(&mut out, line).expect("write to a Vec");
        String::from_utf8(out).expect("folding keeps UTF-8 whole")
    }

    #[test]
    fn text_escapes_the_separators_and_drops_control_characters() {
        assert_eq!(text("a,b;c\\d"), "a\\,b\\;c\\\\d");
        assert_eq!(
            text("one\ntwo\r\u{1b}[31m\u{202e}x\tend"),
            "onetwo[31mx end"
        );
        assert_eq!(
            text_lines(&["a,".to_owned(), "b\nc".to_owned()]),
            "a\\,\\nbc"
        );
    }

    #[test]
    fn long_lines_fold_at_75_octets_between_characters() {
        let line = format!("SUMMARY:{}", "é".repeat(60));
        let out = folded(&line);
        assert!(out.ends_with("\r\n"));
        let lines: Vec<&str> = out.trim_end_matches("\r\n").split("\r\n").collect();
        assert!(lines.len() > 1);
        for (i, l) in lines.iter().enumerate() {
            assert!(l.len() <= 75, "{l:?} is {} octets", l.len());
            assert_eq!(i > 0, l.starts_with(' '), "{l:?}");
        }
        let unfolded: String = out.replace("\r\n ", "");
        assert_eq!(unfolded, format!("{line}\r\n"));
        assert_eq!(
            folded("DTSTART;VALUE=DATE:20261201"),
            "DTSTART;VALUE=DATE:20261201\r\n"
        );
    }

    #[test]
    fn a_line_of_exactly_75_octets_is_not_folded() {
        let line = "X".repeat(75);
        assert_eq!(folded(&line), format!("{line}\r\n"));
        assert_eq!(folded(&"X".repeat(76)), format!("{line}\r\n X\r\n"));
    }
}
