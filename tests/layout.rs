//! Layout rules for the source tree, checked by reading the files under `src/`
//! (std only; the crate itself is not linked):
//!
//! - a plain file holds types, rules and queries; a `*_page.rs` file holds
//!   templates and handlers; plain files never import page files;
//! - no import circles inside `crate::subsidy`;
//! - no source file over 500 lines.
//!
//! Every `.rs` file under `src/` is one module (`src/lib.rs` is `crate`,
//! `src/a/mod.rs` and `src/a.rs` are `crate::a`; `src/main.rs` is the binary and
//! stays out of the graph). A file imports a module when it names it: in a `use`
//! declaration, or in a path in code (`crate::a::b`, `super::x`, `self::x`, or a
//! path starting with a child module or a `use`d name); a path counts for the
//! longest prefix that is a module file. Comments and string or char literals are
//! blanked out first. Test-only code stays out of the graph: `#[cfg(test)]` items
//! (such as inline `mod tests { .. }`) and files declared `#[cfg(test)] mod x;`,
//! since test code reaching into page code is not a layering problem.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::fs;
use std::path::{Path, PathBuf};

const MAX_LINES: usize = 500;

/// Crate-wide import circles that are known and accepted, each as its sorted module names.
const ALLOWED_CYCLES: &[&[&str]] = &[];

/// The crate's `src/` folder (the current directory's `src/` when built without cargo).
fn src_dir() -> PathBuf {
    Path::new(option_env!("CARGO_MANIFEST_DIR").unwrap_or(".")).join("src")
}

/// The import circles (strongly connected components of more than one module) among
/// the modules named `within` or below it; each is sorted, and so is the list.
pub fn import_cycles(src: &Path, within: &str) -> Vec<Vec<String>> {
    Graph::load(src).cycles(within)
}

/// Every `.rs` file under `src` with more than `max` lines, as (path, line count).
pub fn files_over(src: &Path, max: usize) -> Vec<(String, usize)> {
    let counts = rust_files(src).into_iter().map(|path| {
        let lines = read(&path).lines().count();
        (display_path(src, &path), lines)
    });
    counts.filter(|(_, lines)| *lines > max).collect()
}

/// The module graph: module files and, per module, the modules it refers to.
pub struct Graph {
    /// Module name (`crate::a::b`) -> its file (`src/a/b.rs`).
    files: BTreeMap<String, String>,
    /// from -> to -> where the first reference is (`src/a.rs:3: use crate::b;`).
    edges: BTreeMap<String, BTreeMap<String, String>>,
}

impl Graph {
    pub fn load(src: &Path) -> Graph {
        let mut sources = BTreeMap::new(); // module -> (file, text, parsed)
        for path in rust_files(src) {
            if let Some(module) = module_name(path.strip_prefix(src).expect("under src")) {
                let text = read(&path);
                let parsed = Parser::parse(&tokenize(&strip_comments_and_literals(&text)));
                sources.insert(module, (display_path(src, &path), text, parsed));
            }
        }
        let mut test_roots = Vec::new();
        for (module, (_, _, parsed)) in &sources {
            if parsed.test_only {
                test_roots.push(module.clone());
            }
            let children = parsed.test_children.iter();
            test_roots.extend(children.map(|child| format!("{module}::{child}")));
        }
        sources.retain(|module, _| !test_roots.iter().any(|root| is_within(module, root)));

        let files = sources
            .iter()
            .map(|(m, (file, ..))| (m.clone(), file.clone()));
        let (files, edges) = (files.collect(), BTreeMap::new());
        let mut graph = Graph { files, edges };
        for (module, (file, text, parsed)) in &sources {
            graph.add_edges(module, file, text, &parsed.refs);
        }
        graph
    }

