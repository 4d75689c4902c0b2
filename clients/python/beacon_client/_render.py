"""How the command line shows things: Rich tables and lines."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from datetime import datetime

from rich.console import Console, Group, RenderableType
from rich.json import JSON
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from beacon_client.errors import BeaconError
from beacon_client.models import ApiKey, Batch, Generation, JobEvent, Template

STATUS_STYLE = {
    "completed": "green",
    "failed": "red",
    "rejected": "red",
    "cancelled": "yellow",
    "expired": "yellow",
    "reviewing": "magenta",
}


def _status(status: str) -> Text:
    return Text(status, style=STATUS_STYLE.get(status, "cyan"))


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S") if moment else "-"


def error_text(error: BeaconError) -> str:
    lines = [f"[red]error[/red] {escape(error.code)}: {escape(error.message)}"]
    for detail in error.details:
        lines.append(f"  {escape(str(detail.get('field') or '-'))}: {escape(str(detail.get('message', '')))}")
    if error.retry_after is not None:
        lines.append(f"  retry after {error.retry_after:.0f}s")
    if error.request_id:
        lines.append(f"  request id: {escape(error.request_id)}")
    return "\n".join(lines)


class LiveLine:
    """The status line of a wait: status, stage and the time so far; Rich
    renders it again on every refresh, so the clock runs between updates."""

    def __init__(self, generation_id: str) -> None:
        self.generation_id = generation_id
        self.status = "submitted"
        self.stage = ""
        self.started = time.monotonic()

    def update(self, status: str, stage: str) -> None:
        self.status, self.stage = status, stage

    def __rich__(self) -> Text:
        text = Text(f"{self.generation_id} ")
        text.append_text(_status(self.status))
        if self.stage:
            text.append(f" (stage {self.stage})")
        text.append(f"  {time.monotonic() - self.started:.1f}s", style="dim")
        return text


def generation(job: Generation) -> RenderableType:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold")
    table.add_column()
    table.add_row("id", job.id)
    table.add_row("status", _status(job.status))
    table.add_row("stage", job.stage)
    table.add_row("template", f"{job.template_id} {job.template_version or ''}".strip())
    table.add_row("priority", job.priority)
    table.add_row("cost", f"${job.cost.usd} ({job.cost.prompt_tokens} + {job.cost.completion_tokens} tokens)")
    if job.routing:
        table.add_row("tier", str(job.routing.get("tier") or "-"))
    table.add_row("created", _when(job.created_at))
    table.add_row("finished", _when(job.finished_at))
    if job.error:
        table.add_row("error", Text(f"{job.error.get('code', '')}: {job.error.get('message', '')}", style="red"))
    parts: list[RenderableType] = [table]
    if job.result is not None:
        parts.append(JSON(json.dumps(job.result, default=str)))
    return Group(*parts)


def generations(jobs: Iterable[Generation]) -> Table:
    table = Table("id", "status", "stage", "template", "created", "cost (USD)")
    for job in jobs:
        table.add_row(job.id, _status(job.status), job.stage, job.template_id, _when(job.created_at), str(job.cost.usd))
    return table


def event_line(event: JobEvent) -> Text:
    text = Text(f"{_when(event.created_at)}  {event.id:>6}  ", style="dim")
    text.append(event.type, style="bold")
    if event.to_status:
        text.append(f"  {event.from_status or '-'} -> ")
        text.append_text(_status(event.to_status))
    if event.stage:
        text.append(f"  [{event.stage}]", style="dim")
    return text


def events(history: Iterable[JobEvent]) -> Table:
    table = Table("id", "time", "type", "status", "stage")
    for event in history:
        change = f"{event.from_status or '-'} -> {event.to_status}" if event.to_status else ""
        table.add_row(str(event.id), _when(event.created_at), event.type, change, event.stage)
    return table


def templates(items: Iterable[Template]) -> Table:
    table = Table("name", "task kind", "owner", "versions", "labels", "id")
    for template in items:
        owner = "platform" if template.platform else (template.owner or "organization")
        labels = ", ".join(str(label.get("name")) for label in template.labels)
        table.add_row(template.name, template.task_kind, owner, str(len(template.versions)), labels, template.id)
    return table


def keys(items: Iterable[ApiKey]) -> Table:
    table = Table("id", "name", "prefix", "role", "scopes", "last used", "expires", "revoked")
    for key in items:
        table.add_row(
            key.id,
            key.name,
            key.prefix,
            key.role,
            ", ".join(key.scopes) or "-",
            _when(key.last_used_at),
            _when(key.expires_at),
            _when(key.revoked_at),
        )
    return table


def batch(item: Batch) -> RenderableType:
    counts = item.request_counts
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold")
    table.add_column()
    table.add_row("id", item.id)
    table.add_row("status", _status(item.status))
    table.add_row("priority", item.priority)
    table.add_row("lines", f"{counts.total} ({counts.accepted} accepted, {counts.invalid} invalid)")
    table.add_row(
        "ended",
        f"{counts.ended} of {counts.total}: {counts.completed} completed, {counts.failed} failed, "
        f"{counts.cancelled} cancelled",
    )
    table.add_row("running", f"{counts.running} ({counts.in_review} in review)")
    table.add_row("created", _when(item.created_at))
    table.add_row("expires", _when(item.expires_at))
    table.add_row("finished", _when(item.finished_at))
    for name, value in item.metadata.items():
        table.add_row(f"metadata.{name}", str(value))
    if not item.line_errors:
        return table
    errors = Table("line", "custom id", "error", title="refused lines", title_justify="left")
    for error in item.line_errors:
        errors.add_row(str(error.line), error.custom_id or "-", Text(f"{error.code}: {error.message}", style="red"))
    return Group(table, errors)


def batches(items: Iterable[Batch]) -> Table:
    table = Table("id", "status", "priority", "lines", "ended", "created")
    for item in items:
        counts = item.request_counts
        table.add_row(
            item.id, _status(item.status), item.priority, str(counts.total), str(counts.ended), _when(item.created_at)
        )
    return table


def batch_progress(console: Console) -> Progress:
    """A wait's bar: the lines that ended (completed, failed, cancelled) of all lines."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    )
