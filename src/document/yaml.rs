//! The front matter's YAML, read with saphyr into a small tree of our own
//! where every node keeps the byte span it came from.
//!
//! The tree exists so that every later step can point at a line: the JSON
//! Schema check maps an instance location back to a span here, and the
//! in-place editor (`write::review`) rewrites exactly the bytes of one value. This
//! module only reads; it never decides what a value means.

use std::borrow::Cow;

use saphyr::{MarkedYaml, Scalar, YamlData};

use super::Span;

/// How many nodes alias expansion may produce before loading fails
/// (a "billion laughs" document is refused instead of filling memory).
const ALIAS_LIMIT: usize = 10_000;

/// How deep collections may nest before the front matter is refused.
/// Real front matter is three or four levels deep.
const MAX_DEPTH: usize = 64;

/// How many nodes (scalars, lists, mappings, aliases) one YAML text may
/// hold. A node costs about a kilobyte once loaded, converted and turned
/// into JSON for the schema check, so this keeps the YAML of one document
/// within about 50 MB of the memory budget (see README, "Limits"). Real
/// front matter holds a few dozen nodes.
pub const MAX_NODES: usize = 50_000;

/// One YAML node with the byte span of its text in the whole file.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// What the node holds.
    pub value: Value,
    /// Where the node's text is, in bytes from the start of the file.
    pub span: Span,
}

/// The value of a YAML node. Dates stay strings here: YAML 1.2 has no date
/// type, and `document::front_matter` parses them with jiff.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `~`, `null` or nothing at all.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// An integer that fits in 64 bits.
    Int(i64),
    /// A floating-point number.
    Float(f64),
    /// Any other scalar, quoted or not.
    Str(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in the order the file wrote it.
    Map(Vec<(Node, Node)>),
}

/// Why the front matter could not be read as YAML.
#[derive(Debug, Clone, PartialEq)]
pub struct YamlError {
    /// What is wrong, in the YAML parser's words.
    pub message: String,
    /// Where the parser stopped.
    pub span: Span,
}