    fn add_edges(&mut self, module: &str, file: &str, text: &str, refs: &[RawRef]) {
        let lines: Vec<&str> = text.lines().collect();
        // Names bound by `use`, in order: a `use` may start with a name an earlier one bound.
        let mut aliases = HashMap::new();
        for r in refs {
            if let (Some(name), Some(path)) = (&r.binding, self.absolute(module, r, &aliases)) {
                aliases.insert(name.clone(), path);
            }
        }
        for r in refs {
            let path = self.absolute(module, r, &aliases).unwrap_or_default();
            match self.longest_module_prefix(&path) {
                Some(target) if target != module => {
                    let text = |n: usize| lines.get(n - 1).map_or("", |l| l.trim());
                    let (start, leaf) = r.lines;
                    let mut site = format!("{file}:{start}: {}", text(start));
                    if leaf != start {
                        site += &format!(" ... {leaf}: {}", text(leaf));
                    }
                    let targets = self.edges.entry(module.to_string()).or_default();
                    targets.entry(target).or_insert(site);
                }
                _ => {}
            }
        }
    }

    /// The absolute path (`crate::..`) a reference names, if it is inside the crate.
    fn absolute(&self, module: &str, r: &RawRef, aliases: &Aliases) -> Option<Vec<String>> {
        let mut current: Vec<String> = module.split("::").map(String::from).collect();
        current.extend(r.scope.iter().cloned());
        let first = r.segs.first()?.as_str();
        let child = format!("{}::{first}", current.join("::"));
        let (mut base, rest) = match first {
            "crate" => (vec![first.to_string()], &r.segs[1..]),
            "self" => (current, &r.segs[1..]),
            "super" => {
                let supers = r.segs.iter().take_while(|s| *s == "super").count();
                current.truncate(current.len().checked_sub(supers).filter(|&n| n > 0)?);
                (current, &r.segs[supers..])
            }
            _ if self.files.contains_key(&child) => (current, &r.segs[..]),
            _ => (aliases.get(first)?.clone(), &r.segs[1..]),
        };
        base.extend(rest.iter().cloned());
        Some(base)
    }

    fn longest_module_prefix(&self, path: &[String]) -> Option<String> {
        let mut prefixes = (1..=path.len()).rev().map(|n| path[..n].join("::"));
        prefixes.find(|name| self.files.contains_key(name))
    }

    fn targets(&self, from: &str) -> impl Iterator<Item = (&str, &str)> {
        let targets = self.edges.get(from).into_iter().flatten();
        targets.map(|(to, site)| (to.as_str(), site.as_str()))
    }

    fn has_edge(&self, from: &str, to: &str) -> bool {
        self.targets(from).any(|(target, _)| target == to)
    }

    /// The import circles among the modules named `within` or below it (see `import_cycles`).
    pub fn cycles(&self, within: &str) -> Vec<Vec<String>> {
        let nodes: Vec<&str> = self.files.keys().map(String::as_str).collect();
        let nodes: Vec<&str> = nodes.into_iter().filter(|m| is_within(m, within)).collect();
        let index: HashMap<&str, usize> = nodes.iter().enumerate().map(|(i, m)| (*m, i)).collect();
        let succ: Vec<Vec<usize>> = nodes
            .iter()
            .map(|m| self.targets(m).filter_map(|(to, _)| index.get(to).copied()))
            .map(Iterator::collect)
            .collect();
        let big = components(&succ).into_iter().filter(|scc| scc.len() > 1);
        let names = |scc: Vec<usize>| -> BTreeSet<String> {
            scc.into_iter().map(|v| nodes[v].to_string()).collect()
        };
        let mut cycles: Vec<Vec<String>> =
            big.map(|scc| names(scc).into_iter().collect()).collect();
        cycles.sort();
        cycles
    }

