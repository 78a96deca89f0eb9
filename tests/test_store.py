"""The user corpus (issue 9): `jdcorpus add/list/remove`, every command on bundled + user
documents, bad input that changes nothing, and a `kill -9` during `add` that loses nothing."""

from __future__ import annotations

import codecs
import hashlib
import importlib.util
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from jdcorpus.cli import main

HERE = Path(__file__).parent
LAWREFBOOK = HERE / "fixtures" / "lawrefbook"
EXPECTED = json.loads((LAWREFBOOK / "expected.json").read_text("utf-8"))["files"]
BEIJING = "北京市街道办事处条例(2019-11-27).md"
WENZHOU = "温州市销售燃放烟花爆竹管理规定(2021-10-14).md"
DECISION = next(n for n, c in EXPECTED.items() if c is None)

_spec = importlib.util.spec_from_file_location(
    "make_formats", HERE / "fixtures" / "make_formats.py"
)
mk = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mk)


def jd(home: Path, *args, input=None):
    """Run the CLI on the user corpus ``home``."""
    return CliRunner().invoke(main, ["--corpus", str(home), *map(str, args)], input=input)


def snapshot(*roots: Path) -> dict[str, str]:
    """sha256 of every file below the roots (what must stay byte for byte as it was)."""
    out = {}
    for root in roots:
        if not root.exists():
            continue
        for p in sorted(root.rglob("*")):
            if p.is_file():
                out[str(p)] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def cache() -> Path:
    return Path(os.environ["JDCORPUS_CACHE_DIR"])


def manifest(home: Path) -> dict:
    return json.loads((home / "corpus.json").read_text("utf-8"))


def user_ids(home: Path) -> list[str]:
    return [d["id"] for e in manifest(home)["files"] for d in e["documents"]]


def mixed_folder(folder: Path) -> dict[str, str]:
    """A folder of regulations in every format and encoding jdcorpus reads: file → law."""
    import opencc

    folder.mkdir(parents=True, exist_ok=True)
    laws = [n for n in sorted(EXPECTED) if EXPECTED[n]]
    text = {n: (LAWREFBOOK / n).read_text("utf-8") for n in laws}
    plain = {n: "\n".join(mk.plain_lines(t)) + "\n" for n, t in text.items()}
    files = {
        "a/beijing.md": (BEIJING, text[BEIJING].encode()),
        "a/wenzhou-gb18030.TXT": (WENZHOU, plain[WENZHOU].replace("\n", "\r\n").encode("gb18030")),
        "b/utf16-no-bom.txt": (laws[0], plain[laws[0]].encode("utf-16-le")),
        "b/utf16-bom.txt": (laws[1], plain[laws[1]].encode("utf-16")),
        "b/utf8-bom.txt": (laws[2], codecs.BOM_UTF8 + plain[laws[2]].encode()),
        "c/big5.txt": (laws[3], opencc.OpenCC("s2tw").convert(plain[laws[3]]).encode("big5")),
        "c/numbered.docx": (laws[4], mk.numbered_docx(text[laws[4]])),
        "c/plain.docx": (laws[5], mk.plain_docx(text[laws[5]])),
        "d/page.html": (laws[6], mk.html_page(text[laws[6]]).encode()),
        "d/page-gb.htm": (
            laws[7],
            mk.html_page(text[laws[7]])
            .replace('charset="utf-8"', 'charset="gb2312"')
            .encode("gb18030"),
        ),
        "d/lawrefbook.md": (laws[8], text[laws[8]].encode()),
    }
    out = {}
    for rel, (law, data) in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(data)
        out[rel] = law
    return out


# -- the Done-when walk ------------------------------------------------------------------------


