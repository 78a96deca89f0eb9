"""Tests for jdcorpus.normalize: the step registry, script detection, the phrase table."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import FrozenInstanceError
from pathlib import Path

import opencc
import pytest

from jdcorpus.normalize import (
    STEPS,
    Phrase,
    apply_steps,
    detect_script,
    explain,
    list_steps,
    normalize,
    normalize_query,
    phrase_table,
    steps_for,
    tw_phrases,
)

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
TONGHUA = CORPUS / "004_17264ce05daab37e.txt"
SIMPLIFIED_SEEDS = sorted(p for p in CORPUS.glob("*.txt") if p != TONGHUA)
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
T2S = opencc.OpenCC("t2s")
TW2S = opencc.OpenCC("tw2s")


def _unescape(s: str) -> str:
    return re.sub(
        r"\\(n|t|u[0-9a-fA-F]{4})",
        lambda m: {"n": "\n", "t": "\t"}.get(m.group(1)) or chr(int(m.group(1)[1:], 16)),
        s,
    )


def _load_cases() -> list[tuple[str, str, str, str]]:
    """(input, script, expected, id) rows; the id is the fixture line number, ASCII for pytest."""
    rows = []
    path = ROOT / "tests" / "fixtures" / "normalize_cases.tsv"
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line or line.startswith("#") or line.startswith("input\t"):
            continue
        text, script, expected, _case = line.split("\t")
        rows.append((_unescape(text), script, _unescape(expected), f"cases.tsv:{n}"))
    return rows


CASES = _load_cases()


def _run(text: str, script: str) -> str:
    if script == "query":
        return normalize_query(text)
    return normalize(text, script=None if script == "auto" else script)[0]


@pytest.fixture(scope="module")
def tonghua() -> str:
    return TONGHUA.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def tonghua_normalized(tonghua) -> str:
    return normalize(tonghua)[0]


# -- table-driven cases ---------------------------------------------------------------
@pytest.mark.parametrize(("text", "script", "expected", "case"), CASES, ids=[c[3] for c in CASES])
def test_case(text, script, expected, case):
    """Each fixture input normalizes to the expected text written for it."""
    assert _run(text, script) == expected


@pytest.mark.parametrize(("text", "script", "expected", "case"), CASES, ids=[c[3] for c in CASES])
def test_case_is_idempotent(text, script, expected, case):
    """Normalizing an already normalized fixture text changes nothing."""
    once = _run(text, script)
    assert _run(once, script) == once
    if script != "query":
        assert normalize(once, script=None if script == "auto" else script)[1] == ()


# -- the phrase table -----------------------------------------------------------------
@pytest.mark.parametrize("phrase", phrase_table(), ids=[p.wrong for p in phrase_table()])
def test_phrase_entry_is_exercised_by_a_real_sentence(phrase: Phrase):
    """Every phrase-table row is applied in some fixture sentence whose expected text has its right word."""
    hits = [
        (text, expected)
        for text, script, expected, _ in CASES
        if script in ("traditional", "auto", "query") and phrase.wrong in TW2S.convert(text)
    ]
    assert any(phrase.right in expected for _, expected in hits), phrase
    if phrase.right != phrase.wrong:
        # once corrected, the wrong word is gone (unless a guard keeps it, as 合格线 keeps 格线)
        guards = [g.wrong for g in phrase_table() if g.wrong == g.right and phrase.wrong in g.wrong]
        assert any(phrase.wrong not in e or any(g in e for g in guards) for _, e in hits)


@pytest.mark.parametrize("phrase", phrase_table(), ids=[p.wrong for p in phrase_table()])
def test_phrase_entry_alone(phrase: Phrase):
    """Each row on its own turns its wrong word into its right word (a guard keeps it)."""
    assert tw_phrases(phrase.wrong) == phrase.right


def test_phrase_table_is_well_formed():
    """Rows are unique, annotated, written in simplified characters, and corrections are final."""
    wrongs = [p.wrong for p in phrase_table()]
    assert len(wrongs) == len(set(wrongs))
    for p in phrase_table():
        assert p.note.strip(), p
        assert T2S.convert(p.right) == p.right, p  # the output is simplified
        assert TW2S.convert(p.wrong) == p.wrong, p  # matched after tw2s, so written as it emits
        assert tw_phrases(p.right) == p.right, p  # a corrected word is not corrected again


# -- the 通化 text --------------------------------------------------------------------
def test_tonghua_is_detected_traditional(tonghua):
    """The 通化 file, a Taiwan-phrased conversion, is detected as traditional."""
    assert detect_script(tonghua) == "traditional"


def test_tonghua_article_13_says_wanggehua(tonghua_normalized):
    """通化 第十三条 after normalization contains 网格化 and no 格线 (issue 2's check)."""
    art13 = re.search(r"^第十三条.*?(?=^第十四条)", tonghua_normalized, re.S | re.M).group()
    assert "网格化" in art13
    assert "格线" not in art13
    assert "格线" not in tonghua_normalized


def test_tonghua_leaves_nothing_for_t2s(tonghua_normalized):
    """No character of the normalized 通化 text would still be converted by OpenCC t2s."""
    assert T2S.convert(tonghua_normalized) == tonghua_normalized


def test_tonghua_keeps_mainland_words_tw2sp_would_change(tonghua, tonghua_normalized):
    """Words that OpenCC tw2sp over-converts keep their mainland form (why tw2sp is not used)."""
    tw2sp = opencc.OpenCC("tw2sp").convert(tonghua)
    for good, bad in [("建立", "创建"), ("整合", "集成"), ("核心", "内核"), ("执行", "运行"),
                      ("智慧社区", "智能社区"), ("呼叫", "调用")]:  # fmt: skip
        assert tw2sp.count(bad) > tonghua_normalized.count(bad), bad
        assert tonghua_normalized.count(good) == T2S.convert(tonghua).count(good) > 0, good


def test_tonghua_explain_and_replay(tonghua, tonghua_normalized):
    """explain lists the same steps as normalize, chained, and replaying them gives the same text."""
    text, ran = normalize(tonghua)
    changes = explain(tonghua)
    assert tuple(c.step for c in changes) == ran
    assert changes[0].before == tonghua and changes[-1].after == text
    assert all(a.after == b.before for a, b in zip(changes, changes[1:], strict=False))
    assert apply_steps(tonghua, ran) == tonghua_normalized


# -- mainland (simplified) seeds --------------------------------------------------------
@pytest.mark.parametrize("path", SIMPLIFIED_SEEDS, ids=[p.name for p in SIMPLIFIED_SEEDS])
def test_simplified_seed_keeps_every_han_character(path):
    """Normalizing a mainland seed changes no Han character: only spaces and punctuation."""
    text = path.read_text(encoding="utf-8")
    assert detect_script(text) == "simplified"
    out, ran = normalize(text)
    assert HAN.findall(out) == HAN.findall(text)
    assert set(ran) <= {"fullwidth_ascii", "invisible", "cjk_punctuation", "whitespace"}


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.txt")), ids=lambda p: p.name)
def test_seed_normalization_is_idempotent(path):
    """Normalizing a normalized seed file again changes nothing and reports no step."""
    out, _ = normalize(path.read_text(encoding="utf-8"))
    assert normalize(out) == (out, ())


@pytest.mark.parametrize("path", SIMPLIFIED_SEEDS, ids=[p.name for p in SIMPLIFIED_SEEDS])
def test_simplified_lines_pass_through_normalize_query(path):
    """Every line of a mainland seed used as a query comes back unchanged (spaces aside)."""
    for line in path.read_text(encoding="utf-8").splitlines():
        assert normalize_query(line) == re.sub(r"\s+", " ", line).strip()


# -- script detection ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("第十三條 縣(市、區)人民政府應當建立並實行社區格線化服務管理。", "traditional"),
        ("第十三条 县(市、区)人民政府应当建立并实行社区网格化服务管理。", "simplified"),
        ("本條例自公布之日起施行。", "traditional"),
        ("街道办事处負责辖区社区治理的具体工作，指导社区居民委员会開展工作。", "simplified"),
        ("本法自公布之日起施行。", "simplified"),
        ("", "simplified"),
        ("Article 13", "simplified"),
    ],
    ids=[
        "traditional",
        "simplified",
        "short traditional",
        "stray traditional",
        "no evidence",
        "empty",
        "latin",
    ],  # fmt: skip
)
def test_detect_script(text, expected):
    """Scripts are told apart, and a simplified text with stray traditional characters stays simplified."""
    assert detect_script(text) == expected


