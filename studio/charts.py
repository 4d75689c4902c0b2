"""Server-drawn line charts: the geometry of a day-by-day series with its
threshold, for an inline SVG the template writes (no charting library, no
script; the numbers are also in a table beside each chart)."""

from dataclasses import dataclass
from datetime import date

from studio.quality import Series

WIDTH, HEIGHT = 320, 140
LEFT, RIGHT, TOP, BOTTOM = 44, 8, 10, 24


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    polylines: list[str]  # "x,y x,y ..." per unbroken run of days with data
    points: list[Point]
    threshold_y: float | None
    threshold_label: str
    y_ticks: list[tuple[float, str]]
    x_ticks: list[tuple[float, str]]
    plot_left: int
    plot_right: int
    plot_bottom: int


def formatted(value: float | None, unit: str) -> str:
    if value is None:
        return "no jobs"
    if unit == "rate":
        text = f"{value:.1%}"
        return text.replace(".0%", "%")
    if unit == "usd":
        return f"${value:.4f}"
    return f"{value:.1f} s"


def _top(series: Series) -> float:
    if series.unit == "rate":
        return 1.0
    values = [v for _, v, _ in series.points if v is not None]
    limit = series.threshold.limit if series.threshold else 0.0
    top = max([*values, limit, 0.0]) * 1.15
    return top or 1.0


def line_chart(series: Series, days: list[date]) -> Chart:
    top = _top(series)
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    step = plot_w / max(1, len(days) - 1)

    def y_of(value: float) -> float:
        return round(TOP + plot_h * (1 - min(value, top) / top), 1)

    polylines: list[str] = []
    run: list[str] = []
    points = []
    for index, (day, value, jobs) in enumerate(series.points):
        x = round(LEFT + index * step, 1)
        if value is None:
            if run:
                polylines.append(" ".join(run))
            run = []
            continue
        y = y_of(value)
        run.append(f"{x},{y}")
        points.append(Point(x, y, f"{day:%b %d}: {formatted(value, series.unit)} ({jobs} jobs)"))
    if run:
        polylines.append(" ".join(run))
    threshold = series.threshold
    label = ""
    if threshold is not None:
        words = "at most" if threshold.direction == "max" else "at least"
        label = f"gate: {words} {formatted(threshold.limit, series.unit)}"
    ticks = [(y_of(fraction * top), formatted(fraction * top, series.unit)) for fraction in (0, 0.5, 1)]
    x_ticks = [(round(LEFT + i * step, 1), f"{days[i]:%b %d}") for i in (0, len(days) - 1)] if days else []
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        polylines=polylines,
        points=points,
        threshold_y=y_of(threshold.limit) if threshold is not None else None,
        threshold_label=label,
        y_ticks=ticks,
        x_ticks=x_ticks,
        plot_left=LEFT,
        plot_right=WIDTH - RIGHT,
        plot_bottom=HEIGHT - BOTTOM,
    )


@dataclass(frozen=True)
class Bar:
    label: str
    x: float
    y: float
    height: float
    value: str


def bar_chart(values: list[tuple[str, float]], *, width: int = 320, height: int = 140) -> list[Bar]:
    """Bars for shares between 0 and 1 (experiment arms' pass rates)."""
    if not values:
        return []
    plot_h = height - TOP - BOTTOM
    slot = (width - LEFT - RIGHT) / len(values)
    return [
        Bar(
            label=label,
            x=round(LEFT + index * slot + slot * 0.2, 1),
            y=round(TOP + plot_h * (1 - share), 1),
            height=round(plot_h * share, 1),
            value=f"{share:.1%}",
        )
        for index, (label, share) in enumerate(values)
    ]
