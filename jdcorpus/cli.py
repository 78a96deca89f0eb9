"""The ``jdcorpus`` command: a thin click shell, each command calls one library function.

Heavy modules (pandas, jieba, sklearn) are imported inside the commands that need them, never at
start-up: ``jdcorpus search`` starts in about the time of ``import click, whoosh.index``.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import io
import os
import sys

import click

FORMATS = ("table", "json", "csv")


def format_option(f):
    """The shared ``--format table|json|csv`` option (sqlite-utils style, one decorator)."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(FORMATS),
        default="table",
        show_default=True,
        help="Output format.",
    )(f)


class FilePath(click.Path):
    """click.Path that refuses a NUL byte (click's own check lets the ``ValueError`` of
    ``os.stat`` through) and an empty string with a usage error."""

    def convert(self, value, param, ctx):
        if isinstance(value, str) and "\0" in value:
            self.fail("a path cannot hold a NUL byte", param, ctx)
        if isinstance(value, str) and not value.strip():  # '' is no path (add '' read the cwd)
            self.fail("an empty path", param, ctx)
        return super().convert(value, param, ctx)


def library_errors(f):
    """Turn the library's expected errors into one-line messages with a non-zero exit code."""

    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        from .errors import JdcorpusError

        try:
            return f(*args, **kwargs)
        except JdcorpusError as e:
            err = click.ClickException(e.message)
            err.exit_code = e.exit_code  # a UsageError exits 2, as click's own usage errors do
            raise err from None

    return wrapper


def emit(rows, fmt: str, columns=None, *, title: str | None = None) -> None:
    """Print rows (dicts) as a table, JSON or CSV."""
    from .render.text import render_rows

    click.echo(render_rows(rows, fmt, columns=columns, title=title), nl=False)


def _silence_stdout() -> None:
    """Point standard output at the null device, so that nothing more written to it (nor the
    flush at exit) fails again on the closed pipe."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        from click.utils import PacifyFlushWrapper

        sys.stdout = PacifyFlushWrapper(sys.stdout)


class OneLineUsageError(click.ClickException):
    """A usage error (bad option value, unknown option, missing argument) as one line naming
    the argument and where help is, with exit code 2 — not click's four-line usage block."""

    exit_code = 2

    def __init__(self, error: click.UsageError):
        super().__init__(error.format_message() + _from_environment(error))
        ctx = error.ctx
        self.hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""

    def show(self, file=None) -> None:
        click.echo(f"Error: {self.message}{self.hint}", err=True)


def _from_environment(error: click.UsageError) -> str:
    """`` (from $JDCORPUS_HOME)`` when the bad value came from the option's environment variable,
    not from the command line (the message names only the option)."""
    param = getattr(error, "param", None)
    env = getattr(param, "envvar", None)
    value = os.environ.get(env) if isinstance(env, str) else None
    if not value or value not in error.format_message():
        return ""
    opts = getattr(param, "opts", ())
    given = any(a.split("=")[0] in opts for a in sys.argv)
    return "" if given else f" (from ${env})"


def _one_line(error: click.UsageError) -> click.ClickException:
    """``error`` as :class:`OneLineUsageError`, unless it asks for the help page to be shown
    (``jdcorpus`` with no command prints its help)."""
    if isinstance(error, getattr(click.exceptions, "NoArgsIsHelpError", ())):
        return error
    return OneLineUsageError(error)


class Jdcorpus(click.Group):
    """The command group; a reader that closes the pipe early (``jdcorpus docs | head -1``) ends
    the command quietly with exit code 0, as Unix tools do (click alone exits 1); any other
    system error is one line naming its file, with exit code 1; a usage error is one line
    naming the argument, with exit code 2."""

    def make_context(self, *args, **kwargs):  # where --help and --version print
        try:
            return super().make_context(*args, **kwargs)
        except BrokenPipeError:
            _silence_stdout()
            raise click.exceptions.Exit(0) from None
        except click.UsageError as e:
            raise _one_line(e) from None

    def invoke(self, ctx):
        if sys.stdout is None:  # started with standard output closed (>&-): say so, do nothing
            raise click.ClickException("standard output is closed")
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            _silence_stdout()
            raise click.exceptions.Exit(0) from None
        except click.UsageError as e:
            raise _one_line(e) from None
        except OSError as e:  # a system error no command expected: one line, not a traceback
            if e.filename is not None:
                raise click.ClickException(f"{e.filename}: {e.strerror or e}") from None
            if e.errno in (errno.ENOSPC, errno.EIO, errno.EDQUOT, errno.EBADF):
                _silence_stdout()  # standard output full (> /dev/full): no second try at exit
                raise click.ClickException(f"cannot write the output: {e.strerror}") from None
            raise click.ClickException(str(e.strerror or e)) from None


