"""`beacon batch`: many generation requests in one JSON Lines upload."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from beacon_client import _render
from beacon_client._cli_support import EXIT_JOB_UNSUCCESSFUL, JsonOption, client_for, err, out, print_json
from beacon_client.client import Beacon
from beacon_client.models import Batch

batch_app = typer.Typer(help="Batches: many generation requests in one JSON Lines upload.", no_args_is_help=True)

IdArgument = Annotated[str, typer.Argument(metavar="ID")]
TimeoutOption = Annotated[float, typer.Option(help="Seconds to wait.")]


def _wait(client: Beacon, batch_id: str, *, timeout: float) -> Batch:
    with _render.batch_progress(err()) as progress:
        task = progress.add_task(batch_id, total=None)

        def update(batch: Batch) -> None:
            counts = batch.request_counts
            description = f"{batch.id} {batch.status}"
            progress.update(task, total=counts.total or None, completed=counts.ended, description=description)

        return client.batches.wait(batch_id, timeout=timeout, on_update=update)


def _finish(batch: Batch, as_json: bool) -> None:
    if as_json:
        print_json(batch.raw)
    else:
        out().print(_render.batch(batch))
    if batch.status != "completed":
        raise typer.Exit(EXIT_JOB_UNSUCCESSFUL)


@batch_app.command("submit")
def batch_submit(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help='JSON Lines: {"custom_id", "body"} per line.')
    ],
    priority: Annotated[str | None, typer.Option(help="low (the default), normal or high.")] = None,
    webhook_url: Annotated[str | None, typer.Option(help="Where the batch's one webhook goes when it ends.")] = None,
    window_hours: Annotated[int | None, typer.Option(help="Hours the jobs have to finish (1 to 168; 24).")] = None,
    wait: Annotated[bool, typer.Option("--wait", help="Wait for the batch to end, with a progress bar.")] = False,
    timeout: TimeoutOption = 3600.0,
    as_json: JsonOption = False,
) -> None:
    """Upload a batch (streamed from the file); bad lines are counted, not fatal."""
    with client_for(ctx) as client:
        batch = client.batches.create(
            file, priority=priority, webhook_url=webhook_url, completion_window_hours=window_hours
        )
        if wait:
            _finish(_wait(client, batch.id, timeout=timeout), as_json)
        elif as_json:
            print_json(batch.raw)
        else:
            counts = batch.request_counts
            out().print(f"{batch.id} {batch.status} ({counts.accepted} accepted, {counts.invalid} invalid)")


@batch_app.command("wait")
def batch_wait(
    ctx: typer.Context, batch_id: IdArgument, timeout: TimeoutOption = 3600.0, as_json: JsonOption = False
) -> None:
    """Wait for a batch to end; exits 10 if it ended other than completed."""
    with client_for(ctx) as client:
        _finish(_wait(client, batch_id, timeout=timeout), as_json)


@batch_app.command("get")
def batch_get(ctx: typer.Context, batch_id: IdArgument, as_json: JsonOption = False) -> None:
    """Show a batch: its counts and its refused lines."""
    with client_for(ctx) as client:
        batch = client.batches.get(batch_id)
        if as_json:
            print_json(batch.raw)
        else:
            out().print(_render.batch(batch))


@batch_app.command("list")
def batch_list(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option(help="At most this many batches.")] = 20,
    as_json: JsonOption = False,
) -> None:
    """List batches, newest first."""
    with client_for(ctx) as client:
        batches = list(client.batches.list(limit=limit))
        if as_json:
            print_json([batch.raw for batch in batches])
        else:
            out().print(_render.batches(batches))


@batch_app.command("cancel")
def batch_cancel(ctx: typer.Context, batch_id: IdArgument) -> None:
    """Cancel the jobs not yet started; started ones finish."""
    with client_for(ctx) as client:
        batch = client.batches.cancel(batch_id)
        out().print(f"{batch.id} {batch.status}")


@batch_app.command("results")
def batch_results(
    ctx: typer.Context,
    batch_id: IdArgument,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file (default: stdout).")] = None,
) -> None:
    """The results as JSON Lines, by line number: ended jobs and refused lines."""
    with client_for(ctx) as client:
        lines = (json.dumps(result.raw, ensure_ascii=False) + "\n" for result in client.batches.results(batch_id))
        if output is None:
            for line in lines:
                typer.echo(line, nl=False)
            return
        # Written beside the target and moved into place once complete: a
        # download cut off halfway never looks like the whole results.
        fd, partial = tempfile.mkstemp(dir=output.resolve().parent, prefix=f".{output.name}.", suffix=".part")
        try:
            count = 0
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                for line in lines:
                    handle.write(line)
                    count += 1
            os.replace(partial, output)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
        err().print(f"{count} lines written to {escape(str(output))}")
