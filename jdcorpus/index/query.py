"""Queries: the query language, filters, ranking, snippets and highlights; :func:`search`, :func:`count`.

A query word is a phrase of its character bigrams in the prose fields (:data:`SEARCHED` for bare
words), so it hits exactly the articles whose normalized text contains it; a one-character word
is a prefix query. ``word:`` matches whole jieba words. Queries are normalized like the text
(``網格`` = ``网格``), inside the analyzers. A hit's snippet is one line of the article around its
best matches, highlights widened to the stored jieba word boundaries (no jieba at search time).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from ..errors import QueryError, some
from ..results import Results
from .analyzers import _lower, _norm, _unpack_bounds
from .store import PROSE, _Open, _open

__all__ = ["SearchHit", "count", "parse_query", "search"]

#: Fields a bare query word searches, with their BM25F weights.
SEARCHED = {"text": 1.0, "heading": 2.0}
#: Short names accepted in queries (``doc:changchun``, ``chapter:总则``, ``word:网格``).
ALIASES = {
    "doc_id": ["doc"],
    "chapter_title": ["chapter"],
    "section_title": ["section"],
    "part_title": ["part"],
    "no": ["article"],
    "words": ["word"],
}
#: Characters of context a snippet shows (Chinese characters are wide: ~2 terminal columns).
SNIPPET_WIDTH = 72
_LEAD = 18  # context before the first match


# -- parsing ----------------------------------------------------------------------------------


_PARSERS: dict[int, tuple[object, object]] = {}  # id(searcher) → (searcher, query parser)


def _parser_of(op: _Open):
    """The query parser of an open index (built once per searcher)."""
    found = _PARSERS.get(id(op.searcher))
    if found is not None and found[0] is op.searcher:
        return found[1]
    parser = _parser(op.searcher.schema)
    _PARSERS.clear()  # one index in use at a time is the common case: keep no stale searcher
    _PARSERS[id(op.searcher)] = (op.searcher, parser)
    return parser


def _parser(sch):
    from whoosh import qparser

    p = qparser.MultifieldParser(list(SEARCHED), sch, fieldboosts=SEARCHED, group=qparser.AndGroup)
    p.remove_plugin_class(qparser.WildcardPlugin)  # only a trailing * (checked in _check)
    p.add_plugin(qparser.PrefixPlugin())
    p.remove_plugin_class(qparser.SingleQuotePlugin)
    p.remove_plugin_class(qparser.BoostPlugin)
    p.add_plugin(qparser.FieldAliasPlugin({k: v for k, v in ALIASES.items() if k in sch}))
    return p


_FIELD_RE = re.compile(r"(?:^|[\s(])([A-Za-z_][A-Za-z0-9_]*):")
_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}
# Quotes and the colon typed with a Chinese input method mean the same as the ASCII ones.
_SYNTAX = str.maketrans({"“": '"', "”": '"', "＂": '"', "「": '"', "」": '"'})


#: Deepest nesting of parentheses a query may have: far beyond any real query, far below the
#: depth where the parser's recursion fails (~1,000).
MAX_DEPTH = 50
#: the longest term (a run without spaces, quotes or parentheses) a query may hold: a pasted
#: text of 40,000 characters took 50 s, of 100,000 minutes (its parse grows as its square);
#: long queries of many terms (3,000 ORs) are no problem
MAX_TERM = 200
_RE_TERM_BREAK = re.compile(r'[\s"“”()（）]+')
#: ``网格*`` outside quotes: a trailing ``*`` (or several) ends a word; anything else with * or ?.
_STARRED = re.compile(r"[^\s()]*[*?][^\s()]*")


def check_text(value: str, what: str = "query") -> None:
    """Reject control characters (a NUL byte, escape sequences) and text that is not valid
    Unicode (a lone surrogate: a byte that was not UTF-8 on the command line): they cannot be
    in the corpus, and would match nothing silently. Tabs and line breaks are spaces."""
    for i, c in enumerate(value):
        if c in "\t\n\r":
            continue
        o = ord(c)
        if o < 0x20 or 0x7F <= o < 0xA0:
            raise QueryError(f"the {what} holds a control character (U+{o:04X}) at {i + 1}")
        if 0xD800 <= o < 0xE000:
            raise QueryError(f"the {what} holds a byte that is not UTF-8 at {i + 1}")


def _check_wildcards(part: str, raw: str) -> str:
    """Only a trailing ``*`` is a wildcard (a prefix): ``网格*``, ``word:网*``, ``doc:beijing*``.

    A bare word already matches inside longer words (网格 finds 网格化 and 基本网格), so ``网格*``
    finds what ``网格`` finds; with ``word:`` it is a real prefix of jieba words. ``?``, a leading
    or inner ``*`` and a lone ``*`` are errors that say so, never a silent zero.
    """

    def one(m: re.Match) -> str:
        tok = m.group()
        field, sep, value = tok.rpartition(":")
        if "?" in tok:
            raise QueryError(
                f"'?' is not a wildcard in {tok!r}: only a trailing * is (网格*), and a word "
                "already matches inside longer words"
            )
        stem = value.rstrip("*")
        if not stem:
            raise QueryError(f"'*' needs text before it ({field + sep if sep else ''}网格*)")
        if "*" in stem:
            raise QueryError(
                f"'*' only ends a word ({tok!r}): 网格* finds 网格化; for two words write 社区 管理"
            )
        return f"{field}{sep}{stem}*"

    return _STARRED.sub(one, part)


def _check(raw: str, fieldnames: set[str]) -> str:
    """Reject what Whoosh would silently misread; returns the query with ASCII syntax."""
    check_text(raw)
    longest = max((len(w) for w in _RE_TERM_BREAK.split(raw)), default=0)
    if longest > MAX_TERM:  # a pasted text is no word, and its parse grows as its square
        raise QueryError(f"a term of {longest:,} characters in the query; at most {MAX_TERM}")
    q = raw.translate(_SYNTAX)
    q = re.sub(r"(?<=[A-Za-z_])：", ":", q)
    if not q.strip():
        raise QueryError("empty query")
    if q.count('"') % 2:
        raise QueryError(f"unbalanced quote in query: {raw}")
    depth = deepest = 0
    for part in q.split('"')[::2]:  # parentheses outside phrases
        for c in part:
            depth += {"(": 1, ")": -1}.get(c, 0)
            deepest = max(deepest, depth)
            if depth < 0:
                break
    if depth:
        raise QueryError(f"unbalanced parentheses in query: {raw}")
    if deepest > MAX_DEPTH:
        raise QueryError(f"parentheses nested {deepest} deep in the query; at most {MAX_DEPTH}")
    parts = q.split('"')
    parts[::2] = [_check_wildcards(p, raw) for p in parts[::2]]  # outside phrases
    q = '"'.join(parts)
    for part in q.split('"')[::2]:
        for m in _FIELD_RE.finditer(part):
            if m.group(1) not in fieldnames:
                known = ", ".join(sorted(fieldnames))
                raise QueryError(f"unknown field {m.group(1)!r} in query (fields: {known})")
    # the query's words, a phrase standing as one: an operator needs an operand on each side
    # ("网格 AND" AND 社区 is a phrase, then AND; 网格 AND AND 社区 searched the word AND)
    words = [w for i, p in enumerate(q.split('"')) for w in (p.split() if i % 2 == 0 else [p])]
    binary = _OPERATORS - {"NOT"}
    if words and (
        words[-1] in _OPERATORS
        or words[0] in binary
        or any(a in binary and b in binary for a, b in zip(words, words[1:], strict=False))
    ):
        raise QueryError(f"operator without an operand in query: {raw}")
    return q


def _literal(words) -> str:
    """The text a phrase of consecutive bigrams spells: [网格, 格化] → 网格化."""
    return words[0] + "".join(w[-1] for w in words[1:])


def _text_query(fieldname: str, tokens: list[str], boost: float = 1.0):
    """Term, prefix (one character) or phrase of bigram tokens."""
    from whoosh import query as Q

    if len(tokens) > 1:
        return _phrase_class()(fieldname, tokens, boost=boost)
    if len(tokens[0]) == 1:
        return Q.Prefix(fieldname, tokens[0], boost=boost)
    return Q.Term(fieldname, tokens[0], boost=boost)


@lru_cache(maxsize=1)
def _phrase_class():
    """:class:`whoosh.query.Phrase` for consecutive bigrams, with a faster matcher (built on
    first use: ``whoosh.query`` is not imported before a query is parsed).

    Whoosh matches a phrase with span objects: a Python object per position of each word in each
    candidate article (4 s for 人民政府 in 82,000 articles). This matcher walks the same
    intersection of the words' postings and keeps an article when one start position ``p`` has
    word ``k`` at ``p + k`` for every k (set arithmetic on the decoded positions): the same
    articles, and the same scores (the intersection's, as Whoosh's span matcher gives).
    """
    from whoosh import matching
    from whoosh import query as Q
    from whoosh.matching import binary
    from whoosh.matching.wrappers import WrappingMatcher
    from whoosh.util import make_binary_tree

    class AdjacentMatcher(WrappingMatcher):
        def __init__(self, ms, boost=1.0):
            self.ms = ms
            super().__init__(make_binary_tree(binary.IntersectionMatcher, ms), boost=boost)
            self._find()

        def _adjacent(self) -> bool:
            ms = self.ms
            starts = set(ms[0].value_as("positions"))
            for k in range(1, len(ms)):
                starts.intersection_update([p - k for p in ms[k].value_as("positions")])
                if not starts:
                    return False
            return True

        def _find(self):
            """Move to the next article where the words are adjacent; True if a block changed."""
            child = self.child
            moved = False
            while child.is_active() and not self._adjacent():
                moved = child.next() or moved
            return moved

        def copy(self):
            return self.__class__([m.copy() for m in self.ms], boost=self.boost)

        def replace(self, minquality=0):
            return self if self.is_active() else matching.NullMatcher()

        def skip_to_quality(self, minquality):
            # the phrase scores as the intersection: skipping the intersection's hopeless blocks
            # loses nothing
            skipped = self.child.skip_to_quality(minquality / self.boost)
            self._find()
            return skipped

        def next(self):
            moved = self.child.next()
            return self._find() or moved

        def skip_to(self, id):
            self.child.skip_to(id)
            self._find()

        def all_ids(self):
            while self.is_active():
                yield self.id()
                self.next()

        def score(self):
            return self.child.score() * self.boost

    class Adjacent(Q.Phrase):
        def matcher(self, searcher, context=None):
            field = searcher.schema[self.fieldname] if self.fieldname in searcher.schema else None
            if field is None or self.slop != 1:
                return super().matcher(searcher, context)
            reader = searcher.reader()
            terms = []
            for word in self.words:
                word = field.to_bytes(word)
                if (self.fieldname, word) not in reader:
                    return matching.NullMatcher()
                terms.append(Q.Term(self.fieldname, word))
            ms = [t.matcher(searcher, context) for t in terms]
            if not all(m.is_active() for m in ms):
                return matching.NullMatcher()
            return AdjacentMatcher(ms, boost=self.boost)

    return Adjacent


def _rewrite(q, literals: list[str], negated: bool = False, sch=None):
    """One-character bigram terms become prefix queries, ``网格*`` prefixes are checked against
    their field (``sch``, the schema); collect the positive search literals."""
    from whoosh import query as Q

    if isinstance(q, Q.Term | Q.Phrase) and q.fieldname in PROSE:
        words = [q.text] if isinstance(q, Q.Term) else list(q.words)
        if not words:
            return Q.NullQuery
        if not negated and q.fieldname in SEARCHED:
            literals.append(_literal(words))
        return _text_query(q.fieldname, words, q.boost)
    if isinstance(q, Q.Prefix):
        return _prefix(q, literals, negated, sch)
    if isinstance(q, Q.Term | Q.Phrase) and q.fieldname == "words":
        if not negated:
            literals.append("".join([q.text] if isinstance(q, Q.Term) else q.words))
        return q
    if isinstance(q, Q.AndNot):
        return Q.AndNot(
            _rewrite(q.a, literals, negated, sch), _rewrite(q.b, literals, not negated, sch)
        )
    if isinstance(q, Q.Not):
        return Q.Not(_rewrite(q.query, literals, not negated, sch), boost=q.boost)
    return q.apply(lambda c: _rewrite(c, literals, negated, sch))


def _prefix(q, literals: list[str], negated: bool, sch):
    """``网格*``: in prose fields the word itself (it already matches inside longer words); in
    ``words`` and value fields a prefix of the normalized text (``word:网格*``, ``doc:bei*``)."""
    from whoosh import fields
    from whoosh import query as Q

    field = sch[q.fieldname] if sch is not None and q.fieldname in sch else None
    if q.fieldname in PROSE and field is not None:
        words = list(field.process_text(q.text, mode="query"))
        if not words:
            return Q.NullQuery
        if not negated and q.fieldname in SEARCHED:
            literals.append(_literal(words))
        return _text_query(q.fieldname, words, q.boost)
    if isinstance(field, fields.NUMERIC | fields.BOOLEAN):
        raise QueryError(f"'*' ends words, not numbers: {q.fieldname}:{q.text}*")
    text = _lower(_norm(q.text).strip())
    if q.fieldname == "words" and not negated:
        literals.append(text)
    return Q.Prefix(q.fieldname, text, boost=q.boost)


#: A word of a plain query: none of the syntax of the query language (quotes, parentheses,
#: fields, wildcards, ranges, boosts, escapes).
_PLAIN_WORD = re.compile(r"[^\s\"'()\[\]{}:*?^~\\]+")


def _plain_query(text: str, sch):
    """The query Whoosh's parser makes of a plain query (bare words, no syntax), built
    directly: each word is its bigrams in every :data:`SEARCHED` field (a term, or a phrase of
    several), the fields OR'ed, the words AND'ed, normalized (a repeated word once). None for
    anything else (the parser's job).

    Building the parser compiles ~16 regular expressions: ~8 ms of a cold ``jdcorpus search``.
    A test checks that this gives the parser's query for words of every kind.
    """
    from whoosh import query as Q

    words = text.split()
    if not words or any(w in _OPERATORS or not _PLAIN_WORD.fullmatch(w) for w in words):
        return None
    parts = []
    for w in words:
        per = []
        for name, boost in SEARCHED.items():
            tokens = list(sch[name].process_text(w, mode="query"))
            if not tokens:
                return None
            if len(tokens) == 1:
                per.append(Q.Term(name, tokens[0], boost=boost))
            else:
                per.append(Q.Phrase(name, tokens, boost=boost))
        parts.append(Q.Or(per))
    return (parts[0] if len(parts) == 1 else Q.And(parts)).normalize()  # as the parser does


def parse_query(query: str, parser) -> tuple[object, list[str]]:
    """A Whoosh query from the query language, and the literal strings to highlight.

    ``parser`` is a Whoosh query parser, or anything with the ``schema`` and a ``parser()`` that
    builds one when it is needed (not for a plain query, :func:`_plain_query`)."""
    from whoosh import query as Q

    fieldnames = set(parser.schema.names()) - {"bounds", "key"}
    fieldnames |= {a for v in ALIASES.values() for a in v}
    text = _check(query, fieldnames)
    q = _plain_query(text, parser.schema)
    if q is None:
        q = (parser.parser() if hasattr(parser, "parser") else parser).parse(text)
    literals: list[str] = []
    q = _rewrite(q, literals, sch=parser.schema).normalize()
    if q is Q.NullQuery or isinstance(q, Q.NullQuery.__class__):
        raise QueryError(f"nothing to search for in query: {query}")
    seen = set()
    lits = [s for s in literals if s and not (s in seen or seen.add(s))]
    return q, lits


def _filters(
    op: _Open, city=None, doc=None, kind=None, status=None, chapter=None, section=None, part=None
):
    """The filter query of the ``--city --doc --kind --status --chapter --section --part``
    options."""
    from whoosh import query as Q

    sch = op.searcher.schema
    docs = op.meta.get("documents", [])
    parts = []
    for name, value in filters_given(city, doc, kind, status, chapter, section, part):
        check_text(str(value), f"--{name} value")
    for field, value in (("city", city), ("kind", kind), ("status", status)):
        if value is None:
            continue
        token = next(sch[field].process_text(str(value), mode="query"))
        known = sorted({d.get(field) for d in docs if d.get(field)})
        if known and token not in known:
            raise QueryError(f"no document has {field} {value!r} (known: {some(known, 20)})")
        parts.append(Q.Term(field, token))
    if doc is not None:
        parts.append(Q.Or([Q.Term("doc_id", d) for d in _resolve_docs(docs, str(doc))]))
    for value, nofield, titlefield in (
        (chapter, "chapter_no", "chapter_title"),
        (section, "section_no", "section_title"),
        (part, "part_no", "part_title"),
    ):
        if value is None:
            continue
        value = str(value).strip()
        if value.isdigit():
            parts.append(sch[nofield].parse_query(nofield, value))
        else:
            tokens = list(sch[titlefield].process_text(value, mode="query"))
            if not tokens:
                raise QueryError(f"empty {titlefield.split('_')[0]} filter")
            parts.append(_text_query(titlefield, tokens))
    return Q.And(parts) if parts else None


def filters_given(city, doc, kind, status, chapter, section, part):
    names = ("city", "doc", "kind", "status", "chapter", "section", "part")
    values = (city, doc, kind, status, chapter, section, part)
    return [(n, v) for n, v in zip(names, values, strict=True) if v is not None]


def _resolve_docs(docs: list[dict], name: str) -> list[str]:
    """Document ids for ``--doc``: an id, a title, a city with one document (as ``Corpus.get``)."""
    from .._lookup import DocumentRef, resolve_document

    refs = [DocumentRef(d["id"], d["title"], d.get("city")) for d in docs]
    return [resolve_document(name, refs).id]


# -- hits and snippets ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One article that matches a query. ``matches`` are (start, end) offsets into ``snippet``.

    ``snippet[s:e]`` for each ``(s, e)`` in ``matches`` is a highlighted span: an occurrence of a
    query term widened to the whole jieba words it touches (网格 in 网格员 highlights 网格员).
    """

    doc: str  # document id
    city: str | None
    title: str  # document title
    article: int  # article number
    label: str  # 第十三条
    heading: str | None
    chapter: str | None  # chapter title
    score: float
    snippet: str  # one line of the article text around the best matches, "…" where cut
    matches: tuple[tuple[int, int], ...]

    @property
    def key(self) -> str:
        """``doc:no``, as ``jdcorpus show`` and ``similar`` take it; an inserted article keeps its
        之X (``xing-fa:120之一``), since ``xing-fa:120`` is 第一百二十条."""
        # (model.inserted_suffix's rule, not imported: the cold search path keeps model out)
        at = self.label.rfind("之") if self.label else -1
        return f"{self.doc}:{self.article}{self.label[at:] if at > 0 else ''}"


def _cuts(bounds: bytes | None) -> list[int]:
    """The stored word boundaries of a text (sorted offsets), or an empty list."""
    return _unpack_bounds(bounds)


def _spans(text: str, literals: Iterable[str], cuts) -> list[tuple[int, int]]:
    """Every occurrence of a literal in ``text``, widened to word boundaries, merged."""
    low = _lower(text)
    raw = []
    for lit in literals:
        lit = _lower(lit)
        i = low.find(lit)
        while i >= 0:
            raw.append((i, i + len(lit)))
            i = low.find(lit, i + 1)
    out: list[tuple[int, int]] = []
    for s, e in sorted(raw):
        if cuts:
            s = cuts[max(bisect_right(cuts, s) - 1, 0)]
            e = cuts[min(bisect_left(cuts, e), len(cuts) - 1)]
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(e, out[-1][1]))
        else:
            out.append((s, e))
    return out


