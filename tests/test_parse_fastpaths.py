"""Every shortcut the parser takes for speed gives what the slow way gives.

Each test compares a fast path with the plain computation it replaces, on seeded random inputs
drawn from the characters the path cares about (fixed seeds: every run is the same).
"""

from __future__ import annotations

import importlib
import random
from collections import Counter

import pytest

from jdcorpus.normalize import detect_script, normalize, normalize_lines
from jdcorpus.parse import segments
from jdcorpus.parse.patterns import key_of, keys_of

# the module (the package re-exports a function of the same name)
norm_mod = importlib.import_module("jdcorpus.normalize")

# the characters the inline breaks look at, plus ordinary text
_BREAK_ALPHABET = (
    list("。；;！？!?”」：:（）()第条條章一二三四五六七八九十零〇0123456789.．、")
    + list("①②⑳⑴⒇㈠㈩")
    + [" ", "\t", "\u3000", "\u00a0", "\r", "\x0b", "\u2028"]
    + list("本市条例规定应当和")
)


def _random_line(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(_BREAK_ALPHABET) for _ in range(n))


@pytest.mark.parametrize("seed", range(20))
def test_lines_with_breaks_never_misses_a_line(seed):
    """Every line in which the inline-break pattern matches is among the lines the quick scan
    (``_lines_with_breaks``) names, so skipping the others changes no segment."""
    rng = random.Random(seed)
    lines = [_random_line(rng, rng.randint(0, 30)) for _ in range(300)]
    text = "\n".join(lines)
    named = segments._lines_with_breaks(text)
    hits = [
        i for i, ln in enumerate(lines) if any(True for _ in segments._INLINE_BREAK.finditer(ln))
    ]
    assert hits  # the alphabet makes breaks
    for i in hits:
        assert i in named, repr(lines[i])


@pytest.mark.parametrize("seed", range(20))
def test_lines_with_breaks_of_a_flattened_text_never_misses_a_line(seed):
    """In a flattened text (line breaks lost), every line where the flattened-text break
    matches is among the lines the quick scan names."""
    rng = random.Random(seed)
    tokens = _BREAK_ALPHABET + ["第三条", "第 十 条", "第二章", "第一节", "目录", "目 次"]
    tokens += ["（2020年", "(二〇一九年", "本市", "规定"] + [" ", "\u3000", "\t"] * 4
    lines = ["".join(rng.choice(tokens) for _ in range(rng.randint(0, 20))) for _ in range(300)]
    text = "\n".join(lines)
    named = segments._lines_with_breaks(text, flat=True)
    rx = segments._FLAT_BREAK
    hits = [i for i, ln in enumerate(lines) if any(True for _ in rx.finditer(ln))]
    assert hits
    for i in hits:
        assert i in named, repr(lines[i])


def test_lines_with_breaks_skips_plain_lines():
    """A line with no sentence end, colon, bracket or circled number before text is skipped."""
    text = "第一条 为了规范管理，制定本条例\n本条例适用于本市"
    assert segments._lines_with_breaks(text) == set()


_NORM_ALPHABET = list(
    "社區格線化服務管理社区网格化服务管理乾隆著,;:?!()１２ＡＢ．1.5 \t\u3000\u200b"
)


@pytest.mark.parametrize("script", ["simplified", "traditional"])
@pytest.mark.parametrize("seed", range(10))
def test_normalize_lines_is_normalize_of_each_line(seed, script):
    """Normalizing many lines in one call gives each line's own normalization, and the steps
    that changed any of them."""
    rng = random.Random(seed)
    lines = [
        "".join(rng.choice(_NORM_ALPHABET) for _ in range(rng.randint(0, 25))) for _ in range(40)
    ]
    outs, ran = normalize_lines(lines, script)
    singles = [normalize(ln, script=script) for ln in lines]
    assert outs == [o for o, _ in singles]
    assert set(ran) == {step for _, r in singles for step in r}


def _detect_script_reference(text: str) -> str:
    """detect_script as first written: every Han character counted, then judged."""
    han = norm_mod._rx(norm_mod._P_HAN)
    total = len(han.findall(text))
    trad = norm_mod._changed(text, "t2s", Counter(han.findall(text)))
    if trad == 0:
        return "simplified"
    if trad >= 0.25 * total:
        return "traditional"
    return "traditional" if trad > norm_mod._changed(text, "s2tw") else "simplified"


