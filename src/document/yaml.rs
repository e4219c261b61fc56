//! The front matter's YAML, read with saphyr into a small tree of our own
//! where every node keeps the byte span it came from.
//!
//! The tree exists so that every later step can point at a line: the JSON
//! Schema check maps an instance location back to a span here, and the
//! in-place editor (`write::review`) rewrites exactly the bytes of one value. This
//! module only reads; it never decides what a value means.

use std::borrow::Cow;

#[cfg(test)]
use saphyr::Scalar;

use super::Span;

mod scalar;

/// How many nodes alias expansion may produce before loading fails
/// (a "billion laughs" document is refused instead of filling memory).
const ALIAS_LIMIT: usize = 10_000;

/// How deep collections may nest before the front matter is refused.
/// Real front matter is three or four levels deep.
const MAX_DEPTH: usize = 64;

/// How many nodes (scalars, lists, mappings, aliases) one YAML text may
/// hold. A node costs about a kilobyte once loaded, converted and turned
/// into JSON for the schema check, so this keeps the YAML of one document
/// within about 50 MB of the memory budget (see docs/security.md, "Limits"). Real
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
    /// An integer past 64 bits, as its decimal digits (`-` and no leading
    /// zeros; `0x…` and `0o…` converted).
    BigInt(String),
    /// A floating-point number; `.inf`, `-.inf`, `.nan` and a number past
    /// `f64`'s range (`1e400`) are not finite.
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
            Value::BigInt(digits) => Some(Cow::Borrowed(digits)),
            Value::Float(f) if f.is_nan() => Some(Cow::Borrowed(".nan")),
            Value::Float(f) if f.is_infinite() => {
                Some(Cow::Borrowed(if *f > 0.0 { ".inf" } else { "-.inf" }))
            }
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
            Value::Int(_) | Value::BigInt(_) | Value::Float(_) => "a number",
            Value::Str(_) => "text",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }

    /// The node as JSON, for the JSON Schema check and `--format json`.
    /// Keys that are not strings are written as their text. A number stays
    /// a number, so a schema that wants text refuses it: an integer past
    /// 64 bits is written as the nearest `f64` (exactly up to 2^64 - 1),
    /// and, as JSON has no infinities or NaN, `.inf` / `-.inf` (and a
    /// number past `f64`'s range) as the largest finite number of their
    /// sign, `.nan` as 0.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Int(i) => J::from(*i),
            Value::BigInt(digits) => match digits.parse::<u64>() {
                Ok(u) => J::from(u),
                Err(_) => json_float(digits.parse::<f64>().unwrap_or(f64::NAN)),
            },
            Value::Float(f) => json_float(*f),
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
///
/// The tree is built straight from the parser's events, as saphyr's own
/// loader would build it (scalars resolved by the YAML 1.2 core schema,
/// aliases expanded within [`ALIAS_LIMIT`] nodes, a key twice in one
/// mapping refused), without its intermediate tree. The events are counted
/// as they come, so a text over the limits is refused before it costs
/// memory.
pub fn parse_located(
    yaml: &str,
    locate: &dyn Fn(usize, usize) -> usize,
) -> Result<Node, YamlError> {
    let mut builder = Builder {
        locate: &|m: &saphyr::Marker| locate(m.line(), m.col()),
        open: Vec::new(),
        anchors: Vec::new(),
        alias_budget: ALIAS_LIMIT,
        documents: 0,
        root: None,
        second: None,
        pending: None,
    };
    let mut limits = Limits::default();
    for event in saphyr_parser::Parser::new_from_str(yaml) {
        let (event, span) = match event {
            Ok(pair) => pair,
            Err(e) => return Err(builder.error(e.info().to_owned(), e.marker())),
        };
        if let Some(over) = limits.count(&event) {
            return Err(builder.error(over, &span.start));
        }
        builder.event(event, span)?;
    }
    builder.finish()
}

/// The counts that refuse a text over [`MAX_DEPTH`] or [`MAX_NODES`].
#[derive(Default)]
struct Limits {
    nodes: usize,
    depth: usize,
}