def _snippet(text: str, spans: list[tuple[int, int]], cuts=(), width: int = SNIPPET_WIDTH):
    """A one-line window of ``text`` holding as many spans as fit; offsets re-based to it.

    The window starts after a break (。；，、： or a new line) shortly before its first span, else on a
    word boundary, and ends on a word boundary; a highlighted span is never cut.
    """
    start = 0
    if spans:
        best = -1
        for s, _e in spans:
            lo = max(0, s - _LEAD)
            n = sum(1 for a, b in spans if a >= lo and b <= lo + width)
            if n > best:
                best, start = n, lo
        first = next(a for a, _ in spans if a >= start)
        brk = max(text.rfind(c, start, first) for c in "。；\n，、：")
        if brk >= 0:
            start = brk + 1
        elif start and cuts:
            start = min(cuts[bisect_left(cuts, start)], first)
    end = min(len(text), start + width)
    if end < len(text) and cuts:
        end = max(cuts[bisect_right(cuts, end) - 1], start + 1)
    for s, e in spans:  # never cut a highlighted span in two, unless it is longer than a line
        if s < end < e and e - start <= 2 * width:  # (网格网格…: one span of the whole article)
            end = e
    pre = "…" if start > 0 else ""
    body = text[start:end].replace("\n", " ")
    snippet = pre + body + ("…" if end < len(text) else "")
    base = len(pre) - start
    matches = tuple(  # a span cut at the window's end (longer than a line) ends there
        (s + base, min(e, end) + base)
        for s, e in spans
        if start <= s < end and (e <= end or e - s > width)
    )
    return snippet, matches


