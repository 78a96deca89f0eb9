"""Writing the files a user names (issue 14): what the path points to is written, never replaced.

A symlink stays a link and its target gets the data; a FIFO stays a FIFO and its reader gets the
data; a replaced file keeps its mode and a new one honours the umask; ``-`` is standard output for
every command that writes a file; an error names the path as the user gave it.
"""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from jdcorpus import _cache
from jdcorpus.cli import main
from jdcorpus.errors import OutputError

posix_only = pytest.mark.skipif(os.name != "posix", reason="symlinks, FIFOs and umask are POSIX")


def _invoke(*args: str):
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


@pytest.fixture
def umask():
    """Set a umask for one test and restore the old one afterwards."""
    old = os.umask(0o022)
    os.umask(old)

    def set_(mask: int) -> None:
        os.umask(mask)

    yield set_
    os.umask(old)


# -- the library: jdcorpus._cache.output / atomic_write ---------------------------------------


@posix_only
def test_symlink_is_written_through(tmp_path):
    """Writing to a symlink writes the file it points to; the link stays a link."""
    target = tmp_path / "real.csv"
    target.write_text("old\n")
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    _cache.atomic_write(link, "new\n")
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text() == "new\n"


@posix_only
def test_dangling_symlink_creates_its_target(tmp_path):
    """A link to a file that does not exist yet: the target is created, the link kept."""
    target = tmp_path / "later.csv"
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    _cache.atomic_write(link, "x")
    assert link.is_symlink() and target.read_text() == "x"


def _read_fifo(path: Path, into: list[bytes]) -> threading.Thread:
    def reader():
        with open(path, "rb") as f:
            into.append(f.read())

    t = threading.Thread(target=reader, daemon=True)
    t.start()
    return t


@posix_only
def test_fifo_is_written_directly(tmp_path):
    """A FIFO is opened and written, never replaced by a regular file."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    t = _read_fifo(fifo, got)
    _cache.atomic_write(fifo, "第八条\n")
    t.join(10)
    assert got == ["第八条\n".encode()]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


@posix_only
def test_character_device_is_not_replaced(tmp_path):
    """A character device reached through a symlink (so the test never touches /dev/null's own
    entry) is written, and stays a device."""
    if not os.path.exists("/dev/null"):
        pytest.skip("no /dev/null")
    link = tmp_path / "null"
    link.symlink_to("/dev/null")
    _cache.atomic_write(link, b"\0" * 10)
    assert stat.S_ISCHR(os.stat(link).st_mode) and link.is_symlink()


@posix_only
def test_replaced_file_keeps_its_mode(tmp_path, umask):
    """A 0644 file overwritten under umask 077 stays 0644 (not mkstemp's 0600)."""
    umask(0o077)
    f = tmp_path / "a.csv"
    f.write_text("old")
    f.chmod(0o644)
    _cache.atomic_write(f, "new")
    assert f.read_text() == "new"
    assert stat.S_IMODE(f.stat().st_mode) == 0o644


@posix_only
@pytest.mark.parametrize("mask, mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_new_file_honours_the_umask(tmp_path, umask, mask, mode):
    """A new file gets 0666 less the umask, as ``open(..., "w")`` would give it."""
    umask(mask)
    f = tmp_path / "new.csv"
    _cache.atomic_write(f, "x")
    assert stat.S_IMODE(f.stat().st_mode) == mode


def test_dash_is_standard_output(tmp_path, monkeypatch, capsysbinary):
    """``-`` writes to standard output and creates no file named ``-``."""
    monkeypatch.chdir(tmp_path)
    _cache.atomic_write("-", "文本\n")
    _cache.atomic_write("-", b"bytes\n")
    assert capsysbinary.readouterr().out == "文本\nbytes\n".encode()
    assert not (tmp_path / "-").exists()


def test_failed_write_leaves_the_old_file_and_no_temp_file(tmp_path):
    """An error while writing keeps the old file whole and removes the temporary file."""
    f = tmp_path / "a.csv"
    f.write_text("old")
    with pytest.raises(RuntimeError), _cache.output(f) as out:
        out.write("half")
        raise RuntimeError("boom")
    assert f.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv"]


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda d: d / "no-such-dir" / "a.csv", id="missing-dir"),
        pytest.param(lambda d: d, id="a-directory"),
    ],
)
def test_errors_name_the_users_path(tmp_path, make):
    """An unwritable path raises OutputError naming the path as given, never a temp name."""
    path = make(tmp_path)
    with pytest.raises(OutputError) as e:
        _cache.atomic_write(path, "x")
    assert str(path) in e.value.message
    assert ".tmp" not in e.value.message


