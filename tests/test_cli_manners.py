"""The CLI reads like a well-made Unix tool (issue 14): quiet on a closed pipe, numbers checked,
article labels in every form, tables that fit the terminal, ``python -m jdcorpus``."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from jdcorpus.cli import main
from jdcorpus.render import views
from jdcorpus.render.text import display_width


def _invoke(*args: str, **kw):
    result = CliRunner().invoke(main, list(args), **kw)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def _run(*args: str, env: dict | None = None, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "jdcorpus", *args],
        capture_output=True,
        timeout=120,
        env={**os.environ, **(env or {})},
        **kw,
    )


# -- a closed pipe ---------------------------------------------------------------------------


@pytest.mark.skipif(os.name != "posix", reason="POSIX pipes")
@pytest.mark.parametrize(
    "args",
    [
        ["docs"],
        ["align", "长春", "呼和浩特"],
        ["search", "网格"],
        ["show", "长春"],
        ["export", "articles", "-", "--to", "csv"],
        ["diff", "长春:27", "呼和浩特:24", "--html", "-"],
        ["--help"],
        ["search", "--help"],
    ],
    ids=lambda a: " ".join(a),
)
def test_closed_pipe_exits_quietly(args):
    """A reader that is gone before the output is written (``| head -0``): exit code 0 and
    nothing on stderr, as Unix tools do (click alone exits 1, older code printed an error)."""
    read, write = os.pipe()
    os.close(read)
    try:
        r = subprocess.run(
            [sys.executable, "-m", "jdcorpus", *args],
            stdout=write,
            stderr=subprocess.PIPE,
            timeout=120,
        )
    finally:
        os.close(write)
    assert (r.returncode, r.stderr.decode()) == (0, "")


@pytest.mark.skipif(os.name != "posix", reason="POSIX pipes")
def test_head_keeps_the_first_lines_and_exit_code_zero():
    """``jdcorpus export articles - --to csv | head -2``: two lines, both commands exit 0."""
    r = subprocess.run(
        f"{sys.executable} -m jdcorpus export articles - --to csv | head -2; "
        'echo "${PIPESTATUS[0]}"',
        shell=True,
        executable="/bin/bash",
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = r.stdout.splitlines()
    assert lines[0].startswith("doc_id,") and lines[-1] == "0", r.stdout + r.stderr
    assert len(lines) == 3 and r.stderr == ""


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize(
    "args, where",
    [
        (["docs"], "standard output"),
        (["parse", "{file}", "--format", "json"], "standard output"),
        (["export", "document", "changchun", "/dev/full", "--to", "json"], "file"),
    ],
    ids=["docs", "parse", "export"],
)
def test_a_full_disk_is_one_line_and_exit_code_one(args, where, tmp_path):
    """Output that cannot be written (standard output or a file on a full device): one line
    naming what failed and exit code 1, no traceback, nothing more at exit."""
    law = tmp_path / "law.txt"
    law.write_text("某条例\n第一条 为了规范，制定本条例。\n", "utf-8")
    args = [a.replace("{file}", str(law)) for a in args]
    with open("/dev/full", "w") as full:
        r = subprocess.run(
            [sys.executable, "-m", "jdcorpus", *args],
            stdout=full,
            stderr=subprocess.PIPE,
            timeout=120,
            text=True,
        )
    assert r.returncode == 1, r.stderr
    assert len(r.stderr.splitlines()) == 1 and "No space left on device" in r.stderr, r.stderr
    if where == "file":
        assert r.stderr.startswith("Error: /dev/full: ")


def test_an_encoding_that_is_no_text_encoding_is_a_one_line_error(tmp_path):
    """``--encoding rot13`` (a codec, not a text encoding) names the file and the encoding."""
    law = tmp_path / "law.txt"
    law.write_text("某条例\n第一条 为了规范，制定本条例。\n", "utf-8")
    r = _invoke("parse", str(law), "--encoding", "rot13")
    assert r.exit_code == 1
    assert r.output.strip() == f"Error: {law}: 'rot13' is not a text encoding"


# -- numbers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["diff", "长春:27", "呼和浩特:24", "--width", "-5"],
        ["diff", "长春:27", "呼和浩特:24", "--width", "0"],
        ["diff", "长春:27", "呼和浩特:24", "--width", "abc"],
        ["search", "网格", "--limit", "-1"],
        ["search", "网格", "--limit", "1e3"],
        ["gaps", "苏州", "--min-docs", "0"],
        ["gaps", "苏州", "--min-docs", "-3"],
    ],
    ids=lambda a: " ".join(a[-2:]),
)
def test_numeric_options_are_checked(args):
    """A number out of range or not a number is a usage error (exit 2) naming the option."""
    r = _invoke(*args)
    assert r.exit_code == 2, r.output
    assert f"'{args[-2]}'" in r.output and "Traceback" not in r.output


def test_every_numeric_option_has_a_range():
    """Every integer option of every command is a click.IntRange with a lower bound."""
    import click

    def walk(cmd, path=()):
        yield path, cmd
        for name, sub in getattr(cmd, "commands", {}).items():
            yield from walk(sub, (*path, name))

    loose = [
        f"{' '.join(path)} {p.name}"
        for path, cmd in walk(main)
        for p in cmd.params
        if isinstance(p.type, click.types.IntParamType | click.types.FloatParamType)
        and not (isinstance(p.type, click.types._NumberRangeBase) and p.type.min is not None)
    ]
    assert loose == []


@pytest.mark.parametrize("width", [35, 60, 100])
def test_diff_width_is_honoured(width):
    """``diff --width N``: no line is wider than N columns (the summary and legend wrap, the
    titles are cut); the summary is all there."""
    r = _invoke("diff", "长春:8", "beijing-tiaoli:10", "--width", str(width))
    assert r.exit_code == 0, r.output
    assert max(display_width(line) for line in r.output.splitlines()) <= width
    assert "".join(r.output.split()).count("图例") == 1


def test_gaps_says_draft_only_for_drafts():
    """``gaps 长春`` (in force) never calls it 草案 (it once did); ``gaps 苏州`` (a draft) does."""
    in_force = _invoke("gaps", "长春")
    assert in_force.exit_code == 0
    assert "草案" not in in_force.output and "本文件条文" in in_force.output
    draft = _invoke("gaps", "苏州")
    assert "草案比较" in draft.output and "草案条文" in draft.output


# -- article labels --------------------------------------------------------------------------


@pytest.mark.parametrize("label", ["8", "第八条", "八", "第8条", "第 8 条", "８", "第八條"])
def test_show_accepts_every_label_form(label):
    """``show 长春 第八条``, ``show 长春 八`` … all print 第八条 (once "not a valid integer")."""
    r = _invoke("show", "长春", label, "--format", "json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["label"] == "第八条"


@pytest.mark.parametrize(
    "a, b",
    [
        ("长春:27", "呼和浩特:24"),
        ("长春:第二十七条", "呼和浩特:第二十四条"),
        ("长春:二十七", "呼和浩特:二十四"),
        ("changchun：27", "hohhot:第24条"),
    ],
)
def test_diff_accepts_every_label_form(a, b):
    """``diff`` names articles in the same forms as ``show``: the same diff every time."""
    r = _invoke("diff", a, b, "--format", "json")
    assert r.exit_code == 0, r.output
    expected = _invoke("diff", "长春:27", "呼和浩特:24", "--format", "json").output
    assert r.output == expected


@pytest.mark.parametrize(
    "args, message",
    [
        (["show", "长春", "第八"], "not an article number"),
        (["show", "长春", "abc"], "not an article number"),
        (["show", "长春", "九十九"], "no article 99"),
        (["diff", "长春:abc", "呼和浩特:24"], "not an article number"),
        (["diff", "长春", "呼和浩特:24"], "DOC:ARTICLE"),
    ],
)
def test_bad_article_labels_are_one_line_errors(args, message):
    """A label that is no article number, or names none, is a one-line error."""
    r = _invoke(*args)
    assert r.exit_code in (1, 2)
    assert message in r.output and len(r.output.strip().splitlines()) == 1


# -- show --original for a whole document ------------------------------------------------------


def test_show_original_without_article_prints_the_whole_source(bundled):
    """``show DOC --original`` (no ARTICLE) prints the document as written in its source, not
    the outline: traditional script stays traditional, every article label is there."""
    r = _invoke("show", "通化", "--original")
    assert r.exit_code == 0
    outline = _invoke("show", "通化").output
    assert r.output != outline
    doc = bundled.get("tonghua")
    assert r.output.rstrip("\n") == doc.source(doc.start, doc.end).rstrip("\n")
    assert "第十三條" in r.output and "第四十五條" in r.output


# -- docs --------------------------------------------------------------------------------------


@pytest.mark.parametrize("width", [60, 80, 100, 120, 160, 200])
def test_docs_table_fits_and_never_cuts_ids_or_dates(bundled, width):
    """At any terminal width from 60 columns, ``docs`` fits the width; ids and dates are never
    cut (titles give way, then less needed columns are left out, with a note naming them)."""
    text = views.render_documents(bundled, "table", width=width)
    lines = text.splitlines()
    assert max(display_width(line) for line in lines) <= width
    header = lines[0].split()
    assert "id" in header and "title" in header and "effective" in header
    rows = lines[2 : 2 + len(bundled.documents)]
    for d, line in zip(bundled.documents, rows, strict=True):
        assert line.startswith(d.id + " ")
        for field in ("adopted", "approved", "effective"):
            if field in header and getattr(d, field):
                assert getattr(d, field) in line
    assert "…" not in "".join(line.split("  ")[0] for line in rows)
    if width >= 160:
        assert len(header) == 12 and "…" not in text


def test_docs_follows_columns_env():
    """``COLUMNS=80 jdcorpus docs`` fits 80 columns (a pipe without COLUMNS gets 160)."""
    r = _invoke("docs", env={"COLUMNS": "80"})
    assert max(display_width(line) for line in r.output.splitlines()) <= 80
    assert "beijing-tiaoli" in r.output and "beijing-zhize" in r.output
    wide = _invoke("docs", env={"COLUMNS": ""})
    assert len(wide.output.splitlines()[0].split()) == 12


# -- python -m jdcorpus ------------------------------------------------------------------------


def test_python_m_jdcorpus_runs_commands():
    """``python -m jdcorpus docs --format json`` works like the console script, and a usage
    error is one line that names the argument and the program ``jdcorpus`` (click printed a
    four-line usage block)."""
    r = _run("docs", "--format", "json")
    assert r.returncode == 0, r.stderr
    assert len(json.loads(r.stdout)) == 6
    bad = _run("show")
    assert bad.returncode == 2, bad.stderr
    assert bad.stderr.decode() == "Error: Missing argument 'DOC'. (see 'jdcorpus show --help')\n"


@pytest.mark.skipif(os.name != "posix", reason="POSIX signals")
def test_ctrl_c_while_adding_many_files_is_aborted_cleanly(tmp_path):
    """Ctrl-C (to the whole process group, as a terminal sends it) while a folder is parsed in
    worker processes: click's "Aborted!", exit code 1, no
    traceback from the pool's thread (workers killed by the signal broke it), and the corpus
    still lists what it held (here nothing: the files are stored after parsing)."""
    import signal
    import time

    folder = tmp_path / "laws"
    folder.mkdir()
    body = "".join(
        f"第{i}条 为了规范第{i}项管理工作，根据有关法律，结合本市实际，制定本条。\n"
        for i in range(1, 400)
    )
    for k in range(300):
        (folder / f"{k:03d}.txt").write_text(f"某市第{k}号管理条例\n{body}", "utf-8")
    env = {**os.environ, "JDCORPUS_CACHE_DIR": str(tmp_path / "cache")}
    corpus = tmp_path / "corpus"
    proc = subprocess.Popen(
        [sys.executable, "-m", "jdcorpus", "--corpus", str(corpus), "add", str(folder)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        start_new_session=True,
    )  # fmt: skip
    time.sleep(2.5)
    os.killpg(proc.pid, signal.SIGINT)  # as a terminal's Ctrl-C: the whole process group
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 1, (out, err)
    assert err.rstrip().endswith("Aborted!") and "Traceback" not in err, err
    listed = _run(
        "--corpus", str(corpus), "list", env={"JDCORPUS_CACHE_DIR": str(tmp_path / "cache")}
    )
    assert listed.returncode == 0, listed.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX FIFOs and symlinks")
def test_a_plain_folder_with_a_fifo_or_broken_links_still_works(tmp_path, bundled):
    """A FIFO named like a regulation (it hung every command on reading it), a symlink loop and
    a dangling link (they failed every command) in a plain folder corpus: what is no regular file
    is left out, the regulations are searched."""
    folder = tmp_path / "laws"
    folder.mkdir()
    (folder / "changchun.txt").write_text(bundled.get("changchun").source_text, "utf-8")
    os.mkfifo(folder / "fifo.txt")
    (folder / "loopa.txt").symlink_to("loopb")
    (folder / "loopb").symlink_to("loopa.txt")
    (folder / "dangling.txt").symlink_to("nowhere.txt")
    r = _run(
        "--corpus", str(folder), "--no-bundled", "search", "网格", "--count",
        env={"JDCORPUS_CACHE_DIR": str(tmp_path / "cache")},
    )  # fmt: skip
    assert (r.returncode, r.stderr.decode()) == (0, "")
    assert int(r.stdout) > 0


@pytest.mark.parametrize(
    "args, named",
    [
        (["add", ""], "'PATHS...': an empty path"),  # it added the current directory
        (["--corpus", "", "docs"], "'--corpus': an empty path"),  # it fell back to the default
        (["diff", "长春:27", "呼和浩特:24", "--html", ""], "'--html': an empty path"),  # ignored
        (["report", "suzhou", "--against", ",", "-o", "{out}"], "'--against': names no document"),
        (["search", "网格", "--nope"], "No such option '--nope'"),
        (["show"], "Missing argument 'DOC'"),
        (["show", "长春", "8", "--original", "--format", "json"], "--original prints the source"),
    ],
    ids=[
        "add-empty",
        "corpus-empty",
        "html-empty",
        "against-empty",
        "unknown-option",
        "missing",
        "original-format",
    ],  # fmt: skip
)
def test_usage_errors_are_one_line_naming_the_argument(args, named, tmp_path):
    """A usage error is one line naming the argument, exit code 2; an empty path or an empty
    --against is one (they read the current directory, fell back to a default, were ignored or
    overwrote a report with one against every document), and --format with --original (it was
    ignored); the file named is left alone."""
    out = tmp_path / "keep.html"
    out.write_text("keep", "utf-8")
    args = [a.replace("{out}", str(out)) for a in args]
    r = _run(*args, env={"JDCORPUS_HOME": str(tmp_path / "home")})
    err = r.stderr.decode()
    assert r.returncode == 2 and len(err.splitlines()) == 1 and named in err, err
    assert out.read_text("utf-8") == "keep"


def test_a_bad_corpus_from_the_environment_names_the_variable(tmp_path):
    """JDCORPUS_HOME naming a file: the one-line error names the variable, not only --corpus."""
    afile = tmp_path / "afile"
    afile.write_text("", "utf-8")
    r = _run("docs", env={"JDCORPUS_HOME": str(afile)})
    err = r.stderr.decode()
    assert r.returncode == 2 and len(err.splitlines()) == 1 and "(from $JDCORPUS_HOME)" in err, err
    r = _run("--corpus", str(afile), "docs")
    assert r.returncode == 2 and "JDCORPUS_HOME" not in r.stderr.decode()


@pytest.mark.skipif(os.name != "posix", reason="POSIX file descriptors")
def test_a_closed_standard_output_is_an_error():
    """``jdcorpus docs >&-``: nothing can be written, so the command says so and exits 1 (it
    exited 0 with its output lost)."""
    r = subprocess.run(
        [sys.executable, "-m", "jdcorpus", "docs"], stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, timeout=120, close_fds=True,
        preexec_fn=lambda: os.close(1),
    )  # fmt: skip
    assert (r.returncode, r.stderr.decode()) == (1, "Error: standard output is closed\n")