impl Node {
    /// The value of `key` when this node is a mapping with a string key `key`.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, v)| v)
    }

    /// The key node and value node of `key` in a mapping.
    pub fn entry(&self, key: &str) -> Option<(&Node, &Node)> {
        match &self.value {
            Value::Map(entries) => entries
                .iter()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(k, v)| (k, v)),
            _ => None,
        }
    }

    /// The text of a string scalar.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The scalar as text, whatever its type (`3` reads as `"3"`).
    pub fn scalar_text(&self) -> Option<Cow<'_, str>> {
        match &self.value {
            Value::Str(s) => Some(Cow::Borrowed(s)),
            Value::Int(i) => Some(Cow::Owned(i.to_string())),
            Value::Float(f) => Some(Cow::Owned(f.to_string())),
            Value::Bool(b) => Some(Cow::Owned(b.to_string())),
            Value::Null | Value::Seq(_) | Value::Map(_) => None,
        }
    }

    /// The items of a sequence.
    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(items) => Some(items),
            _ => None,
        }
    }

    /// A short name of the node's type, as a user would say it.
    pub fn type_name(&self) -> &'static str {
        match self.value {
            Value::Null => "nothing",
            Value::Bool(_) => "a boolean",
            Value::Int(_) | Value::Float(_) => "a number",
            Value::Str(_) => "text",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }

    /// The node as JSON, for the JSON Schema check and `--format json`.
    /// Keys that are not strings are written as their text.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Int(i) => J::from(*i),
            Value::Float(f) => serde_json::Number::from_f64(*f)
                .map(J::Number)
                .unwrap_or_else(|| J::String(f.to_string())),
            Value::Str(s) => J::String(s.clone()),
            Value::Seq(items) => J::Array(items.iter().map(Node::to_json).collect()),
            Value::Map(entries) => J::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.key_text(), v.to_json()))
                    .collect(),
            ),
        }
    }

    fn key_text(&self) -> String {
        self.scalar_text()
            .map(Cow::into_owned)
            .unwrap_or_else(|| self.type_name().to_owned())
    }

    /// The node at a JSON pointer (`/parties/1/name`), as the JSON Schema
    /// validator reports locations. Falls back to the deepest node found.
    pub fn at_pointer(&self, pointer: &str) -> &Node {
        let mut node = self;
        for token in pointer.split('/').skip(1) {
            let token = token.replace("~1", "/").replace("~0", "~");
            let next = match &node.value {
                Value::Map(entries) => entries
                    .iter()
                    .find(|(k, _)| k.key_text() == token)
                    .map(|(_, v)| v),
                Value::Seq(items) => token.parse::<usize>().ok().and_then(|i| items.get(i)),
                _ => None,
            };
            match next {
                Some(n) => node = n,
                None => break,
            }
        }
        node
    }

    /// Every node by its JSON pointer (`/parties/0/name`, escaped as
    /// JSON Schema validators write it), with its key node when it is a
    /// mapping's value: one walk answers [`Node::at_pointer`] and
    /// [`Node::key_at_pointer`] for any number of pointers. Where a
    /// mapping has two keys with the same text, the first is kept, as
    /// `at_pointer` finds it.
    pub fn pointers(&self) -> std::collections::HashMap<String, (Option<&Node>, &Node)> {
        let mut index = std::collections::HashMap::new();
        let mut stack = vec![(String::new(), None, self)];
        while let Some((pointer, key, node)) = stack.pop() {
            match &node.value {
                Value::Map(entries) => {
                    for (k, v) in entries.iter().rev() {
                        let token = k.key_text().replace('~', "~0").replace('/', "~1");
                        stack.push((format!("{pointer}/{token}"), Some(k), v));
                    }
                }
                Value::Seq(items) => {
                    for (i, item) in items.iter().enumerate().rev() {
                        stack.push((format!("{pointer}/{i}"), None, item));
                    }
                }
                _ => {}
            }
            index.entry(pointer).or_insert((key, node));
        }
        index
    }

    /// The key node of the last step of a pointer, when that step is a
    /// mapping key: diagnostics about a key point at the key, not its value.
    pub fn key_at_pointer(&self, pointer: &str) -> Option<&Node> {
        let (parent, last) = pointer.rsplit_once('/')?;
        let parent = self.at_pointer(parent);
        match &parent.value {
            Value::Map(entries) => entries
                .iter()
                .find(|(k, _)| k.key_text() == last)
                .map(|(k, _)| k),
            _ => None,
        }
    }
}

/// Parse a YAML text that is a file of its own (a config, a kind
/// definition): spans are bytes of `text`.
pub fn parse_str(text: &str) -> Result<Node, YamlError> {
    let lines = super::LineIndex::new(text);
    parse_located(text, &|line, col| lines.byte_at(text, line, col))
}