    /// A shortest cycle through the first module of `scc`, start and end included.
    fn cycle_path<'a>(&'a self, scc: &'a [String]) -> Vec<&'a str> {
        let members: BTreeSet<&str> = scc.iter().map(String::as_str).collect();
        let start = scc[0].as_str();
        let mut prev: HashMap<&str, &str> = HashMap::new();
        let mut queue = VecDeque::from([start]);
        while let Some(v) = queue.pop_front() {
            for (w, _) in self.targets(v).filter(|(w, _)| members.contains(w)) {
                if w == start {
                    let mut path = vec![start, v];
                    while let Some(&p) = prev.get(path[path.len() - 1]) {
                        path.push(p);
                    }
                    path.reverse();
                    return path;
                }
                if !prev.contains_key(w) {
                    prev.insert(w, v);
                    queue.push_back(w);
                }
            }
        }
        Vec::new()
    }

    /// Each circle's modules, one concrete path through it, and the line behind each step.
    pub fn describe(&self, cycles: &[Vec<String>]) -> String {
        let mut out = String::new();
        for scc in cycles {
            let path = self.cycle_path(scc);
            out += &format!("circle of {} modules: {}\n", scc.len(), scc.join(", "));
            out += &format!("  path: {}\n", path.join(" -> "));
            for step in path.windows(2) {
                let site = self.targets(step[0]).find(|(to, _)| *to == step[1]);
                let site = site.map_or("", |(_, site)| site);
                out += &format!("    {} -> {}: {site}\n", step[0], step[1]);
            }
            out += "  all references inside the circle:\n";
            for from in scc {
                let inside = self
                    .targets(from)
                    .filter(|(to, _)| scc.iter().any(|m| m == to));
                for (to, site) in inside {
                    out += &format!("    {from} -> {to}: {site}\n");
                }
            }
        }
        out
    }

    /// Edges from a plain file (not `*_page.rs`, not `mod.rs`) to a `*_page.rs` file.
    pub fn plain_to_page_edges(&self, within: &str) -> Vec<String> {
        let is_page = |m: &str| self.files[m].ends_with("_page.rs");
        let is_plain = |m: &str| !is_page(m) && !self.files[m].ends_with("mod.rs");
        let mut found = Vec::new();
        let froms = self
            .files
            .keys()
            .filter(|m| is_within(m, within) && is_plain(m));
        for from in froms {
            for (to, site) in self.targets(from) {
                if is_within(to, within) && is_page(to) {
                    found.push(format!("{from} -> {to}: {site}"));
                }
            }
        }
        found
    }
}

/// Strongly connected components (Kosaraju): finish order on the graph, then
/// components on the reversed graph, visited in reverse finish order.
fn components(succ: &[Vec<usize>]) -> Vec<Vec<usize>> {
    fn visit(graph: &[Vec<usize>], v: usize, seen: &mut [bool], out: &mut Vec<usize>) {
        seen[v] = true;
        for &w in &graph[v] {
            if !seen[w] {
                visit(graph, w, seen, out);
            }
        }
        out.push(v);
    }
    let n = succ.len();
    let mut pred = vec![Vec::new(); n];
    for (v, targets) in succ.iter().enumerate() {
        targets.iter().for_each(|&w| pred[w].push(v));
    }
    let (mut seen, mut order) = (vec![false; n], Vec::new());
    for v in 0..n {
        if !seen[v] {
            visit(succ, v, &mut seen, &mut order);
        }
    }
    let (mut seen, mut found) = (vec![false; n], Vec::new());
    for &v in order.iter().rev() {
        if !seen[v] {
            let mut scc = Vec::new();
            visit(&pred, v, &mut seen, &mut scc);
            found.push(scc);
        }
    }
    found
}

fn is_within(module: &str, root: &str) -> bool {
    let rest = module.strip_prefix(root);
    rest.is_some_and(|rest| rest.is_empty() || rest.starts_with("::"))
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// `src/..`-style name of a file under `src`, for messages.
fn display_path(src: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(src).unwrap_or(path);
    Path::new("src").join(rel).display().to_string()
}

/// All `.rs` files under `dir`, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let entries = fs::read_dir(dir);
    let entries = entries.unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
    let mut files = Vec::new();
    for path in entries.map(|entry| entry.expect("directory entry").path()) {
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            files.push(path);
        }
    }
    files.sort();
    files
}

