"""The `iopc` command: a few lines per command over the Assistant API."""

from __future__ import annotations

import json
import os
import socket
import sys
from dataclasses import asdict, is_dataclass

import click

from assistant.filter_values import check_date, unknown_force, unknown_theme
from assistant.types import Filters
from ingest.model import STATUSES
from ingest.readers import DEFAULT_MAX_BYTES, MB, max_bytes_from_mb, printable


def _json(obj) -> None:
    def plain(o):
        return asdict(o) if is_dataclass(o) and not isinstance(o, type) else o

    data = [plain(o) for o in obj] if isinstance(obj, list) else plain(obj)
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _assistant(ctx: click.Context, must_exist: bool = False, **kw):
    """The Assistant over the chosen index; must_exist: refuse (one line) a data directory that is not there."""
    from assistant.api import Assistant
    from vectorstore import Embedder, StoreLocation

    if must_exist:
        # Why: opening a missing directory made an empty index there, and the question was answered from
        # "0 cases" as if the index were real (a mistyped --data-dir looked like an empty collection).
        where = StoreLocation.resolve(ctx.obj["data_dir"], ctx.obj["chroma_url"]).path
        if where is not None and not where.exists():
            raise click.ClickException(
                f"no index at {printable(str(where))}: the directory does not exist "
                "(ingest cases into it first, or give the right --data-dir)"
            )
    from assistant.llm import LLMConfigError

    try:
        return Assistant(
            data_dir=ctx.obj["data_dir"],
            chroma_url=ctx.obj["chroma_url"],
            embedder=Embedder(backend=ctx.obj["encoder"]),
            llm=ctx.obj.get("llm"),
            **kw,
        )
    except LLMConfigError as e:  # a bad --llm fails here, at start-up, in one line
        raise click.ClickException(str(e)) from None


# The options every command takes, before or after its name (`iopc --data-dir D ask …` and
# `iopc ask … --data-dir D` alike, as kubectl takes its global flags). Given after, they win.
GLOBAL_OPTIONS: tuple[tuple[str, dict], ...] = (
    (
        "--data-dir",
        dict(
            envvar="IOPC_DATA_DIR",
            type=click.Path(file_okay=False),
            help="Where the index lives (default: your user data directory). Env: IOPC_DATA_DIR.",
        ),
    ),
    (
        "--chroma-url",
        dict(
            envvar="IOPC_CHROMA_URL",
            help="Use a Chroma server instead, e.g. http://127.0.0.1:8000. Env: IOPC_CHROMA_URL.",
        ),
    ),
    (
        "--encoder",
        dict(
            envvar="IOPC_ENCODER",
            type=click.Choice(["torch", "onnx", "onnx-int8"]),
            help="How the model runs: onnx (default: torch's vectors without importing torch; exported once "
            "from the bundled model), onnx-int8 (faster encode, slightly different vectors) or torch. "
            "Env: IOPC_ENCODER.",
        ),
    ),
    (
        "--llm",
        dict(
            envvar="IOPC_LLM",
            metavar="SPEC",
            help="Have a model write answers, every sentence checked against its sources: none (default, "
            "quotes only), ollama:MODEL, openai:MODEL, openai-like:http://HOST:PORT/v1#MODEL. "
            "A hosted model receives the retrieved passages. Env: IOPC_LLM.",
        ),
    ),
)


def global_options(f):
    """The global options on the group (with their environment variables); see _Commands.add_command."""
    for name, attrs in reversed(GLOBAL_OPTIONS):
        f = click.option(name, **attrs)(f)
    return f


def _given_after(ctx: click.Context, param: click.Parameter, value):
    """A global option given after the command's name overrides the group's value."""
    if value is not None:
        ctx.ensure_object(dict)[param.name] = value


class _Commands(click.Group):
    """Every command takes the global options too; a bad value is one line; store problems are one line."""

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        have = {o for p in cmd.params for o in getattr(p, "opts", ())}
        for option, attrs in GLOBAL_OPTIONS:
            if option not in have:
                # No envvar here: the group already read it, and an env value must not override an option.
                cmd.params.append(
                    click.Option(
                        [option],
                        expose_value=False,
                        callback=_given_after,
                        **{k: v for k, v in attrs.items() if k != "envvar"},
                    )
                )
        super().add_command(cmd, name)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except click.BadParameter as e:
            e.ctx = None  # one line naming the option and the reason, without the usage block above it
            raise
        except RuntimeError as e:
            from vectorstore.store import StoreError  # only now: `iopc --help` stays light

            if isinstance(e, StoreError):
                raise click.ClickException(str(e)) from None
            raise


def _filters(a, force, theme, since, until, status) -> Filters:
    """Filters from the options; an unknown force or theme is a one-line error naming the nearest ones."""
    if force:
        known = a.catalog.forces()
        for f in force:
            if reason := unknown_force(f, known):
                raise click.BadParameter(printable(reason), param_hint="'--force'")
    if theme:
        known = a.catalog.themes()
        for t in theme:
            if reason := unknown_theme(t, known):
                raise click.BadParameter(printable(reason), param_hint="'--theme'")
    return Filters(forces=list(force), themes=list(theme), since=since, until=until, statuses=list(status))


