"""`python -m beacon.runtime.background COMMAND...`: run COMMAND as background work.

On shared cores (`make run`, the benches) the web tier's
acknowledgements must come before stage work and the model server. `nice -n
19` alone does not guarantee it: the scheduler lets a niced task that is
running finish a slice before a waking web thread gets the core, and at 100
submissions a second those waits queue (docs/benchmarks.md). Linux's
SCHED_IDLE class is preempted at once by any ordinary task that wakes, and
still takes every cycle nobody else wants, so throughput is not lost when
the web tier is quiet. Where SCHED_IDLE does not exist (macOS), nice 19 is
what is left.

`BEACON_BACKGROUND_PRIORITY=nice` keeps nice 19 only (the other side of
bench/ack_latency.py `--compare-background`).
"""

import contextlib
import os
import sys

NICE = 19


def background_priority() -> None:
    """Lower this process, and what it starts, to background priority."""
    os.nice(max(0, NICE - os.nice(0)))
    if os.environ.get("BEACON_BACKGROUND_PRIORITY", "idle") == "idle" and hasattr(os, "SCHED_IDLE"):
        with contextlib.suppress(OSError):  # a sandbox may refuse; nice 19 stays
            os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))


def main(argv: list[str]) -> None:
    if not argv:
        raise SystemExit("usage: python -m beacon.runtime.background COMMAND [ARGS...]")
    background_priority()
    os.execvp(argv[0], argv)  # noqa: S606 - the command line make run builds, run as given


if __name__ == "__main__":
    main(sys.argv[1:])