/// The module a file (relative to `src`) is: `lib.rs` is `crate`, `a/mod.rs` and
/// `a.rs` are `crate::a`; `main.rs` is the binary, not a module of the library.
fn module_name(rel: &Path) -> Option<String> {
    let rel = rel.to_str()?.strip_suffix(".rs")?;
    let module = match rel {
        "main" => return None,
        "lib" => "",
        _ => rel.strip_suffix("/mod").unwrap_or(rel),
    };
    let path = format!("crate/{module}");
    Some(path.trim_end_matches('/').replace('/', "::"))
}

/// Replaces comments and string/char literals with spaces, keeping line breaks.
fn strip_comments_and_literals(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let blank = |c: &char| if *c == '\n' { '\n' } else { ' ' };
    while i < chars.len() {
        let end = literal_or_comment_end(&chars, i);
        if end == i {
            out.push(chars[i]);
            i += 1;
        } else {
            out.extend(chars[i..end].iter().map(blank));
            i = end;
        }
    }
    out
}

/// The index just past the comment or literal starting at `i`, or `i` if none starts there.
fn literal_or_comment_end(c: &[char], i: usize) -> usize {
    let at = |k: usize| c.get(k).copied().unwrap_or('\0');
    let after_ident = i > 0 && (c[i - 1].is_alphanumeric() || c[i - 1] == '_');
    let find = |from: usize, ch: char| (from..c.len()).find(|&k| c[k] == ch);
    match at(i) {
        '/' if at(i + 1) == '/' => find(i, '\n').unwrap_or(c.len()),
        '/' if at(i + 1) == '*' => {
            let (mut depth, mut k) = (0, i);
            while k < c.len() {
                match (at(k), at(k + 1)) {
                    ('/', '*') => (depth, k) = (depth + 1, k + 2),
                    ('*', '/') if depth == 1 => return k + 2,
                    ('*', '/') => (depth, k) = (depth - 1, k + 2),
                    _ => k += 1,
                }
            }
            c.len()
        }
        '"' => {
            let mut k = i + 1;
            while k < c.len() && c[k] != '"' {
                k += if c[k] == '\\' { 2 } else { 1 };
            }
            (k + 1).min(c.len())
        }
        'r' | 'b' | 'c' if !after_ident => raw_string_end(c, i).unwrap_or(i),
        '\'' if at(i + 1) == '\\' => find(i + 3, '\'').map_or(c.len(), |k| k + 1),
        '\'' if at(i + 2) == '\'' => i + 3,
        _ => i,
    }
}

/// The end of a raw string (`r"..."`, `r#"..."#`, `br".."`, `cr".."`) starting at `i`.
fn raw_string_end(c: &[char], i: usize) -> Option<usize> {
    let r = i + usize::from(c[i] != 'r');
    let hashes = c.iter().skip(r + 1).take_while(|&&ch| ch == '#').count();
    let open = r + 1 + hashes;
    if c.get(r) != Some(&'r') || c.get(open) != Some(&'"') {
        return None; // a name, or a raw identifier such as `r#type`
    }
    let closing: Vec<char> = format!("\"{}", "#".repeat(hashes)).chars().collect();
    let end = (open + 1..c.len()).find(|&j| c[j..].starts_with(&closing));
    Some(end.map_or(c.len(), |j| j + closing.len()))
}

struct Token {
    text: String,
    line: usize,
}

/// Words, `::` and single punctuation characters, each with its line number.
fn tokenize(code: &str) -> Vec<Token> {
    let c: Vec<char> = code.chars().collect();
    let is_word = |ch: char| ch.is_alphanumeric() || ch == '_';
    let (mut tokens, mut line, mut i) = (Vec::new(), 1, 0);
    while i < c.len() {
        let start = i;
        if is_word(c[i]) {
            while i + 1 < c.len() && is_word(c[i + 1]) {
                i += 1;
            }
        } else if c[i] == ':' && c.get(i + 1) == Some(&':') {
            i += 1;
        }
        if !c[start].is_whitespace() {
            let text = c[start..=i].iter().collect();
            tokens.push(Token { text, line });
        }
        line += usize::from(c[i] == '\n');
        i += 1;
    }
    tokens
}

