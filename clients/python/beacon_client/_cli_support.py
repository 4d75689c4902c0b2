"""What every `beacon` command shares: the settings from the global
options, the client, output helpers and the exit code of each kind of error."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated, Any

import typer
from rich.console import Console

from beacon_client import _render
from beacon_client.client import Beacon
from beacon_client.errors import (
    APIConnectionError,
    AuthenticationError,
    BadRequest,
    BeaconError,
    Conflict,
    NotFound,
    Overloaded,
    PermissionDenied,
    RateLimited,
    ServerError,
    ValidationError,
    WaitTimeout,
)

# Exit codes, so a script can tell failures apart (2 is a usage error).
EXIT_ERROR = 1
EXIT_AUTH = 3
EXIT_NOT_FOUND = 4
EXIT_CONFLICT = 5
EXIT_INVALID = 6
EXIT_RETRY_LATER = 7
EXIT_UNAVAILABLE = 8
EXIT_TIMEOUT = 9
EXIT_JOB_UNSUCCESSFUL = 10  # the job ended, but not `completed`
EXIT_CODES: list[tuple[type[BeaconError], int]] = [
    (WaitTimeout, EXIT_TIMEOUT),
    (AuthenticationError, EXIT_AUTH),
    (PermissionDenied, EXIT_AUTH),
    (NotFound, EXIT_NOT_FOUND),
    (Conflict, EXIT_CONFLICT),
    (ValidationError, EXIT_INVALID),
    (BadRequest, EXIT_INVALID),
    (RateLimited, EXIT_RETRY_LATER),
    (Overloaded, EXIT_RETRY_LATER),
    (ServerError, EXIT_UNAVAILABLE),
    (APIConnectionError, EXIT_UNAVAILABLE),
]

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]


@dataclass(frozen=True)
class Settings:
    url: str | None
    key: str | None


def out() -> Console:
    return Console(highlight=False)


def err() -> Console:
    return Console(stderr=True, highlight=False)


def print_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, default=str))


def exit_code_of(error: BeaconError) -> int:
    return next((code for cls, code in EXIT_CODES if isinstance(error, cls)), EXIT_ERROR)


@contextmanager
def client_for(ctx: typer.Context) -> Iterator[Beacon]:
    """A client for the command; a `BeaconError` becomes a message and an exit code."""
    settings: Settings = ctx.obj
    try:
        with Beacon(settings.key, base_url=settings.url) as client:
            yield client
    except BeaconError as error:
        err().print(_render.error_text(error))
        raise typer.Exit(exit_code_of(error)) from None