@click.group(cls=Jdcorpus, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="jdcorpus")
@click.option(
    "--corpus",
    "corpus_dir",
    type=FilePath(file_okay=False, path_type=str),
    envvar="JDCORPUS_HOME",
    help="The user corpus directory (default: $JDCORPUS_HOME, else the per-user data directory).",
)
@click.option(
    "--no-bundled",
    is_flag=True,
    help="Leave the bundled documents out: work on the user corpus alone.",
)
@click.pass_context
def main(ctx, corpus_dir, no_bundled):
    """jdcorpus: Chinese local regulations, parsed, searchable and comparable.

    Every command works on the bundled documents plus the user corpus: the documents you
    added with `jdcorpus add` (or a folder of texts given with --corpus).

    \b
    Examples:
      jdcorpus docs
      jdcorpus show 长春 8
      jdcorpus search 网格
      jdcorpus add my-regulations/ --province 江苏
      jdcorpus --corpus ~/laws --no-bundled search 物业
      jdcorpus parse some-regulation.docx --format json
    """
    ctx.obj = _Choice(corpus_dir, not no_bundled)


class _Choice:
    """The group's ``--corpus`` and ``--no-bundled``, as given: nothing is imported or read until
    a command asks for its corpus (a cold ``jdcorpus search`` of the bundled corpus never imports
    the corpus module)."""

    def __init__(self, corpus_dir: str | None, bundled: bool):
        self.corpus_dir, self.bundled = corpus_dir, bundled
        self._spec = None

    @property
    def path(self):
        """The user corpus directory: ``--corpus``/``$JDCORPUS_HOME``, else the per-user data
        directory (:func:`jdcorpus.store.user_home`)."""
        from pathlib import Path

        if self.corpus_dir:
            return Path(self.corpus_dir).expanduser()
        from ._cache import user_dir

        return user_dir("data")

    def spec(self):
        if self._spec is None:
            from .corpus import CorpusSpec

            self._spec = CorpusSpec(self.path, self.bundled)
        return self._spec


def _choice() -> _Choice:
    ctx = click.get_current_context(silent=True)
    obj = ctx.find_object(_Choice) if ctx is not None else None
    return obj if obj is not None else _Choice(None, True)


def _spec():
    """The corpora the command works on (the group's --corpus and --no-bundled)."""
    return _choice().spec()


def _corpus():
    """The corpus the command works on, parsed (cached)."""
    return _spec().load(progress=_progress("Parsing"))


def _nothing_in(path) -> bool:
    """Whether ``path`` is no directory, or an empty one: no user corpus, by two system calls."""
    try:
        with os.scandir(path) as entries:
            return next(entries, None) is None
    except OSError:
        return True


def _index_corpus():
    """What the search index is asked about: None for the bundled corpus alone, else the corpus
    by name and fingerprint (:class:`~jdcorpus.corpus.LazyCorpus`): a built index is found and
    searched without parsing a document. When the user corpus directory does not exist or is
    empty, the bundled corpus alone is known without importing the corpus module."""
    choice = _choice()
    if choice.bundled and _nothing_in(choice.path):
        return None
    from .corpus import LazyCorpus

    lazy = LazyCorpus(choice.spec(), progress=_progress("Parsing"))
    return None if lazy.name == "bundled" else lazy


# -- corpus commands (issue 2) ----------------------------------------------------------------