impl Limits {
    /// Count `event`; what is wrong when it goes over a limit.
    fn count(&mut self, event: &saphyr_parser::Event<'_>) -> Option<String> {
        use saphyr_parser::Event;
        match event {
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                self.nodes += 1;
                self.depth += 1;
            }
            Event::SequenceEnd | Event::MappingEnd => self.depth = self.depth.saturating_sub(1),
            Event::Scalar(..) | Event::Alias(..) => self.nodes += 1,
            _ => {}
        }
        if self.depth > MAX_DEPTH {
            return Some(format!("nested more than {MAX_DEPTH} levels deep"));
        }
        (self.nodes > MAX_NODES)
            .then(|| format!("more than {MAX_NODES} values; alliance reads YAML up to that many"))
    }
}

/// A sequence or mapping whose end has not come yet.
struct Open {
    /// Where it starts, in bytes of the file.
    start: usize,
    /// Its anchor (`&name`), 0 for none.
    anchor: usize,
    /// How many levels the deepest child spans (1 for a scalar).
    height: usize,
    /// Its tag, when not one of the core schema's.
    tag: Option<String>,
    items: Items,
}

enum Items {
    Seq(Vec<Node>),
    Map {
        entries: Vec<(Node, Node)>,
        /// A key waiting for its value, with where it was read (the
        /// parser's position, for the duplicate-key message) and its tag.
        key: Option<(Node, saphyr::Marker, Option<String>)>,
        /// The keys with a tag other than the core schema's, by entry:
        /// `!a x` and `!b x` are two keys to the loader.
        tags: Vec<(usize, String)>,
        /// The entries by [`key_hash`], once there are more than
        /// [`SCAN_KEYS`]: finding a duplicate stays linear in the keys.
        index: Option<std::collections::HashMap<u64, Vec<usize>>>,
    },
}

/// Up to how many keys a mapping is searched in turn for a duplicate.
const SCAN_KEYS: usize = 16;

/// Builds [`Node`]s from parser events, the way `saphyr::YamlLoader` does.
struct Builder<'a> {
    locate: &'a dyn Fn(&saphyr::Marker) -> usize,
    open: Vec<Open>,
    /// Anchored nodes, their heights and tags, by anchor id (ids start
    /// at 1).
    anchors: Vec<Option<Anchored>>,
    /// How many more nodes aliases may copy.
    alias_budget: usize,
    documents: usize,
    /// The first document's root.
    root: Option<Node>,
    /// Where the second document's root starts.
    second: Option<usize>,
    /// The first value that could not be read. The loader built such a
    /// value and the conversion refused it after the whole text had
    /// parsed, so an error the parser finds later is reported first.
    pending: Option<YamlError>,
}