/// Parse the YAML text `yaml`. `locate` turns a parser position (1-based
/// line, 0-based character column of `yaml`) into a byte of the whole file.
/// An empty text parses as `Null`.
pub fn parse_located(
    yaml: &str,
    locate: &dyn Fn(usize, usize) -> usize,
) -> Result<Node, YamlError> {
    let locate = |m: &saphyr::Marker| locate(m.line(), m.col());
    let fail = |message: String, at: &saphyr::Marker| {
        let at = locate(at);
        Err(YamlError {
            message,
            span: Span::new(at, at),
        })
    };
    let mut loader = saphyr::YamlLoader::<MarkedYaml>::default();
    loader.alias_limit(ALIAS_LIMIT);
    // The parser's events are counted before the loader builds a tree
    // from them, so a text over the limits is refused before it costs
    // memory (and a tree too deep to drop is never built).
    let (mut nodes, mut depth) = (0usize, 0usize);
    for event in saphyr_parser::Parser::new_from_str(yaml) {
        let (event, span) = match event {
            Ok(pair) => pair,
            Err(e) => return fail(e.info().to_owned(), e.marker()),
        };
        match &event {
            saphyr_parser::Event::SequenceStart(..) | saphyr_parser::Event::MappingStart(..) => {
                nodes += 1;
                depth += 1;
            }
            saphyr_parser::Event::SequenceEnd | saphyr_parser::Event::MappingEnd => {
                depth = depth.saturating_sub(1);
            }
            saphyr_parser::Event::Scalar(..) | saphyr_parser::Event::Alias(..) => nodes += 1,
            _ => {}
        }
        if depth > MAX_DEPTH {
            return fail(
                format!("nested more than {MAX_DEPTH} levels deep"),
                &span.start,
            );
        }
        if nodes > MAX_NODES {
            return fail(
                format!("more than {MAX_NODES} values; alliance reads YAML up to that many"),
                &span.start,
            );
        }
        saphyr_parser::SpannedEventReceiver::on_event(&mut loader, event, span);
        if let Some(e) = loader.error() {
            return fail(e.info().to_owned(), e.marker());
        }
    }
    let mut docs = loader.into_documents();
    if docs.len() > 1 {
        let second = &docs[1];
        let at = locate(&second.span.start);
        return Err(YamlError {
            message: "more than one YAML document in the front matter".to_owned(),
            span: Span::new(at, at),
        });
    }
    match docs.pop() {
        None => {
            let at = locate(&saphyr::Marker::new(0, 1, 0));
            Ok(Node {
                value: Value::Null,
                span: Span::new(at, at),
            })
        }
        Some(doc) => convert(&doc, &locate, 0),
    }
}

/// Whether `yaml` names an anchor (`&name`) or refers to one (`*name`):
/// then one value stands for another, and an in-place edit of one would
/// change the others. A text that does not parse answers `false`.
pub fn uses_anchors(yaml: &str) -> bool {
    use saphyr_parser::Event;
    saphyr_parser::Parser::new_from_str(yaml)
        .map_while(Result::ok)
        .any(|(event, _)| match event {
            Event::Alias(_) => true,
            Event::Scalar(_, _, anchor, _)
            | Event::SequenceStart(anchor, _)
            | Event::MappingStart(anchor, _) => anchor != 0,
            _ => false,
        })
}

