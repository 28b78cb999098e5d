"""The monthly report's two charts as PNG: working time per step against its standard,
and the items per section by outcome.

matplotlib draws on its own ``Figure`` with the Agg canvas (no pyplot, no display, no
global state), so charts can be drawn in a worker thread while the bot runs. Its own
DejaVu Sans is used, which carries every letter Indonesian needs.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import timedelta

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from bot.core.report import Outcome
from bot.core.report_tables import ReportTables

# Colour-blind-safe (Okabe-Ito), one per outcome, in the order of ``Outcome``.
_OUTCOME_COLOURS = ("#009E73", "#CC79A7", "#D55E00", "#999999", "#56B4E9")
_MEDIAN, _P90, _STANDARD = "#0072B2", "#9ECAE1", "#D55E00"
# Wide enough for a phone screen held upright, sharp enough to zoom.
_SIZE = (7.2, 4.2)
_DPI = 150


def _hours(delta: timedelta | None) -> float:
    return 0.0 if delta is None else delta.total_seconds() / 3600


def _png(figure: Figure) -> bytes:
    FigureCanvasAgg(figure)
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=_DPI)
    return out.getvalue()


def _figure(rows: int = 5) -> Figure:
    """As wide as always, as high as its rows need (a lone bar is not a wall)."""
    height = min(_SIZE[1], 1.7 + 0.5 * max(rows, 1))
    figure = Figure(figsize=(_SIZE[0], height), layout="constrained")
    figure.set_facecolor("white")
    return figure


def steps_chart(tables: ReportTables, standard_hours: Mapping[str, float]) -> bytes:
    """Median and P90 per step as bars, the standard as a mark on each (hours of
    working time); ``standard_hours`` maps each step's state to its late point."""
    report = tables.report
    steps = list(reversed(report.steps))  # the SOP's first step at the top
    labels = [tables.step_label(step) for step in steps]
    figure = _figure()
    axes = figure.add_subplot()
    rows = range(len(steps))
    axes.barh(
        [row + 0.2 for row in rows],
        [_hours(step.median) for step in steps],
        height=0.4,
        color=_MEDIAN,
        label=tables.t("report.chart.median"),
    )
    axes.barh(
        [row - 0.2 for row in rows],
        [_hours(step.p90) for step in steps],
        height=0.4,
        color=_P90,
        label=tables.t("report.chart.p90"),
    )
    axes.scatter(
        [standard_hours[step.state.value] for step in steps],
        list(rows),
        marker="|",
        s=900,
        linewidths=2.5,
        color=_STANDARD,
        zorder=3,
        label=tables.t("report.chart.standard"),
    )
    axes.set_yticks(list(rows), labels)
    axes.set_xlabel(tables.t("report.chart.hours"))
    axes.set_title(
        f"{tables.t('report.chart.steps')} — {tables.month_label()}",
        fontsize=11,
    )
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(axis="x", alpha=0.3)
    _legend_below(figure, axes, markerscale=0.4)
    return _png(figure)


def _legend_below(figure: Figure, axes: Axes, markerscale: float = 1.0) -> None:
    """Under the chart and its axis label, in one row: never over a bar (the figure's
    layout makes room for it)."""
    handles, labels = axes.get_legend_handles_labels()
    figure.legend(
        handles,
        labels,
        loc="outside lower center",
        ncol=max(1, len(labels)),
        fontsize=8,
        frameon=False,
        markerscale=markerscale,
    )


def sections_chart(tables: ReportTables) -> bytes:
    """One stacked bar per section: how many items ended how."""
    report = tables.report
    sections = list(reversed(report.sections))
    labels = [section.section or tables.t("report.no_section") for section in sections]
    figure = _figure(len(sections))
    axes = figure.add_subplot()
    rows = list(range(len(sections)))
    left = [0] * len(sections)
    for outcome, colour in zip(Outcome, _OUTCOME_COLOURS, strict=True):
        counts = [section.counts[outcome] for section in sections]
        axes.barh(
            rows,
            counts,
            left=left,
            height=0.6,
            color=colour,
            label=tables.t(f"report.outcome.{outcome.value}"),
        )
        left = [a + b for a, b in zip(left, counts, strict=True)]
    axes.set_yticks(rows, labels)
    axes.set_xlabel(tables.t("report.chart.items"))
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_title(
        f"{tables.t('report.chart.sections')} — {tables.month_label()}",
        fontsize=11,
    )
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(axis="x", alpha=0.3)
    if not sections:
        axes.text(0.5, 0.5, tables.t("report.pdf.empty"), ha="center", transform=axes.transAxes)
    _legend_below(figure, axes)
    return _png(figure)