def _hit(fields: dict, score: float, literals: list[str], doc: dict) -> SearchHit:
    text = fields.get("text", "")
    cuts = _cuts(fields.get("bounds"))
    snippet, matches = _snippet(text, _spans(text, literals, cuts), cuts)
    return SearchHit(
        doc=fields["doc_id"],
        city=doc.get("city"),
        title=doc.get("title", ""),
        article=fields["no"],
        label=fields.get("label", ""),
        heading=fields.get("heading"),
        chapter=fields.get("chapter_title"),
        score=round(float(score), 4),
        snippet=snippet,
        matches=matches,
    )


# -- search -----------------------------------------------------------------------------------


class _ParserOf:
    """The schema of an open index, and its query parser when one is needed."""

    def __init__(self, op: _Open):
        self.op, self.schema = op, op.searcher.schema

    def parser(self):
        return _parser_of(self.op)


def _run(corpus, query: str, limit: int | None, progress, filters: dict, *, whole=False):
    """The open index, the Whoosh results, the literals to highlight and the filter. ``whole``:
    every hit is scored and sorted when the query holds a phrase (see :func:`_whole`)."""
    op = _open(corpus, progress)
    q, literals = parse_query(query, _ParserOf(op))
    flt = _filters(op, **filters)
    if whole and _whole(q):
        limit = None
    return op, op.searcher.search(q, limit=limit, filter=flt), literals, flt, limit is None