@main.command()
@format_option
@library_errors
def docs(fmt):
    """List the documents: the bundled ones and the user corpus's.

    JSON/CSV keys: id, city, province, title, kind, status, adopted, approved, effective,
    articles, chapters, sections, corpus (bundled | user), source_file.
    """
    from .render.views import render_documents

    corpus = _corpus()
    for m in corpus.messages:
        click.echo(f"note: {m}", err=True)
    click.echo(render_documents(corpus, fmt), nl=False)


@main.command()
@click.argument("doc")
@click.argument("article", required=False)
@click.option("--original", is_flag=True, help="Print the article as written in the source file.")
@format_option
@library_errors
def show(doc, article, original, fmt):
    """Show a document's outline, or one ARTICLE of it.

    DOC is a document id, or a city name that names one document. ARTICLE is a number or a
    label: 8, 第八条, 八. With --original, the exact source text (traditional script, source
    layout) of the article, or of the whole document when no ARTICLE is given.

    \b
    Examples:
      jdcorpus show 长春
      jdcorpus show 长春 第八条
      jdcorpus show 通化 13 --original
    """
    from .render.views import render_article, render_outline

    ctx = click.get_current_context()
    if original and ctx.get_parameter_source("fmt") != click.core.ParameterSource.DEFAULT:
        raise click.UsageError("--original prints the source text as it is: no --format")
    corpus = _corpus()
    d = corpus.get(doc)
    if article is None:
        if original:
            click.echo(d.source(d.start, d.end))
        else:
            click.echo(render_outline(d, fmt), nl=False)
    elif original:
        click.echo(corpus.article(d, article).original)
    else:
        click.echo(render_article(d, corpus.article(d, article), fmt), nl=False)


@main.command()
@click.argument("file", type=FilePath(dir_okay=False, allow_dash=True, path_type=str))
@click.option("--encoding", help="Read a text in this encoding (default: detected).")
@format_option
@library_errors
def parse(file, encoding, fmt):
    """Parse a regulation FILE (not added to a corpus) and print its structure.

    FILE: text (UTF-8, UTF-16, GB18030/GBK, Big5, detected), .md, .html/.htm or .docx;
    - reads standard input. A text without article labels (a 决定 in 一、二、 paragraphs) is
    shown as a document of paragraphs, with a warning.

    \b
    Examples:
      jdcorpus parse 条例.docx
      curl -s https://example.org/law.html | jdcorpus parse - --format json
    """
    from .render.views import render_parse

    if file == "-":
        from .parse import parse_text
        from .parse.formats import read_source

        data = sys.stdin.buffer.read()  # click.get_binary_stream is deprecated in click 8.2
        text = read_source(data=data, name="<stdin>", encoding=encoding).text
        docs = parse_text(text, require_articles=False)
    else:
        from .parse import parse_file

        docs = parse_file(file, encoding=encoding, require_articles=False)
    click.echo(render_parse(docs, fmt), nl=False)
    for d in docs:
        if not d.articles:
            click.echo(f"warning: {d.title}: {d.warnings[0]}", err=True)


# -- the user corpus (issue 9) ------------------------------------------------------------------


def _bundled_titles() -> dict:
    """Ids of the bundled documents (taken, whatever --no-bundled says) and their titles."""
    from .corpus import CorpusSpec

    return {d.id: d.title for d in CorpusSpec(None, True).load().documents}