/// A path as written (`super::b::x`), or a leaf of a `use` tree.
struct RawRef {
    /// Inline modules (`mod x { .. }`) around the reference inside its file.
    scope: Vec<String>,
    segs: Vec<String>,
    /// Where it starts (a `use` leaf: its `use`), and where its last segment is.
    lines: (usize, usize),
    /// The name a `use` leaf binds (`b` for `use a::b`, `c` for `use a::b as c`).
    binding: Option<String>,
}

type Aliases = HashMap<String, Vec<String>>;

#[derive(Default)]
struct Parsed {
    refs: Vec<RawRef>,
    /// Children declared `#[cfg(test)] mod x;`: test-only files.
    test_children: Vec<String>,
    /// The file starts with `#![cfg(test)]`.
    test_only: bool,
}

const CFG_TEST: [&str; 7] = ["#", "[", "cfg", "(", "test", ")", "]"];

struct Parser<'a> {
    toks: &'a [Token],
    /// Inline modules around the current token, with the brace depth inside each.
    scope: Vec<(String, usize)>,
    /// The line of the `use` whose tree is being read.
    use_line: Option<usize>,
    parsed: Parsed,
}

impl<'a> Parser<'a> {
    fn parse(toks: &'a [Token]) -> Parsed {
        let mut p = Parser {
            toks,
            scope: Vec::new(),
            use_line: None,
            parsed: Parsed::default(),
        };
        let (mut i, mut depth) = (0, 0);
        while i < toks.len() {
            let t = p.tok(i);
            i = if p.seq(i, &CFG_TEST) {
                p.skip_test_item(i + CFG_TEST.len())
            } else if p.seq(i, &["#", "!"]) && p.seq(i + 2, &CFG_TEST[1..]) {
                p.parsed.test_only = true;
                i + 1 + CFG_TEST.len()
            } else if p.seq(i, &["pub", "("]) {
                p.skip_group(i + 1) // `pub(in crate::x)` is not a reference
            } else if t == "use" {
                p.use_line = Some(toks[i].line);
                let end = p.use_tree(i + 1, Vec::new());
                p.use_line = None;
                end
            } else if t == "mod" && p.tok(i + 2) == "{" {
                depth += 1;
                p.scope.push((p.tok(i + 1).to_string(), depth));
                i + 3
            } else if t == "{" {
                depth += 1;
                i + 1
            } else if t == "}" {
                if p.scope.last().is_some_and(|(_, d)| *d == depth) {
                    p.scope.pop();
                }
                depth = depth.saturating_sub(1);
                i + 1
            } else if is_ident(t) && p.tok(i + 1) == "::" && (i == 0 || p.tok(i - 1) != "::") {
                let (mut segs, mut end) = (vec![t.to_string()], i + 1);
                while p.tok(end) == "::" && is_ident(p.tok(end + 1)) {
                    segs.push(p.tok(end + 1).to_string());
                    end += 2;
                }
                p.push(segs, toks[i].line, None);
                end
            } else {
                i + 1
            };
        }
        p.parsed
    }