def _whole(q) -> bool:
    """Whether ranking every hit costs less than the top N and a count: for a phrase (a word of
    3+ characters) Whoosh's top-N collector saves little (the words' postings are intersected
    either way) and the count is a second intersection; ranking all is one, ~40% less time on
    the collection. A single bigram is counted faster than it is ranked. The top N are the
    same either way (tested)."""
    from whoosh import query as Q

    return any(isinstance(x, Q.Phrase) for x in q.leaves())


def _recovering(corpus, progress, fn):
    """``fn()``, and once more, on a freshly opened index, after
    :func:`~jdcorpus.index.store.repair_index` if it fails with anything but a user's error: a
    damaged segment may only fail when a search reads it, and an index swapped by another
    process's rebuild during the search is whole again once that build's lock is free. An index
    that is not damaged is not rebuilt, and a second failure (a bug) propagates."""
    from ..errors import JdcorpusError
    from .store import _OPEN, _source, repair_index

    try:
        return fn()
    except JdcorpusError:
        raise
    except Exception:
        repair_index(corpus, progress=progress)  # waits for a running build; rebuilds if damaged
        _OPEN.pop(str(_source(corpus).path), None)
    return fn()


def search(
    corpus=None,
    query: str = "",
    *,
    limit: int | None = 20,
    progress: Callable | None = None,
    **filters,
) -> Results:
    """Ranked BM25F hits of ``query`` in the articles of ``corpus`` (the bundled corpus if None).

    Query language: words (all required), ``OR``, ``NOT``, ``"quoted phrases"`` (contiguous
    text), parentheses, field filters ``city:北京 doc:changchun kind:条例 status:draft
    chapter:总则 part:物权 heading:目的 word:网格`` (``word:`` matches whole jieba words only). A word
    matches every article whose normalized text (or heading) contains it. ``filters``: ``city``,
    ``doc`` (id, title or city), ``kind``, ``status``, ``chapter``, ``section`` and ``part``
    (the 编 of a code; number or title). ``limit=None`` returns every hit. The result has
    ``.total``, the number of matching articles, and ``.to_frame()``.

    例：``search(None, "網格", city="通化")`` == ``search(None, "网格", city="通化")``
    """

    def run():
        op, res, literals, flt, ranked_all = _run(
            corpus, query, limit, progress, filters, whole=True
        )
        total = len(res) if ranked_all else _count(op, res.q, flt)
        reader = op.searcher
        docs = op.documents
        hits = []
        for r in res if limit is None else res[:limit]:
            fields = reader.stored_fields(r.docnum)
            hits.append(_hit(fields, r.score, literals, docs.get(fields["doc_id"], {})))
        return Results(hits, row_type=SearchHit, total=total, query=query)

    return _recovering(corpus, progress, run)


def count(corpus=None, query: str = "", *, progress: Callable | None = None, **filters) -> int:
    """The number of articles that match ``query`` (no ranking, no snippets)."""

    def run():
        op, res, _, flt, _all = _run(corpus, query, 1, progress, filters)
        return _count(op, res.q, flt)

    return _recovering(corpus, progress, run)


def _count(op: _Open, q, flt) -> int:
    """The number of articles matching a search, counted on its own pass over the postings.

    Whoosh's top-N collector skips blocks that cannot reach the top and then recounts, but it
    decides whether it skipped from the matcher of the *last* segment, which undercounts when a
    word is missing there; counting the matching ids of every segment is always exact."""
    s = op.searcher
    ids = s.docs_for_query(q)
    if flt is not None:
        allow = s._filter_to_comb(flt)
        return sum(1 for d in ids if d in allow)
    return sum(1 for _ in ids)