@main.command()
@click.argument("paths", nargs=-1, required=True, type=FilePath(path_type=str))
@click.option("--city", help="City of the documents (default: read from the titles).")
@click.option("--province", help="Province of the documents.")
@click.option("--title", help="Title of the document (one file only).")
@click.option("--kind", help="Kind of the documents (条例, 规定, 办法 …).")
@click.option("--status", type=click.Choice(["in_force", "draft"]), help="Status of the documents.")
@click.option(
    "--date",
    "dates",
    multiple=True,
    metavar="KIND=YYYY-MM-DD",
    help="A date of the documents: adopted, approved, revised, promulgated or effective (repeatable).",
)
@click.option("--encoding", help="Read texts in this encoding (default: detected).")
@click.option(
    "--glob",
    "pattern",
    metavar="PATTERN",
    help="In folders, only files matching PATTERN (e.g. '*.md'; default: every .txt .md .html .htm .docx).",
)
@click.option("--dry-run", is_flag=True, help="Read and parse, report, store nothing.")
@library_errors
def add(paths, city, province, title, kind, status, dates, encoding, pattern, dry_run):
    """Add regulation files, or folders of them, to the user corpus.

    Each file is parsed and stored verbatim with its metadata (and what the options give);
    the search index is updated. One line per file says what was added, or why a file was
    skipped. The same content is never stored twice; a file added again from the same path
    with other content replaces its documents (which keep their ids).

    \b
    Formats: text (UTF-8, UTF-16, GB18030/GBK, Big5: detected), Markdown (.md, LawRefBook
    metadata read), HTML (.html, .htm), Word (.docx). Folders are read recursively.
    Exit status: 0 when every file was added (or already was), 1 when some were skipped,
    2 on a usage error.
    \b
    Examples:
      jdcorpus add 草案.docx --status draft --city 苏州
      jdcorpus add ~/laws/ --glob '*.md'
      jdcorpus --corpus ~/jd add regulations/ --date effective=2024-01-01
    """
    from . import store
    from .errors import UsageError

    spec = _spec()
    follow = _IndexFollower(spec)
    try:
        report = store.add(
            spec.path,
            paths,
            city=city,
            province=province,
            title=title,
            kind=kind,
            status=status,
            dates=store.parse_dates(dates),
            encoding=encoding,
            glob=pattern,
            dry_run=dry_run,
            taken=_bundled_titles,
            progress=_progress("Parsing"),
            on_commit=follow,
        )
    except UsageError as e:  # exit status 2, like click's own usage errors
        raise click.UsageError(e.message) from None
    prefix = "(dry run) " if dry_run else ""
    for r in report.files:
        click.echo(prefix + r.line(), err=not r.ok)
    if len(report.files) != 1 or report.ignored:
        click.echo(prefix + report.summary(), err=True)
    follow.aborted()
    sys.exit(report.exit_code)


class _IndexFollower:
    """What runs after an add or remove is committed: the search index follows, incrementally
    (:func:`jdcorpus.corpus.follow_index`). Ctrl-C while it runs interrupts the index only: the
    change is committed, so the command still says what it added or removed, then
    :meth:`aborted` says the index is left for the next search and exits 1."""

    def __init__(self, spec):
        self.spec = spec
        self.interrupted = False

    def __call__(self, added, removed):
        from .corpus import follow_index

        try:
            follow_index(self.spec, added, removed, progress=_progress())
        except KeyboardInterrupt:
            self.interrupted = True

    def aborted(self) -> None:
        if self.interrupted:
            click.echo(
                "Aborted! (while updating the search index: the corpus has the change; "
                "the next search brings the index up to date)",
                err=True,
            )
            sys.exit(1)


@main.command("list")
@format_option
@library_errors
def list_cmd(fmt):
    """List the files of the user corpus: stored file, documents, articles, hash, date added.

    JSON/CSV keys: file, name, sha256, added, format, encoding, documents, articles, origin.
    """
    from .store import list_rows

    rows = list_rows(_spec().path)
    if fmt == "table":
        for r in rows:
            r["sha256"] = r["sha256"][:12]
        columns = ["name", "documents", "articles", "format", "encoding", "added", "sha256"]
        click.echo(f"user corpus: {_spec().path}", err=True)
        emit(rows, fmt, columns)
    else:
        emit(rows, fmt)


@main.command()
@click.argument("names", nargs=-1, required=True)
@library_errors
def remove(names):
    """Remove documents or files from the user corpus (the search index follows).

    NAMES: a document id (or a title, or a city naming one document), or a file as
    `jdcorpus list` shows it (stored name, original name or path, hash).

    \b
    Examples:
      jdcorpus remove suzhou-guiding
      jdcorpus remove 草案.docx
    """
    from .store import remove as remove_files

    spec = _spec()
    names = list(dict.fromkeys(names))  # a name given twice is removed once, not then unknown
    follow = _IndexFollower(spec)
    for line in remove_files(spec.path, names, on_commit=follow, bundled_ids=_bundled_titles()):
        click.echo(line)
    follow.aborted()


