//! Where a value of a JSON text is: a small scanner that records the span of every value and
//! every object key, so a validation error can name the line and columns of the component it
//! is about, as Meta's `validation_errors` do. It runs only over text `serde_json` accepted.

/// A span of the text: 1-based lines, 1-based columns counted in characters, both ends
/// inclusive (Meta's `column_end` is the last character of the token).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub line_start: usize,
    pub line_end: usize,
    pub column_start: usize,
    pub column_end: usize,
}

#[derive(Debug)]
enum Node {
    Object(Vec<(String, (usize, usize), Node)>, (usize, usize)),
    Array(Vec<Node>, (usize, usize)),
    Leaf((usize, usize)),
}

impl Node {
    fn range(&self) -> (usize, usize) {
        match self {
            Node::Object(_, r) | Node::Array(_, r) | Node::Leaf(r) => *r,
        }
    }
}

/// One step of a path: an object member or an array index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Key(String),
    Index(usize),
}

/// Finds spans in one JSON text.
pub struct Locator<'a> {
    text: &'a str,
    root: Option<Node>,
}

impl<'a> Locator<'a> {
    pub fn new(text: &'a str) -> Locator<'a> {
        let mut p = Parser { b: text.as_bytes(), i: 0 };
        p.ws();
        let root = p.value();
        Locator { text, root }
    }

    /// The span of the value at `path`; with `key`, the span of the last member's key instead
    /// (an unknown property is pointed at by its name). The nearest existing ancestor when the
    /// path does not exist (a missing property is pointed at by its object).
    pub fn span(&self, path: &[Step], key: bool) -> Span {
        let Some(mut node) = self.root.as_ref() else { return self.to_span((0, 0)) };
        let mut range = node.range();
        for (n, step) in path.iter().enumerate() {
            let last = n + 1 == path.len();
            match (step, node) {
                (Step::Key(k), Node::Object(members, _)) => match members.iter().find(|(name, _, _)| name == k) {
                    Some((_, key_range, child)) => {
                        range = if last && key { *key_range } else { child.range() };
                        node = child;
                    }
                    None => break,
                },
                (Step::Index(i), Node::Array(items, _)) => match items.get(*i) {
                    Some(child) => {
                        range = child.range();
                        node = child;
                    }
                    None => break,
                },
                _ => break,
            }
        }
        self.to_span(range)
    }

    fn to_span(&self, (start, end): (usize, usize)) -> Span {
        let (line_start, column_start) = self.position(start);
        let (line_end, column_end) = self.position(end.saturating_sub(1).max(start));
        Span { line_start, line_end, column_start, column_end }
    }

    /// 1-based line and column (in characters) of byte offset `at`.
    fn position(&self, at: usize) -> (usize, usize) {
        let mut at = at.min(self.text.len());
        while !self.text.is_char_boundary(at) {
            at -= 1;
        }
        let before = &self.text[..at];
        let line = before.matches('\n').count() + 1;
        let line_begin = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
        (line, self.text[line_begin..at].chars().count() + 1)
    }
}

struct Parser<'b> {
    b: &'b [u8],
    i: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.b.get(self.i).is_some_and(|c| c.is_ascii_whitespace()) {
            self.i += 1;
        }
    }

    fn value(&mut self) -> Option<Node> {
        let start = self.i;
        match self.b.get(self.i)? {
            b'{' => {
                self.i += 1;
                let mut members = Vec::new();
                loop {
                    self.ws();
                    match self.b.get(self.i)? {
                        b'}' => {
                            self.i += 1;
                            return Some(Node::Object(members, (start, self.i)));
                        }
                        b',' => self.i += 1,
                        b'"' => {
                            let ks = self.i;
                            let name = self.string()?;
                            let key_range = (ks, self.i);
                            self.ws();
                            if self.b.get(self.i) != Some(&b':') {
                                return None;
                            }
                            self.i += 1;
                            self.ws();
                            let v = self.value()?;
                            members.push((name, key_range, v));
                        }
                        _ => return None,
                    }
                }
            }
            b'[' => {
                self.i += 1;
                let mut items = Vec::new();
                loop {
                    self.ws();
                    match self.b.get(self.i)? {
                        b']' => {
                            self.i += 1;
                            return Some(Node::Array(items, (start, self.i)));
                        }
                        b',' => self.i += 1,
                        _ => items.push(self.value()?),
                    }
                }
            }
            b'"' => {
                self.string()?;
                Some(Node::Leaf((start, self.i)))
            }
            _ => {
                while self.b.get(self.i).is_some_and(|c| !matches!(c, b',' | b']' | b'}') && !c.is_ascii_whitespace()) {
                    self.i += 1;
                }
                (self.i > start).then_some(Node::Leaf((start, self.i)))
            }
        }
    }

    /// A string token from its opening quote; its decoded text (escapes other than `\"` and
    /// `\\` are kept as written: keys of Flow JSON are plain).
    fn string(&mut self) -> Option<String> {
        self.i += 1;
        let mut out = Vec::new();
        loop {
            match *self.b.get(self.i)? {
                b'"' => {
                    self.i += 1;
                    return String::from_utf8(out).ok();
                }
                b'\\' => {
                    let c = *self.b.get(self.i + 1)?;
                    if !matches!(c, b'"' | b'\\') {
                        out.push(b'\\');
                    }
                    out.push(c);
                    self.i += 2;
                }
                c => {
                    out.push(c);
                    self.i += 1;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_of_values_and_keys() {
        let text = "{\n  \"screens\": [\n    {\"id\": \"A\", \"bad\": 1}\n  ]\n}";
        let l = Locator::new(text);
        let id = [Step::Key("screens".into()), Step::Index(0), Step::Key("id".into())];
        assert_eq!(l.span(&id, false), Span { line_start: 3, line_end: 3, column_start: 12, column_end: 14 });
        let bad = [Step::Key("screens".into()), Step::Index(0), Step::Key("bad".into())];
        assert_eq!(l.span(&bad, true), Span { line_start: 3, line_end: 3, column_start: 17, column_end: 21 });
        // A missing member: its object.
        let missing = [Step::Key("screens".into()), Step::Index(0), Step::Key("layout".into())];
        assert_eq!(l.span(&missing, false).column_start, 5);
    }
}
