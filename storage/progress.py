"""Progress figures: documents done per annotator over time, spans per label."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import select

from storage.models import Annotator, DocumentStatus, Status
from storage.project import Project


def done_over_time(project: Project) -> dict[str, list[tuple[date, int]]]:
    """For each annotator, the cumulative number of documents done, by day.

    The day is when the document was last set to done (its status row's time).
    """
    per_day: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    with project.db.reading() as session:
        for name, when in session.execute(
                select(Annotator.name, DocumentStatus.updated_at).join(Annotator)
                .where(DocumentStatus.status == Status.DONE)):
            per_day[name][when.date()] += 1
    result: dict[str, list[tuple[date, int]]] = {}
    for name, days in sorted(per_day.items()):
        total = 0
        series = []
        for day in sorted(days):
            total += days[day]
            series.append((day, total))
        result[name] = series
    return result


def spans_per_label(project: Project) -> dict[str, dict[str, int]]:
    """Spans per label per annotator (annotator -> label -> count)."""
    spans: dict[str, dict[str, int]] = project.stats()["spans"]
    return spans