# -- search (issue 3) -------------------------------------------------------------------------


def _progress(label: str = "Building the search index"):
    """A progress bar, on stderr when it is a terminal (else nothing)."""
    if not sys.stderr.isatty():
        return None
    return lambda items: click.progressbar(items, label=label, file=sys.stderr)


@contextlib.contextmanager
def _one_shot():
    """No cyclic GC while a one-shot command runs, nor at exit (a cold search is mostly imports,
    which make no garbage cycles; the final collection alone took ~30 ms of ~170). Re-enabled
    afterwards, so a process that runs commands in-process (tests) is unaffected."""
    import atexit
    import gc

    atexit.unregister(gc.freeze)
    atexit.register(gc.freeze)  # frozen objects are skipped by the collection at exit
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


@main.command()
@click.argument("query", nargs=-1, required=True)
@click.option("--city", help="Only documents of this city (长春, 北京市 …).")
@click.option("--doc", help="Only this document (id, title, or a city with one document).")
@click.option("--kind", help="Only documents of this kind (条例, 规定 …).")
@click.option("--status", help="Only documents with this status (in_force, draft).")
@click.option("--chapter", help="Only articles in this chapter (number, or words of its title).")
@click.option(
    "--part",
    help="Only articles in this 编 of a code (number, or words of its title: 物权, 分则).",
)
@click.option(
    "--limit",
    default=20,
    show_default=True,
    type=click.IntRange(min=0),
    help="Most hits shown; 0 shows all.",
)
@click.option("--count", "count_only", is_flag=True, help="Print only the number of hits.")
@format_option
@library_errors
def search(query, city, doc, kind, status, chapter, part, limit, count_only, fmt):
    """Search the articles (bundled and user corpus), best first.

    \b
    QUERY: words (all required), OR, NOT, "quoted phrases" (contiguous text),
    (parentheses), field filters city:北京 doc:changchun kind:条例 status:draft
    chapter:总则 part:物权 heading:目的 word:网格 (whole jieba words only).
    A word matches every article whose normalized text contains it; NOT leaves
    out articles whose text contains a word (to leave out a city: NOT city:北京).
    Traditional script is normalized: 網格 finds what 网格 finds.
    A trailing * is a prefix: word:网格* finds the words 网格化, 网格员 …
    (网格* finds what 网格 finds); ? and other uses of * are errors.
    \b
    Examples:
      jdcorpus search 网格
      jdcorpus search '"社区 工作者" NOT 物业' --limit 5
      jdcorpus search 物业 --city 北京 --format json
    JSON/CSV keys: doc, city, title, article, label, heading, chapter, score,
    snippet, matches ([start, end] character offsets of the highlights in snippet).
    """
    with _one_shot():
        from . import index

        filters = dict(city=city, doc=doc, kind=kind, status=status, chapter=chapter, part=part)
        text = " ".join(query)
        corpus = _index_corpus()
        if count_only:
            click.echo(index.count(corpus, text, progress=_progress(), **filters))
            return
        hits = index.search(corpus, text, limit=limit or None, progress=_progress(), **filters)
        if fmt == "table":
            from .render.hits import format_hits
            from .render.text import use_color

            click.echo(format_hits(hits, color=use_color()), nl=False, color=True)
        else:
            emit(hits, fmt)


@main.group("index")
def index_group():
    """Build, inspect or clear the search index (kept in a per-user cache directory)."""


@index_group.command("build")
@library_errors
def index_build():
    """Build the search index of the corpus from scratch."""
    from .index import build_index

    st = build_index(_index_corpus(), force=True, progress=_progress())
    click.echo(f"built {st.path}: {st.articles} articles in {st.build_seconds:.2f} s")


@index_group.command("status")
@format_option
@library_errors
def index_status(fmt):
    """Show where the index is and whether it is built for the current corpus.

    The index is read back and checked against what its build recorded: a damaged one is shown
    as not built, with what is wrong (the next search rebuilds it, as does index build).
    """
    from .index import index_status as status

    st = status(_index_corpus(), verify=True)
    rows = [{"field": k, "value": v} for k, v in vars(st).items()] if fmt == "table" else [st]
    emit(rows, fmt)