def test_add_a_folder_of_every_format_then_search_align_docs_remove(tmp_path):
    """add of a folder with each format and encoding; the documents are found by search, aligned
    against a bundled one, listed by docs and list; remove takes them out of search."""
    home, src = tmp_path / "home", tmp_path / "src"
    made = mixed_folder(src)
    r = jd(home, "add", src)
    assert r.exit_code == 0, r.output
    added = [ln for ln in r.stdout.splitlines() if ln.startswith("added ")]
    assert len(added) == len(made)
    # each file's documents have exactly the articles LawRefBook's markup states
    entries = {
        Path(e["origin"]).relative_to(src.resolve()).as_posix(): e for e in manifest(home)["files"]
    }
    for rel, law in made.items():
        (doc,) = entries[rel]["documents"]
        assert doc["articles"] == EXPECTED[law]["articles"], rel
    formats = {e["format"] for e in entries.values()}
    assert formats == {"markdown", "text", "docx", "html"}
    encodings = {e["encoding"] for e in entries.values()}
    assert {"gb18030", "utf-16-le", "utf-16", "utf-8-sig", "utf-8"} <= encodings
    assert any(e and e.startswith("big5") for e in encodings)

    # the same law as the bundled beijing-tiaoli: its id clashes, gets the longer id naming its
    # subject and a message
    assert (
        "id beijing-tiaoli taken by 北京市街道办事处条例 (bundled): beijing-jiedaobanshichu-tiaoli"
        in r.stdout
    )
    assert entries["a/beijing.md"]["documents"][0]["id"] == "beijing-jiedaobanshichu-tiaoli"

    # docs: bundled + user, with corpus and source_file
    docs = json.loads(jd(home, "docs", "--format", "json").stdout)
    assert len(docs) == 6 + len(made)
    by_id = {d["id"]: d for d in docs}
    assert by_id["changchun"]["corpus"] == "bundled"
    assert by_id["beijing-jiedaobanshichu-tiaoli"]["corpus"] == "user"
    assert by_id["beijing-jiedaobanshichu-tiaoli"]["source_file"].startswith("files/")
    only_user = json.loads(jd(home, "--no-bundled", "docs", "--format", "json").stdout)
    assert {d["corpus"] for d in only_user} == {"user"} and len(only_user) == len(made)

    # search finds them; align them against a bundled document
    wenzhou = entries["a/wenzhou-gb18030.TXT"]["documents"][0]["id"]
    hits = json.loads(jd(home, "search", "烟花爆竹", "--format", "json", "--limit", "0").stdout)
    assert wenzhou in {h["doc"] for h in hits}
    links = json.loads(
        jd(
            home, "align", "beijing-tiaoli", "beijing-jiedaobanshichu-tiaoli", "--format", "json"
        ).stdout
    )
    verbatim = [x for x in links if x["label"] == "near-verbatim"]
    assert len(verbatim) >= 45 and all(x["a_article"] == x["b_article"] for x in verbatim)

    # list shows files, hashes and dates; remove takes a document out of search
    rows = json.loads(jd(home, "list", "--format", "json").stdout)
    assert len(rows) == len(made) and all(len(r["sha256"]) == 64 and r["added"] for r in rows)
    r = jd(home, "remove", wenzhou)
    assert r.exit_code == 0, r.output
    hits = json.loads(jd(home, "search", "烟花爆竹", "--format", "json", "--limit", "0").stdout)
    assert wenzhou not in {h["doc"] for h in hits}
    assert wenzhou not in user_ids(home)
    # a file removed by its original name
    r = jd(home, "remove", "page.html")
    assert r.exit_code == 0 and "removed files/" in r.stdout
    assert len(manifest(home)["files"]) == len(made) - 2
    assert len(list((home / "files").iterdir())) == len(made) - 2


def test_a_decision_without_articles_is_added_searched_and_shown_but_not_compared(tmp_path):
    """A 决定 drafted without 第…条 is added with the rest of its folder (a warning says how it
    was read): its paragraphs are searched and shown as 第N段; the comparison commands refuse
    it in one line that names it, and leave it out of what they compare."""
    home = tmp_path / "home"
    r = jd(home, "add", LAWREFBOOK)
    assert r.exit_code == 0, r.output
    assert not [ln for ln in r.stderr.splitlines() if ln.startswith("skipped ")]
    assert len(manifest(home)["files"]) == len(EXPECTED)
    line = next(ln for ln in r.stdout.splitlines() if DECISION in ln)
    assert "0 articles" in line and "read as 3 paragraphs" in line
    did = re.search(r"\((\S+)\), 0 articles", line).group(1)
    hits = json.loads(
        jd(home, "search", "人均耕地低于零点五亩", "--format", "json", "--limit", "0").stdout
    )
    mine = [h for h in hits if h["doc"] == did]
    assert [(h["article"], h["label"]) for h in mine] == [(2, "第2段")]
    text = jd(home, "search", "人均耕地低于零点五亩").stdout
    assert text.startswith(
        f"{len(hits)} {'paragraph matches' if len(hits) == 1 else 'articles and paragraphs match'} "
    )
    assert f"{did}:2" in text
    text = jd(home, "search", "网格").stdout
    assert re.match(r"\d+ of \d+ articles match '网格'", text), text[:80]
    shown = jd(home, "show", did, "2")
    assert shown.exit_code == 0 and "不提高耕地占用税的适用税额" in shown.stdout
    outline = jd(home, "show", did).stdout
    assert all(f"第{n}段" in outline for n in (1, 2, 3))
    rows = json.loads(jd(home, "export", "articles", "-", "--to", "json").stdout)
    assert not [r for r in rows if r["doc_id"] == did] and rows
    rows = json.loads(jd(home, "export", "articles", "-", "--to", "json", "--units").stdout)
    assert [r["label"] for r in rows if r["doc_id"] == did] == ["第1段", "第2段", "第3段"]
    for args in (["align", did, "wenzhou-guiding"], ["gaps", did], ["similar", f"{did}:1"]):
        r = jd(home, *args)
        assert r.exit_code == 1, (args, r.output)
        err = r.stderr.strip()
        assert "\n" not in err and did in err and "no articles" in err, err
    cov = json.loads(jd(home, "coverage", "--format", "json").stdout)
    assert cov and did not in {c["doc"] for c in cov}


