"""Does `high` priority mean something behind a backlog? On either broker.

    python -m beacon.runtime bench -- .venv/bin/python bench/priority_backlog.py [--backlog 2000]
    .venv/bin/python bench/priority_backlog.py --broker rabbitmq   (RabbitMQ on 127.0.0.1:5672, rabbitmqctl)

`backlog` normal metadata_enrichment jobs are submitted with no worker
running; workers start (scripted model: this is about queues, not models)
and, once they are working through the backlog, one high-priority and one
normal job are submitted. Printed: how long after submission each started
(its prepare stage began) and finished, and how many of the backlog were
still waiting when the high-priority job started. The backlog is then
left to the purge at the next run's start.
"""

import argparse
import os
import subprocess
import time

from stack import api_key, celery_worker, enrichment_submit, processes, setup_django

RABBITMQ_VHOST = "beacon-bench"


def rabbitmq_url() -> str:
    """A clean virtual host for the run (the queues' arguments are declared fresh)."""
    for args in (["delete_vhost", RABBITMQ_VHOST], ["add_vhost", RABBITMQ_VHOST]):
        subprocess.run(["rabbitmqctl", *args], capture_output=True, timeout=60, check=False)
    permissions = ["set_permissions", "-p", RABBITMQ_VHOST, "guest", ".*", ".*", ".*"]
    subprocess.run(["rabbitmqctl", *permissions], capture_output=True, timeout=60, check=True)
    return f"amqp://guest:guest@127.0.0.1:5672/{RABBITMQ_VHOST}"


def started_at(job_id: str) -> float | None:
    from jobs.models import JobEvent

    event = JobEvent.objects.filter(job_id=job_id, to_status="preparing").order_by("id").first()
    return event.created_at.timestamp() if event else None


def finished_at(job_id: str) -> float | None:
    from jobs.models import Job

    job = Job.objects.get(pk=job_id)
    return job.finished_at.timestamp() if job.status == "completed" and job.finished_at else None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--broker", choices=("redis", "rabbitmq"), default="redis")
    parser.add_argument("--backlog", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=2, help="processes of the default-queue worker")
    args = parser.parse_args()
    env = {}
    if args.broker == "rabbitmq":
        env["CELERY_BROKER_URL"] = os.environ["CELERY_BROKER_URL"] = rabbitmq_url()
    setup_django()
    from jobs.models import Job
    from tenants.selectors import api_key_by_raw

    key = api_key_by_raw(raw_key=api_key())
    tag = f"backlog-{int(time.time())}"
    began = time.monotonic()
    backlog = [str(enrichment_submit(key, i, tag=tag).id) for i in range(args.backlog)]
    print(f"{args.broker}: {len(backlog)} normal jobs queued in {time.monotonic() - began:.1f} s, no worker running")
    workers = [celery_worker(args.concurrency, queues="default"), celery_worker(2, queues="llm,webhooks")]
    with processes(*workers, **env):
        while Job.objects.filter(id__in=backlog, status="completed").count() < 20:
            time.sleep(0.5)
        from jobs.services.load import queue_lengths

        waiting_messages = (queue_lengths(["default"]) or {}).get("default", 0)
        unfinished = Job.objects.filter(id__in=backlog).exclude(status="completed").count()
        submitted = {"high": time.time()}
        high = str(enrichment_submit(key, 0, tag=f"{tag}-high", priority="high").id)
        submitted["normal"] = time.time()
        normal = str(enrichment_submit(key, 1, tag=f"{tag}-normal").id)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and finished_at(high) is None:
            time.sleep(0.2)
        time.sleep(max(0.0, 10 - (time.time() - submitted["normal"])))  # the normal job's chance: 10 s
        times = {name: (started_at(job), finished_at(job)) for name, job in (("high", high), ("normal", normal))}
    print(f"  when both were submitted: {unfinished} backlog jobs unfinished, {waiting_messages} messages in `default`")
    for name, (start, end) in times.items():
        begun = f"started after {start - submitted[name]:.2f} s" if start else "not started after 10 s"
        done = f", finished after {end - submitted[name]:.2f} s" if end else ""
        print(f"  {name}-priority job submitted behind the backlog: {begun}{done}")


if __name__ == "__main__":
    main()
