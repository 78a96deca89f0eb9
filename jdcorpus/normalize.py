"""Text normalization: a registry of small named ``str -> str`` steps, as in ftfy.

Every regulation text is brought to one form before it is parsed, indexed or compared: ASCII
digits and Latin letters, simplified characters, mainland wording, full-width Chinese
punctuation and no stray spaces between Chinese characters. :func:`normalize` returns the
text and the names of the steps that changed it, so a change can always be listed
(:func:`explain`) and replayed (:func:`apply_steps`).

    >>> normalize("第十三條 縣(市、區)人民政府應當建立並實行社區格線化服務管理。")
    ('第十三条县（市、区）人民政府应当建立并实行社区网格化服务管理。', ('opencc_tw2s', \
'cjk_punctuation', 'whitespace', 'tw_phrases'))

Why not OpenCC's Taiwan-phrase configuration (``tw2sp``) for traditional text: it reverses
Taiwan IT vocabulary one-to-one and so rewrites ordinary mainland words — 建立→创建, 整合→集成,
核心→内核, 执行→运行, 智慧社区→智能社区, 呼叫→调用 all occur in the 通化 text alone. Traditional text
is converted with ``tw2s`` (characters and Taiwan variants only), then the curated phrase table
``data/tw_phrases.tsv`` puts back the mainland words a simplified→Taiwan converter replaced
(格线→网格, 网际网路→互联网, 最佳化→优化, …), longest match first.

Importing this module is cheap: OpenCC is imported and its converters are built on first use.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from .errors import UsageError
from .results import Results

__all__ = [
    "SCRIPTS",
    "STEPS",
    "Change",
    "Phrase",
    "Step",
    "apply_steps",
    "detect_script",
    "explain",
    "list_steps",
    "normalize",
    "normalize_lines",
    "normalize_query",
    "phrase_table",
    "steps_for",
]

SCRIPTS = ("simplified", "traditional")
_BOTH = frozenset(SCRIPTS)


@dataclass(frozen=True, slots=True)
class Step:
    """One normalization step: a named ``str -> str`` function, run for some scripts."""

    name: str
    description: str  # one line, the first line of the function's docstring
    func: Callable[[str], str]
    scripts: frozenset[str] = _BOTH  # the scripts of the source text the step runs for
    query: bool = True  # also run on search queries (steps that would break query syntax: False)

    def __call__(self, text: str) -> str:
        return self.func(text)


STEPS: dict[str, Step] = {}  # the registry, in the order the steps run


def step(name: str, *, scripts: Iterable[str] = SCRIPTS, query: bool = True):
    """Register the decorated function as the next step; its docstring's first line describes it."""

    def register(func: Callable[[str], str]) -> Callable[[str], str]:
        if name in STEPS:
            raise ValueError(f"step {name!r} registered twice")
        doc = (func.__doc__ or "").strip().splitlines()
        STEPS[name] = Step(name, doc[0] if doc else name, func, frozenset(scripts), query)
        return func

    return register


def list_steps() -> list[tuple[str, str]]:
    """(name, description) of every step, in the order they run."""
    return [(s.name, s.description) for s in STEPS.values()]


def steps_for(script: str) -> tuple[Step, ...]:
    """The steps that run on a text of ``script`` ("simplified" or "traditional")."""
    _check_script(script)
    return _steps_for(script, len(STEPS))


@lru_cache(maxsize=8)
def _steps_for(script: str, registered: int) -> tuple[Step, ...]:
    # keyed by the registry's size too: a step registered later is never missed
    return tuple(s for s in STEPS.values() if script in s.scripts)


# -- character classes --------------------------------------------------------------------
# Han ideographs (BMP, extension A, compatibility, and the supplementary planes).
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
# Chinese context: ideographs plus CJK symbols and punctuation (、。《》【】「」…) and the
# full-width forms block (，；：（）！？). Curly quotes are left out: English uses them too.
_CJK_CTX = _HAN + "\u3000-\u303f\uff01-\uff60\uffe0-\uffee"
_P_HAN = f"[{_HAN}]"
_HSPACE = " \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"  # horizontal white space
_P_CJK = f"[{_CJK_CTX}]"