def test_same_content_twice_is_not_duplicated_and_a_changed_file_replaces(tmp_path):
    """Adding again is 'unchanged'; the same bytes from another path are not stored twice; a file
    changed at the same path replaces its documents, which keep their ids."""
    home, src = tmp_path / "home", tmp_path / "src"
    src.mkdir()
    law = src / "law.md"
    law.write_bytes((LAWREFBOOK / WENZHOU).read_bytes())
    assert jd(home, "add", law).exit_code == 0
    before = (home / "corpus.json").read_bytes()
    r = jd(home, "add", law)
    assert r.exit_code == 0 and r.stdout.startswith("unchanged ")
    assert (home / "corpus.json").read_bytes() == before
    copy = src / "copy.md"
    copy.write_bytes(law.read_bytes())
    r = jd(home, "add", copy)
    assert r.exit_code == 1 and "same content as files/" in r.stderr
    assert (home / "corpus.json").read_bytes() == before
    (did,) = user_ids(home)
    law.write_text(
        law.read_text("utf-8").replace("第十二条 本规定", "第十二条 修改后的本规定"), "utf-8"
    )
    r = jd(home, "add", law)
    assert r.exit_code == 0 and r.stdout.startswith("replaced ")
    assert user_ids(home) == [did]
    assert len(list((home / "files").iterdir())) == 1
    hits = json.loads(jd(home, "search", "修改后的本规定", "--format", "json").stdout)
    assert [h["doc"] for h in hits] == [did]


def test_options_override_metadata_and_dry_run_stores_nothing(tmp_path):
    """--city --province --title --kind --status --date override what was parsed; --dry-run
    reports and writes nothing."""
    home = tmp_path / "home"
    law = LAWREFBOOK / WENZHOU
    r = jd(home, "add", law, "--dry-run")
    assert r.exit_code == 0 and r.stdout.startswith("(dry run) added ") and not home.exists()
    r = jd(home, "add", law, "--city", "温州", "--province", "浙江", "--title", "某规定",
           "--kind", "规定", "--status", "draft", "--date", "effective=2030-01-02",
           "--date", "adopted=2029-12-01")  # fmt: skip
    assert r.exit_code == 0, r.output
    (doc,) = json.loads(jd(home, "--no-bundled", "docs", "--format", "json").stdout)
    assert (doc["city"], doc["province"], doc["title"], doc["kind"], doc["status"]) == (
        "温州", "浙江", "某规定", "规定", "draft")  # fmt: skip
    assert (doc["effective"], doc["adopted"]) == ("2030-01-02", "2029-12-01")


@pytest.mark.parametrize(
    "args",
    [
        ["--date", "effective=2020-13-01"],
        ["--date", "born=2020-01-01"],
        # two different days for one kind (the last one won, silently)
        ["--date", "effective=2024-01-01", "--date", "effective=2025-01-01"],
        ["--status", "repealed"],
        ["--title", "x", str(LAWREFBOOK / BEIJING)],  # --title with two files
    ],
)
def test_usage_errors_exit_2(tmp_path, args):
    """A bad option is a usage error: exit status 2, and nothing written."""
    home = tmp_path / "home"
    r = jd(home, "add", LAWREFBOOK / WENZHOU, *args)
    assert r.exit_code == 2, r.output
    assert not home.exists()


def test_remove_errors(tmp_path):
    """remove of a bundled or unknown document: a one-line error, exit 1, nothing changed."""
    home = tmp_path / "home"
    assert jd(home, "add", LAWREFBOOK / WENZHOU).exit_code == 0
    before = snapshot(home)
    for name, msg in (
        ("changchun", "bundled document"),
        ("nothing-like-this", "no document or file"),
    ):
        r = jd(home, "remove", name)
        assert r.exit_code == 1 and msg in r.output and len(r.output.strip().splitlines()) == 1
    assert snapshot(home) == before


def test_a_name_given_twice_is_removed_once(tmp_path):
    """remove X X removes X (the second X was reported as no document or file, exit 1)."""
    home = tmp_path / "home"
    assert jd(home, "add", LAWREFBOOK / WENZHOU).exit_code == 0
    r = jd(home, "remove", WENZHOU, WENZHOU)
    assert r.exit_code == 0 and r.output.count("removed ") == 1, r.output
    assert jd(home, "list", "--format", "json").output.strip() == "[]"