    fn tok(&self, i: usize) -> &'a str {
        self.toks.get(i).map_or("", |t| t.text.as_str())
    }

    fn seq(&self, i: usize, words: &[&str]) -> bool {
        words.iter().enumerate().all(|(k, w)| self.tok(i + k) == *w)
    }

    fn push(&mut self, segs: Vec<String>, line: usize, binding: Option<String>) {
        let lines = (self.use_line.unwrap_or(line), line);
        let scope = self.scope.iter().map(|(name, _)| name.clone()).collect();
        let r = RawRef {
            scope,
            segs,
            lines,
            binding,
        };
        self.parsed.refs.push(r);
    }

    /// Reads the `use` tree at `i` below `prefix`, one reference per leaf; returns
    /// the index after it.
    fn use_tree(&mut self, mut i: usize, mut prefix: Vec<String>) -> usize {
        loop {
            let t = self.tok(i);
            let line = self.toks.get(i).map_or(0, |t| t.line);
            match t {
                "::" if prefix.is_empty() => prefix.push(t.to_string()), // `::extern_crate::..`
                "{" => {
                    i += 1;
                    while !matches!(self.tok(i), "}" | "") {
                        i = self.use_tree(i, prefix.clone());
                        i += usize::from(self.tok(i) == ",");
                    }
                    return i + 1;
                }
                "*" => {
                    self.push(prefix, line, None);
                    return i + 1;
                }
                _ if is_ident(t) && self.tok(i + 1) == "::" => {
                    prefix.push(t.to_string());
                    i += 1;
                }
                _ if is_ident(t) => {
                    let renamed = self.tok(i + 1) == "as";
                    let binding = match if renamed { self.tok(i + 2) } else { t } {
                        "self" => prefix.last().cloned(), // `a::{self}` binds `a`
                        "_" => None,
                        name => Some(name.to_string()),
                    };
                    if t != "self" {
                        prefix.push(t.to_string());
                    }
                    self.push(prefix, line, binding);
                    return i + 1 + 2 * usize::from(renamed);
                }
                _ => return i + 1, // not a use tree after all
            }
            i += 1;
        }
    }

    /// Skips the item after a `#[cfg(test)]`: more attributes, then up to its `;` or
    /// through its `{ .. }` block. Records `mod x;` as a test-only child file.
    fn skip_test_item(&mut self, mut i: usize) -> usize {
        while self.seq(i, &["#", "["]) {
            i = self.skip_group(i + 1);
        }
        let mut item = i + usize::from(self.tok(i) == "pub");
        if self.tok(item) == "(" {
            item = self.skip_group(item);
        }
        if self.tok(item) == "mod" && self.tok(item + 2) == ";" {
            let name = self.tok(item + 1).to_string();
            self.parsed.test_children.push(name);
            return item + 3;
        }
        while i < self.toks.len() {
            match self.tok(i) {
                ";" => return i + 1,
                "{" => return self.skip_group(i),
                "(" | "[" => i = self.skip_group(i),
                _ => i += 1,
            }
        }
        i
    }

    /// The index just past the bracket group that opens at `i`.
    fn skip_group(&self, i: usize) -> usize {
        let mut depth = 0;
        for (j, t) in self.toks.iter().enumerate().skip(i) {
            match t.text.as_str() {
                "(" | "[" | "{" => depth += 1,
                ")" | "]" | "}" if depth == 1 => return j + 1,
                ")" | "]" | "}" => depth -= 1,
                _ => {}
            }
        }
        self.toks.len()
    }
}

fn is_ident(t: &str) -> bool {
    t.starts_with(|c: char| c.is_alphabetic() || c == '_')
}

#[test]
fn subsidy_has_no_import_cycles() {
    let graph = Graph::load(&src_dir());
    let cycles = graph.cycles("crate::subsidy");
    let report = graph.describe(&cycles);
    assert!(cycles.is_empty(), "circles in crate::subsidy:\n{report}");
}

#[test]
fn no_source_file_over_500_lines() {
    let over = files_over(&src_dir(), MAX_LINES);
    let list: Vec<String> = over.iter().map(|(f, n)| format!("{f}: {n}")).collect();
    let list = list.join("\n  ");
    assert!(over.is_empty(), "files over {MAX_LINES} lines:\n  {list}");
}