@lru_cache(maxsize=32)
def _rx(pattern: str) -> re.Pattern:
    """A compiled pattern, compiled on first use: the Han ranges take milliseconds to compile."""
    return re.compile(pattern)


def _is_cjk(ch: str | None) -> bool:
    return ch is not None and _rx(_P_CJK).match(ch) is not None


# -- steps --------------------------------------------------------------------------------
_FULLWIDTH = {c: c - 0xFEE0 for r in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A))
              for c in range(r[0], r[1] + 1)}  # fmt: skip
_RE_FW_DECIMAL = re.compile(r"(?<=\d)．(?=\d)")
_RE_FW_ANY = re.compile("[\uff0e\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")


@step("fullwidth_ascii")
def fullwidth_ascii(text: str) -> str:
    """Full-width digits and Latin letters to ASCII (１２→12, ＡＢ→AB, １．５→1.5); punctuation kept."""
    if not _RE_FW_ANY.search(text):  # (a search is much cheaper than a translate)
        return text
    return _RE_FW_DECIMAL.sub(".", text.translate(_FULLWIDTH))


_RE_INVISIBLE = re.compile("[\u00ad\u200b-\u200d\u2060\ufeff]")


@step("invisible")
def invisible(text: str) -> str:
    """Remove invisible characters: zero-width spaces and joiners, soft hyphens, byte-order marks."""
    return _RE_INVISIBLE.sub("", text)


# emoji (📖, ⚖️, ✅ in a copy shared from an app): the pictographs, the symbols shown as emoji
# by default, any symbol an emoji variation selector follows, and the selectors. Symbols a text
# uses as marks stay: ★ (标★的为重点条款), ☐ and ✓ in a form, the dingbat numbers ❶–➓.
EMOJI = (
    "[\U0001f000-\U0001faff]|[\u2190-\u21ff\u2300-\u23ff\u2600-\u27bf\u2b00-\u2bff]\ufe0f"
    "|[\u231a\u231b\u23e9-\u23ec\u23f0\u23f3\u25fd\u25fe\u2614\u2615\u2648-\u2653\u267f"
    "\u2693\u26a1\u26aa\u26ab\u26bd\u26be\u26c4\u26c5\u26ce\u26d4\u26ea\u26f2\u26f3"
    "\u26f5\u26fa\u26fd\u2705\u270a\u270b\u2728\u274c\u274e\u2753-\u2755\u2757"
    "\u2795-\u2797\u27b0\u27bf\u2b1b\u2b1c\u2b50\u2b55\ufe0e\ufe0f]"
)
_RE_EMOJI = re.compile(f"(?:{EMOJI})+")
# a character an emoji may start with (a quick search before the substitution)
_RE_EMOJI_START = re.compile(
    "[\U0001f000-\U0001faff\u2190-\u21ff\u2300-\u23ff\u25fd\u25fe\u2600-\u27bf"
    "\u2b00-\u2bff\ufe0e\ufe0f]"
)


@step("emoji")
def emoji(text: str) -> str:
    """Remove pictographs (emoji) and variation selectors: decoration, never text of a law."""
    if not _RE_EMOJI_START.search(text):  # (a search is much cheaper than a substitution)
        return text
    return _RE_EMOJI.sub("", text)


@lru_cache(maxsize=8)
def _converter(config: str):
    import opencc  # lazy: a few milliseconds, and not needed to import jdcorpus

    return opencc.OpenCC(config)


@step("opencc_t2s", scripts=("simplified",))
def opencc_t2s(text: str) -> str:
    """OpenCC t2s: stray traditional characters in a simplified text to simplified."""
    return _converter("t2s").convert(text)


@step("opencc_tw2s", scripts=("traditional",))
def opencc_tw2s(text: str) -> str:
    """OpenCC tw2s: Taiwan-standard traditional characters to simplified (characters only)."""
    return _converter("tw2s").convert(text)