@posix_only
def test_read_only_directory_error_names_the_path(tmp_path):
    """A directory the user cannot write into: the message names the file, not the temp file."""
    if os.geteuid() == 0:
        pytest.skip("root writes into read-only directories")
    d = tmp_path / "ro"
    d.mkdir()
    d.chmod(0o555)
    try:
        with pytest.raises(OutputError) as e:
            _cache.atomic_write(d / "a.csv", "x")
    finally:
        d.chmod(0o755)
    assert str(d / "a.csv") in e.value.message and ".tmp" not in e.value.message


# -- the commands --------------------------------------------------------------------------------


@posix_only
def test_export_through_a_symlink(tmp_path):
    """``export articles LINK`` writes the link's target and keeps the link."""
    target = tmp_path / "real.csv"
    target.write_text("old")
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    r = _invoke("export", "articles", str(link))
    assert r.exit_code == 0, r.output
    assert link.is_symlink()
    assert len(list(csv.DictReader(io.StringIO(target.read_text("utf-8"))))) == 320


@posix_only
def test_export_to_a_fifo(tmp_path):
    """``export document DOC FIFO --to json`` feeds the FIFO's reader; the FIFO stays."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    t = _read_fifo(fifo, got)
    r = _invoke("export", "document", "长春", str(fifo), "--to", "json")
    t.join(30)
    assert r.exit_code == 0, r.output
    assert json.loads(got[0])["id"] == "changchun"
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


@posix_only
def test_export_keeps_the_mode_of_the_file_it_replaces(tmp_path, umask):
    """Overwriting a 0644 export leaves it 0644."""
    umask(0o022)
    f = tmp_path / "a.json"
    f.write_text("[]")
    f.chmod(0o644)
    assert _invoke("export", "articles", str(f)).exit_code == 0
    assert stat.S_IMODE(f.stat().st_mode) == 0o644


@pytest.mark.parametrize(
    "args, check",
    [
        (
            ["export", "articles", "-", "--to", "csv"],
            lambda out: len(list(csv.DictReader(io.StringIO(out.decode())))) == 320,
        ),
        (["export", "articles", "-", "--to", "json"], lambda out: len(json.loads(out)) == 320),
        (["export", "articles", "-", "--to", "parquet"], lambda out: out.startswith(b"PAR1")),
        (
            ["export", "document", "长春", "-", "--to", "json"],
            lambda out: json.loads(out)["id"] == "changchun",
        ),
        (
            ["export", "document", "长春", "-", "--to", "akn"],
            lambda out: out.startswith(b"<?xml") and out.rstrip().endswith(b"</akomaNtoso>"),
        ),
        (
            ["diff", "长春:27", "呼和浩特:24", "--html", "-"],
            lambda out: out.startswith(b"<!DOCTYPE html>") and out.rstrip().endswith(b"</html>"),
        ),
    ],
    ids=["csv", "json", "parquet", "document-json", "document-akn", "diff-html"],
)
def test_dash_writes_standard_output(args, check, tmp_path, monkeypatch):
    """Every command that writes a file takes ``-`` for standard output: stdout holds exactly
    the file (nothing else is printed there) and no file named ``-`` appears."""
    monkeypatch.chdir(tmp_path)
    r = _invoke(*args)
    assert r.exit_code == 0, r.output
    assert check(r.stdout_bytes), r.stdout_bytes[:200]
    assert not (tmp_path / "-").exists()


def test_dash_needs_a_format(tmp_path, monkeypatch):
    """``export articles -`` without ``--to`` says to give one (no suffix to go by)."""
    monkeypatch.chdir(tmp_path)
    r = _invoke("export", "articles", "-")
    assert r.exit_code != 0
    assert "--to" in r.output and "Traceback" not in r.output


def test_export_error_names_the_given_path(tmp_path):
    """An export into a missing directory fails on one line naming the path given."""
    path = tmp_path / "missing" / "a.csv"
    r = _invoke("export", "articles", str(path))
    assert r.exit_code == 1
    assert str(path) in r.output and ".tmp" not in r.output
    assert len(r.output.strip().splitlines()) == 1


def test_every_output_path_takes_dash():
    """Every command argument or option that names a file to write accepts ``-`` (standard
    output): a command added later cannot forget it."""
    import click

    def walk(cmd, path=()):
        yield path, cmd
        for name, sub in getattr(cmd, "commands", {}).items():
            yield from walk(sub, (*path, name))

    outputs = [
        (" ".join(path), p.name, p.type.allow_dash)
        for path, cmd in walk(main)
        for p in cmd.params
        if isinstance(p.type, click.Path) and p.type.writable
    ]
    assert len(outputs) >= 3
    assert [o for o in outputs if not o[2]] == []