@index_group.command("clear")
@library_errors
def index_clear():
    """Remove every cache jdcorpus made from the cache directory: search indexes, parsed
    corpora, the dictionary cache. Nothing else in the directory is touched."""
    from ._cache import cache_dir, clear_caches
    from .index import clear_index

    removed = clear_index() + clear_caches()
    click.echo(f"removed {len(removed)} item{'' if len(removed) == 1 else 's'} from {cache_dir()}")


# -- comparison commands (issue 4) --------------------------------------------------------------


@main.command()
@click.argument("doc_a")
@click.argument("doc_b")
@click.option(
    "--all",
    "show_all",
    is_flag=True,
    help="Also show related links (same subject, not the same provision; hidden by default).",
)
@format_option
@library_errors
def align(doc_a, doc_b, show_all, fmt):
    """Link the equivalent articles of two documents (score and relation).

    \b
    DOC_A, DOC_B: ids, titles or cities (长春, hohhot, beijing-tiaoli).
    Relations: near-verbatim (近乎逐字: most of the wording is the same), same-provision
    (同一规定), related (相关: the same subject; only with --all).
    JSON/CSV keys: a_doc, a_article, b_doc, b_article, score, label, a_sub, b_sub (the X of
    an inserted article 第一百二十条之X, else null).
    \b
    Example:
      jdcorpus align 长春 呼和浩特
    """
    from . import compare
    from .render import compare as render_compare

    corpus = _corpus()
    links = compare.align(corpus, doc_a, doc_b, related=show_all)
    if fmt == "table":
        click.echo(render_compare.format_align(corpus, links, doc_a, doc_b), nl=False)
    else:
        emit(links, fmt)


@main.command()
@click.argument("article")
@click.option(
    "--limit",
    default=10,
    show_default=True,
    type=click.IntRange(min=1),
    help="How many articles to show.",
)
@format_option
@library_errors
def similar(article, limit, fmt):
    """The articles of other documents closest to ARTICLE, across the whole corpus, best first.

    \b
    ARTICLE: DOC:ARTICLE, e.g. 长春:38, hohhot:第一条.
    Scores and relations are align's: an article that align links to ARTICLE shows the link's
    score and relation (near-verbatim, same-provision, related); any other its cosine and no
    relation (— in the table, null in JSON). Order: the articles align links, then those an
    article of a third document is linked to along with ARTICLE, then the rest.
    JSON/CSV keys: doc, article, label, heading, city, title, score, match.
    \b
    Example:
      jdcorpus similar 长春:38 --limit 5
    """
    from . import compare
    from ._lookup import article_ref
    from .render import compare as render_compare

    corpus = _corpus()
    art = article_ref(corpus, article)
    rows = compare.similar(corpus, art, limit=limit)
    if fmt == "table":
        click.echo(render_compare.format_similar(corpus, art, rows), nl=False)
    else:
        emit(rows, fmt)


@main.command()
@format_option
@library_errors
def families(fmt):
    """Group equivalent articles of all documents into provision families.

    JSON/CSV keys: family, label (a heading of its articles or their most typical phrase),
    documents, articles ("doc:no" keys), terms (key words).
    """
    from . import compare
    from .render import compare as render_compare

    corpus = _corpus()
    fams = compare.families(corpus)
    if fmt == "table":
        click.echo(render_compare.format_families(corpus, fams), nl=False)
    else:
        emit(fams, fmt)


@main.command()
@format_option
@library_errors
def coverage(fmt):
    """Show which document has which provision family (family × document matrix).

    JSON/CSV: one cell per family and document with keys family, label, doc, article, score
    (article and score empty where the document has no article of the family).
    """
    from . import compare
    from .render import compare as render_compare

    corpus = _corpus()
    cells = compare.coverage(corpus)
    if fmt == "table":
        click.echo(render_compare.format_coverage(corpus, cells), nl=False)
    else:
        emit(cells, fmt)