_PUNCT = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
_RE_ANY_PUNCT = re.compile("[" + re.escape("".join(_PUNCT)) + "]")
_RE_BRACKET = re.compile("[()（）]")
# URLs and e-mail addresses keep their ASCII punctuation (ASCII-only: a URL ends at a CJK char).
_RE_PROTECT = re.compile(
    r"[A-Za-z][A-Za-z0-9+.\-]*://[!-~]+|www\.[!-~]+|[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}"
)


_HSPACE_CHARS = frozenset(" \t\u00a0\u1680\u202f\u205f\u3000") | {
    chr(c) for c in range(0x2000, 0x200B)
}
# a URL does not end in sentence punctuation: "网站www.example.cn；" copied half-width keeps its ；
_URL_TAIL = ".,;:!?)"


def _neighbour(s: str, i: int, step: int) -> str | None:
    """The nearest character from ``s[i]`` in direction ``step`` that is not a horizontal space."""
    i += step
    while 0 <= i < len(s) and s[i] in _HSPACE_CHARS:
        i += step
    return s[i] if 0 <= i < len(s) and s[i] != "\n" else None


def _punct_segment(s: str) -> str:
    if "\n" in s:  # lines are independent: only those with half-width punctuation need the work
        return "\n".join(
            _punct_segment(ln) if _RE_ANY_PUNCT.search(ln) else ln for ln in s.split("\n")
        )
    out = list(s)
    stack: list[int] = []
    pairs: dict[int, int] = {}
    for m in _RE_BRACKET.finditer(s):  # (a line: no line break to clear the stack at)
        i, ch = m.start(), m.group()
        if ch in "(（":
            stack.append(i)
        elif stack:
            pairs[stack.pop()] = i
    for i, j in pairs.items():
        if s[i] == "(" or s[j] == ")":
            inner_cjk = _rx(_P_HAN).search(s, i + 1, j) is not None
            if inner_cjk or _is_cjk(_neighbour(s, i, -1)) or _is_cjk(_neighbour(s, j, 1)):
                out[i], out[j] = "（", "）"
    paired = set(pairs) | set(pairs.values())
    for m in _RE_ANY_PUNCT.finditer(s):
        i, ch = m.start(), m.group()
        if i not in paired:
            right = _neighbour(s, i, 1)
            if _is_cjk(_neighbour(s, i, -1)) or _is_cjk(right):
                out[i] = _PUNCT[ch]
            elif ch in ";," and right is None and _after_chinese_word(s, i):
                out[i] = _PUNCT[ch]  # …轴距不小于2650mm; at a line's end: a Chinese clause's
    return "".join(out)


_RE_LATIN_WORD_END = re.compile(r"[A-Za-z0-9.%]+$")


def _after_chinese_word(s: str, i: int) -> bool:
    """``s[i]`` follows a Latin word or number that Chinese text runs into (…不低于1.4T)."""
    m = _RE_LATIN_WORD_END.search(s, 0, i)
    return bool(m) and m.start() > 0 and _is_cjk(s[m.start() - 1])


@step("cjk_punctuation", query=False)
def cjk_punctuation(text: str) -> str:
    """Half-width , ; : ? ! ( ) next to Chinese text to full-width ，；：？！（）; 1.5, 10:30, URLs kept."""
    if not _RE_ANY_PUNCT.search(text):
        return text
    spans = []
    for m in _RE_PROTECT.finditer(text):
        end = m.end()
        while end > m.start() + 1 and text[end - 1] in _URL_TAIL:
            end -= 1
        spans.append((m.start(), end))
    if not spans:
        return _punct_segment(text)
    # A protected span reads as one word of the text around it: as a Chinese word where Chinese
    # touches it (网站www.x.cn; → ；), else as a Latin one. It is masked while the punctuation
    # around it is decided, and put back unchanged.
    masked = list(text)
    for i, j in spans:
        fill = (
            "中" if _is_cjk(_neighbour(text, i, -1)) or _is_cjk(_neighbour(text, j - 1, 1)) else "a"
        )
        masked[i:j] = fill * (j - i)
    out = list(_punct_segment("".join(masked)))
    for i, j in spans:
        out[i:j] = text[i:j]
    return "".join(out)