impl Builder<'_> {
    fn at(&self, marker: &saphyr::Marker) -> usize {
        (self.locate)(marker)
    }

    fn error(&self, message: String, at: &saphyr::Marker) -> YamlError {
        let at = self.at(at);
        YamlError {
            message,
            span: Span::new(at, at),
        }
    }

    fn defer(&mut self, message: &str, span: Span) {
        if self.pending.is_none() {
            self.pending = Some(YamlError {
                message: message.to_owned(),
                span,
            });
        }
    }

    fn event(
        &mut self,
        event: saphyr_parser::Event<'_>,
        span: saphyr_parser::Span,
    ) -> Result<(), YamlError> {
        use saphyr_parser::Event;
        let mark = span.start;
        match event {
            Event::StreamStart | Event::StreamEnd | Event::DocumentStart(_) | Event::Nothing => {}
            Event::DocumentEnd => self.document_end(span),
            Event::SequenceStart(anchor, ref tag) | Event::MappingStart(anchor, ref tag) => {
                let seq = matches!(event, Event::SequenceStart(..));
                self.open_collection(seq, anchor, tag.as_deref(), mark);
            }
            Event::SequenceEnd | Event::MappingEnd => self.close_collection(mark)?,
            Event::Scalar(text, style, anchor, tag) => {
                self.scalar(&text, style, anchor, tag.as_deref(), span)?;
            }
            Event::Alias(id) => self.alias(id, span)?,
        }
        Ok(())
    }

    /// The end of a document: the first one without a node is a bad
    /// value; the start of the second is remembered.
    fn document_end(&mut self, span: saphyr_parser::Span) {
        if self.documents == 0 && self.root.is_none() {
            // A document without a node: the loader's bad value.
            let span = Span::new(self.at(&span.start), self.at(&span.end));
            self.defer(BAD_VALUE, span);
            self.root = Some(Node {
                value: Value::Null,
                span,
            });
        } else if self.documents == 1 && self.second.is_none() {
            self.second = Some(self.at(&span.start));
        }
        self.documents += 1;
    }

    /// A sequence (`seq`) or a mapping starts at `mark`.
    fn open_collection(
        &mut self,
        seq: bool,
        anchor: usize,
        tag: Option<&saphyr_parser::Tag>,
        mark: saphyr::Marker,
    ) {
        let tag = custom_tag(tag);
        let items = if seq {
            Items::Seq(Vec::new())
        } else {
            Items::Map {
                entries: Vec::new(),
                key: None,
                tags: Vec::new(),
                index: None,
            }
        };
        self.open.push(Open {
            start: self.at(&mark),
            anchor,
            height: 0,
            tag,
            items,
        });
    }

    /// The innermost open sequence or mapping ends at `mark`: it becomes a
    /// node of its parent.
    fn close_collection(&mut self, mark: saphyr::Marker) -> Result<(), YamlError> {
        let Some(open) = self.open.pop() else {
            return Ok(());
        };
        let value = match open.items {
            Items::Seq(items) => Value::Seq(items),
            // A key left without a value is dropped, as the loader
            // drops it.
            Items::Map { entries, .. } => Value::Map(entries),
        };
        let node = Node {
            value,
            span: Span::new(open.start, self.at(&mark)),
        };
        let made = Anchored {
            node,
            height: open.height + 1,
            tag: open.tag,
        };
        self.insert(made, open.anchor, mark)
    }

    /// A scalar, resolved by the core schema.
    fn scalar(
        &mut self,
        text: &str,
        style: saphyr_parser::ScalarStyle,
        anchor: usize,
        tag: Option<&saphyr_parser::Tag>,
        span: saphyr_parser::Span,
    ) -> Result<(), YamlError> {
        let mark = span.start;
        let span = Span::new(self.at(&span.start), self.at(&span.end));
        // A tag of the core schema (`!!int`) decides the type; any
        // other tag is kept around the value its text reads as, and
        // the tree keeps the value.
        let custom = custom_tag(tag);
        let value = match scalar::resolve(text, style, tag) {
            Some(value) => value,
            None => {
                self.defer(BAD_VALUE, span);
                Value::Null
            }
        };
        let made = Anchored {
            node: Node { value, span },
            height: 1,
            tag: custom,
        };
        self.insert(made, anchor, mark)
    }

    /// An alias: a copy of the anchored node, within the node budget and
    /// the depth limit.
    fn alias(&mut self, id: usize, span: saphyr_parser::Span) -> Result<(), YamlError> {
        let mark = span.start;
        let Some(Some(anchored)) = self.anchors.get(id) else {
            // The parser refuses an unknown alias before this.
            let span = Span::new(self.at(&span.start), self.at(&span.end));
            self.defer(BAD_VALUE, span);
            let made = Anchored {
                node: Node {
                    value: Value::Null,
                    span,
                },
                height: 1,
                tag: None,
            };
            return self.insert(made, 0, mark);
        };
        if !within_budget(&anchored.node, &mut self.alias_budget) {
            return Err(self.error(
                "alias expansion exceeded the maximum node budget \
                 (possible billion-laughs attack)"
                    .to_owned(),
                &mark,
            ));
        }
        let mut copy = anchored.clone();
        copy.node.span = Span::new(self.at(&span.start), self.at(&span.end));
        if self.open.len() + copy.height > MAX_DEPTH + 1 {
            return Err(YamlError {
                message: format!("nested more than {MAX_DEPTH} levels deep"),
                span: copy.node.span,
            });
        }
        self.insert(copy, 0, mark)
    }

    /// Put a finished node in its parent (or make it a document's root),
    /// remembering it under its anchor.
    fn insert(
        &mut self,
        made: Anchored,
        anchor: usize,
        mark: saphyr::Marker,
    ) -> Result<(), YamlError> {
        if anchor > 0 {
            if self.anchors.len() <= anchor {
                self.anchors.resize_with(anchor + 1, || None);
            }
            self.anchors[anchor] = Some(made.clone());
        }
        let Anchored { node, height, tag } = made;
        let Some(parent) = self.open.last_mut() else {
            if self.documents == 0 {
                self.root = Some(node);
            } else if self.documents == 1 && self.second.is_none() {
                self.second = Some(node.span.start);
            }
            return Ok(());
        };
        parent.height = parent.height.max(height);
        match &mut parent.items {
            Items::Seq(items) => items.push(node),
            Items::Map {
                entries,
                key,
                tags,
                index,
            } => match key.take() {
                None => *key = Some((node, mark, tag)),
                Some((k, key_mark, key_tag)) => {
                    if has_key(entries, tags, index, &k, key_tag.as_deref()) {
                        return Err(self.error("duplicated key in mapping".to_owned(), &key_mark));
                    }
                    if let Some(key_tag) = key_tag {
                        tags.push((entries.len(), key_tag));
                    }
                    entries.push((k, node));
                }
            },
        }
        Ok(())
    }

    fn finish(self) -> Result<Node, YamlError> {
        if let Some(at) = self.second {
            return Err(YamlError {
                message: "more than one YAML document in the front matter".to_owned(),
                span: Span::new(at, at),
            });
        }
        if let Some(error) = self.pending {
            return Err(error);
        }
        Ok(self.root.unwrap_or_else(|| {
            let at = (self.locate)(&saphyr::Marker::new(0, 1, 0));
            Node {
                value: Value::Null,
                span: Span::new(at, at),
            }
        }))
    }
}

