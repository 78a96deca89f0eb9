"""Masking: the names that copying changes become placeholders before texts are compared.

The city (长春市, 本市, 首府), the district-level body (县（市）区人民政府, 县级市、区人民政府,
区人民政府), the province, numbers and dates become one placeholder character each (rules in
``data/masking.tsv``), so 长春 第二十七条 and 呼和浩特 第二十四条 look as alike as they are. Every
masked name keeps its span (:class:`MaskSpan`), so a run of masked text maps back to the words
of the source.

This module imports nothing heavier than ``re``: ``jdcorpus.diff`` and ``mask`` stay cheap.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .._data import data_lines

#: One placeholder character per masked class. Jurisdiction classes are also what a diff marks
#: as a substituted name rather than a substantive change.
PLACEHOLDERS = {
    "date": "Ⓣ",
    "number": "Ⓝ",
    "instrument": "Ⓘ",
    "province": "Ⓟ",
    "city": "Ⓒ",
    "district": "Ⓓ",
    "marker": "",
}


JURISDICTION = frozenset({"province", "city", "district"})


SCORING = frozenset(PLACEHOLDERS)


# Item markers （一） at the start of a line are structure, not wording.
_MARKER = r"^[（(][一二三四五六七八九十]+[）)]"


@dataclass(frozen=True, slots=True)
class MaskSpan:
    """One masked name: where its placeholder sits in the masked text and what it stood for."""

    at: int  # offset of the placeholder in the masked text
    start: int  # span in the unmasked text
    end: int
    cls: str  # date | number | province | city | district | marker
    text: str  # the name as written: "县（市）区"


@dataclass(frozen=True, slots=True)
class Masked:
    """A text with names replaced by placeholders, and the spans to map back."""

    text: str
    spans: tuple[MaskSpan, ...]


@lru_cache(maxsize=1)
def _rules() -> tuple[tuple[tuple[str, str], ...], dict[str, str]]:
    """The ``(class, pattern)`` rules and ``@lists`` of ``data/masking.tsv``, in file order."""
    rules, lists = [], {}
    for n, line in data_lines("masking.tsv"):
        cls, pattern = line.split("\t", 1)
        if cls.startswith("@"):
            lists[cls[1:].upper()] = pattern.strip()
        else:
            if cls not in PLACEHOLDERS:
                raise ValueError(f"masking.tsv line {n}: unknown class {cls!r}")
            rules.append((cls, pattern.strip()))
    return tuple(rules), lists


@lru_cache(maxsize=64)
def _compiled(cities: tuple[str, ...], classes: frozenset[str]) -> re.Pattern:
    rules, lists = _rules()
    names = sorted({c for c in cities if c}, key=len, reverse=True)
    # A pattern that never matches stands in for an empty city list.
    subst = dict(lists, CITIES="|".join(map(re.escape, names)) or r"(?!x)x")
    parts = []
    if "marker" in classes:
        parts.append(f"(?P<marker>{_MARKER})")
    counts: dict[str, int] = {}
    for cls, pattern in rules:
        if cls not in classes:
            continue
        for key, value in subst.items():
            pattern = pattern.replace("{" + key + "}", value)
        counts[cls] = counts.get(cls, 0) + 1
        parts.append(f"(?P<{cls}_{counts[cls]}>{pattern})")
    pattern = "|".join(parts) or r"(?!x)x"
    first = _first_chars(pattern)
    if first:
        # the same matches, found ~8× faster: most positions fail on one character test
        # instead of trying every rule
        pattern = f"(?=[{first}])(?:{pattern})"
    return re.compile(pattern, re.M)


def _first_chars(pattern: str) -> str | None:
    """A character class (without brackets) of the characters a match of ``pattern`` can start
    with, or None when that is not simply known (a rule that can match the empty string, ``.``,
    negated sets, case-insensitive parts …)."""
    try:
        # re's private parser, imported here so that a Python without it (the names are not
        # public) only loses the speed-up: the ImportError is caught below
        from re import _constants as k
        from re import _parser

        cats = {
            k.CATEGORY_DIGIT: r"\d",
            k.CATEGORY_NOT_DIGIT: r"\D",
            k.CATEGORY_SPACE: r"\s",
            k.CATEGORY_NOT_SPACE: r"\S",
            k.CATEGORY_WORD: r"\w",
            k.CATEGORY_NOT_WORD: r"\W",
        }
        out: list[str] = []

        def first(seq) -> bool:
            """Add the characters ``seq`` can start with; True when it can match empty."""
            for op, av in seq:
                if op is k.LITERAL:
                    out.append(re.escape(chr(av)))
                    return False
                if op is k.IN:
                    for o, a in av:
                        if o is k.LITERAL:
                            out.append(re.escape(chr(a)))
                        elif o is k.RANGE:
                            out.append(f"{re.escape(chr(a[0]))}-{re.escape(chr(a[1]))}")
                        elif o is k.CATEGORY and a in cats:
                            out.append(cats[a])
                        else:
                            raise LookupError(o)
                    return False
                if op is k.BRANCH:
                    if not any([first(alt) for alt in av[1]]):
                        return False
                elif op is k.SUBPATTERN:
                    if av[1] & re.I:
                        raise LookupError(op)
                    if not first(av[3]):
                        return False
                elif op in (k.MAX_REPEAT, k.MIN_REPEAT, k.POSSESSIVE_REPEAT):
                    if not first(av[2]) and av[0] > 0:
                        return False
                elif op not in (k.ASSERT, k.ASSERT_NOT, k.AT):  # zero width: look further
                    raise LookupError(op)
            return True

        parsed = _parser.parse(pattern, re.M)
        if parsed.state.flags & re.I or first(parsed):
            return None
        return "".join(sorted(set(out)))
    except (ImportError, AttributeError, LookupError, TypeError, ValueError):
        return None


def mask_spans(
    text: str, cities: tuple[str, ...] = (), classes: frozenset[str] = SCORING
) -> Masked:
    """Replace the names of ``classes`` in ``text`` by placeholders, keeping where each was.

    ``cities`` are city names without 市 (``("长春", "苏州")``); they are masked wherever they
    occur with 市. Rules come from ``data/masking.tsv``.

    例：mask_spans("县（市）区人民政府", ()) → Masked("Ⓓ人民政府", (MaskSpan(0, 0, 5, "district", "县（市）区"),))
    """
    rx = _compiled(tuple(cities), frozenset(classes))
    out, spans, pos = [], [], 0
    length = 0
    for m in rx.finditer(text):
        if m.start() == m.end():
            continue
        cls = m.lastgroup.split("_", 1)[0]
        chunk = text[pos : m.start()]
        out.append(chunk)
        length += len(chunk)
        spans.append(MaskSpan(length, m.start(), m.end(), cls, m.group()))
        out.append(PLACEHOLDERS[cls])
        length += len(PLACEHOLDERS[cls])
        pos = m.end()
    out.append(text[pos:])
    return Masked("".join(out), tuple(spans))


def mask(text: str, cities: tuple[str, ...] = (), classes: frozenset[str] = SCORING) -> str:
    """The masked text alone (see :func:`mask_spans`).

    例：mask("长春市第十六届人民代表大会常务委员会", ("长春",)) → "Ⓒ第十六届人民代表大会常务委员会"
    """
    return mask_spans(text, cities, classes).text


PUNCT = re.compile(
    r"[\s\u3000，。；：、！？“”‘’《》〈〉「」『』（）()【】〔〕—…·,.;:!?\"'\[\]<>-]+"
)


def bare(text: str) -> str:
    """Masked text without punctuation or spaces: what shingles and runs are counted on."""
    return PUNCT.sub("", text)


def corpus_cities(corpus) -> tuple[str, ...]:
    """The city names of a corpus's documents (what ``{CITIES}`` in the masking rules means)."""
    return tuple(sorted({d.city for d in corpus.documents if d.city}))


