#!/usr/bin/env python3
"""The shape a newcomer finds, checked: no tool output in git, no product function over 80 lines, no product file
over 500 lines, no lock unwrapped (a poisoned lock would take the program down), no module cycle in the app glue and
no command file calling another. Product code is every tracked .rs file outside tests/ and benches/, up to its
`#[cfg(test)]`. Prints what breaks a rule and exits 1; prints the counts either way. Python 3, standard library only.
Usage: scripts/check-shape.py [--list]   (--list: also the ten longest functions)"""
import re
import subprocess
import sys
from pathlib import Path

MAX_FN, MAX_FILE = 80, 500
ROOT = Path(__file__).resolve().parent.parent
FN = re.compile(r"^(\s*)(pub(\([^)]*\))?\s+)?(const\s+)?(async\s+)?(unsafe\s+)?(extern\s+\"C\"\s+)?fn\s+(\w+)")
STRING = re.compile(r'"(\\.|[^"\\])*"|\'(\\.|[^\'\\])\'')
LOCK_UNWRAP = re.compile(r"\.(lock|read|write)\(\)\s*\.(unwrap|expect)\(")
TOOL_OUTPUT = ["mutants.out", "mutants.out.old", "gen/schemas"]


def tracked(*patterns):
    out = subprocess.run(["git", "ls-files", "--", *patterns], cwd=ROOT, capture_output=True, text=True, check=True)
    return [line for line in out.stdout.splitlines() if line]


def is_product(path):
    parts = Path(path).parts
    return not ({"tests", "benches"} & set(parts)) and not path.endswith("/tests.rs") and not path.startswith("tests/")


def product_lines(path):
    lines = (ROOT / path).read_text(encoding="utf-8").split("\n")
    for i, line in enumerate(lines):
        # The inline test module ends the product part; `#[cfg(test)] mod tests;` (a file of its own) does not.
        following = next((l.strip() for l in lines[i + 1:] if l.strip()), "")
        if line.strip() == "#[cfg(test)]" and not following.endswith(";"):
            lines = lines[:i]
            break
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def code_of(line):
    """A line without string and char literals and without its `//` comment, for counting braces."""
    return STRING.sub('""', line).split("//")[0]


def functions(lines):
    """(name, first line, length) of each function with a body."""
    for i, line in enumerate(lines):
        m = FN.match(line)
        if not m:
            continue
        depth, opened = 0, False
        for j in range(i, len(lines)):
            code = code_of(lines[j])
            if not opened and ";" in code and "{" not in code:
                break  # a declaration without a body
            depth += code.count("{") - code.count("}")
            opened = opened or "{" in code
            if opened and depth <= 0:
                yield m.group(8), i + 1, j - i + 1
                break


def app_module(path):
    """The app glue's module a file belongs to: `state`, `commands::fixes`, ... (None outside src-tauri/src)."""
    p = Path(path)
    if p.parts[:2] != ("src-tauri", "src") or not is_product(path):
        return None
    rel = p.relative_to("src-tauri/src").with_suffix("")
    parts = [x for x in rel.parts if x not in ("mod", "lib", "main")]
    if parts[:1] == ["commands"]:
        return "::".join(parts[:2]) or "crate"
    return parts[0] if parts else "crate"


def referenced(text, module):
    """The app modules a file's code names through `crate::` (also in `use crate::{a, b::c}`) or, in a command
    file, `super::`."""
    names = set()
    for m in re.finditer(r"\bcrate::(\{[^;]*?\}|[\w:]+)", text):
        names |= set(paths_in(m.group(1)))
    if module.startswith("commands::"):
        for m in re.finditer(r"\bsuper::(\{[^;]*?\}|[\w:]+)", text):
            names |= {"commands::" + p for p in paths_in(m.group(1))}
    return {node(n) for n in names} - {None}


def paths_in(group):
    group = group.strip()
    if not group.startswith("{"):
        return [group]
    inner, depth, item, items = group[1:-1], 0, "", []
    for ch in inner:
        depth += ch == "{"
        depth -= ch == "}"
        if ch == "," and depth == 0:
            items.append(item)
            item = ""
        else:
            item += ch
    return [i.strip() for i in items + [item] if i.strip()]


def node(path):
    parts = [p for p in re.split(r"::", path) if p and p != "self"]
    if not parts or not re.match(r"^[a-z_][a-z0-9_]*$", parts[0]):
        return None
    if parts[0] == "commands":
        return "::".join(parts[:2]) if len(parts) > 1 and re.match(r"^[a-z_]+$", parts[1]) else "commands"
    return parts[0]


def cycles(edges):
    """Every strongly connected group of more than one module (Tarjan)."""
    index, low, stack, on, out, n = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = n[0]
        n[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    for v in list(edges):
        if v not in index:
            visit(v)
    return out


def main():
    problems, longest = [], []
    tool_output = tracked(*TOOL_OUTPUT)
    problems += [f"tool output tracked in git: {p}" for p in tool_output]
    counts = {"tool output": len(tool_output), "functions": 0, "files": 0, "lock unwraps": 0, "cycles": 0,
              "command calls": 0}
    edges = {}
    for path in tracked("*.rs"):
        if not is_product(path):
            continue
        lines = product_lines(path)
        if len(lines) > MAX_FILE:
            counts["files"] += 1
            problems.append(f"{path}: {len(lines)} lines (at most {MAX_FILE})")
        for name, at, length in functions(lines):
            longest.append((length, f"{path}:{at} {name}"))
            if length > MAX_FN:
                counts["functions"] += 1
                problems.append(f"{path}:{at}: fn {name} has {length} lines (at most {MAX_FN})")
        for i, line in enumerate(lines):
            if LOCK_UNWRAP.search(code_of(line)):
                counts["lock unwraps"] += 1
                problems.append(f"{path}:{i + 1}: a lock unwrapped (use onoffice_protocol::lock::Unpoisoned)")
        module = app_module(path)
        if module:
            uses = referenced("\n".join(code_of(l) for l in lines), module) - {module, "crate"}
            edges.setdefault(module, set()).update(uses)
            for other in sorted(u for u in uses if u.startswith("commands::")):
                if module.startswith("commands::"):
                    counts["command calls"] += 1
                    problems.append(f"{path}: a command file uses another ({other})")
    for group in cycles(edges):
        counts["cycles"] += 1
        problems.append("module cycle in src-tauri/src: " + " <-> ".join(group))
    print("\n".join(problems))
    if "--list" in sys.argv:
        print("longest functions:", *(f"  {n:4} {w}" for n, w in sorted(longest, reverse=True)[:10]), sep="\n")
    print("shape:", ", ".join(f"{k} {v}" for k, v in counts.items()))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
