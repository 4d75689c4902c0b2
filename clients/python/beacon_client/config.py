"""Where the client finds Beacon's URL and its API key.

Explicit arguments win, then the environment (`BEACON_URL`,
`BEACON_API_KEY`), then the config file: `$BEACON_CONFIG`, else
`$XDG_CONFIG_HOME/beacon/config.toml`, else `~/.config/beacon/config.toml`:

    url = "https://beacon.example.com"
    api_key = "bk_..."

`beacon config set url|key VALUE` writes it, readable by its owner only.
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Config", "config_path", "load_config", "save_config"]

URL_ENV = "BEACON_URL"
KEY_ENV = "BEACON_API_KEY"
FIELDS = ("url", "api_key")


@dataclass(frozen=True)
class Config:
    url: str | None = None
    api_key: str | None = None


def config_path(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    if env.get("BEACON_CONFIG"):
        return Path(env["BEACON_CONFIG"]).expanduser()
    base = Path(env["XDG_CONFIG_HOME"]).expanduser() if env.get("XDG_CONFIG_HOME") else Path.home() / ".config"
    return base / "beacon" / "config.toml"


def _read(path: Path) -> dict[str, str]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    return {name: str(data[name]) for name in FIELDS if data.get(name)}


def load_config(*, url: str | None = None, api_key: str | None = None, env: Mapping[str, str] | None = None) -> Config:
    """The settings in force: arguments, else the environment, else the file."""
    env = os.environ if env is None else env
    stored = _read(config_path(env))
    return Config(
        url=url or env.get(URL_ENV) or stored.get("url"),
        api_key=api_key or env.get(KEY_ENV) or stored.get("api_key"),
    )


def save_config(values: Mapping[str, str], *, env: Mapping[str, str] | None = None) -> Path:
    """Set `url` and/or `api_key` in the config file, keeping the other."""
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise ValueError(f"unknown setting(s): {', '.join(sorted(unknown))}; known: {', '.join(FIELDS)}")
    path = config_path(env)
    merged = {**_read(path), **values}
    path.parent.mkdir(parents=True, exist_ok=True)
    # A JSON string is a valid TOML basic string for what a URL or a key holds.
    text = "".join(f"{name} = {json.dumps(merged[name])}\n" for name in FIELDS if merged.get(name))
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(path, 0o600)  # an existing file keeps its mode through os.open
    return path