def test_detect_script_weighs_a_mixed_text():
    """A long simplified text with a few percent traditional characters is simplified."""
    simplified = SIMPLIFIED_SEEDS[0].read_text(encoding="utf-8")[:2000]
    stray = "".join(T2S.convert(c) != c and c or "" for c in "條例規定負責開展")
    mixed = simplified + stray * 10
    assert detect_script(mixed) == "simplified"
    assert detect_script(opencc.OpenCC("s2tw").convert(simplified)) == "traditional"


# -- the registry -------------------------------------------------------------------------
def test_registry_lists_named_described_steps():
    """Every step has a unique name and a one-line description, listed in registry order."""
    steps = list_steps()
    assert [n for n, _ in steps] == list(STEPS)
    assert len(steps) >= 6
    for name, desc in steps:
        assert re.fullmatch(r"[a-z0-9_]+", name) and desc and "\n" not in desc
    with pytest.raises(FrozenInstanceError):
        STEPS["whitespace"].name = "x"


def test_steps_depend_on_the_script():
    """The phrase table and tw2s run only for traditional text, t2s only for simplified text."""
    trad = {s.name for s in steps_for("traditional")}
    simp = {s.name for s in steps_for("simplified")}
    assert {"opencc_tw2s", "tw_phrases"} <= trad - simp
    assert "opencc_t2s" in simp - trad
    from jdcorpus.errors import UsageError

    with pytest.raises(UsageError, match="unknown script 'korean'"):
        normalize("文本", script="korean")
    with pytest.raises(UsageError, match="unknown normalization steps: no_such_step"):
        apply_steps("文本", ["no_such_step"])


