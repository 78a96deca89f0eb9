"""The vocabulary of legislative drafting as patterns: numerals, labels, items, titles, dates.

Patterns named ``RE_*`` apply to the *key* of a segment (:func:`key_of`: simplified script, no
spaces, half-width digits), so 第一條, 第 一 条 and 第１条 read the same; the others say on what
they run.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..normalize import EMOJI

# -- numerals ---------------------------------------------------------------------------------

_CN_DIGITS = "零〇一二两三四五六七八九十百千"
NUM = rf"[{_CN_DIGITS}0-9０-９]+"
HS = " \t\u3000\u00a0"  # horizontal spaces, NBSP included
SPACED_NUM = rf"[{_CN_DIGITS}0-9０-９](?:[{HS}]?[{_CN_DIGITS}0-9０-９])*"  # 第 十 一 条
FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


@lru_cache(maxsize=4096)
def to_int(numeral: str) -> int:
    """第一百零五条 → 105: Chinese or Arabic (also full-width) numerals to int, via cn2an."""
    s = numeral.translate(FULLWIDTH_DIGITS)
    if s.isdigit():
        return int(s)
    import cn2an

    return int(cn2an.cn2an(s.replace("〇", "零"), "smart"))


# -- patterns (applied to the simplified, space-free key of a segment) --------------------------

TERMINAL = "。；;：:！!？?…」”）)】』"
# what may follow an article label when it really is a label (not 第八条第二款, 第十条规定, 第三条的…)
_NOT_AFTER_LABEL = (
    "第款项的规至，,和及或中所以与等規項與於后修"  # 第X条后增加一条, 第X条修改为: amending words
)
# (第二十二条要求，… / 第五条明确：…: a sentence about an article, in a 解读 or a report)
LABEL_END = (
    rf"(?![{_NOT_AFTER_LABEL}])(?!、\s*(?:第|$))(?!之(?![一二三四五六七八九十]))"
    r"(?!(?:要求|明确|指出|提出|强调|载明)[，,：:])"
)
RE_ARTICLE = re.compile(rf"^第({NUM})条(?:之([一二三四五六七八九十]+))?{LABEL_END}")
RE_CHAPTER = re.compile(rf"^第({NUM})章(.*)$")
RE_SECTION = re.compile(rf"^第({NUM})节(.*)$")
RE_PART = re.compile(rf"^第({NUM})分?编(.*)$")  # 编, and the 分编 of a code (民法典)
# first-level items (项): （一） (一) ㈠, and 一、 in older drafting; never 第（二）项 or 一、二级 (but
# 一、七十五周岁以上的 is an item: one numeral after 、 is an enumeration, a number is the text)
# (but （三）项目建设管理情况 is an item: 项目, a project, is no reference to a 项)
RE_ITEM = re.compile(
    r"^(?:[（(]([零〇一二三四五六七八九十百]+)[）)](?!项(?!目))(?!目(?:[、，,。；;和或的规所中]|$))"
    # (（四）、（五）项规定的…: a list of references to items, the head of a line a wrap broke)
    r"(?![、，,和或及与至到][ \u3000]*[（(][零〇一二三四五六七八九十百]+[）)])"
    r"|([㈠-㈩])|([一二三四五六七八九十]{1,3})、(?![一二三四五六七八九十](?![〇零一二三四五六七八九十百千万])))"
)
# second-level markers: 目 inside a （一） item, or the items themselves where there is no （一）
RE_SUBITEM = re.compile(r"^(?:[（(]([0-9]{1,2})[）)]|([①-⑳])|([0-9]{1,2})[.．、](?![0-9])|([⑴-⒇]))")
RE_MARKER = re.compile(
    r"^(?:[（(][^（）()]{1,4}[）)]|[①-⑳⑴-⒇㈠-㈩]|[0-9]{1,2}[.．、](?![0-9])|[一二三四五六七八九十]{1,3}、)\s*"
)
# a part heading numbered like a 项 (一、关于一般规定, （一）/㈠担保合同的效力): short, no punctuation
RE_ORDINAL_HEADING = re.compile(
    r"^(?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[）)]|[㈠-㈩])[^，,。；;：:！？!?]{1,24}$"
)
# a division numbered 第一部分 (a 规范性文件's parts, 第二部分　申请与审批): no chapter, no text
RE_DIVISION = re.compile(rf"^第({NUM})部分[^，,。；;：:！!？?]{{0,24}}$")
RE_ANNEX = re.compile(r"^(附件|附表|附录|附(?=[:：]))[0-9一二三四五六七八九十]*[:：]?(?!.*[。；])")
BARE_HEADINGS = {"总则", "附则", "分则", "法律责任", "罚则", "附录"}
RE_HEADING = re.compile(
    r"^(?:【([^】]{1,24})】|[（(〔\[]([^（）()〔〕\[\]，,。；;：:]{1,24})[）)〕\]])"
)
RE_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
RE_CN_DATE = re.compile(
    r"([零〇一二三四五六七八九]{4})年([十一二三四五六七八九]{1,3})月([十一二三四五六七八九]{1,3})日"
)
KINDS = (
    "职责规定", "实施细则", "实施办法", "暂行办法", "暂行规定", "暂行条例", "自治条例", "变通规定", "补充规定",
    "条例", "规定", "办法", "细则",
    "规则", "决定", "规程", "章程", "准则", "守则", "规范", "意见", "命令",
)  # fmt: skip
# a national law: 中华人民共和国刑法, …民法典, …刑法修正案（十一）, 全国人民代表大会常务委员会关于…的决议;
# a judicial interpretation: 最高人民法院关于适用《中华人民共和国民法典》有关担保制度的解释, a reply
# (…的批复) or an arrangement with Hong Kong or Macao (…的安排).
# Without the national prefix a line that ends in 法 is as often a hard-wrapped line (…文化体育、法⏎
# 律咨询…); a Markdown file's own title (# 反分裂国家法) is taken from its markup instead.
LAW_KINDS = ("法典", "修正案", "决议", "解释", "批复", "法")
RE_TITLE = re.compile(  # (never a part's heading: 一、一般规定)
    r"^《?(?![一二三四五六七八九十百]+[、．.])(?P<title>(?:[^，,。；;：:！？\s]{2,60}?(?:"
    + "|".join(KINDS)
    + r")|(?:中华人民共和国|全国人民代表大会)[^，,。；;：:！？\s]{1,60}?(?:"
    + "|".join(LAW_KINDS)
    + r")|最高人民(?:法院|检察院)[^，,。；;：:！？\s]{1,80}?(?:解释|批复|安排)"
    # a local congress's resolution names its congress (浙江省人民代表大会常务委员会关于…的决议)
    + r"|[^，,。；;：:！？\s]{2,20}人民代表大会(?:常务委员会)?关于[^，,。；;：:！？\s]{2,80}?的决议"
    + r")(?:[（(][^（）()]{1,20}[）)])?)》?"
    r"(?:[（(]?(?:征求意见稿|草案|送审稿|修订草案|草案修改稿|试行)[）)]?)?"
    r"(?:[（(]\d{4}年(?:修订|修正|修改)(?:本|版)?[）)])?$"
)
# the issuing organs of an instrument on a line of their own above its title (最高人民法院
# 最高人民检察院⏎关于…的规定): national ones, or a local people's congress, its standing committee or a
# people's government (with its 办公厅)
_ISSUER = (
    r"(?:中华人民共和国)?(?:最高人民法院|最高人民检察院|国务院(?:办公厅)?"
    r"|全国人民代表大会(?:常务委员会)?)"
    r"|[\u4e00-\u9fff]{2,14}?(?:人民代表大会(?:常务委员会)?|人民政府(?:办公厅)?)"
)
RE_ISSUERS = re.compile(rf"^(?:{_ISSUER})(?:[\s、和]*(?:{_ISSUER}))*$")
# (…人民政府办公室文件: the masthead of a red-header document, which opens its notice)
RE_NOTICE = re.compile(
    r"(公告|通知|决定|令|公报)$|^关于.*的(通知|决定|公告|说明|报告|批复|函)$"
    r"|^.{2,24}(?:人民政府|委员会|办公室|办公厅|人民代表大会常务委员会|局|厅)文件$"
)
RE_DRAFT = re.compile(r"草案|征求意见稿|送审稿|审议稿|修改稿|草稿|讨论稿")
RE_TIZHU = re.compile(
    r"^(?:[（(【].*)?(?:\d{4}|[零〇一二三四五六七八九]{4})年.{0,120}(通过|批准|修订|修正|公布|发布|印发)"
    # the first meeting of a joint 题注 broken before the next one (2013年5月27日最高人民法院审判委员会
    # 第1579次会议 ⏎ 2013年4月28日最高人民检察院…会议通过): the verb is the next line's
    r"|^(?:\d{4}|[零〇一二三四五六七八九]{4})年[^，,。；;：:]{0,80}会议$"
)
# a sentence that repeals an earlier instrument (1994年…通过的《…规定》同时废止。): the last 款 of a
# final article, though it opens with a date and names a meeting like a 题注 (whose own 《关于废止
# 和修改…的决定》 is inside 《》)
RE_REPEALS = re.compile(r"废止[。；;]")
# a line that is only a date, perhaps after a short signature: the date that closes a notice
RE_DATE_LINE = re.compile(rf"^[^，,。；;]{{0,30}}?({RE_DATE.pattern}|{RE_CN_DATE.pattern})$")
# the signing organ of a 落款 (某市人民政府 ⏎ 2019年3月5日 under the text): a name without
# punctuation that ends as an organ's does
RE_SIGNATURE = re.compile(
    r"[^，,。；;：:、？！“”《》\s]{2,30}(?:政府|委员会|常委会|办公厅|办公室|部|局|署|厅|院|委|会|行|所|中心)"
)


def closing_start(keys: list[str]) -> int | None:
    """Where the 落款 at the end of ``keys`` (lines without blanks) begins — up to three signing
    organs, one a line, then the date alone (农业农村部 ⏎ 2019年3月5日) — or None."""
    m = RE_DATE_LINE.match(keys[-1]) if keys else None
    if not m or m.group(0) != m.group(1):  # the date alone
        return None
    k = len(keys) - 1
    while k > 0 and len(keys) - k <= 3 and RE_SIGNATURE.fullmatch(keys[k - 1]):
        k -= 1
    return k


INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
# white space and invisible characters at the edges of a piece of source text
RE_EDGE = re.compile(rf"[\s{INVISIBLE}]*")
RE_EDGE_END = re.compile(rf"[\s{INVISIBLE}]+$")


def rstrip_edge(s: str) -> str:
    """``RE_EDGE_END.sub("", s)``, without a regex scan of the whole string."""
    end = len(s)
    while end and (s[end - 1].isspace() or s[end - 1] in INVISIBLE):
        end -= 1
    return s if end == len(s) else s[:end]


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


_RE_KEY_DROP = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff\u00ad]+|\*\*")
_RE_FULLWIDTH_DIGIT = re.compile("[０-９]")


def halfwidth_digits(s: str) -> str:
    """０-９ → 0-9 (the same string when there is none: a search is cheaper than a translate)."""
    return s.translate(FULLWIDTH_DIGITS) if _RE_FULLWIDTH_DIGIT.search(s) else s


@lru_cache(maxsize=1)
def _year_zeros():
    """normalize.year_zeros, imported on first use (a command that parses nothing skips it)."""
    from ..normalize import year_zeros

    return year_zeros


def _key_pre(s: str) -> str:
    s = _RE_KEY_DROP.sub("", halfwidth_digits(s))
    if "笫" in s:  # 笫 typed for 第 in a label (笫五十四条): the normalization step's rule
        from ..normalize import label_typos

        s = label_typos(s)
    if "年" in s:  # 二○○四年: the normalization step's rule too
        s = _year_zeros()(s)
    return s


def key_of(s: str) -> str:
    """Simplified, space-free form of a segment used for classification only."""
    return _t2s().convert(_key_pre(s))


def keys_of(strings: list[str], chunk: int = 4096) -> list[str]:
    """:func:`key_of` of many strings with one call of OpenCC per ``chunk`` of them (a
    conversion never spans a line break, and a key holds none; chunks keep the copies a long
    text makes on the way small)."""
    out: list[str] = []
    for k in range(0, len(strings), chunk):
        pre = [_key_pre(s) for s in strings[k : k + chunk]]
        out += _t2s().convert("\n".join(pre)).split("\n")
    return out


def ends_paragraph(s: str) -> bool:
    """Inside an article a line ends its 款 or 项 only with sentence punctuation: a line-final
    ） (…报请县（市） / 区人民政府。) or a bare item marker （二） continues on the next line; a
    note in brackets after a full stop (…指令性计划。（2009年8月27日删除）) ends it, and so does
    a bracket closed after its own full stop (…统称“登记机关”。）, the bracket opened on a line
    above); a closing quote ends it only after sentence punctuation (…“管理部门”。” does,
    …推荐“上海市荣誉市民” does not)."""
    s = _strip_tail(s)
    if s and s[-1] in "）)":
        if s[-2:-1] in ("。", "！", "？"):
            return True
        if m := _RE_TRAILING_NOTE.search(s):
            s = s[: m.start()]
    if s and s[-1] in "」”』" and len(s) > 1 and s[-2] not in "。；;：:！!？?…":
        return False  # …收到推荐“上海市荣誉市民” ⏎ 的申报后: a quoted term, not a sentence's end
    return bool(s) and s[-1] in "。；;：:！!？?…」”』"


# white space, invisible characters and private-use glyphs (a web font's icons, \ue5f9) at a
# line's end: no part of its text, so never what decides whether the sentence ended
# a year (2024年, 二〇二四年)
RE_ANY_YEAR = re.compile(r"(?:\d{4}|[零〇一二三四五六七八九]{4})年")
# a bare 题注 line ends with its verb (…会议通过, …公告公布)
RE_TIZHU_VERB_END = re.compile(r"(?:通过|批准|修订|修正|公布|发布)$")
_RE_TAIL_JUNK = re.compile(rf"(?:[\s{INVISIBLE}\ue000-\uf8ff]|{EMOJI})+$")
# what a string's last character must be for _RE_TAIL_JUNK to strip anything (a quick test:
# most lines end with a character of the text)
_RE_JUNK_END = re.compile(
    rf"[\s{INVISIBLE}\ue000-\uf8ff\U0001f000-\U0001faff\u2190-\u21ff\u2300-\u23ff"
    r"\u25fd\u25fe\u2600-\u27bf\u2b00-\u2bff\ufe0e\ufe0f]"
)


def _strip_tail(s: str) -> str:
    """``s`` without white space, invisible and private-use characters and emoji at its end."""
    return _RE_TAIL_JUNK.sub("", s) if s and _RE_JUNK_END.match(s[-1]) else s


_RE_TRAILING_NOTE = re.compile(r"(?<=[。；;！!？?])[（(][^（）()]{1,40}[）)]$")


RE_PREAMBLE = re.compile(r"\s*序\s*言\s*")  # the heading of a 序言


def unwrap(lines: list[str]) -> list[str]:
    """Lines of a notice or 序言 as paragraphs: a long line (20 characters or more, as a
    hard-wrapped one is) that ends mid-sentence goes on in the next line, as inside an article."""
    out: list[str] = []
    prev = ""
    for line in lines:
        if out and len(prev) >= 20 and not ends_paragraph(prev):
            out[-1] += line
        else:
            out.append(line)
        prev = line
    return out


def ends_sentence(s: str) -> bool:
    s = _strip_tail(s)
    return bool(s) and s[-1] in TERMINAL


def label_num(raw: str) -> str:
    """The numeral of a label as written, spaces removed: '第 十 一 条' → '十一', '第１条' → '1'."""
    m = _RE_LABEL_NUM.match(raw)
    return _RE_SPACES.sub("", m.group(1)).translate(FULLWIDTH_DIGITS) if m else ""


_RE_LABEL_NUM = re.compile(rf"\s*[第笫]\s*({SPACED_NUM})")
_RE_SPACES = re.compile(r"\s+")