@main.command()
@format_option
@library_errors
def reuse(fmt):
    """List articles of different cities that share substantial text, with the likely direction.

    JSON/CSV keys: a_doc, a_article, b_doc, b_article, containment, longest_run, direction.
    """
    from . import compare
    from .render import compare as render_compare

    corpus = _corpus()
    pairs = compare.reuse(corpus)
    if fmt == "table":
        click.echo(render_compare.format_reuse(corpus, pairs), nl=False)
    else:
        emit(pairs, fmt)


@main.command()
@click.argument("draft")
@click.option(
    "--min-docs",
    default=2,
    show_default=True,
    type=click.IntRange(min=1),
    help="Report families that at least this many other documents have.",
)
@format_option
@library_errors
def gaps(draft, min_docs, fmt):
    """Compare a DRAFT with the other documents: its matches, and what it lacks.

    \b
    JSON/CSV keys: kind (match | unique | missing), draft_article, family, family_label,
    doc, article, score, label, documents, draft_sub, sub (the X of an inserted article
    第…条之X, else null).
    \b
    Example:
      jdcorpus gaps 苏州
    """
    from . import compare
    from .render import compare as render_compare

    corpus = _corpus()
    rows = compare.gaps(corpus, draft, min_docs=min_docs)
    if fmt == "table":
        click.echo(render_compare.format_gaps(corpus, rows, draft, min_docs), nl=False)
    else:
        emit(rows, fmt)


@main.command()
@click.argument("article_a")
@click.argument("article_b")
@click.option(
    "--html",
    "html_path",
    type=FilePath(dir_okay=False, writable=True, allow_dash=True),
    help="Also write a side-by-side HTML page to this file (- for standard output, instead of "
    "the table).",
)
@click.option(
    "--width",
    type=click.IntRange(min=35),
    help="Width of the side-by-side table, at least 35 (default: terminal).",
)
@format_option
@library_errors
def diff(article_a, article_b, html_path, width, fmt):
    """Diff two articles character by character; substituted jurisdiction names are marked.

    \b
    ARTICLE_A, ARTICLE_B: DOC:ARTICLE, e.g. 长春:38 beijing-tiaoli:17.
    JSON/CSV keys: op (equal | delete | insert | replace | jurisdiction), a_text, b_text.
    \b
    Example:
      jdcorpus diff 长春:27 呼和浩特:24 --html diff.html
    """
    import shutil

    from ._lookup import article_ref
    from .compare.diff import diff as diff_articles
    from .compare.masking import corpus_cities
    from .render.compare import format_diff, short_names

    corpus = _corpus()
    a = article_ref(corpus, article_a)
    b = article_ref(corpus, article_b)
    ops = diff_articles(a, b, cities=corpus_cities(corpus))
    names = short_names(corpus)
    title_a = f"{names[a.doc_id]} {a.label}" + (f"【{a.heading}】" if a.heading else "")
    title_b = f"{names[b.doc_id]} {b.label}" + (f"【{b.heading}】" if b.heading else "")
    if html_path:
        from .export import write_atomic
        from .render.html import diff_html

        write_atomic(html_path, diff_html(ops, title_a, title_b))
        if html_path == "-":  # the page is the output
            return
    if fmt == "table":
        tty = sys.stdout.isatty()
        w = width or (shutil.get_terminal_size((120, 24)).columns if tty else 120)
        click.echo(format_diff(ops, title_a, title_b, width=w, color=tty), nl=False)
    else:
        emit(ops, fmt)
    if html_path:
        click.echo(f"HTML written to {html_path}", err=True)


# -- the 对照表 (issue 12) -------------------------------------------------------------------