def test_parse_reads_standard_input_in_any_format():
    """`parse -` reads bytes from standard input: a .docx or GB18030 text as well as UTF-8."""
    md = (LAWREFBOOK / WENZHOU).read_text("utf-8")
    for data in (md.encode(), md.encode("gb18030"), mk.numbered_docx(md)):
        r = CliRunner().invoke(main, ["parse", "-", "--format", "json"], input=data)
        assert r.exit_code == 0, r.output
        (doc,) = json.loads(r.stdout)["documents"]
        assert len(doc["articles"]) == 12


def test_parse_accepts_the_formats_of_add(tmp_path):
    """`parse FILE.docx` and an .htm page work (they were 'binary file' before)."""
    md = (LAWREFBOOK / WENZHOU).read_text("utf-8")
    (tmp_path / "law.docx").write_bytes(mk.plain_docx(md))
    (tmp_path / "law.HTM").write_text(mk.html_page(md), "utf-8")
    for name in ("law.docx", "law.HTM"):
        r = CliRunner().invoke(main, ["parse", str(tmp_path / name), "--format", "json"])
        assert r.exit_code == 0, r.output
        assert len(json.loads(r.stdout)["documents"][0]["articles"]) == 12


# -- Python API --------------------------------------------------------------------------------


def test_load_corpus_forms(tmp_path, monkeypatch):
    """load_corpus() is bundled + the default user corpus; load_corpus(DIR) that directory only;
    load_corpus(DIR, bundled=True) both."""
    from jdcorpus import load_corpus

    home = tmp_path / "home"
    assert jd(home, "add", LAWREFBOOK / WENZHOU).exit_code == 0
    monkeypatch.setenv("JDCORPUS_HOME", str(home))
    both = load_corpus()
    assert len(both) == 7 and both.origin(both.documents[-1]) == "user"
    assert [d.id for d in load_corpus(home)] == user_ids(home)
    assert len(load_corpus(home, bundled=True)) == 7
    monkeypatch.setenv("JDCORPUS_HOME", str(tmp_path / "nothing-here"))
    assert load_corpus().name == "bundled" and len(load_corpus()) == 6


def test_plain_folder_is_read_and_a_bad_file_does_not_abort_it(tmp_path):
    """A plain folder of texts (not made by add) is a corpus; files that cannot be read are
    skipped with a message, never aborting the rest."""
    from jdcorpus import load_corpus

    folder = tmp_path / "laws"
    folder.mkdir()
    for n in (BEIJING, WENZHOU, DECISION):
        (folder / "sub").mkdir(exist_ok=True)
        (folder / "sub" / n).write_bytes((LAWREFBOOK / n).read_bytes())
    (folder / "empty.txt").write_bytes(b"")
    (folder / "news.txt").write_text(NEWS, "utf-8")
    corpus = load_corpus(folder)
    assert len(corpus) == 3  # the decision too, read as paragraphs
    assert sorted(m.split(":")[0] for m in corpus.messages) == [
        "skipped empty.txt",
        "skipped news.txt",
    ]
    r = CliRunner().invoke(
        main, ["--corpus", str(folder), "--no-bundled", "search", "网格", "--count"]
    )
    assert r.exit_code == 0 and int(r.stdout) > 0
    r = jd(folder, "add", LAWREFBOOK / WENZHOU)
    assert r.exit_code == 1 and "folder of texts" in r.output


# -- bad input: one-line error, nothing changed -------------------------------------------------

NEWS = "本报讯 近日，某街道办事处召开居民议事会，传达学习《北京市街道办事处条例》第十条的规定。\n"


def _bad_files(d: Path) -> dict[str, str]:
    """Bad input files → the reason the message must give."""
    d.mkdir(parents=True, exist_ok=True)
    md = (LAWREFBOOK / WENZHOU).read_text("utf-8")
    body = mk._para("第一条 文字。") + "<w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>"
    files = {
        "empty.txt": (b"", "empty file"),
        "binary.txt": (bytes(range(256)) * 64, "binary file"),
        "image.txt": (b"\x89PNG\r\n\x1a\n" + bytes(300), "PNG image"),
        "photo.png": (b"\x89PNG\r\n\x1a\n" + bytes(300), "unknown file type"),
        "news.txt": (NEWS.encode(), "no articles"),
        "untitled.txt": ("一、甲乙丙丁。\n二、戊己庚辛。\n".encode(), "no titled instrument"),
        "scan.pdf": (b"%PDF-1.5\n" + bytes(100), "unknown file type"),
        "noise.txt": (bytes(range(128, 256)) * 40, "undecodable"),
        "gb.txt": (md.encode("gb18030"), "not utf-8"),  # with --encoding utf-8 only
        "notzip.docx": (b"PK" + md.encode(), "not a zip archive"),
        "laughs.docx": (
            mk.docx_bytes(mk.document_xml(body, mk.BILLION_LAUGHS)),
            "DTD or XML entities",
        ),
        "xxe.docx": (
            mk.docx_bytes(mk.document_xml(body.replace("lol9", "xxe"), mk.EXTERNAL_ENTITY)),
            "DTD or XML entities",
        ),
        "script.html": (
            b"<html><body><script>document.write('\xe7\xac\xac\xe4\xb8\x80\xe6\x9d\xa1 x')</script></body></html>",
            "the page has no text",
        ),
    }
    out = {}
    for name, (data, reason) in files.items():
        (d / name).write_bytes(data)
        out[name] = reason
    with open(d / "big.txt", "wb") as f:
        f.truncate(21 * 1024 * 1024)
    out["big.txt"] = "too large"
    mk.zip_bomb(d / "bomb.docx", 70 << 20)
    out["bomb.docx"] = "zip bomb"
    return out