def test_import_is_light():
    """Importing jdcorpus.normalize loads neither jieba, pandas nor opencc."""
    code = (
        "import sys, jdcorpus; before = set(sys.modules); import jdcorpus.normalize; "
        "new = set(sys.modules) - before; "
        "print(sorted(m for m in new if m.split('.')[0] in ('jieba', 'pandas', 'opencc')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_han_characters_of_short_texts_are_the_patterns():
    """The Han characters of a short text (a query), found without compiling the Han pattern,
    are those the pattern finds, at the edges of every range too."""
    import random

    from jdcorpus.normalize import _P_HAN, _han, _rx

    edges = [0x33FF, 0x3400, 0x4DBF, 0x4DC0, 0x4DFF, 0x4E00, 0x9FFF, 0xA000, 0xF8FF, 0xF900]
    edges += [0xFAFF, 0xFB00, 0x1FFFF, 0x20000, 0x3134F, 0x31350, 0x41, 0x3000, 0xFF0C]
    rng = random.Random(7)
    texts = ["".join(map(chr, edges))]
    texts += [
        "".join(chr(rng.choice(edges) + rng.randint(-2, 2)) for _ in range(40)) for _ in range(300)
    ]
    for t in texts:
        assert _han(t) == _rx(_P_HAN).findall(t)


def test_label_typos_fix_the_look_alike_di_before_a_label_only():
    """笫 typed for 第 before a numbered label becomes 第 (in running text too: 依照本法笫三条);
    床笫 and 笫 before no label stay."""
    assert normalize("依照本法笫３条和笫 二 章。床笫之间，笫二次。")[0] == (
        "依照本法第3条和第二章。床笫之间，笫二次。"
    )
    assert "label_typos" in normalize("笫五十四条")[1]
    assert "label_typos" not in normalize("床笫之间")[1]


def test_year_zeros_fix_look_alike_zeros_in_a_chinese_year_only():
    """The 〇 of a year in Chinese numerals typed as ○, ◯, O or 0 becomes 〇; a year in Arabic
    digits, a code of Latin letters and a ○ outside a year stay."""
    text = "自二○○四年十月一日起施行，一九九◯年、二OO一年、二0一五年；2000年，A2O1O年，○表示"
    assert normalize(text)[0] == (
        "自二〇〇四年十月一日起施行，一九九〇年、二〇〇一年、二〇一五年；2000年，A2O1O年，○表示"
    )
    assert "year_zeros" not in normalize("二〇〇四年，2004年")[1]


def test_a_year_typed_with_look_alike_zeros_dates_the_instrument():
    """Dates written 二○○四年 are read as the dates they are: the 题注 adopts, the last article
    sets the day it takes effect; the source keeps what was typed."""
    from jdcorpus import parse_text

    text = (
        "某市物业管理条例\n"
        "（二○○四年三月五日某市第十届人民代表大会常务委员会第九次会议通过）\n"
        "第一条 为了规范物业管理，制定本条例。\n"
        "第二条 本条例自二OO四年五月一日起施行。\n"
    )
    doc = parse_text(text, name="x.txt")[0]
    assert (doc.adopted, doc.effective, doc.notices) == ("2004-03-05", "2004-05-01", ())
    assert "二OO四年" in doc.articles[-1].original
