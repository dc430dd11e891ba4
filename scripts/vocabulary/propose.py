#!/usr/bin/env python3
"""Propose new words for the rule files from Sudachi's synonym dictionary.

For each provision in clause_patterns/provisions/*.toml this script collects the
provision's seed words:

  * every entry of `keywords`, and
  * every plain word alternative inside its `[[pattern]] match` regexes:
    `(通信|送信|伝送)` gives 通信, 送信, 伝送; an alternative that holds any regex
    syntax (`閉域網?`, `(システム|サービス)停止`, `[^。]`) is skipped, but the
    plain words of a nested group are still taken.

Single characters and words written only in hiragana (の, が|は, する,
しない) are grammar, not vocabulary, and are not used as seeds.

It then looks up every synonym group of the thesaurus that holds a seed (as a
headword; for a verb stem such as 知らせ also the form 知らせる) and lists the
other words of the group that the provision does not already cover. A word is
covered when a seed of the provision is a substring of it, or when one of the
provision's `match` regexes (those without a `heading`, `context` or `in_table`
condition) matches it. Entries with Sudachi's expansion flag 2 ("never use
for expansion", kept in the dictionary as a record of removed words) are left
out altogether.

Thesaurus lines are read as SudachiDict's docs/synonyms.md describes them,
fields counted from 0: 0 group number, 1 体言/用言, 2 expansion flag, 3 lexeme
number in the group, 4-6 form, abbreviation and spelling variant, 7 domain,
8 headword.

The output is a proposal for a person to review, not a change: decisions are
recorded in clause_patterns/vocabulary.md.

Usage (from the repository root):

  python3 scripts/vocabulary/propose.py [THESAURUS] [--provision ID] [--format md|tsv]

THESAURUS defaults to ../shared/thesaurus/sudachi-synonyms.txt relative to the
repository root: SudachiDict's src/main/text/synonyms.txt (Apache-2.0),
https://github.com/WorksApplications/SudachiDict. Exit status 2 when a file is
missing or an argument is wrong. Python 3.11+ (tomllib), standard library only.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import re
import sys
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEFAULT_THESAURUS = Path(os.path.normpath(REPO / ".." / "shared" / "thesaurus" / "sudachi-synonyms.txt"))
DEFAULT_RULES = REPO / "clause_patterns"
SOURCE_URL = "https://github.com/WorksApplications/SudachiDict (src/main/text/synonyms.txt)"

HIRAGANA = re.compile(r"^[\u3040-\u309f\u30fc]+$")
# Characters that make a regex alternative more than a plain word.
REGEX_SYNTAX = set("\\.^$*+?{}[]()|")
# Pattern keys that make a pattern apply only under a condition.
CONDITIONS = {"heading", "context", "in_table"}


def fail(msg: str) -> None:
    print(f"propose.py: {msg}", file=sys.stderr)
    sys.exit(2)


def norm(s: str) -> str:
    """The product matches NFKC text with full-width brackets made literal."""
    return unicodedata.normalize("NFKC", s)


def norm_pattern(p: str) -> str:
    return norm(p.replace("（", "\\(").replace("）", "\\)"))


def is_vocabulary(word: str) -> bool:
    return len(word) >= 2 and not HIRAGANA.match(word)


# ---------------------------------------------------------------------------
# Thesaurus
# ---------------------------------------------------------------------------

@dataclass
class Entry:
    group: str
    yogen: bool       # field 1: 1 体言 / 2 用言 (fields counted from 0)
    flag: int         # field 2: expansion control 0 always / 1 only as a target / 2 never
    lexeme: str       # field 3: lexeme number within the group ("1/2" for shared forms)
    variant: bool     # fields 4-6: not the lexeme's representative form (translation,
                      #   abbreviation, alphabet or other spelling)
    domain: str       # field 7: "(IT)", "()" ...
    word: str         # field 8: headword


def load_thesaurus(path: Path) -> tuple[dict[str, list[Entry]], dict[str, list[Entry]], str, int]:
    """Groups by id, entries by normalized headword, sha256 and line count."""
    if not path.is_file():
        fail(f"thesaurus not found: {path}\n"
             "  It is SudachiDict's src/main/text/synonyms.txt (Apache-2.0), see\n"
             f"  {SOURCE_URL}.\n"
             "  Pass its path as the first argument, e.g.\n"
             "  python3 scripts/vocabulary/propose.py /path/to/synonyms.txt")
    data = path.read_bytes()
    groups: dict[str, list[Entry]] = {}
    by_word: dict[str, list[Entry]] = {}
    try:
        lines = data.decode("utf-8").splitlines()
    except UnicodeDecodeError as e:
        fail(f"{path}: not UTF-8 text ({e})")
    for n, line in enumerate(lines, 1):
        line = line.strip()
        if not line:
            continue
        f = line.split(",")
        if len(f) < 9 or not f[0].isdigit():
            fail(f"{path}:{n}: not a Sudachi synonym line: {line[:60]!r}")
        try:
            flag = int(f[2] or 0)
        except ValueError:
            fail(f"{path}:{n}: expansion flag is not a number: {line[:60]!r}")
        e = Entry(f[0], f[1] == "2", flag, f[3], f[4:7] != ["0", "0", "0"], f[7], f[8])
        groups.setdefault(e.group, []).append(e)
        by_word.setdefault(norm(e.word), []).append(e)
    return groups, by_word, hashlib.sha256(data).hexdigest(), len(lines)


# ---------------------------------------------------------------------------
# Rule files
# ---------------------------------------------------------------------------

@dataclass
class Seed:
    word: str
    places: list[str] = field(default_factory=list)   # "keywords", "pattern 1 group 2 `(a|b|c)`"


@dataclass
class Provision:
    id: str
    title: str
    seeds: dict[str, Seed]
    matchers: list[re.Pattern]


def short_group(alts: list[str], limit: int = 4) -> str:
    shown = alts[:limit] + (["…"] if len(alts) > limit else [])
    return "(" + "|".join(shown) + ")"


def word_alternatives(regex: str) -> list[tuple[str, list[str], int]]:
    """Plain word alternatives of every group of `regex` (and of its top level).

    Returns (word, all alternatives of its group, group number) triples. Groups
    are numbered by their opening parenthesis from the left, 1, 2, ... (every
    parenthesis counts, `(?:` too); 0 is the top level. An alternative counts
    only if it has no regex syntax at all; a nested group makes its enclosing
    alternative impure but its own words are still returned.
    """
    out: list[tuple[str, list[str], int]] = []
    # frame: [alternatives (raw text), purity per alternative, is_lookaround, number]
    stack: list[list] = [[[""], [True], False, 0]]
    opened = 0
    i = 0
    while i < len(regex):
        c = regex[i]
        frame = stack[-1]
        if c == "\\":
            frame[0][-1] += regex[i:i + 2]
            frame[1][-1] = False
            i += 2
            continue
        if c == "[":
            j = i + 1
            if j < len(regex) and regex[j] == "^":
                j += 1
            if j < len(regex) and regex[j] == "]":
                j += 1
            while j < len(regex) and regex[j] != "]":
                j += 2 if regex[j] == "\\" else 1
            frame[0][-1] += regex[i:j + 1]
            frame[1][-1] = False
            i = j + 1
            continue
        if c == "(":
            look = False
            named = re.match(r"\(\?P?<[A-Za-z_]\w*>", regex[i:])
            if regex.startswith("(?:", i):
                i += 3
            elif named:
                i += named.end()
            elif regex.startswith("(?", i):
                look = True          # (?= (?! (?<= (?i) ...: not a list of words
                i += 2
            else:
                i += 1
            opened += 1
            stack.append([[""], [True], look, opened])
            continue
        if c == ")" and len(stack) > 1:
            alts, pure, look, num = stack.pop()
            if not look:
                for a, p in zip(alts, pure):
                    if p and a:
                        out.append((a, alts, num))
            parent = stack[-1]
            parent[0][-1] += "(" + "|".join(alts) + ")"
            parent[1][-1] = False
            i += 1
            continue
        if c == "|":
            frame[0].append("")
            frame[1].append(True)
            i += 1
            continue
        frame[0][-1] += c
        if c in REGEX_SYNTAX:
            frame[1][-1] = False
        i += 1
    alts, pure, _, _ = stack[0]
    for a, p in zip(alts, pure):
        if p and a:
            out.append((a, alts, 0))
    return out


def load_provisions(rules: Path) -> list[Provision]:
    pdir = rules / "provisions"
    if not pdir.is_dir():
        fail(f"provision folder not found: {pdir} (run from a keiyaku checkout, or pass --rules)")
    order: list[str] = []
    ruleset = rules / "ruleset.toml"
    if ruleset.is_file():
        order = tomllib.loads(ruleset.read_text(encoding="utf-8")).get("provisions", [])
    files = sorted(pdir.glob("*.toml"), key=lambda f: (order.index(f.stem) if f.stem in order else len(order), f.stem))
    if not files:
        fail(f"no provision files in {pdir}")
    out = []
    for f in files:
        try:
            doc = tomllib.loads(f.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as e:
            fail(f"{f}: {e}")
        seeds: dict[str, Seed] = {}

        def add(word: str, place: str) -> None:
            w = norm(word)
            if not is_vocabulary(w):
                return
            s = seeds.setdefault(w, Seed(w))
            if place not in s.places:
                s.places.append(place)

        for k in doc.get("keywords", []):
            add(k, "keywords")
        matchers = []
        for n, pat in enumerate(doc.get("pattern", []), 1):
            m = pat.get("match", "")
            for word, alts, num in word_alternatives(norm_pattern(m)):
                shown = short_group(alts)
                where = f"group {num} `{shown}`" if num else f"top level `{shown[1:-1]}`"
                add(word, f"pattern {n} {where}")
            if not CONDITIONS & pat.keys():   # a pattern bound to a heading/context covers nothing alone
                try:
                    matchers.append(re.compile(norm_pattern(m)))
                except re.error as e:
                    print(f"propose.py: {f.name} pattern {n}: {e} (ignored for coverage)", file=sys.stderr)
        out.append(Provision(doc.get("id", f.stem), doc.get("title", ""), seeds, matchers))
    return out


# ---------------------------------------------------------------------------
# Proposal
# ---------------------------------------------------------------------------

@dataclass
class Candidate:
    """One lexeme of a synonym group: its representative form and its variants."""
    word: str
    variants: list[str] = field(default_factory=list)
    seeds: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    domains: list[str] = field(default_factory=list)
    flag: int = 2


def seed_entries(seed: str, by_word: dict[str, list[Entry]]) -> list[Entry]:
    """Entries a seed triggers: the headword itself, else the dictionary form of a
    verb written as a stem in the rules (知らせ → 知らせる, 分担する → 分担)."""
    for form in (seed, seed + "る", seed[:-2] if seed.endswith("する") else None):
        if form:
            hits = [e for e in by_word.get(form, []) if e.flag != 2]
            if hits:
                return hits
    return []


def covered(word: str, p: Provision) -> str | None:
    for s in p.seeds:
        if s in word:
            return s
    for m in p.matchers:
        if m.search(word):
            return "/" + m.pattern[:30] + ("…/" if len(m.pattern) > 30 else "/")
    return None


def place_order(place: str) -> tuple[int, int]:
    """keywords first, then pattern 1 group 1, pattern 1 group 2, ..."""
    m = re.match(r"pattern (\d+) (?:group (\d+))?", place)
    return (int(m.group(1)), int(m.group(2) or 0)) if m else (0, 0)


def is_latin(word: str) -> bool:
    return not re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", word)


def propose(p: Provision, groups, by_word) -> tuple[list[Candidate], list[tuple[str, str]], int]:
    """New candidates (one per lexeme, best first), covered words, groups hit."""
    cov: dict[str, str] = {}
    hit_groups: set[str] = set()
    # lexeme key (group, lexeme number) -> entries proposed, and what proposed them
    lex: dict[tuple[str, str], list[tuple[Entry, Seed]]] = {}
    for seed in p.seeds.values():
        for se in seed_entries(seed.word, by_word):
            hit_groups.add(se.group)
            for e in groups[se.group]:
                w = norm(e.word)
                if e.flag == 2 or w in p.seeds:
                    continue
                by = covered(w, p)
                if by:
                    cov.setdefault(w, by)
                    continue
                for n in e.lexeme.split("/"):
                    lex.setdefault((e.group, n), []).append((e, seed))
    # A form listed under two lexemes ("1/2") joins them into one candidate.
    parent: dict[tuple[str, str], tuple[str, str]] = {k: k for k in lex}

    def root(k):
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    first_key: dict[str, tuple[str, str]] = {}
    for k, items in lex.items():
        for e, _ in items:
            w = norm(e.word)
            if w in first_key:
                parent[root(k)] = root(first_key[w])
            else:
                first_key[w] = k
    clusters: dict[tuple[str, str], list[tuple[Entry, Seed]]] = {}
    for k, items in lex.items():
        clusters.setdefault(root(k), []).extend(items)
    out = []
    for items in clusters.values():
        # representative: a main form (not a variant), written in Japanese, expandable
        entries = sorted({id(e): e for e, _ in items}.values(),
                         key=lambda e: (e.variant, is_latin(e.word), e.flag, int(e.lexeme.split("/")[0])))
        words = list(dict.fromkeys(norm(e.word) for e in entries))
        c = Candidate(words[0], words[1:])
        c.flag = min(e.flag for e in entries)
        for e, seed in items:
            for lst, v in ((c.seeds, seed.word), (c.groups, e.group), (c.domains, e.domain.strip("()"))):
                if v and v not in lst:
                    lst.append(v)
            for pl in seed.places:
                if pl not in c.places:
                    c.places.append(pl)
        c.places.sort(key=place_order)
        out.append(c)
    # Best first: forms written in Japanese; whose seeds are used in more places of
    # the provision (keywords, pattern groups); proposed by more seeds; expandable
    # both ways in Sudachi.
    out.sort(key=lambda c: (is_latin(c.word), -len(c.places), -len(c.seeds), c.flag, c.groups[0], c.word))
    return out, sorted(cov.items()), len(hit_groups)


def md_cell(s: str) -> str:
    return s.replace("|", "\\|")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("thesaurus", nargs="?", type=Path, default=DEFAULT_THESAURUS,
                    help="Sudachi synonyms.txt (default: ../shared/thesaurus/sudachi-synonyms.txt from the repository root)")
    ap.add_argument("--rules", type=Path, default=DEFAULT_RULES, help="rule folder (default: clause_patterns/)")
    ap.add_argument("--provision", metavar="ID", help="only this provision")
    ap.add_argument("--format", choices=["md", "tsv"], default="md")
    ap.add_argument("--limit", type=int, default=0, metavar="N", help="at most N candidates per provision (0: all)")
    ap.add_argument("--show-covered", action="store_true", help="also list group words already covered, and by what")
    a = ap.parse_args()

    provisions = load_provisions(a.rules)
    if a.provision:
        provisions = [p for p in provisions if p.id == a.provision]
        if not provisions:
            fail(f"no provision {a.provision!r}; known: " + ", ".join(p.id for p in load_provisions(a.rules)))
    groups, by_word, sha, nlines = load_thesaurus(a.thesaurus)

    if a.format == "tsv":
        print("provision\tcandidate\tvariants\tseeds\tgroups\tflag\tdomain\tseed_places")
    else:
        print("# Vocabulary proposals from the Sudachi synonym dictionary\n")
        print(f"thesaurus: `{a.thesaurus.name}` ({nlines} lines, sha256 {sha[:12]}), Apache-2.0, {SOURCE_URL}  ")
        print("generated by `python3 scripts/vocabulary/propose.py` — a proposal to review, not a change.\n")
    for p in provisions:
        ranked, cov, ngroups = propose(p, groups, by_word)
        shown = ranked[:a.limit] if a.limit else ranked
        if a.format == "tsv":
            for c in shown:
                print("\t".join([p.id, c.word, ",".join(c.variants), ",".join(c.seeds), ",".join(c.groups),
                                 str(c.flag), ",".join(c.domains), "; ".join(c.places)]))
            continue
        print(f"## {p.id} — {p.title}\n")
        print(f"{len(p.seeds)} seeds, {ngroups} synonym groups, {len(ranked)} new candidates"
              + (f" (first {len(shown)} shown)" if len(shown) < len(ranked) else "")
              + f", {len(cov)} group words already covered.\n")
        if shown:
            print("| candidate (variants) [domain] | seed | Sudachi group | seed's place in the rules |")
            print("|---|---|---|---|")
            for c in shown:
                word = c.word + ("¹" if c.flag == 1 else "") + (f" ({', '.join(c.variants)})" if c.variants else "")
                if c.domains:
                    word += " [" + "/".join(c.domains) + "]"
                print(f"| {md_cell(word)} | {md_cell('・'.join(c.seeds))} | {', '.join(c.groups)} "
                      f"| {md_cell('; '.join(c.places))} |")
            print()
        if a.show_covered and cov:
            print("already covered: " + ", ".join(f"{w} ({md_cell(b)})" for w, b in cov) + "\n")
    if a.format == "md":
        print("¹ Sudachi expansion flag 1: the dictionary expands to this word but not from it.  \n"
              "Group numbers count opening parentheses from the left (`(?:` too); "
              "`top level` is an alternative of the whole pattern.")


if __name__ == "__main__":
    try:
        main()
    except BrokenPipeError:          # `| head`
        sys.stderr.close()
        sys.exit(0)