def scoring_text(article, cities: tuple[str, ...] = (), body: str | None = None) -> str:
    """The masked text an article is scored on: its heading (when it has one) and its body.

    ``body`` is the already masked body, when the caller has it.
    """
    body = mask(article.text, cities) if body is None else body
    return f"{mask(article.heading, cities)}\n{body}" if article.heading else body


#: Boilerplate: clauses (masked) found in at least this many regulations of the background
#: collection (``data/boilerplate.tsv``: 对直接负责的主管人员和其他直接责任人员, 依法给予处分,
#: 结合Ⓒ实际, 本Ⓘ自Ⓣ起施行 …). They say nothing about which provision an article carries, and
#: in a small corpus they make a liability article look like every other one.
BOILERPLATE_DOCS = 20
#: An article that is mostly boilerplate keeps its text (the effective-date article is all
#: boilerplate, and still the equivalent of the other documents' effective-date articles).
BOILERPLATE_KEEP = 8


@lru_cache(maxsize=8)
def _boilerplate(min_docs: int) -> re.Pattern | None:
    clauses = []
    for _, line in data_lines("boilerplate.tsv"):
        clause, docs = line.split("\t")
        if not clause.startswith("@") and int(docs) >= min_docs:
            clauses.append(clause)
    if not clauses:
        return None
    # a first-character lookahead: most positions fail on one test; the clauses as a trie, so
    # that a position where one may start walks one branch instead of trying 500 alternatives
    first = "".join(sorted({re.escape(c[0]) for c in clauses}))
    return re.compile(f"(?=[{first}]){trie_pattern(clauses)}")


def trie_pattern(words) -> str:
    """A regular expression matching any of the literal ``words``, as a trie: at each position
    the longest word that matches there (what an alternation of the words, longest first,
    matches), found by walking one branch.

    例：trie_pattern(["依法", "依法处理", "处分"]) → "(?:依法(?:处理)?|处分)"
    """
    root: dict = {}
    for w in words:
        node = root
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}  # a word ends here

    def emit(node: dict) -> str:
        parts = [re.escape(ch) + emit(sub) for ch, sub in sorted(node.items()) if ch]
        if not parts:
            return ""
        if "" in node:  # longer words first (greedy), else the word that ends here
            return f"(?:{'|'.join(parts)})?"
        return parts[0] if len(parts) == 1 else f"(?:{'|'.join(parts)})"

    return emit(root)


def strip_boilerplate(masked: str) -> str:
    """A masked text without its boilerplate clauses (see ``BOILERPLATE_DOCS``), or the text as
    it is when too little would be left."""
    rx = _boilerplate(BOILERPLATE_DOCS)
    if rx is None:
        return masked
    out = rx.sub("", masked)
    return out if len(bare(out)) >= BOILERPLATE_KEEP else masked