def _question(ctx, param, value):
    """The question or query, refused before anything loads when over the length limit."""
    from assistant.limits import question_problem

    if problem := question_problem(value):
        raise click.BadParameter(problem)
    return value


def _date(ctx, param, value):
    if value is None:
        return None
    try:
        return check_date(value)
    except ValueError as e:
        raise click.BadParameter(printable(str(e))) from None


class _Megabytes(click.ParamType):
    """A size in MB (1 MB = 1,000,000 bytes, the unit the size messages print), converted to bytes."""

    name = "MB"

    def convert(self, value, param, ctx):
        try:
            return max_bytes_from_mb(float(value))
        except ValueError as e:
            self.fail(str(e) if "MB" in str(e) else f"{value!r} is not a number of MB", param, ctx)


filter_options = [
    click.option("--force", multiple=True, help="Only this force or body (repeatable; aliases like 'Met' work)."),
    click.option("--theme", multiple=True, help="Only cases with this theme tag (repeatable)."),
    click.option("--since", callback=_date, help="From this date: YYYY, YYYY-MM or YYYY-MM-DD."),
    click.option("--until", callback=_date, help="Up to this date: YYYY, YYYY-MM or YYYY-MM-DD."),
    click.option(
        "--status",
        multiple=True,
        type=click.Choice(STATUSES),
        help="Only recommendations with this status (repeatable).",
    ),
]


def with_filters(f):
    for option in reversed(filter_options):
        f = option(f)
    return f


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@global_options
@click.pass_context
def main(ctx: click.Context, data_dir, chroma_url, encoder, llm):
    """Ask questions of IOPC learning cases and get answers that cite their passages.

    The options --data-dir, --chroma-url, --encoder and --llm go before or after the command.
    """
    ctx.obj = {"data_dir": data_dir, "chroma_url": chroma_url, "encoder": encoder, "llm": llm}


MAX_SIZE_HELP = f"in MB (1 MB = {MB:,} bytes; default {DEFAULT_MAX_BYTES // MB})"


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print the IngestReport as JSON.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option("--max-size", type=_Megabytes(), help=f"Largest accepted file, {MAX_SIZE_HELP}.")
@click.option(
    "--allow-private-urls",
    is_flag=True,
    help="Fetch URLs that lead to loopback, link-local or private addresses (refused by default).",
)
@click.pass_context
def ingest(ctx, paths, as_json, quiet, max_size, allow_private_urls):
    """Ingest case files, directories (recursively) and http(s) URLs."""
    a = _assistant(ctx, max_bytes=max_size or DEFAULT_MAX_BYTES)
    report = a.ingest(list(paths), progress=not quiet, allow_private_urls=allow_private_urls)
    if as_json:
        _json(report)
    else:
        from assistant.presentation import report_lines

        *problems, totals = report_lines(report)
        for line in problems:
            click.echo(line, err=True)
        click.echo(totals)
    sys.exit(0 if report.ok else 1)


@main.command()
@click.argument("question", callback=_question)
@with_filters
@click.option("--json", "as_json", is_flag=True, help="Print the Answer as JSON.")
@click.pass_context
def ask(ctx, question, force, theme, since, until, status, as_json):
    """Answer a question with cited quotes."""
    a = _assistant(ctx, must_exist=True)
    answer = a.ask(question, filters=_filters(a, force, theme, since, until, status))
    if as_json:
        return _json(answer)
    click.echo(printable(answer.text, keep_lines=True))
    for c in answer.citations:
        click.echo(
            "[{}] {} — {} — {} — {}".format(c.n, *(printable(str(v)) for v in (c.title, c.force, c.section, c.source)))
        )
    if answer.mode == "generated" and not answer.abstained:  # how the answer was written
        click.echo(
            f"written by {answer.model}, checked against {len(answer.citations)} sources"
            f"{f'; {len(answer.dropped)} unsupported sentences removed' if answer.dropped else ''}",
            err=True,
        )
    if answer.note:
        click.echo(f"note: {printable(answer.note)}", err=True)


@main.command()
@click.argument("query", callback=_question)
@click.option("-k", type=click.IntRange(min=1), default=10, show_default=True, help="How many passages.")
@with_filters
@click.option("--json", "as_json", is_flag=True, help="Print the hits as JSON.")
@click.pass_context
def search(ctx, query, k, force, theme, since, until, status, as_json):
    """The passages that best match a query (hybrid dense + keyword)."""
    a = _assistant(ctx, must_exist=True)
    hits = a.search(query, k=k, filters=_filters(a, force, theme, since, until, status))
    if as_json:
        return _json(hits)
    for h in hits:
        label = h.section if h.rec_no is None else f"{h.section} {h.rec_no}"
        text = " ".join(h.text[:160].split())
        click.echo(
            f"{h.score:.4f}  {printable(h.title)} — {printable(str(h.force))} — {printable(label)}\n"
            f"        {printable(text)}"
        )


