"""`beacon templates`, `beacon keys` and `beacon config`."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.markup import escape

from beacon_client import _render
from beacon_client._cli_support import JsonOption, client_for, err, out, print_json
from beacon_client.config import config_path, load_config, save_config

keys_app = typer.Typer(help="API keys of your organization (admin keys).", no_args_is_help=True)
templates_app = typer.Typer(help="Prompt templates.", no_args_is_help=True)
config_app = typer.Typer(help="The URL and API key the command uses.", no_args_is_help=True)


@templates_app.command("list")
def templates_list(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """The organization's templates and the platform's."""
    with client_for(ctx) as client:
        templates = list(client.templates.list())
        if as_json:
            print_json([template.raw for template in templates])
        else:
            out().print(_render.templates(templates))


@keys_app.command("list")
def keys_list(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """The organization's keys (never their values)."""
    with client_for(ctx) as client:
        keys = list(client.keys.list())
        if as_json:
            print_json([key.raw for key in keys])
        else:
            out().print(_render.keys(keys))


@keys_app.command("create")
def keys_create(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument()],
    role: Annotated[str, typer.Option(help="viewer, editor or admin.")] = "editor",
    scope: Annotated[list[str] | None, typer.Option(help="A scope to grant (repeatable).")] = None,
    project_only: Annotated[bool, typer.Option("--project-only", help="Limit the key to its project.")] = False,
    expires_at: Annotated[str | None, typer.Option(help="Expiry, ISO 8601.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Issue a key; its value is shown this once."""
    with client_for(ctx) as client:
        issued = client.keys.create(
            name, role=role, scopes=scope, project_only=project_only or None, expires_at=expires_at
        )
        _issued(issued.raw, issued.key, as_json)


@keys_app.command("rotate")
def keys_rotate(
    ctx: typer.Context,
    key_id: Annotated[str, typer.Argument(metavar="ID")],
    overlap: Annotated[
        int | None, typer.Option(help="Seconds the old key keeps working (default 24 hours; 0: stops now).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Replace a key; the old one works `--overlap` seconds more."""
    with client_for(ctx) as client:
        issued = client.keys.rotate(key_id, overlap_seconds=overlap)
        _issued(issued.raw, issued.key, as_json)


@keys_app.command("revoke")
def keys_revoke(ctx: typer.Context, key_id: Annotated[str, typer.Argument(metavar="ID")]) -> None:
    """Revoke a key now."""
    with client_for(ctx) as client:
        client.keys.revoke(key_id)
        out().print(f"revoked {key_id}")


def _issued(raw: dict[str, Any], key: str | None, as_json: bool) -> None:
    if as_json:
        print_json(raw)
        return
    out().print(f"{raw.get('id')} {raw.get('prefix', '')} ({raw.get('role', '')})")
    out().print(f"key: {key}")
    err().print("[yellow]Store the key now: Beacon does not show it again.[/yellow]")


@config_app.command("set")
def config_set(
    field: Annotated[str, typer.Argument(help="url or key")],
    value: Annotated[str, typer.Argument()],
) -> None:
    """Store the URL or the API key in the config file."""
    names = {"url": "url", "key": "api_key", "api_key": "api_key"}
    if field not in names:
        raise typer.BadParameter("one of: url, key", param_hint="FIELD")
    path = save_config({names[field]: value})
    out().print(f"{field} saved to {escape(str(path))}")


@config_app.command("show")
def config_show() -> None:
    """The URL and key in force (environment over the config file), the key masked."""
    config = load_config()
    masked = f"{config.api_key[:10]}..." if config.api_key else "(none)"
    out().print(f"config file: {escape(str(config_path()))}\nurl: {config.url or '(default)'}\nkey: {masked}")