#[test]
fn crate_import_cycles_are_known() {
    let graph = Graph::load(&src_dir());
    let known = |scc: &[String]| {
        let names = || scc.iter().map(String::as_str);
        ALLOWED_CYCLES
            .iter()
            .any(|allowed| names().eq(allowed.iter().copied()))
    };
    let mut unknown = graph.cycles("crate");
    unknown.retain(|scc| !known(scc));
    let report = graph.describe(&unknown);
    assert!(
        unknown.is_empty(),
        "circles not in ALLOWED_CYCLES:\n{report}"
    );
}

#[test]
fn plain_files_do_not_import_page_files() {
    let edges = Graph::load(&src_dir()).plain_to_page_edges("crate::subsidy");
    let report = edges.join("\n  ");
    assert!(edges.is_empty(), "plain files import pages:\n  {report}");
}

/// Words a plain subsidy file may not use: they belong to the web layer (`*_page.rs`) or, for
/// the whole state, to a background job (`*_job.rs`).
const WEB_WORDS: [&str; 3] = ["axum", "askama", "AppState"];

/// Plain files under `src/subsidy` (not `*_page.rs`, `*_job.rs` or `mod.rs`) that use a word of
/// the web layer outside comments and strings, as `file: word`.
pub fn web_words_in_plain_files(src: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for path in rust_files(&src.join("subsidy")) {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name == "mod.rs" || name.ends_with("_page.rs") || name.ends_with("_job.rs") {
            continue;
        }
        let code = strip_comments_and_literals(&read(&path));
        let words: BTreeSet<String> = tokenize(&code).into_iter().map(|t| t.text).collect();
        for word in WEB_WORDS.iter().filter(|w| words.contains(**w)) {
            found.push(format!("{}: {word}", display_path(src, &path)));
        }
    }
    found
}

#[test]
fn plain_subsidy_files_do_not_use_the_web_layer() {
    let found = web_words_in_plain_files(&src_dir());
    let report = found.join("\n  ");
    assert!(
        found.is_empty(),
        "plain files using the web layer:\n  {report}"
    );
}

/// A source tree in a fresh temporary folder, removed when dropped. The spec lists
/// files as `\n== path` lines, each followed by the file's text; a path given twice
/// ends up with its last text.
struct TempTree(PathBuf);

impl TempTree {
    fn new(spec: &str) -> TempTree {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let name = format!("layout-test-{}-{n}", std::process::id());
        let root = std::env::temp_dir().join(name);
        for file in spec.split("\n== ").skip(1) {
            let (path, text) = file.split_once('\n').unwrap_or((file, ""));
            let path = root.join(path);
            fs::create_dir_all(path.parent().expect("parent")).expect("create folder");
            fs::write(path, text).expect("write file");
        }
        TempTree(root)
    }
}