/// A finished node with what an alias of it copies besides the node.
#[derive(Clone)]
struct Anchored {
    node: Node,
    /// How many levels it spans (1 for a scalar).
    height: usize,
    /// Its tag, when not one of the core schema's.
    tag: Option<String>,
}

/// A tag that is not one of the core schema's (`!!str`), as written.
fn custom_tag(tag: Option<&saphyr_parser::Tag>) -> Option<String> {
    tag.filter(|t| scalar::core_suffix(t).is_none())
        .map(|t| format!("{}{}", t.handle, t.suffix))
}

const BAD_VALUE: &str = "a value that could not be read (a bad alias or tagged scalar)";

/// Whether copying `node` fits in what is left of the alias budget, taking
/// it from the budget: a node counts one, a mapping entry one more.
fn within_budget(node: &Node, budget: &mut usize) -> bool {
    if *budget == 0 {
        return false;
    }
    *budget -= 1;
    match &node.value {
        Value::Seq(items) => items.iter().all(|item| within_budget(item, budget)),
        Value::Map(entries) => entries.iter().all(|(_, value)| {
            if *budget == 0 {
                return false;
            }
            *budget -= 1;
            within_budget(value, budget)
        }),
        _ => true,
    }
}

/// Whether `entries` has the key `key`; `index` is built and kept up to
/// date once there are more than [`SCAN_KEYS`] entries, and takes the
/// entry about to be pushed.
fn has_key(
    entries: &[(Node, Node)],
    tags: &[(usize, String)],
    index: &mut Option<std::collections::HashMap<u64, Vec<usize>>>,
    key: &Node,
    tag: Option<&str>,
) -> bool {
    let tag_of = |i: usize| {
        tags.binary_search_by_key(&i, |(at, _)| *at)
            .ok()
            .map(|t| tags[t].1.as_str())
    };
    let same = |i: usize| same_key(&entries[i].0, key) && tag_of(i) == tag;
    if index.is_none() && entries.len() < SCAN_KEYS {
        return (0..entries.len()).any(same);
    }
    let index = index.get_or_insert_with(|| {
        let mut index = std::collections::HashMap::<u64, Vec<usize>>::new();
        for (i, (k, _)) in entries.iter().enumerate() {
            index.entry(key_hash(k)).or_default().push(i);
        }
        index
    });
    let slot = index.entry(key_hash(key)).or_default();
    if slot.iter().any(|&i| same(i)) {
        return true;
    }
    slot.push(entries.len());
    false
}

