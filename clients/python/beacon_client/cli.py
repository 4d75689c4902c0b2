"""`beacon`: Beacon's generations API from a terminal.

    beacon config set url https://beacon.example.com
    beacon config set key bk_...
    beacon submit metadata_enrichment --content "Blue cotton shirt by Acme, size M" --wait
    beacon list --status failed
    beacon events <id> --follow
    beacon batch submit products.jsonl --wait

Tables for people, `--json` for scripts. An error prints its code and message
on stderr and exits non-zero, with a code per kind of failure (`EXIT_CODES`).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from beacon_client import _render
from beacon_client._cli_admin import config_app, keys_app, templates_app
from beacon_client._cli_batch import batch_app
from beacon_client._cli_support import (
    EXIT_AUTH,
    EXIT_CODES,
    EXIT_CONFLICT,
    EXIT_ERROR,
    EXIT_INVALID,
    EXIT_JOB_UNSUCCESSFUL,
    EXIT_NOT_FOUND,
    EXIT_RETRY_LATER,
    EXIT_TIMEOUT,
    EXIT_UNAVAILABLE,
    JsonOption,
    Settings,
    client_for,
    err,
    out,
    print_json,
)
from beacon_client.client import Beacon
from beacon_client.models import Generation

__all__ = [
    "EXIT_AUTH",
    "EXIT_CODES",
    "EXIT_CONFLICT",
    "EXIT_ERROR",
    "EXIT_INVALID",
    "EXIT_JOB_UNSUCCESSFUL",
    "EXIT_NOT_FOUND",
    "EXIT_RETRY_LATER",
    "EXIT_TIMEOUT",
    "EXIT_UNAVAILABLE",
    "app",
    "main",
]

app = typer.Typer(name="beacon", help="Beacon's generations API from the command line.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")
app.add_typer(templates_app, name="templates")
app.add_typer(config_app, name="config")
app.add_typer(batch_app, name="batch")


@app.callback()
def _options(
    ctx: typer.Context,
    url: Annotated[
        str | None, typer.Option("--url", help="Beacon's URL (default: $BEACON_URL, the config file).")
    ] = None,
    key: Annotated[
        str | None, typer.Option("--key", help="API key (default: $BEACON_API_KEY, the config file).")
    ] = None,
) -> None:
    ctx.obj = Settings(url=url, key=key)


def _parameters(content: str | None, params: Path | None, locale: str | None) -> dict[str, Any]:
    parameters: dict[str, Any] = {}
    if params is not None:
        text = sys.stdin.read() if str(params) == "-" else params.read_text(encoding="utf-8")
        try:
            parameters = json.loads(text)
        except ValueError as exc:
            raise typer.BadParameter(f"not JSON: {exc}", param_hint="--params") from exc
        if not isinstance(parameters, dict):
            raise typer.BadParameter("must hold a JSON object", param_hint="--params")
    if content is not None:
        parameters["content"] = content
    if "content" not in parameters:
        raise typer.BadParameter("give --content or a --params file with `content`", param_hint="--content")
    if locale is not None or "locale" not in parameters:
        parameters["locale"] = locale or "en-US"
    return parameters


def _wait(client: Beacon, generation_id: str, *, timeout: float, stream: bool) -> Generation:
    line = _render.LiveLine(generation_id)
    with err().status(line):
        return client.generations.wait(generation_id, timeout=timeout, poll=not stream, on_update=line.update)


def _finish(generation: Generation, as_json: bool) -> None:
    if as_json:
        print_json(generation.raw)
    else:
        out().print(_render.generation(generation))
    if generation.status != "completed":
        raise typer.Exit(EXIT_JOB_UNSUCCESSFUL)


@app.command()
def submit(
    ctx: typer.Context,
    template: Annotated[str, typer.Argument(help="Template name (a task kind such as metadata_enrichment) or id.")],
    content: Annotated[str | None, typer.Option(help="The content to work on.")] = None,
    params: Annotated[Path | None, typer.Option(help="JSON file with the parameters ('-' for stdin).")] = None,
    locale: Annotated[str | None, typer.Option(help="Locale (default en-US).")] = None,
    version: Annotated[str | None, typer.Option(help="Template version or label.")] = None,
    wait: Annotated[bool, typer.Option("--wait", help="Wait for the job to end.")] = False,
    timeout: Annotated[float, typer.Option(help="Seconds --wait waits.")] = 300.0,
    idempotency_key: Annotated[str | None, typer.Option(help="Idempotency-Key (default: a new UUID).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Submit a job."""
    parameters = _parameters(content, params, locale)
    with client_for(ctx) as client:
        generation = client.generations.create(
            template, parameters, template_version=version, idempotency_key=idempotency_key
        )
        if wait:
            _finish(_wait(client, generation.id, timeout=timeout, stream=False), as_json)
        elif as_json:
            print_json(generation.raw)
        else:
            out().print(f"{generation.id} {generation.status}")


@app.command("wait")
def wait_command(
    ctx: typer.Context,
    generation_id: Annotated[str, typer.Argument(metavar="ID")],
    timeout: Annotated[float, typer.Option(help="Seconds to wait.")] = 300.0,
    stream: Annotated[bool, typer.Option("--stream/--poll", help="Follow the event stream, or poll.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Wait for a job to end; exits 10 if it ended other than completed."""
    with client_for(ctx) as client:
        _finish(_wait(client, generation_id, timeout=timeout, stream=stream), as_json)


@app.command()
def get(
    ctx: typer.Context, generation_id: Annotated[str, typer.Argument(metavar="ID")], as_json: JsonOption = False
) -> None:
    """Show a job and its result."""
    with client_for(ctx) as client:
        generation = client.generations.get(generation_id)
        if as_json:
            print_json(generation.raw)
        else:
            out().print(_render.generation(generation))


@app.command("list")
def list_command(
    ctx: typer.Context,
    status: Annotated[list[str] | None, typer.Option(help="Only jobs in this status (repeatable).")] = None,
    template: Annotated[str | None, typer.Option(help="Only jobs of this template.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many jobs.")] = 20,
    as_json: JsonOption = False,
) -> None:
    """List jobs, newest first."""
    with client_for(ctx) as client:
        jobs = list(client.generations.list(status=status or None, template_id=template, limit=limit))
        if as_json:
            print_json([job.raw for job in jobs])
        else:
            out().print(_render.generations(jobs))


@app.command()
def events(
    ctx: typer.Context,
    generation_id: Annotated[str, typer.Argument(metavar="ID")],
    follow: Annotated[bool, typer.Option("--follow", "-f", help="Follow the stream until the job ends.")] = False,
    as_json: JsonOption = False,
) -> None:
    """A job's event history; with --follow, live until it ends."""
    with client_for(ctx) as client:
        if not follow:
            history = client.generations.events(generation_id)
            if as_json:
                print_json([event.raw for event in history])
            else:
                out().print(_render.events(history))
            return
        console = out()
        for event in client.generations.stream(generation_id):
            if as_json:
                typer.echo(json.dumps(event.raw, default=str))
            else:
                console.print(_render.event_line(event))


@app.command()
def cancel(ctx: typer.Context, generation_id: Annotated[str, typer.Argument(metavar="ID")]) -> None:
    """Cancel a job that has not ended."""
    with client_for(ctx) as client:
        client.generations.cancel(generation_id)
        out().print(f"cancelled {generation_id}")


def main() -> None:
    app()