def _n(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


@main.command()
@click.argument("draft")
@click.option(
    "--against",
    "against",
    multiple=True,
    metavar="DOC",
    help="A document to compare with (repeat, or separate with commas). Default: every other "
    "document, or the --top N with the most aligned articles.",
)
@click.option(
    "--top",
    default=None,
    type=click.IntRange(min=1),
    help="Without --against: compare with at most N documents, those with the most articles "
    "aligned to the draft's [default: 6].",
)
@click.option(
    "-o",
    "--output",
    required=True,
    metavar="FILE",
    help="FILE.html or FILE.docx; - writes HTML to standard output.",
)
@click.option(
    "--to",
    "fmt",
    type=click.Choice(["html", "docx"]),
    default=None,
    help="Format (default: from the suffix of FILE).",
)
@library_errors
def report(draft, against, top, output, fmt):
    """Make the 对照表 of a DRAFT: its articles beside the closest articles of other documents.

    DRAFT is a document (id, title, or a city naming one) or a file that is not in any corpus
    (.txt in any encoding; .docx, .html, .md, .org, .adoc), read on the fly. Each row is a draft article;
    each column a compared document, with its best aligned article, the differences marked
    (insertions and deletions; jurisdiction names masked), the score and the relation. Then
    the provisions the others have and the draft lacks, and a coverage heatmap.

    \b
    Examples:
      jdcorpus report suzhou -o 对照表.html
      jdcorpus report suzhou --against 长春 --against hohhot -o 对照表.docx
      jdcorpus report 我的草案.txt --top 3 -o - > 对照表.html
    """
    from .report import DEFAULT_TOP, build_report, report_format, write_report

    fmt = report_format(output, fmt)  # before the work: a bad name fails at once
    names = [n.strip() for a in against for n in a.replace("，", ",").split(",") if n.strip()]
    if against and not names:  # --against '' is no document (it meant every one before)
        raise click.BadParameter("names no document", param_hint="'--against'")
    rep = build_report(draft, names or None, top=top or DEFAULT_TOP, corpus=_corpus())
    written = write_report(rep, output, fmt)
    if output != "-":
        click.echo(
            f"{written.upper()} written to {output}: {_n(len(rep.rows), 'draft article')} × "
            f"{_n(len(rep.compared), 'document')} ({', '.join(d.name for d in rep.compared)}), "
            f"{_n(len(rep.missing), 'provision')} the draft lacks",
            err=True,
        )


# -- exports ---------------------------------------------------------------------------------


def _written(path) -> None:
    """Name the file written (nothing when it went to standard output: the data is the output)."""
    if str(path) != "-":
        click.echo(path)


@main.group()
def export():
    """Write the corpus or one document to a file, or to standard output with -.

    A regular file is written to a temporary file renamed into place (an error leaves the old
    file whole; its mode is kept); a symlink is written through; a FIFO or device is written
    directly.
    """


@export.command("articles")
@click.argument("output", type=FilePath(dir_okay=False, writable=True, allow_dash=True))
@click.option(
    "--to",
    "fmt",
    type=click.Choice(["csv", "json", "parquet"]),
    default=None,
    help="File format (default: from the file suffix).",
)
@click.option(
    "--units",
    is_flag=True,
    help="Also the paragraphs (第N段) of instruments without articles (决定, 修正案 …).",
)
@library_errors
def export_articles_cmd(output, fmt, units):
    """All articles of the corpus as a table: OUTPUT.csv, .json or .parquet.

    \b
    Examples:
      jdcorpus export articles articles.csv
      jdcorpus export articles - --to csv | head
      jdcorpus export articles units.csv --units
    """
    from .export import export_articles

    _written(export_articles(_corpus(), output, fmt, units=units))


@export.command("document")
@click.argument("doc")
@click.argument("output", type=FilePath(dir_okay=False, writable=True, allow_dash=True))
@click.option(
    "--to",
    "fmt",
    type=click.Choice(["akn", "html", "json"]),
    default=None,
    help="File format (default: from the suffix: .xml/.akn Akoma Ntoso, .html, .json).",
)
@library_errors
def export_document_cmd(doc, output, fmt):
    """One document (id, or a city naming one) as Akoma Ntoso XML, HTML or JSON.

    \b
    Examples:
      jdcorpus export document 长春 changchun.xml
      jdcorpus export document 长春 - --to json
    """
    from .export import export_document

    _written(export_document(_corpus().get(doc), output, fmt))


def run():  # pragma: no cover - console entry for `python -m jdcorpus`
    sys.exit(main())