fn convert<F>(node: &MarkedYaml<'_>, locate: &F, depth: usize) -> Result<Node, YamlError>
where
    F: Fn(&saphyr::Marker) -> usize,
{
    let span = Span::new(locate(&node.span.start), locate(&node.span.end));
    if depth > MAX_DEPTH {
        return Err(YamlError {
            message: format!("nested more than {MAX_DEPTH} levels deep"),
            span,
        });
    }
    let value = match &node.data {
        YamlData::Value(scalar) => scalar_value(scalar),
        YamlData::Representation(text, _, _) => Value::Str(text.to_string()),
        YamlData::Sequence(items) => Value::Seq(
            items
                .iter()
                .map(|n| convert(n, locate, depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        YamlData::Mapping(map) => {
            let mut entries = Vec::with_capacity(map.len());
            for (k, v) in map {
                entries.push((
                    convert(k, locate, depth + 1)?,
                    convert(v, locate, depth + 1)?,
                ));
            }
            Value::Map(entries)
        }
        // Tags are kept as the value they tag: `!!str 2026` is the text "2026",
        // and a custom tag does not change what the schema sees.
        YamlData::Tagged(_, inner) => return convert(inner, locate, depth + 1),
        YamlData::Alias(_) | YamlData::BadValue => {
            return Err(YamlError {
                message: "a value that could not be read (a bad alias or tagged scalar)".to_owned(),
                span,
            });
        }
    };
    if let Value::Float(f) = value {
        if f.is_finite() && f.fract() == 0.0 && f.abs() >= 9.2e18 {
            return Err(YamlError {
                message: "an integer too large to read".to_owned(),
                span,
            });
        }
    }
    Ok(Node { value, span })
}

fn scalar_value(scalar: &Scalar<'_>) -> Value {
    match scalar {
        Scalar::Null => Value::Null,
        Scalar::Boolean(b) => Value::Bool(*b),
        Scalar::Integer(i) => Value::Int(*i),
        Scalar::FloatingPoint(f) => Value::Float(f.into_inner()),
        Scalar::String(s) => Value::Str(s.to_string()),
    }
}

/// `text` as a YAML scalar: as written when that reads back as the same
/// string, else double-quoted with escapes.
pub fn yaml_scalar(text: &str) -> String {
    if plain_is_safe(text) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || (0x7f..=0x9f).contains(&(c as u32)) => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            '\u{feff}' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Whether `text` can be written as a plain YAML scalar and read back as
/// the same string (never as a number, a boolean, null or a date).
fn plain_is_safe(text: &str) -> bool {
    let Some(first) = text.chars().next() else {
        return false;
    };
    if text.trim() != text || first == '.' || first == '+' {
        return false;
    }
    // `3 months` is text; `2026-01-01`, `1e5` and `0x1f` are not.
    if first.is_ascii_digit() && !(text.contains(' ') && text.chars().any(|c| c.is_alphabetic())) {
        return false;
    }
    if "-?:,[]{}#&*!|>'\"%@`~".contains(first) {
        return false;
    }
    let lower = text.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "null" | "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n" | "nan" | ".nan"
    ) {
        return false;
    }
    if text.contains(": ") || text.contains(" #") || text.ends_with(':') {
        return false;
    }
    text.chars().all(|c| {
        c.is_alphanumeric()
            || " _-.,/()'&+@<>;=!?".contains(c)
            || (!c.is_control()
                && !c.is_ascii()
                && !matches!(c, '\u{feff}' | '\u{2028}' | '\u{2029}' | '\u{85}'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Node, YamlError> {
        parse_str(text)
    }

    #[test]
    fn spans_point_at_values() {
        let text = "title: Payments\nreview:\n  every: 3 months\n";
        let node = load(text).expect("parses");
        let every = node.at_pointer("/review/every");
        assert_eq!(&text[every.span.start..every.span.end], "3 months");
        let key = node.key_at_pointer("/review/every").expect("key");
        assert_eq!(&text[key.span.start..key.span.end], "every");
    }

    #[test]
    fn duplicate_keys_are_refused() {
        let err = load("a: 1\na: 2\n").expect_err("duplicate");
        assert!(
            err.message.contains("duplicate") || err.message.contains("key"),
            "{err:?}"
        );
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..8 {
            let prev = if i == 0 {
                "a".to_owned()
            } else {
                format!("b{}", i - 1)
            };
            text.push_str(&format!("b{i}: &b{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
        }
        assert!(load(&text).is_err());
    }

    #[test]
    fn deep_nesting_is_refused() {
        let text = format!("a: {}{}", "[".repeat(5000), "]".repeat(5000));
        assert!(load(&text).is_err());
    }

    #[test]
    fn the_pointer_index_agrees_with_walking() {
        let text = "a: 1\nb:\n  - x\n  - {c: 2, d/e: 3, f~g: 4}\n1: one\n'1': two\n";
        let root = load(text).expect("parses");
        let index = root.pointers();
        for pointer in ["", "/a", "/b", "/b/0", "/b/1", "/b/1/c", "/1"] {
            let (key, node) = index[pointer];
            assert_eq!(node, root.at_pointer(pointer), "{pointer}");
            assert_eq!(key, root.key_at_pointer(pointer), "{pointer}");
        }
        assert_eq!(index["/b/1/d~1e"].1.value, Value::Int(3));
        assert_eq!(index["/b/1/f~0g"].1.value, Value::Int(4));
        assert_eq!(index["/1"].1.value, Value::Str("one".into()));
    }
}