# spaces between Chinese characters, and between Chinese and Arabic digits (处 1000 元 → 处1000元,
# 第 1 条 → 第1条): Chinese running text has none, they come from typesetting or PDF extraction
_P_SPACE_CJK = (
    f"(?<=[{_CJK_CTX}])[{_HSPACE}]+(?=[{_CJK_CTX}]|[0-9](?![0-9]{{3}}年))"  # 通过 2023年… keeps its space
    f"|(?<=[0-9])[{_HSPACE}]+(?=[{_CJK_CTX}])"
)
_P_SPACES = f"[{_HSPACE}]+"


def _squeeze(line: str) -> str:
    return _rx(_P_SPACES).sub(" ", _rx(_P_SPACE_CJK).sub("", line)).strip()


@step("whitespace", query=False)
def whitespace(text: str) -> str:
    """No spaces between Chinese characters (总  则→总则), other runs to one space, lines stripped."""
    hspace = _rx(_P_SPACES)  # a line without horizontal space needs the strip only
    return "\n".join(
        _squeeze(line) if hspace.search(line) else line.strip() for line in text.split("\n")
    )


@dataclass(frozen=True, slots=True)
class Phrase:
    """One row of ``data/tw_phrases.tsv``: a word a simplified→Taiwan converter produced."""

    wrong: str  # as it reads after OpenCC tw2s
    right: str  # the mainland word; equal to ``wrong`` for a guard that keeps a correct word
    note: str


@lru_cache(maxsize=1)
def phrase_table() -> tuple[Phrase, ...]:
    """The phrase corrections, as listed in ``jdcorpus/data/tw_phrases.tsv``."""
    from importlib.resources import files

    rows = []
    text = files("jdcorpus.data").joinpath("tw_phrases.tsv").read_text(encoding="utf-8")
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#") or line.startswith("wrong\t"):
            continue
        cols = line.split("\t")
        if len(cols) != 3 or not cols[0] or not cols[1]:
            raise ValueError(f"tw_phrases.tsv line {n}: expected wrong<TAB>right<TAB>note")
        rows.append(Phrase(*cols))
    return tuple(rows)


@lru_cache(maxsize=1)
def _phrase_matcher() -> tuple[re.Pattern, dict[str, str]]:
    table = {p.wrong: p.right for p in phrase_table()}
    # leftmost match, and among matches at one position the longest: 网际网路 before 网路,
    # and a guard such as 配套用 (kept) before 套用
    alts = sorted(table, key=lambda w: (-len(w), w))
    return re.compile("|".join(map(re.escape, alts))), table


@step("tw_phrases", scripts=("traditional",))
def tw_phrases(text: str) -> str:
    """Taiwan wording from a simplified→Taiwan conversion back to mainland words (格线→网格)."""
    pattern, table = _phrase_matcher()
    return pattern.sub(lambda m: table[m.group()], text)


_LABEL_NUM = "[零〇一二两三四五六七八九十百千0-9]"
_RE_DI_TYPO = re.compile(
    f"笫(?=[{_HSPACE}]*{_LABEL_NUM}[{_HSPACE}0-9零〇一二两三四五六七八九十百千]*[条條章节節编編款项項])"
)


@step("label_typos")
def label_typos(text: str) -> str:
    """笫 typed for 第 before a numbered label (笫五十四条→第五十四条); 床笫 and the like kept."""
    if "笫" not in text:
        return text
    return _RE_DI_TYPO.sub("第", text)


# a year in Chinese numerals whose 〇 was typed as a look-alike: ○ (U+25CB) ◯ О Ο O Ｏ 0
_ZERO_LIKE = "○◯ОΟOＯ0"
_RE_CN_YEAR_ZERO = re.compile(f"(?<![0-9A-Za-z])[零〇一二三四五六七八九{_ZERO_LIKE}]{{4}}(?=年)")
_TABLE_ZERO = str.maketrans(dict.fromkeys(_ZERO_LIKE, "〇"))
# a look-alike next to a Chinese digit in the four characters before 年: the cheap test before
# the substitution (2020年 has none); it opens with 年, which a search finds fast
_CN, _Z = "[零〇一二三四五六七八九]", f"[{_ZERO_LIKE}]"
RE_ZERO_YEAR = re.compile(
    "年(?:"
    + "|".join(f"(?<={a}{b}{'.' * gap}年)" for gap in range(3) for a, b in ((_CN, _Z), (_Z, _CN)))
    + ")"
)