@main.command()
@click.argument("target")
@click.pass_context
def remove(ctx, target):
    """Remove a source (path or URL as ingested) or a case by its id."""
    removed = _assistant(ctx).remove(target)
    if not removed:
        raise click.ClickException(f"no source or case id matches '{printable(target)}' (see `iopc cases`)")
    for source in removed:
        click.echo(f"removed {printable(source)}")


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Every field of every case, as JSON.")
@click.pass_context
def cases(ctx, as_json):
    """The cases in the collection."""
    rows = _assistant(ctx, must_exist=True).cases()
    if as_json:
        return _json(rows)
    for c in rows:
        statuses = ", ".join(r["status"] for r in c.recommendations) or "no recommendations"
        click.echo(
            f"{printable(c.case_id)}\n    {printable(c.title)} | {printable(c.force or '?')} | {statuses} | "
            f"{len(c.sources)} source(s)"
        )


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the Stats as JSON.")
@click.pass_context
def stats(ctx, as_json):
    """Counts of cases, sources, passages and recommendations by status."""
    a = _assistant(ctx, must_exist=True)
    s = a.stats()
    llm = getattr(a.writer, "name", None)  # the model that writes answers, if any
    if as_json:
        return _json({**asdict(s), "llm": llm})
    click.echo(f"{s.cases} cases from {s.sources} sources, {s.passages} passages, {s.recommendations} recommendations")
    for status, n in sorted(s.by_status.items()):
        click.echo(f"  {status}: {n}")
    click.echo(f"index: {printable(str(s.location))} (model {s.model}, encoder {s.encoder})")
    click.echo(f"answers: written by {llm}, every sentence checked" if llm else "answers: quotes only (no --llm)")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", default=7860, show_default=True, help="Port.")
@click.option(
    "--auth",
    envvar="IOPC_AUTH",
    help="user:password, required to bind beyond localhost. "
    "Env: IOPC_AUTH (better than the option: other users can read a command line).",
)
@click.option(
    "--sample/--no-sample",
    default=True,
    show_default=True,
    help="Ingest the bundled sample case when the index is empty.",
)
@click.option(
    "--max-size", type=_Megabytes(), help=f"Largest uploaded file, {MAX_SIZE_HELP}; larger uploads are refused."
)
@click.option(
    "--concurrency",
    type=click.IntRange(1, 64),
    default=None,
    help="Chat events in flight at once (default 4); answers are still computed one at a time.",
)
@click.pass_context
def serve(ctx, host, port, auth, sample, max_size, concurrency):
    """Serve the chat UI."""
    if host not in ("127.0.0.1", "localhost", "::1") and not auth:
        raise click.ClickException(
            f"refusing to serve on {host} without authentication: pass --auth user:password or set IOPC_AUTH"
        )
    _check_auth(auth)
    _port_free(host, port)
    # Gradio reports usage to its makers unless told not to; nothing here needs the network.
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    import app

    a = _assistant(ctx, **({"max_bytes": max_size} if max_size else {}))
    ingested = a.ingest([str(app.SAMPLE_CASE)]) if sample and not a.catalog.passages else None
    a.warm()
    a.keep_current()  # another process's ingest is loaded beside the answers, not by the next one
    app.serve(
        a,
        host,
        port,
        tuple(auth.split(":", 1)) if auth else None,
        concurrency or app.CHAT_CONCURRENCY,
        ingested=ingested,
    )


def _check_auth(value: str | None) -> None:
    """user:password with both parts non-empty (":" alone passed the guard, and then nobody could log in)."""
    if value is not None:
        user, _, password = value.partition(":")
        if not (user and password):
            raise click.ClickException(
                "--auth must be user:password, with a user and a password (from the option or IOPC_AUTH)"
            )


def _port_free(host: str, port: int) -> None:
    """One line naming the port when it cannot be bound (Gradio ends in a traceback)."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server binds
            probe.bind(address)
    except OSError as e:
        raise click.ClickException(
            f"cannot serve on {host} port {port}: {e.strerror or e} "
            "(another server is using it? choose another with --port)"
        ) from None


@main.command(name="eval")
@click.argument("questions", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--baseline",
    "baselines",
    multiple=True,
    type=click.Choice(["dense", "bm25", "llamaindex"]),
    help="Also score a baseline on the same collection (repeatable).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report, with per-question details, as JSON.")
@click.pass_context
def evaluate(ctx, questions, baselines, as_json):
    """Score the assistant on a questions file (the format of questions-dev.jsonl) or a conversations file."""
    from assistant.evaluation import evaluate as run_eval
    from assistant.evaluation import evaluate_conversations, format_conversations, format_table, is_conversations

    if is_conversations(questions):
        report = evaluate_conversations(_assistant(ctx), questions)
        return _json(report) if as_json else click.echo(format_conversations(report))
    reports = run_eval(_assistant(ctx), questions, list(baselines))
    if as_json:
        return _json(reports)
    click.echo(format_table(reports))


if __name__ == "__main__":
    main()