/// A hash that keys [`same_key`] calls equal share. A sequence or mapping
/// hashes as its type and length, so hashing never descends.
fn key_hash(key: &Node) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    match &key.value {
        Value::Null => 0u8.hash(&mut h),
        Value::Bool(b) => (1u8, b).hash(&mut h),
        Value::Int(i) => (2u8, i).hash(&mut h),
        Value::BigInt(digits) => (7u8, digits).hash(&mut h),
        Value::Float(f) => {
            // Equal floats hash alike: one NaN, and 0.0 for -0.0.
            let bits = if f.is_nan() {
                f64::NAN.to_bits()
            } else if *f == 0.0 {
                0
            } else {
                f.to_bits()
            };
            (3u8, bits).hash(&mut h);
        }
        Value::Str(s) => (4u8, s).hash(&mut h),
        Value::Seq(items) => (5u8, items.len()).hash(&mut h),
        Value::Map(entries) => (6u8, entries.len()).hash(&mut h),
    }
    h.finish()
}

/// Whether two mapping keys are the same key, as the loader compares them:
/// by value and type (`1` and `"1"` differ), floats by `OrderedFloat`.
fn same_key(a: &Node, b: &Node) -> bool {
    match (&a.value, &b.value) {
        (Value::Null, Value::Null) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::BigInt(x), Value::BigInt(y)) => x == y,
        (Value::Float(x), Value::Float(y)) => x == y || (x.is_nan() && y.is_nan()),
        (Value::Str(x), Value::Str(y)) => x == y,
        (Value::Seq(x), Value::Seq(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same_key(a, b))
        }
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((ka, va), (kb, vb))| same_key(ka, kb) && same_key(va, vb))
        }
        _ => false,
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

/// A float as a JSON number: JSON has none that is not finite, so an
/// infinity is the largest finite number of its sign and NaN is 0.
fn json_float(f: f64) -> serde_json::Value {
    let finite = if f.is_nan() {
        0.0
    } else if f.is_infinite() {
        f64::MAX.copysign(f)
    } else {
        f
    };
    serde_json::Number::from_f64(finite).map_or(serde_json::Value::Null, serde_json::Value::Number)
}

#[cfg(test)]
fn scalar_value(scalar: Scalar<'_>) -> Value {
    match scalar {
        Scalar::Null => Value::Null,
        Scalar::Boolean(b) => Value::Bool(b),
        Scalar::Integer(i) => Value::Int(i),
        Scalar::FloatingPoint(f) => Value::Float(f.into_inner()),
        Scalar::String(s) => Value::Str(s.into_owned()),
    }
}

/// `text` as a YAML scalar: as written when that reads back as the same
/// string, else double-quoted with escapes.
pub fn yaml_scalar(text: &str) -> String {
    if plain_is_safe(text) {
        return text.to_owned();
    }
    double_quoted(text)
}