def _year_zero(m: re.Match) -> str:
    year = m.group()
    if not any(c in "一二三四五六七八九" for c in year):
        return year  # 2000年, OOOO年: no Chinese year
    return year.translate(_TABLE_ZERO)


@step("year_zeros")
def year_zeros(text: str) -> str:
    """The 〇 of a year in Chinese numerals typed as a look-alike (二○○四年→二〇〇四年)."""
    if not RE_ZERO_YEAR.search(text):
        return text
    return _RE_CN_YEAR_ZERO.sub(_year_zero, text)


# -- script detection ---------------------------------------------------------------------
#: The ranges of :data:`_HAN`, for short texts (a query): compiling the pattern takes ~2 ms.
_HAN_RANGES = (("\u3400", "\u4dbf"), ("\u4e00", "\u9fff"), ("\uf900", "\ufaff"),
               ("\U00020000", "\U0003134f"))  # fmt: skip


def _han(text: str) -> list[str]:
    """The Han characters of ``text``, in order (what ``_rx(_P_HAN).findall`` gives)."""
    if len(text) > 64:
        return _rx(_P_HAN).findall(text)
    return [c for c in text if any(lo <= c <= hi for lo, hi in _HAN_RANGES)]


def _changed(text: str, config: str, counts: Counter | None = None) -> int:
    """How many Han characters of ``text`` OpenCC ``config`` changes, each judged on its own
    (``counts``: the Han characters of ``text`` counted, when the caller has them)."""
    if counts is None:
        counts = Counter(_han(text))
    if not counts:
        return 0
    chars = list(counts)
    # one character per line: no phrase spans two characters, so each is judged alone
    conv = _converter(config).convert("\n".join(chars)).split("\n")
    if len(conv) != len(chars):  # pragma: no cover - OpenCC keeps lines
        return sum(c for ch, c in counts.items() if _converter(config).convert(ch) != ch)
    return sum(counts[a] for a, b in zip(chars, conv, strict=True) if a != b)


_RE_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


@lru_cache(maxsize=1)
def _t2s_changes() -> re.Pattern:
    """The Han characters of the BMP that OpenCC t2s changes, each judged on its own (as
    :func:`_changed` judges them), as one character class: a text without any is searched in
    one scan (the supplementary planes are left to the counting)."""
    bmp = [chr(c) for a, b in ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
           for c in range(a, b + 1)]  # fmt: skip
    conv = _converter("t2s").convert("\n".join(bmp)).split("\n")
    if len(conv) != len(bmp):  # pragma: no cover - OpenCC keeps lines
        conv = [_converter("t2s").convert(ch) for ch in bmp]
    changed = "".join(a for a, b in zip(bmp, conv, strict=True) if a != b)
    return re.compile(f"[{re.escape(changed)}]" if changed else "(?!)")


#: Characters judged by :func:`_any_t2s_change` before it builds :func:`_t2s_changes` (~65 ms
#: once): about what the distinct-character way costs in that time (~50 ns a character), so a
#: process that parses one file never pays for the table and one that parses many soon does.
_TABLE_AFTER = 1_500_000
_judged = [0]


def _any_t2s_change(text: str) -> bool:
    """Whether any Han character of ``text`` changes under OpenCC t2s, judged on its own."""
    if _judged[0] >= _TABLE_AFTER:
        return bool(_t2s_changes().search(text) or _RE_ASTRAL.search(text))
    _judged[0] += len(text)
    chars = _rx(_P_HAN).findall("".join(set(text)))
    if not chars:
        return False
    conv = _converter("t2s").convert("\n".join(chars)).split("\n")
    return len(conv) != len(chars) or any(a != b for a, b in zip(chars, conv, strict=True))