@pytest.fixture(scope="module")
def bad_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("bad")
    return d, _bad_files(d)


@pytest.mark.parametrize("prefilled", [False, True], ids=["new corpus", "corpus with a document"])
def test_bad_inputs_change_nothing(tmp_path, bad_dir, prefilled):
    """Each bad file: exit 1, one line naming the file and the reason, and the corpus directory
    and the search index byte for byte as before."""
    d, reasons = bad_dir
    home = tmp_path / "home"
    if prefilled:
        assert jd(home, "add", LAWREFBOOK / WENZHOU).exit_code == 0
    jd(home, "search", "网格")  # the index exists
    before = snapshot(home, cache())
    for name, reason in reasons.items():
        extra = ["--encoding", "utf-8"] if name == "gb.txt" else []
        r = jd(home, "add", d / name, *extra)
        assert r.exit_code == 1, (name, r.output)
        lines = r.output.strip().splitlines()
        assert len(lines) == 1, (name, r.output)
        assert lines[0].startswith(f"skipped {d / name}: ") and reason in lines[0], lines[0]
        assert "Traceback" not in r.output
        assert snapshot(home, cache()) == before, name
    # the whole folder at once: every file reported (.png and .pdf are not looked at in a
    # folder, only counted), nothing written
    r = jd(home, "add", d, "--encoding", "utf-8")
    assert r.exit_code == 1
    assert sum(ln.startswith("skipped ") for ln in r.stderr.splitlines()) == len(reasons) - 2
    assert "2 of other types ignored" in r.stderr
    assert snapshot(home, cache()) == before


# -- crashes ------------------------------------------------------------------------------------

KILLABLE = """
import sys, time
import jdcorpus.store as store
real = store._write_file
pause = sys.argv[1]

def write(path, data, **kw):
    if path.name == "corpus.json" and pause == "before":
        print("PAUSED", flush=True); time.sleep(60)
    real(path, data, **kw)
    if path.name == "corpus.json" and pause == "after":
        print("PAUSED", flush=True); time.sleep(60)

store._write_file = write
from jdcorpus.cli import main
main(sys.argv[2:])
"""


def _killed_add(home: Path, paths, pause: str) -> None:
    """Run `jdcorpus add` in a subprocess and kill -9 it at the pause point."""
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLABLE, pause, "--corpus", str(home), "add", *map(str, paths)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    for line in proc.stdout:
        if line.startswith("PAUSED"):
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read()


def assert_consistent(home: Path) -> list[str]:
    """The manifest names only complete files with the right hash; the corpus loads exactly the
    manifest's documents; the search index agrees. Returns the document ids."""
    from jdcorpus import load_corpus
    from jdcorpus.index import search

    m = manifest(home) if (home / "corpus.json").exists() else {"files": []}
    for e in m["files"]:
        assert hashlib.sha256((home / e["file"]).read_bytes()).hexdigest() == e["sha256"]
    ids = [d["id"] for e in m["files"] for d in e["documents"]]
    corpus = load_corpus(home)
    assert [d.id for d in corpus] == ids
    if ids:
        found = {h.doc for h in search(corpus, "本", limit=None)}
        assert found == set(ids)
    return ids


@pytest.mark.parametrize("pause", ["before", "after"])
def test_kill_9_during_add_leaves_a_consistent_corpus(tmp_path, pause):
    """kill -9 just before the manifest is replaced leaves the corpus as it was; just after, fully
    added; either way it loads, the index agrees, and the next add sweeps any leftover."""
    home = tmp_path / "home"
    assert jd(home, "add", LAWREFBOOK / WENZHOU).exit_code == 0
    assert_consistent(home)
    before = (home / "corpus.json").read_bytes()
    laws = [LAWREFBOOK / n for n in sorted(EXPECTED) if EXPECTED[n] and n != WENZHOU][:4]
    _killed_add(home, laws, pause)
    ids = assert_consistent(home)
    if pause == "before":
        assert (home / "corpus.json").read_bytes() == before and len(ids) == 1
    else:
        assert len(ids) == 5
    r = jd(home, "add", *laws)
    assert r.exit_code == 0, r.output
    ids = assert_consistent(home)
    assert len(ids) == 5
    named = {e["file"] for e in manifest(home)["files"]}
    assert {f"files/{p.name}" for p in (home / "files").iterdir()} == named
    assert not [p for p in home.iterdir() if p.name.endswith(".tmp")]