@pytest.mark.parametrize("table", [False, True])
@pytest.mark.parametrize("seed", range(30))
def test_detect_script_shortcut_agrees(seed, table, monkeypatch):
    """Deciding "simplified" without counting — from the distinct characters, or from the table
    of characters t2s changes — gives the counted answer."""
    monkeypatch.setattr(norm_mod, "_judged", [norm_mod._TABLE_AFTER if table else -(10**12)])
    rng = random.Random(seed)
    pool = list("社区网格化服务管理条例本市规定")
    pool += rng.sample(list("區線務條規門開乾著"), k=rng.randint(0, 3))
    pool += rng.sample(["𠀋", "𪚥", "乾隆"], k=rng.randint(0, 1))  # supplementary planes too
    text = "".join(rng.choice(pool + [" ", "1", "a"]) for _ in range(rng.randint(0, 60)))
    assert detect_script(text) == _detect_script_reference(text)


def test_t2s_table_is_the_characters_t2s_changes():
    """The table holds exactly the BMP Han characters t2s changes, each alone."""
    rx = norm_mod._t2s_changes()
    for ch in "區線務條規門開乾著社区网格化服务管理":
        changes = norm_mod._converter("t2s").convert(ch) != ch
        assert (rx.search(ch) is not None) == changes, ch


def test_keys_of_is_key_of_each():
    """One OpenCC call for many keys gives each string's own key."""
    strings = ["第 十 一 条　條例", "（一）開發**區**", "", "１２３", "社區\u200b服務"]
    assert keys_of(strings) == [key_of(s) for s in strings]
    assert keys_of(strings, chunk=2) == [key_of(s) for s in strings]  # in several calls
    assert keys_of([]) == []


def _punct_reference(s: str) -> str:
    """The punctuation fixer as first written: every character of the line visited."""
    out = list(s)
    stack: list[int] = []
    pairs: dict[int, int] = {}
    for i, ch in enumerate(s):
        if ch in "(（":
            stack.append(i)
        elif ch in ")）" and stack:
            pairs[stack.pop()] = i
    for i, j in pairs.items():
        if s[i] == "(" or s[j] == ")":
            inner = norm_mod._rx(norm_mod._P_HAN).search(s, i + 1, j) is not None
            left, right = norm_mod._neighbour(s, i, -1), norm_mod._neighbour(s, j, 1)
            if inner or norm_mod._is_cjk(left) or norm_mod._is_cjk(right):
                out[i], out[j] = "（", "）"
    paired = set(pairs) | set(pairs.values())
    for i, ch in enumerate(s):
        if ch in norm_mod._PUNCT and i not in paired:
            left, right = norm_mod._neighbour(s, i, -1), norm_mod._neighbour(s, i, 1)
            if norm_mod._is_cjk(left) or norm_mod._is_cjk(right):
                out[i] = norm_mod._PUNCT[ch]
    return "".join(out)


@pytest.mark.parametrize("seed", range(30))
def test_punctuation_fixer_visits_only_punctuation_and_brackets(seed):
    """Looking only at the brackets and punctuation of a line gives what visiting every
    character gave."""
    rng = random.Random(seed)
    alphabet = list("(（)）,;:?!市条例ab1 \t。")
    line = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
    assert norm_mod._punct_segment(line) == _punct_reference(line)


@pytest.mark.parametrize("seed", range(40))
def test_jammer_removal_on_ascii_runs_is_the_whole_text_substitution(seed):
    """Trying the jammer pattern on each run of visible ASCII gives the substitution over the
    whole text."""
    from jdcorpus.parse import source

    rng = random.Random(seed)
    tokens = ["第一条", "制定本条例。", "，", "\n", " ", "x3Kp9!qZ", "gT4$e1", "R9@w", "Lq7", "APP"]
    tokens += ["PM2.5", "GB/T", "COVID-19", "2021-3-5", "www.a1.cn", "a@b1.cn", "(", ")", ",", "."]
    tokens += list("aZ09!#%&*~+=@|;:?'\"[]") + ["https://x.cn/a1"]
    text = "".join(rng.choice(tokens) for _ in range(rng.randint(0, 80)))
    assert source.drop_jammers(text) == source._drop_jammers_plain(text)