def detect_script(text: str) -> str:
    """Which script the Han characters of ``text`` are written in: traditional or simplified.

    Traditional when at least a quarter of the Han characters change under OpenCC t2s (a
    traditional text has about a third; a simplified one none). Between none and a quarter the
    text is mixed and the evidence is weighed: traditional-only characters against
    simplified-only ones (those s2tw changes), so a simplified text with a few stray
    traditional characters stays simplified. No evidence either way: simplified.

    >>> detect_script("社區格線化服務管理"), detect_script("社区网格化服务管理")
    ('traditional', 'simplified')
    """
    # a text none of whose Han characters changes under t2s is simplified, without counting
    if not _any_t2s_change(text):
        return "simplified"
    han = _rx(_P_HAN)
    counts = Counter({ch: n for ch, n in Counter(text).items() if han.match(ch)})
    total = sum(counts.values())
    trad = _changed(text, "t2s", counts)
    if trad == 0:
        return "simplified"
    if trad >= 0.25 * total:
        return "traditional"
    return "traditional" if trad > _changed(text, "s2tw", counts) else "simplified"


def _check_script(script: str) -> None:
    if script not in SCRIPTS:
        raise UsageError(f"unknown script {script!r}: expected one of {', '.join(SCRIPTS)}")


# -- the public verbs ---------------------------------------------------------------------
def normalize(text: str, script: str | None = None) -> tuple[str, tuple[str, ...]]:
    """The normalized text and the names of the steps that changed it, in the order they ran.

    ``script`` is the script of the source ("traditional" or "simplified"); None detects it
    from ``text``. Pass the script of the whole document when normalizing its parts: a short
    part holds too little evidence to be judged alone.
    """
    if script is None:
        script = detect_script(text)
    ran = []
    for s in steps_for(script):
        out = s.func(text)
        if out != text:
            ran.append(s.name)
            text = out
    return text, tuple(ran)


def normalize_lines(lines: list[str], script: str) -> tuple[list[str], tuple[str, ...]]:
    """:func:`normalize` of many one-line texts at once: their normalized forms and the steps that
    changed any of them. Every step works line by line, so running each step once over the lines
    joined is the same as running it on each (and much cheaper than one call per line)."""
    if any("\n" in ln for ln in lines):
        raise ValueError("normalize_lines takes texts without line breaks")
    if not lines:
        return [], ()
    text, ran = normalize("\n".join(lines), script=script)
    return text.split("\n"), ran


@dataclass(frozen=True, slots=True)
class Change:
    """What one step did: the text before and after it."""

    step: str
    before: str
    after: str


def explain(text: str, script: str | None = None) -> Results:
    """The steps that changed ``text``, each with the text before and after it (a Results)."""
    if script is None:
        script = detect_script(text)
    out = Results(row_type=Change)
    for s in steps_for(script):
        after = s.func(text)
        if after != text:
            out.append(Change(s.name, text, after))
            text = after
    return out


def apply_steps(text: str, names: Iterable[str]) -> str:
    """Replay the named steps (e.g. a Document's ``steps``) on ``text``, in registry order."""
    wanted = set(names)
    unknown = wanted - set(STEPS)
    if unknown:
        raise UsageError(f"unknown normalization steps: {', '.join(sorted(unknown))}")
    for s in STEPS.values():
        if s.name in wanted:
            text = s.func(text)
    return text


_SURROGATE = re.compile("[\ud800-\udfff]")


def normalize_query(q: str) -> str:
    """A search query normalized like the texts it is matched against: 網格 → 网格.

    A query is too short for :func:`detect_script`'s shares, so one traditional-only character
    makes it traditional: Taiwan variants go through tw2s and the phrase table (格線 → 网格,
    民眾 → 群众). A query without one is simplified and keeps its words (民众 stays 民众). The
    steps that would break query syntax are left out: half-width ( ) : stay operators, spaces
    between words stay separators (only collapsed and stripped).
    """
    # a byte that was not UTF-8 on the command line arrives as a lone surrogate, which OpenCC
    # cannot encode: it matches nothing, as U+FFFD
    q = _SURROGATE.sub("\ufffd", q)
    script = "traditional" if _changed(q, "t2s") else "simplified"
    for s in steps_for(script):
        if s.query:
            q = s.func(q)
    return " ".join(q.split())
