"""The `iopc` command: a few lines per command over the Assistant API."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict, is_dataclass

import click

from assistant.types import Filters


def _json(obj) -> None:
    def plain(o):
        return asdict(o) if is_dataclass(o) else o
    data = [plain(o) for o in obj] if isinstance(obj, list) else plain(obj)
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _assistant(ctx: click.Context, **kw):
    from assistant.api import Assistant
    from vectorstore import Embedder

    from assistant.llm import LLMConfigError

    try:
        return Assistant(data_dir=ctx.obj["data_dir"], chroma_url=ctx.obj["chroma_url"],
                         embedder=Embedder(backend=ctx.obj["encoder"]), llm=ctx.obj.get("llm"), **kw)
    except LLMConfigError as e:  # a bad --llm fails here, at start-up, in one line
        raise click.ClickException(str(e)) from None


class _Commands(click.Group):
    """Store problems (another model's index, an unreachable server) end as one clear line."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except RuntimeError as e:
            from vectorstore.store import StoreError  # only now: `iopc --help` stays light

            if isinstance(e, StoreError):
                raise click.ClickException(str(e)) from None
            raise


def _filters(force, theme, since, until, status) -> Filters:
    return Filters(forces=list(force), themes=list(theme), since=since, until=until, statuses=list(status))


filter_options = [
    click.option("--force", multiple=True, help="Only this force or body (repeatable; aliases like 'Met' work)."),
    click.option("--theme", multiple=True, help="Only cases with this theme tag (repeatable)."),
    click.option("--since", help="From this date: YYYY, YYYY-MM or YYYY-MM-DD."),
    click.option("--until", help="Up to this date: YYYY, YYYY-MM or YYYY-MM-DD."),
    click.option("--status", multiple=True, type=click.Choice(
        ["accepted", "not accepted", "partially accepted", "awaiting response", "unknown"]),
        help="Only recommendations with this status (repeatable)."),
]


def with_filters(f):
    for option in reversed(filter_options):
        f = option(f)
    return f


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--data-dir", envvar="IOPC_DATA_DIR", type=click.Path(file_okay=False),
              help="Where the index lives (default: your user data directory). Env: IOPC_DATA_DIR.")
@click.option("--chroma-url", envvar="IOPC_CHROMA_URL",
              help="Use a Chroma server instead, e.g. http://127.0.0.1:8000. Env: IOPC_CHROMA_URL.")
@click.option("--encoder", envvar="IOPC_ENCODER", type=click.Choice(["torch", "onnx", "onnx-int8"]),
              help="How the model runs: torch (default), onnx, or onnx-int8 (faster start and encode; "
                   "exported once from the bundled model). Env: IOPC_ENCODER.")
@click.option("--llm", envvar="IOPC_LLM", metavar="SPEC",
              help="Have a model write answers, every sentence checked against its sources: none (default, "
                   "quotes only), ollama:MODEL, openai:MODEL, openai-like:http://HOST:PORT/v1#MODEL. "
                   "A hosted model receives the retrieved passages. Env: IOPC_LLM.")
@click.pass_context
def main(ctx: click.Context, data_dir, chroma_url, encoder, llm):
    """Ask questions of IOPC learning cases and get answers that cite their passages."""
    ctx.obj = {"data_dir": data_dir, "chroma_url": chroma_url, "encoder": encoder, "llm": llm}


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print the IngestReport as JSON.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option("--max-size", type=float, default=20.0, show_default=True, help="Largest accepted file, in MB.")
@click.pass_context
def ingest(ctx, paths, as_json, quiet, max_size):
    """Ingest case files, directories (recursively) and http(s) URLs."""
    report = _assistant(ctx, max_bytes=int(max_size * 1e6)).ingest(list(paths), progress=not quiet)
    if as_json:
        _json(report)
    else:
        for f in report.notes:
            click.echo(f"note: {f.source}: {f.reason}", err=True)
        for f in report.failed:
            click.echo(f"error: {f.source}: {f.reason}", err=True)
        click.echo(f"{len(report.added)} added, {len(report.updated)} updated, "
                   f"{len(report.unchanged)} unchanged, {len(report.failed)} failed")
    sys.exit(0 if report.ok else 1)


@main.command()
@click.argument("question")
@with_filters
@click.option("--json", "as_json", is_flag=True, help="Print the Answer as JSON.")
@click.pass_context
def ask(ctx, question, force, theme, since, until, status, as_json):
    """Answer a question with cited quotes."""
    answer = _assistant(ctx).ask(question, filters=_filters(force, theme, since, until, status))
    if as_json:
        return _json(answer)
    click.echo(answer.text)
    for c in answer.citations:
        click.echo(f"[{c.n}] {c.title} — {c.force} — {c.section} — {c.source}")
    if answer.mode == "generated" and not answer.abstained:  # how the answer was written (issue 13)
        click.echo(f"written by {answer.model}, checked against {len(answer.citations)} sources"
                   f"{f'; {len(answer.dropped)} unsupported sentences removed' if answer.dropped else ''}", err=True)
    if answer.note:
        click.echo(f"note: {answer.note}", err=True)


