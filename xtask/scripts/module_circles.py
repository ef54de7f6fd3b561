"""Import circles among sibling modules of a Rust crate's src tree.

Usage: python3 xtask/scripts/module_circles.py backend/src [TOP]

Every `crate::...` and `super::...` path outside comments and `#[cfg(test)]`
is resolved to the module file that holds it; both ends are lifted to the
siblings under their common parent (a module using its parent or child is
not a circle), and the strongly connected components with more than one
module are printed, then their count. With TOP, the edges of the modules
under TOP are printed too. Issue 15 reports its figure with it.
"""
import re, os, sys, glob
from collections import defaultdict
root = sys.argv[1]
files = glob.glob(f'{root}/**/*.rs', recursive=True)
def modpath(f):
    rel = os.path.relpath(f, root)[:-3]
    parts = rel.split('/')
    if parts[-1] in ('lib', 'main', 'mod'): parts = parts[:-1]
    return tuple(parts)
mods = {modpath(f): f for f in files}
def resolve(path):
    # longest prefix that is a module
    for n in range(len(path), 0, -1):
        if tuple(path[:n]) in mods: return tuple(path[:n])
    return ()
edges = defaultdict(set)
for m, f in mods.items():
    text = open(f).read()
    text = text.split('#[cfg(test)]')[0]
    text = re.sub(r'//[^\n]*', '', text)
    refs = []
    for r in re.findall(r'crate::((?:\w+::)*\w+)', text):
        refs.append(r.split('::'))
    for r in re.findall(r'(?<![\w:])((?:super::)+)((?:\w+::)*\w+)', text):
        ups = r[0].count('super::')
        base = list(m[:-ups]) if ups <= len(m) else []
        refs.append(base + r[1].split('::'))
    # braces: use super::{a, b}
    for r in re.findall(r'(?<![\w:])((?:super::)+)\{([^}]*)\}', text):
        ups = r[0].count('super::'); base = list(m[:-ups])
        for item in r[1].split(','):
            item = item.strip().split(' ')[0]
            if item: refs.append(base + item.split('::'))
    for r in re.findall(r'crate::\{([^}]*)\}', text):
        for item in r.split(','):
            item = item.strip().split(' ')[0]
            if item: refs.append(item.split('::'))
    for ref in refs:
        t = resolve(ref)
        if t == m or not t: continue
        # lift to siblings under lowest common ancestor
        i = 0
        while i < min(len(m), len(t)) and m[i] == t[i]: i += 1
        if i >= len(m) or i >= len(t): continue  # ancestor/descendant
        edges[m[:i+1]].add(t[:i+1])
# tarjan
index = {}; low = {}; stack = []; on = set(); sccs = []; c = [0]
sys.setrecursionlimit(10000)
def strong(v):
    index[v] = low[v] = c[0]; c[0] += 1; stack.append(v); on.add(v)
    for w in edges.get(v, ()):
        if w not in index: strong(w); low[v] = min(low[v], low[w])
        elif w in on: low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = stack.pop(); on.discard(w); comp.append(w)
            if w == v: break
        if len(comp) > 1: sccs.append(comp)
for v in list(edges):
    if v not in index: strong(v)
for comp in sccs:
    print(' <-> '.join('::'.join(x) for x in sorted(comp)))
print(len(sccs), 'circles')
if len(sys.argv) > 2:
    for k in sorted(edges):
        if k[0] == sys.argv[2]: print('::'.join(k), '->', sorted('::'.join(x) for x in edges[k]))