def test_kill_9_at_random_moments_of_a_folder_add(tmp_path):
    """A folder add killed at several moments: after each kill the corpus is consistent (all of
    the folder or none of it), and a last add completes it."""
    home = tmp_path / "home"
    src = tmp_path / "src"
    mixed_folder(src)
    outcomes = set()
    for delay in (0.3, 0.8, 1.5, 2.5, 4.0):
        proc = subprocess.Popen(
            [sys.executable, "-m", "jdcorpus", "--corpus", str(home), "add", str(src)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        n = len(assert_consistent(home))
        assert n in (0, 11), (delay, n)
        outcomes.add(n)
        if n:
            break
    r = jd(home, "add", src)
    assert r.exit_code == 0, r.output
    assert len(assert_consistent(home)) == 11


def test_a_corpus_loads_what_add_parsed_without_parsing_again(tmp_path, monkeypatch):
    """After add, loading the corpus reads the parsed documents add cached: no file is parsed
    again, and no document is renamed."""
    import jdcorpus.store as store
    from jdcorpus import load_corpus

    home = tmp_path / "home"
    assert jd(home, "add", LAWREFBOOK / BEIJING, LAWREFBOOK / WENZHOU).exit_code == 0

    def no(*a, **k):
        raise AssertionError("parsed again")

    monkeypatch.setattr(store, "_parse_uncached", no)
    monkeypatch.setattr(store, "with_id", no)
    corpus = load_corpus(home)
    assert (
        [d.id for d in corpus]
        == user_ids(home)
        == ["beijing-jiedaobanshichu-tiaoli", "wenzhou-guiding"]
    )
    assert all(d.source_file.startswith("files/") for d in corpus)


def test_units_pickle_by_their_fields():
    """Every unit of the bundled corpus survives a pickle round trip unchanged (source text too)."""
    import pickle

    from jdcorpus import load_corpus

    docs = list(load_corpus(user=False, cache=False).documents)
    back = pickle.loads(pickle.dumps(docs))
    assert back == docs
    assert [d.source_text for d in back] == [d.source_text for d in docs]


def test_add_and_remove_hand_the_index_an_incremental_update(tmp_path, monkeypatch):
    """After a commit, add and remove call index.update_index with only the documents added
    (parsed) and the ids removed, on a corpus with the ids and the index key (fingerprint) of
    the corpus as loaded: what an update without a rebuild needs."""
    import jdcorpus.index as index
    from jdcorpus import load_corpus

    calls = []

    def update_index(corpus, *, added=None, removed=None, progress=None):
        calls.append((corpus, list(added or ()), list(removed or ())))

    monkeypatch.setattr(index, "update_index", update_index, raising=False)
    home = tmp_path / "home"
    assert jd(home, "add", LAWREFBOOK / BEIJING).exit_code == 0
    assert jd(home, "add", LAWREFBOOK / WENZHOU).exit_code == 0
    corpus, added, removed = calls[-1]
    real = load_corpus(home, bundled=True)
    assert [d.id for d in corpus] == [d.id for d in real]
    assert (corpus.name, corpus.fingerprint) == (real.name, real.fingerprint)
    assert [d.id for d in added] == ["wenzhou-guiding"] and removed == []
    assert added[0].articles == real.get("wenzhou-guiding").articles
    assert jd(home, "remove", "wenzhou-guiding").exit_code == 0
    corpus, added, removed = calls[-1]
    assert (added, removed) == ([], ["wenzhou-guiding"])
    assert [d.id for d in corpus] == [d.id for d in load_corpus(home, bundled=True)]
    # nothing committed, nothing to update
    n = len(calls)
    news = tmp_path / "news.txt"
    news.write_text(NEWS, "utf-8")
    assert jd(home, "add", news).exit_code == 1
    assert len(calls) == n


def test_adding_one_file_to_an_indexed_corpus_does_not_rebuild(tmp_path, monkeypatch):
    """With incremental index updates (index.update_index), adding one file to an indexed corpus
    writes no full build, and search gives the hits a rebuild gives."""
    import jdcorpus.index as index

    if not hasattr(index, "update_index"):
        pytest.skip("jdcorpus.index has no incremental update yet (issue 10)")
    import jdcorpus.index.store as index_store

    home = tmp_path / "home"
    laws = [LAWREFBOOK / n for n in sorted(EXPECTED) if EXPECTED[n] and n != WENZHOU]
    assert jd(home, "add", *laws).exit_code == 0
    jd(home, "search", "本")  # the index is built
    real_write = index_store._write

    def no_rebuild(*a, **k):
        raise AssertionError("a full build")

    monkeypatch.setattr(index_store, "_write", no_rebuild)
    assert jd(home, "add", LAWREFBOOK / WENZHOU).exit_code == 0
    hits = json.loads(jd(home, "search", "烟花爆竹", "--format", "json", "--limit", "0").stdout)
    monkeypatch.setattr(index_store, "_write", real_write)
    assert "wenzhou-guiding" in {h["doc"] for h in hits}
    jd(home, "index", "build")
    again = json.loads(jd(home, "search", "烟花爆竹", "--format", "json", "--limit", "0").stdout)
    assert {(h["doc"], h["article"]) for h in hits} == {(h["doc"], h["article"]) for h in again}


def test_search_on_a_built_index_parses_nothing(tmp_path, monkeypatch):
    """Once the index of bundled + user corpus is built, `search` finds it by the raw files'
    fingerprint and loads no document, from either selection (with and without --no-bundled)."""
    import jdcorpus.corpus as corpus_mod

    home = tmp_path / "home"
    assert jd(home, "add", LAWREFBOOK / WENZHOU).exit_code == 0
    counts = {}
    for extra in ([], ["--no-bundled"]):
        first = jd(home, *extra, "search", "烟花爆竹", "--count")
        assert first.exit_code == 0 and int(first.stdout) > 0
        counts[tuple(extra)] = first.stdout

    def no(*a, **k):
        raise AssertionError("the corpus was loaded")

    monkeypatch.setattr(corpus_mod, "_load_spec", no)
    for extra in ([], ["--no-bundled"]):
        again = CliRunner().invoke(
            main, ["--corpus", str(home), *extra, "search", "烟花爆竹", "--count"]
        )
        assert again.exit_code == 0, again.output
        assert again.stdout == counts[tuple(extra)]


def test_glob_chooses_the_files_of_a_folder(tmp_path):
    """--glob keeps only the matching files of a folder (by name or by path in the folder)."""
    home, src = tmp_path / "home", tmp_path / "src"
    mixed_folder(src)
    r = jd(home, "add", src, "--glob", "*.docx")
    assert r.exit_code == 0, r.output
    assert sorted(e["name"] for e in manifest(home)["files"]) == ["numbered.docx", "plain.docx"]
    r = jd(home, "add", src, "--glob", "d/*")
    assert r.exit_code == 0, r.output
    assert len(manifest(home)["files"]) == 5


def test_a_plain_folder_with_the_bundled_corpus_renames_a_clash_and_says_so(tmp_path):
    """A folder document whose id a bundled document has gets the longer id naming its subject
    and a message."""
    from jdcorpus import load_corpus

    folder = tmp_path / "laws"
    folder.mkdir()
    (folder / BEIJING).write_bytes((LAWREFBOOK / BEIJING).read_bytes())
    corpus = load_corpus(folder, bundled=True)
    assert [d.id for d in corpus][-1] == "beijing-jiedaobanshichu-tiaoli"
    assert corpus.origin("beijing-tiaoli") == "bundled"
    assert corpus.origin("beijing-jiedaobanshichu-tiaoli") == "user"
    assert any("beijing-tiaoli" in m and "taken" in m for m in corpus.messages)


def test_with_id_renames_every_article_and_changes_nothing_else():
    """The quick copy of ``with_id`` equals ``dataclasses.replace`` field for field."""
    import dataclasses

    from jdcorpus import load_corpus
    from jdcorpus.store import with_id

    for d in load_corpus(user=False).documents:
        n = with_id(d, "renamed")
        assert n.id == "renamed"
        assert n.articles == tuple(dataclasses.replace(a, doc_id="renamed") for a in d.articles)
        assert dataclasses.replace(n, id=d.id, articles=d.articles) == d


def test_documents_of_one_place_and_kind_get_ids_naming_their_subject(tmp_path):
    """In a collection most regulations share a city and a kind with another: the first keeps
    the short id (``wenhai-tiaoli``), the others get ids that name their subject rather than a
    number, the same in a plain folder and in ``add``; two subjects that open alike get more of
    their subject; only the same title twice is numbered."""
    from jdcorpus import load_corpus

    src = tmp_path / "src"
    src.mkdir()
    titles = [
        "文海市物业管理条例",
        "文海市人民代表大会常务委员会规范性文件备案审查条例",
        "文海市养犬管理条例",
        "文海市养犬管理条例",
        "江西省河道管理条例",
        "江西省实施《中华人民共和国水法》办法",
        "中华人民共和国人民警察使用警械和武器条例",
        "中华人民共和国人民警察警衔条例",
        "文海市促进浦东新区保税维修业务发展若干规定",
        "文海市促进浦东新区商事调解规定",
        "文海市促进浦东新区运用区块链赋能电子单证应用若干规定",
    ]
    for i, t in enumerate(titles):
        body = "\n".join(f"第{n}条 本条例第{n}条的内容{t}（{i}）。" for n in "一二三")
        (src / f"{i:02d}.txt").write_text(f"{t}\n\n{body}\n", "utf-8")
    want = [
        "wenhai-tiaoli",
        "wenhai-guifanxingwenjianbei-tiaoli",
        "wenhai-yangquanguanli-tiaoli",
        "wenhai-yangquanguanli-tiaoli-2",
        "jiangxi-tiaoli",
        "jiangxi-banfa",
        "renminjingcha-tiaoli",
        "renminjingchajingxian-tiaoli",
        "wenhai-guiding",
        "wenhai-cujinpudongxinqu-guiding",
        # two subjects that open alike: the second says more of itself
        "wenhai-cujinpudongxinquyunyongqukuailianfu-guiding",
    ]
    corpus = load_corpus(src)
    assert [(d.title, d.id) for d in corpus] == list(zip(titles, want, strict=True))
    home = tmp_path / "home"
    r = jd(home, "add", *[src / f"{i:02d}.txt" for i in range(len(titles))])
    assert r.exit_code == 0, r.output
    assert user_ids(home) == want
    assert (
        "id wenhai-tiaoli taken by 文海市物业管理条例 (user): wenhai-yangquanguanli-tiaoli"
        in r.stdout
    )


def test_a_name_matching_none_or_many_of_a_collection_lists_ten():
    """In a collection of a thousand documents, a name that matches none or many gets one line
    that lists ten ids and says how many more, not every id of the corpus."""
    from jdcorpus._lookup import DocumentRef, resolve_document
    from jdcorpus.errors import AmbiguousDocument, UnknownDocument

    docs = [DocumentRef(f"wenhai-tiaoli-{n}", f"文海市第{n}条例", "文海") for n in range(1000)]
    with pytest.raises(UnknownDocument) as e:
        resolve_document("nosuch", docs)
    msg = str(e.value)
    assert "\n" not in msg and msg.count("wenhai-tiaoli-") == 10 and "… and 990 more" in msg
    with pytest.raises(AmbiguousDocument) as e:
        resolve_document("条例", docs + [DocumentRef("x", "某条例", None)])
    msg = str(e.value)
    assert "names 1001 documents" in msg and msg.count("(文海市") == 10 and "and 991 more" in msg


def test_a_file_of_many_instruments_is_still_one_readable_line():
    """A file holding hundreds of instruments (a collection pasted into one file) reports on one
    line of bounded length: the first ids and notes, and how many more there are."""
    from jdcorpus.store import LINE_IDS, LINE_NOTES, FileResult

    docs = [{"id": f"doc-{k}", "title": "t", "articles": 2} for k in range(300)]
    notes = [f"article number repeated: 第{k}条" for k in range(900)]
    line = FileResult("big.txt", "added", documents=docs, warnings=notes).line()
    assert "\n" not in line and len(line) < 1000
    assert line.startswith("added big.txt: 300 documents (doc-0, doc-1,")
    assert f"… {300 - LINE_IDS} more), 600 articles; 900 warnings:" in line
    assert line.endswith(f"… {900 - LINE_NOTES} more")
    few = FileResult("a.txt", "added", documents=docs[:2], warnings=notes[:2]).line()
    assert few == (
        "added a.txt: 2 documents (doc-0, doc-1), 4 articles; 2 warnings: "
        "article number repeated: 第0条 | article number repeated: 第1条"
    )


def test_ctrl_c_while_the_index_follows_still_reports_the_change(tmp_path, monkeypatch):
    """Ctrl-C after the commit, while the search index follows an add or a remove: the lines
    say what was added or removed, then one line says the corpus has the change and the next
    search updates the index (exit 1) — never a bare "Aborted!" over a change that was made."""
    import jdcorpus.corpus

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(jdcorpus.corpus, "follow_index", interrupted)
    home = tmp_path / "corpus"
    r = jd(home, "add", LAWREFBOOK / WENZHOU)
    assert r.exit_code == 1, r.output
    assert r.stdout.startswith(f"added {LAWREFBOOK / WENZHOU}: 1 document")
    assert r.stderr.startswith("Aborted! (while updating the search index: the corpus has")
    (row,) = json.loads(jd(home, "list", "--format", "json").stdout)
    monkeypatch.undo()
    hits = json.loads(jd(home, "search", "烟花爆竹", "--format", "json").stdout)
    assert "wenzhou-guiding" in {h["doc"] for h in hits}  # the search brought the index up
    monkeypatch.setattr(jdcorpus.corpus, "follow_index", interrupted)
    r = jd(home, "remove", row["name"])
    assert r.exit_code == 1 and r.stdout.startswith("removed"), r.output
    assert "the next search brings the index up to date" in r.stderr
    assert json.loads(jd(home, "list", "--format", "json").stdout) == []
