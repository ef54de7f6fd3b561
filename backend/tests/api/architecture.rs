//! The shape of the workspace's sources, checked from their text: no two
//! files of `backend/src`, `frontend/src` or `shared/src` name each other
//! through a circle of module paths, and neither service's simulator names
//! the other's (what both need lives in the simulator's core).
//!
//! A file "names" a module when a `crate::`, `super::` or `self::` path in
//! its code (comments and its `#[cfg(test)] mod tests` left out) resolves to
//! that module's file. A child naming one of its ancestors is not counted:
//! a parent module declares its children and holds what they share.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A module by its path below `src` (`["sim", "cloudhsm", "backups"]`).
type Module = Vec<String>;

/// The `src` of the workspace's crate `name`.
fn source_root(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(name)
        .join("src")
}

/// Every `.rs` file below `dir`, by module path.
fn modules(root: &Path, dir: &Path, found: &mut BTreeMap<Module, PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            modules(root, &path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let relative = path.strip_prefix(root).unwrap().with_extension("");
            let mut module: Module = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if matches!(module.last().map(String::as_str), Some("lib" | "main")) {
                module.pop();
            }
            found.insert(module, path);
        }
    }
}

/// The code of a file without comments and without its unit tests.
fn code_of(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(at) => &text[..at],
        None => &text[..],
    };
    text.lines()
        .map(|line| line.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The module paths written in `code`: each `crate::`, `super::` or
/// `self::` path, resolved against `module`.
fn paths_in(code: &str, module: &Module) -> Vec<Module> {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut found = Vec::new();
    for (at, _) in code.match_indices("::") {
        let start = code[..at].rfind(|c: char| !ident(c)).map_or(0, |i| i + 1);
        let head = &code[start..at];
        let base: Module = match head {
            "crate" => Vec::new(),
            "self" => module.clone(),
            "super" => module[..module.len().saturating_sub(1)].to_vec(),
            _ => continue,
        };
        if start > 1 && &code[start - 2..start] == "::" {
            continue; // `super::super::x`, `crate::x::self`: read from the first segment
        }
        follow(&code[at + 2..], base, &mut found);
    }
    found
}

/// Adds the path that `rest` (what follows a `::`) continues from `base`:
/// its segments, or each first segment of a `{a, b::c}` group.
fn follow(mut rest: &str, mut base: Module, found: &mut Vec<Module>) {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    loop {
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0;
            let end = group
                .find(|c: char| {
                    depth += i32::from(c == '{') - i32::from(c == '}');
                    depth < 0
                })
                .unwrap_or(group.len());
            let mut depth = 0;
            for item in group[..end].split(|c: char| {
                depth += i32::from(c == '{') - i32::from(c == '}');
                c == ',' && depth == 0
            }) {
                follow(item.trim(), base.clone(), found);
            }
            return;
        }
        let end = rest.find(|c: char| !ident(c)).unwrap_or(rest.len());
        if end == 0 {
            break;
        }
        match &rest[..end] {
            "super" => {
                base.pop();
            }
            "self" => {}
            segment => base.push(segment.to_owned()),
        }
        if !rest[end..].starts_with("::") {
            break;
        }
        rest = &rest[end + 2..];
    }
    found.push(base);
}

/// The module graph of crate `name`: an edge from each file to each other
/// file it names.
fn graph(name: &str) -> BTreeMap<Module, BTreeSet<Module>> {
    let root = source_root(name);
    let mut files = BTreeMap::new();
    modules(&root, &root, &mut files);
    let mut edges = BTreeMap::new();
    for (module, path) in &files {
        let mut named = BTreeSet::new();
        for mut target in paths_in(&code_of(path), module) {
            while !target.is_empty() && !files.contains_key(&target) {
                target.pop();
            }
            let is_ancestor = module.starts_with(&target);
            if !target.is_empty() && !is_ancestor {
                named.insert(target);
            }
        }
        edges.insert(module.clone(), named);
    }
    edges
}