/// `text` as a double-quoted YAML scalar, escaped.
fn double_quoted(text: &str) -> String {
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

/// `text` as a YAML scalar inside a flow collection (`[a, b]`, `{k: v}`):
/// as [`yaml_scalar`], double-quoted when a plain scalar would hold a flow
/// indicator (`,[]{}`) and end early.
pub fn yaml_flow_scalar(text: &str) -> String {
    if plain_is_safe(text) && !text.contains([',', '[', ']', '{', '}']) {
        return text.to_owned();
    }
    double_quoted(text)
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

    /// The tree as saphyr's own loader builds it, converted as this
    /// module converted it before it built the tree from events: the
    /// reference the event builder is held to.
    fn reference(yaml: &str) -> Result<Node, YamlError> {
        use saphyr::{MarkedYaml, YamlData};
        let lines = crate::document::LineIndex::new(yaml);
        let locate = |m: &saphyr::Marker| lines.byte_at(yaml, m.line(), m.col());
        let fail = |message: String, at: &saphyr::Marker| {
            let at = locate(at);
            Err(YamlError {
                message,
                span: Span::new(at, at),
            })
        };
        fn convert(
            node: &MarkedYaml<'_>,
            locate: &dyn Fn(&saphyr::Marker) -> usize,
            depth: usize,
        ) -> Result<Node, YamlError> {
            let span = Span::new(locate(&node.span.start), locate(&node.span.end));
            if depth > MAX_DEPTH {
                return Err(YamlError {
                    message: format!("nested more than {MAX_DEPTH} levels deep"),
                    span,
                });
            }
            let value = match &node.data {
                YamlData::Value(scalar) => scalar_value(scalar.clone()),
                YamlData::Representation(text, _, _) => Value::Str(text.to_string()),
                YamlData::Sequence(items) => Value::Seq(
                    items
                        .iter()
                        .map(|n| convert(n, locate, depth + 1))
                        .collect::<Result<_, _>>()?,
                ),
                YamlData::Mapping(map) => {
                    let mut entries = Vec::new();
                    for (k, v) in map {
                        entries.push((
                            convert(k, locate, depth + 1)?,
                            convert(v, locate, depth + 1)?,
                        ));
                    }
                    Value::Map(entries)
                }
                // The loader gives a scalar with a custom tag no span of
                // its own (it pointed at the file's start); the builder
                // gives it the tagged scalar's.
                // The loader gives a scalar with a custom tag no span of its
                // own (it pointed at the file's start), and an alias of a
                // tagged collection the anchor's; the builder gives each the
                // span of the tagged node.
                YamlData::Tagged(_, inner) => {
                    let mut inner = convert(inner, locate, depth + 1)?;
                    inner.span = span;
                    return Ok(inner);
                }
                YamlData::Alias(_) | YamlData::BadValue => {
                    return Err(YamlError {
                        message: BAD_VALUE.to_owned(),
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
        let mut loader = saphyr::YamlLoader::<MarkedYaml>::default();
        loader.alias_limit(ALIAS_LIMIT);
        let mut limits = Limits::default();
        for event in saphyr_parser::Parser::new_from_str(yaml) {
            let (event, span) = match event {
                Ok(pair) => pair,
                Err(e) => return fail(e.info().to_owned(), e.marker()),
            };
            if let Some(over) = limits.count(&event) {
                return fail(over, &span.start);
            }
            saphyr_parser::SpannedEventReceiver::on_event(&mut loader, event, span);
            if let Some(e) = loader.error() {
                return fail(e.info().to_owned(), e.marker());
            }
        }
        let mut docs = loader.into_documents();
        if docs.len() > 1 {
            let at = locate(&docs[1].span.start);
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

    /// `parse_str`'s answer in a form two answers compare by (NaN is NaN).
    fn answer(result: &Result<Node, YamlError>) -> String {
        format!("{result:?}")
    }

    /// Whether the builder reads `yaml` as the loader did. Where it does
    /// not, it must be on purpose: the builder resolves scalars by the YAML
    /// 1.2 core schema itself (tags, integers past 64 bits, big floats the
    /// loader's conversion refused), and the yaml-test-suite judges those.
    fn same_as_loader(yaml: &str) -> bool {
        let ours = parse_str(yaml);
        if answer(&ours) == answer(&reference(yaml)) {
            return true;
        }
        fn big(node: &Node) -> bool {
            match &node.value {
                Value::BigInt(_) => true,
                Value::Float(f) => f.fract() == 0.0 && f.abs() >= 9.2e18 || f.is_infinite(),
                Value::Seq(items) => items.iter().any(big),
                Value::Map(entries) => entries.iter().any(|(k, v)| big(k) || big(v)),
                _ => false,
            }
        }
        let on_purpose = yaml.contains('!') || ours.as_ref().is_ok_and(big);
        assert!(
            on_purpose,
            "the builder differs from the loader on {yaml:?}"
        );
        false
    }

    #[test]
    fn the_event_builder_builds_what_the_loader_built() {
        let cases = [
            "",
            "a: 1\nb: [1, 2.5, true, ~, '3']\nc: {d: e}\n",
            "a: &x [1, {b: 2}]\nc: *x\nd: *x\n",
            "a: &s text\nb: *s\n",
            "!!str 1: a\n1: b\n",
            "a: !!int 12\nb: !!float 1\nc: !!null ~\nd: !!bool true\ne: !custom 3\n",
            "a: !!int x\n",
            "a: 99999999999999999999\nb: 1e300\n",
            "? [a, b]\n: 1\n? [a, b]\n: 2\n",
            "? {a: 1}\n: 1\n? {a: 1}\n: 2\n",
            "a: .nan\n.nan: 1\n.NaN: 2\n",
            "0.0: a\n-0.0: b\n",
            "--- a\n--- b\n",
            "---\n...\n",
            "a: [\n",
            "a: 1\na: 2\n",
            "x: &a !custom {k: v}\ny: *a\n",
            "- - - &deep [[[[1]]]]\n- *deep\n",
        ];
        let alike = cases.iter().filter(|case| same_as_loader(case)).count();
        assert_eq!(alike, cases.len() - 1, "only the big numbers differ");
        let many: String = (0..200).map(|i| format!("k{i}: {i}\n")).collect();
        assert!(same_as_loader(&many));
        let twice = format!("{many}k150: again\n");
        assert!(same_as_loader(&twice));
    }

    /// Every input the fuzzers kept, read whole as YAML and as the front
    /// matter between its first two `---` lines.
    #[test]
    fn the_event_builder_agrees_on_the_fuzz_corpora() {
        let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let read = agree_under(&here.join("fuzz/corpus")) + agree_under(&here.join("examples"));
        assert!(read > 1000, "only {read} texts in the corpora");
    }

    #[test]
    #[ignore = "needs ../shared/corpus/real"]
    fn the_event_builder_agrees_on_the_real_agreements() {
        let real = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/real");
        assert!(agree_under(&real) >= 43, "the real agreements are missing");
    }

    /// How many texts under `root` the builder and the reference read alike
    /// (it fails at the first they do not).
    fn agree_under(root: &std::path::Path) -> usize {
        let mut stack = vec![root.to_path_buf()];
        let mut read = 0;
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).expect("corpus folder") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let bytes = std::fs::read(&path).expect("corpus file");
                let text = String::from_utf8_lossy(&bytes);
                let mut texts = vec![text.to_string()];
                if let Some(rest) = text.strip_prefix("---\n") {
                    if let Some(end) = rest.find("\n---") {
                        texts.push(rest[..end + 1].to_owned());
                    }
                }
                for yaml in texts {
                    if same_as_loader(&yaml) {
                        read += 1;
                    }
                }
            }
        }
        read
    }

    #[test]
    fn scalars_are_read_by_the_core_schema() {
        let root = load(concat!(
            "str: !<tag:yaml.org,2002:str> 5\n",
            "int: !!int \"12\"\n",
            "hex: !!int 0x1f\n",
            "none: !!null\n",
            "!!null : key\n",
            "big: 0x8000000000000000\n",
            "huge: -99999999999999999999\n",
            "float: 1e19\n",
            "inf: 1e400\n",
            "text: !!str\n",
        ))
        .expect("valid YAML");
        let value = |key: &str| root.get(key).map(|n| n.value.clone());
        assert_eq!(value("str"), Some(Value::Str("5".into())));
        assert_eq!(value("int"), Some(Value::Int(12)));
        assert_eq!(value("hex"), Some(Value::Int(31)));
        assert_eq!(value("none"), Some(Value::Null));
        assert_eq!(
            value("big"),
            Some(Value::BigInt("9223372036854775808".into()))
        );
        assert_eq!(
            value("huge"),
            Some(Value::BigInt("-99999999999999999999".into()))
        );
        assert_eq!(value("float"), Some(Value::Float(1e19)));
        assert_eq!(value("inf"), Some(Value::Float(f64::INFINITY)));
        assert_eq!(value("text"), Some(Value::Str(String::new())));
        let json = root.to_json();
        assert_eq!(
            json["big"],
            serde_json::json!(9_223_372_036_854_775_808_u64)
        );
        assert_eq!(json["huge"], serde_json::json!(-1e20));
        assert_eq!(json["inf"], serde_json::json!(f64::MAX));
        assert!(json.get("").is_none() && json.get("~").is_none());
        assert_eq!(
            root.get("inf").and_then(Node::scalar_text).as_deref(),
            Some(".inf")
        );
        assert!(load("a: !!int x\n").is_err());
        assert!(load("a: !!null 0\n").is_err());
    }

    #[test]
    fn non_finite_numbers_stay_numbers_in_json() {
        let root = load("a: .inf\nb: -.Inf\nc: .NaN\n").expect("valid YAML");
        let json = root.to_json();
        assert_eq!(json["a"], serde_json::json!(f64::MAX));
        assert_eq!(json["b"], serde_json::json!(-f64::MAX));
        assert_eq!(json["c"], serde_json::json!(0.0));
        assert_eq!(root.get("b").map(Node::type_name), Some("a number"));
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