@main.command()
@click.argument("query")
@click.option("-k", default=10, show_default=True, help="How many passages.")
@with_filters
@click.option("--json", "as_json", is_flag=True, help="Print the hits as JSON.")
@click.pass_context
def search(ctx, query, k, force, theme, since, until, status, as_json):
    """The passages that best match a query (hybrid dense + keyword)."""
    hits = _assistant(ctx).search(query, k=k, filters=_filters(force, theme, since, until, status))
    if as_json:
        return _json(hits)
    for h in hits:
        label = h.section if h.rec_no is None else f"{h.section} {h.rec_no}"
        click.echo(f"{h.score:.4f}  {h.title} — {h.force} — {label}\n        {h.text[:160]}")


@main.command()
@click.argument("target")
@click.pass_context
def remove(ctx, target):
    """Remove a source (path or URL as ingested) or a case by its id."""
    removed = _assistant(ctx).remove(target)
    if not removed:
        raise click.ClickException(f"no source or case id matches {target!r} (see `iopc cases`)")
    for source in removed:
        click.echo(f"removed {source}")


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Every field of every case, as JSON.")
@click.pass_context
def cases(ctx, as_json):
    """The cases in the collection."""
    rows = _assistant(ctx).cases()
    if as_json:
        return _json(rows)
    for c in rows:
        statuses = ", ".join(r["status"] for r in c.recommendations) or "no recommendations"
        click.echo(f"{c.case_id}\n    {c.title} | {c.force or '?'} | {statuses} | {len(c.sources)} source(s)")


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the Stats as JSON.")
@click.pass_context
def stats(ctx, as_json):
    """Counts of cases, sources, passages and recommendations by status."""
    a = _assistant(ctx)
    s = a.stats()
    llm = getattr(a.writer, "name", None)  # the model that writes answers, if any (issue 13)
    if as_json:
        return _json({**asdict(s), "llm": llm})
    click.echo(f"{s.cases} cases from {s.sources} sources, {s.passages} passages, {s.recommendations} recommendations")
    for status, n in sorted(s.by_status.items()):
        click.echo(f"  {status}: {n}")
    click.echo(f"index: {s.location} (model {s.model}, encoder {s.encoder})")
    click.echo(f"answers: written by {llm}, every sentence checked" if llm else "answers: quotes only (no --llm)")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", default=7860, show_default=True, help="Port.")
@click.option("--auth", envvar="IOPC_AUTH", help="user:password, required to bind beyond localhost. "
              "Env: IOPC_AUTH (better than the option: other users can read a command line).")
@click.option("--sample/--no-sample", default=True, show_default=True,
              help="Ingest the bundled sample case when the index is empty.")
@click.option("--max-size", type=click.FloatRange(min=0, min_open=True),
              help="Largest uploaded file, in MB (default 20); larger uploads are refused.")
@click.option("--concurrency", type=click.IntRange(1, 64), default=None,
              help="Chat events in flight at once (default 4); answers are still computed one at a time.")
@click.pass_context
def serve(ctx, host, port, auth, sample, max_size, concurrency):
    """Serve the chat UI."""
    if host not in ("127.0.0.1", "localhost", "::1") and not auth:
        raise click.ClickException(f"refusing to serve on {host} without authentication: "
                                   "pass --auth user:password or set IOPC_AUTH")
    if auth and ":" not in auth:
        raise click.ClickException("--auth must be user:password")
    # Gradio reports usage to its makers unless told not to; nothing here needs the network.
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    import app

    a = _assistant(ctx, **({"max_bytes": int(max_size * 1e6)} if max_size else {}))
    if sample and not a.catalog.passages:
        a.ingest([str(app.SAMPLE_CASE)])
    app.serve(a, host, port, tuple(auth.split(":", 1)) if auth else None, concurrency or app.CHAT_CONCURRENCY)


@main.command(name="eval")
@click.argument("questions", type=click.Path(exists=True, dir_okay=False))
@click.option("--baseline", "baselines", multiple=True, type=click.Choice(["dense", "bm25", "llamaindex"]),
              help="Also score a baseline on the same collection (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print the report, with per-question details, as JSON.")
@click.pass_context
def evaluate(ctx, questions, baselines, as_json):
    """Score the assistant on a questions file (the format of questions-dev.jsonl)."""
    from assistant.evaluation import evaluate as run_eval, format_table

    reports = run_eval(_assistant(ctx), questions, list(baselines))
    if as_json:
        return _json(reports)
    click.echo(format_table(reports))


if __name__ == "__main__":
    main()