/// The groups of more than one module that reach each other (Tarjan).
fn circles(edges: &BTreeMap<Module, BTreeSet<Module>>) -> Vec<Vec<String>> {
    struct Walk<'a> {
        edges: &'a BTreeMap<Module, BTreeSet<Module>>,
        index: BTreeMap<&'a Module, usize>,
        low: BTreeMap<&'a Module, usize>,
        stack: Vec<&'a Module>,
        found: Vec<Vec<String>>,
    }
    impl<'a> Walk<'a> {
        fn visit(&mut self, v: &'a Module) {
            let n = self.index.len();
            self.index.insert(v, n);
            self.low.insert(v, n);
            self.stack.push(v);
            for w in &self.edges[v] {
                if !self.index.contains_key(w) {
                    self.visit(w);
                    let low = self.low[v].min(self.low[w]);
                    self.low.insert(v, low);
                } else if self.stack.contains(&w) {
                    let low = self.low[v].min(self.index[w]);
                    self.low.insert(v, low);
                }
            }
            if self.low[v] == self.index[v] {
                let mut group = Vec::new();
                while let Some(w) = self.stack.pop() {
                    group.push(w.join("/"));
                    if w == v {
                        break;
                    }
                }
                if group.len() > 1 {
                    group.sort();
                    self.found.push(group);
                }
            }
        }
    }
    let mut walk = Walk {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        found: Vec::new(),
    };
    for v in edges.keys() {
        if !walk.index.contains_key(v) {
            walk.visit(v);
        }
    }
    walk.found
}

#[test]
fn no_two_files_import_each_other_through_a_circle() {
    let edges = graph("backend");
    assert!(edges.len() > 50, "read the sources: {} files", edges.len());
    assert!(
        edges[&vec!["http".to_owned(), "wire".to_owned()]]
            .contains(&vec!["cluster".to_owned(), "forward".to_owned()]),
        "the graph sees a known import (http/wire names cluster/forward)"
    );
    assert_eq!(circles(&edges), Vec::<Vec<String>>::new());
    for name in ["frontend", "shared"] {
        let edges = graph(name);
        assert!(edges.len() > 20, "read {name}'s sources");
        assert_eq!(circles(&edges), Vec::<Vec<String>>::new(), "in {name}");
    }
}

#[test]
fn neither_service_simulator_names_the_other() {
    let edges = graph("backend");
    let service = |m: &Module| match m.as_slice() {
        [sim, s, ..] if sim == "sim" && (s == "opsworkscm" || s == "cloudhsm") => Some(s.clone()),
        _ => None,
    };
    let crossings: Vec<String> = edges
        .iter()
        .flat_map(|(from, to)| to.iter().map(move |to| (from, to)))
        .filter(|(from, to)| matches!((service(from), service(to)), (Some(a), Some(b)) if a != b))
        .map(|(from, to)| format!("{} -> {}", from.join("/"), to.join("/")))
        .collect();
    assert_eq!(crossings, Vec::<String>::new());
}

#[test]
fn a_circle_is_found_when_there_is_one() {
    let m = |s: &str| s.split('/').map(str::to_owned).collect::<Module>();
    let edges = BTreeMap::from([
        (m("a"), BTreeSet::from([m("b")])),
        (m("b"), BTreeSet::from([m("c")])),
        (m("c"), BTreeSet::from([m("a")])),
        (m("d"), BTreeSet::from([m("a")])),
    ]);
    assert_eq!(circles(&edges), vec![vec!["a", "b", "c"]]);
    let paths = paths_in(
        "use super::{tags, records::{A, B}};\nuse crate::sim::State;",
        &m("sim/x/y"),
    );
    assert_eq!(
        paths,
        vec![
            m("sim/x/tags"),
            m("sim/x/records/A"),
            m("sim/x/records/B"),
            m("sim/State")
        ]
    );
}
