"""Progress and agreement charts as PNG files (matplotlib, Agg backend: no Qt).

The CLI writes them with ``stats --charts DIR``; the GUI's progress view shows
the same files and saves them where the researcher asks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

PALETTE = ("#4E79A7", "#F28E2B", "#E15759", "#76B7B2", "#59A14F", "#EDC948", "#B07AA1",
           "#FF9DA7", "#9C755F", "#BAB0AC")


def _pyplot():  # type: ignore[no-untyped-def]
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def done_over_time_chart(series: Mapping[str, Sequence[tuple[date, int]]], path: Path,
                         dark: bool = False) -> Path:
    """A step chart of documents done per annotator over time."""
    plt = _pyplot()
    with plt.style.context("dark_background" if dark else "default"):
        figure, axes = plt.subplots(figsize=(7, 3.6), dpi=110)
        for index, (name, points) in enumerate(sorted(series.items())):
            if not points:
                continue
            days = [p[0] for p in points]
            totals = [p[1] for p in points]
            axes.step(days, totals, where="post", label=name, linewidth=2,
                      color=PALETTE[index % len(PALETTE)], marker="o", markersize=4)
        axes.set_title("Documents done per annotator")
        axes.set_ylabel("documents done (cumulative)")
        axes.grid(alpha=0.3)
        if series:
            axes.legend(frameon=False)
        else:
            axes.text(0.5, 0.5, "no document is done yet", ha="center", va="center",
                      transform=axes.transAxes)
        figure.autofmt_xdate()
        figure.tight_layout()
        figure.savefig(path)
        plt.close(figure)
    return path


def grouped_bar_chart(values: Mapping[str, Mapping[str, float]], path: Path, title: str,
                      ylabel: str, dark: bool = False, ylim: tuple[float, float] | None = None,
                      colors: Mapping[str, str] | None = None) -> Path:
    """Bars per category (x) for each series: e.g. spans per label per annotator."""
    plt = _pyplot()
    categories = sorted({c for per in values.values() for c in per})
    names = sorted(values)
    with plt.style.context("dark_background" if dark else "default"):
        figure, axes = plt.subplots(figsize=(7, 3.6), dpi=110)
        width = 0.8 / max(len(names), 1)
        for index, name in enumerate(names):
            xs = [i + index * width - 0.4 + width / 2 for i in range(len(categories))]
            heights = [values[name].get(c, 0) for c in categories]
            color = (colors or {}).get(name, PALETTE[index % len(PALETTE)])
            axes.bar(xs, heights, width=width * 0.95, label=name, color=color)
        axes.set_xticks(range(len(categories)), categories)
        axes.set_title(title)
        axes.set_ylabel(ylabel)
        if ylim is not None:
            axes.set_ylim(*ylim)
        axes.grid(axis="y", alpha=0.3)
        if names:
            axes.legend(frameon=False)
        if not categories:
            axes.text(0.5, 0.5, "nothing to show yet", ha="center", va="center",
                      transform=axes.transAxes)
        figure.tight_layout()
        figure.savefig(path)
        plt.close(figure)
    return path