impl Drop for TempTree {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn graph_of(spec: &str) -> Graph {
    let tree = TempTree::new(spec);
    Graph::load(&tree.0.join("src"))
}

/// a -> b -> c -> a, with `b` naming `c` and `money` through nested braces.
const ABC: &str = "
== src/lib.rs
pub mod subsidy;
== src/subsidy/mod.rs
pub mod a;
pub mod b;
pub mod c;
pub mod money;
== src/subsidy/a.rs
pub fn f() -> u32 {
    super::b::x()
}
== src/subsidy/b.rs
use crate::subsidy::{c::{self}, money};
pub fn x() -> u32 { c::y() + money::CENT }
== src/subsidy/c.rs
use super::a;
pub fn y() -> u32 { a::f() }
== src/subsidy/money.rs
pub const CENT: u32 = 1;
";

const A: &str = "crate::subsidy::a";
const B: &str = "crate::subsidy::b";
const C: &str = "crate::subsidy::c";

#[test]
fn a_circle_through_nested_use_braces_is_found() {
    let graph = graph_of(ABC);
    let cycles = graph.cycles("crate::subsidy");
    assert_eq!(cycles, [[A, B, C].map(String::from)]);
    assert!(graph.has_edge(B, "crate::subsidy::money"));
    let report = graph.describe(&cycles);
    assert!(
        report.contains(&format!("path: {A} -> {B} -> {C} -> {A}")),
        "{report}"
    );
    assert!(
        report.contains("src/subsidy/a.rs:2: super::b::x()"),
        "{report}"
    );
    assert_eq!(
        import_cycles(&TempTree::new(ABC).0.join("src"), "crate").len(),
        1
    );
}

#[test]
fn no_circle_once_an_edge_is_gone() {
    let graph = graph_of(&format!(
        "{ABC}\n== src/subsidy/c.rs\npub fn y() -> u32 {{ 1 }}\n"
    ));
    assert!(graph.cycles("crate::subsidy").is_empty());
    assert!(graph.has_edge(B, C) && !graph.has_edge(C, A));
}

#[test]
fn comments_literals_and_visibility_are_not_references() {
    let a = r###"
== src/subsidy/a.rs
//! Docs about [`super::b`].
/// and crate::subsidy::b::x
pub fn f<'a>(x: &'a str) -> &'static str {
    let _quote = '"'; // a quote char opens no string: super::b::x()
    let _esc = ['\'', '\\', b'{'];
    let _s = "crate::subsidy::b::x() \" super::b::x()";
    /* crate::subsidy::b /* nested super::b::x */ still a comment */
    let _r = r#"use super::b; "quoted" "#;
    let _t = br##"{{ super::b::x() }}"#  "##;
    super::c::y()
}
pub(in crate::subsidy::b) struct NotAReference;
"###;
    let graph = graph_of(&format!("{ABC}{a}"));
    assert!(!graph.has_edge(A, B));
    assert!(graph.has_edge(A, C));
}

#[test]
fn a_router_and_its_handlers_make_a_circle() {
    let graph = graph_of(
        "
== src/lib.rs
pub mod subsidy;
== src/subsidy/mod.rs
pub mod a;
pub struct Thing;
pub fn router() -> Router {
    Router::new().route(\"/\", get(a::handler))
}
== src/subsidy/a.rs
use super::Thing;
pub fn handler() -> Thing { Thing }
",
    );
    assert!(graph.has_edge("crate::subsidy", A) && graph.has_edge(A, "crate::subsidy"));
    let cycles = graph.cycles("crate::subsidy");
    assert_eq!(cycles, [["crate::subsidy", A].map(String::from)]);
}

#[test]
fn files_over_500_lines_are_reported() {
    let (lines_500, lines_501) = ("x\n".repeat(500), "x\n".repeat(501));
    let tree = TempTree::new(&format!(
        "\n== src/lib.rs\n{lines_500}\n== src/big.rs\n{lines_501}"
    ));
    let over = files_over(&tree.0.join("src"), MAX_LINES);
    let big = Path::new("src").join("big.rs").display().to_string();
    assert_eq!(over, [(big, 501)]);
}

#[test]
fn test_code_is_not_a_reference() {
    let a = "\n== src/subsidy/a.rs\n#[cfg(test)]\nmod tests {\n    use super::super::b;\n}\n";
    assert!(!graph_of(&format!("{ABC}{a}")).has_edge(A, B));

    // Without `#[cfg(test)]` it is one: `super::super` from `a::tests` is `crate::subsidy`.
    let a = a.replace("#[cfg(test)]\n", "");
    assert!(graph_of(&format!("{ABC}{a}")).has_edge(A, B));

    // A test-only file stays out of the graph.
    let a = "\n== src/subsidy/a.rs\n#[cfg(test)]\nmod tests;\n";
    let tests = "\n== src/subsidy/a/tests.rs\nuse crate::subsidy::b;\n";
    let graph = graph_of(&format!("{ABC}{a}{tests}"));
    assert!(!graph.files.contains_key("crate::subsidy::a::tests"));
    assert!(!graph.has_edge(A, B) && !graph.has_edge("crate::subsidy::a::tests", B));
}
