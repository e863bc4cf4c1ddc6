"""Geometry for the competence map's charts, drawn as SVG by templates (``passport/chart_*.html``) so that every
label is escaped like any other text. Each chart has an accessible table beside it with the same numbers."""

from __future__ import annotations

from datetime import date
from typing import Any

WIDTH = 640


def bars(rows: list[tuple[str, int]], *, row_height: int = 34) -> dict[str, Any]:
    """Horizontal bars, one a row, the label above its bar and the value at its end."""
    largest = max((value for _label, value in rows), default=0) or 1
    drawn = []
    for index, (label, value) in enumerate(rows):
        top = index * row_height
        drawn.append(
            {
                "label": label,
                "value": value,
                "y": top + 14,
                "bar_y": top + 18,
                "width": max(2, round((WIDTH - 60) * value / largest)) if value else 0,
                "value_x": (max(2, round((WIDTH - 60) * value / largest)) if value else 0) + 6,
            }
        )
    return {"rows": drawn, "width": WIDTH, "height": max(row_height, len(rows) * row_height + 4)}


def columns(rows: list[tuple[int, int]], *, height: int = 160) -> dict[str, Any]:
    """Vertical columns for EQF levels 1 to 8 (every level drawn, zeros included)."""
    largest = max((value for _level, value in rows), default=0) or 1
    step = WIDTH // max(1, len(rows))
    drawn = []
    for index, (level, value) in enumerate(rows):
        column = round((height - 40) * value / largest)
        drawn.append(
            {
                "level": level,
                "value": value,
                "x": index * step + step // 4,
                "width": step // 2,
                "y": height - 24 - column,
                "height": column,
                "label_x": index * step + step // 2,
                "value_y": height - 28 - column,
            }
        )
    return {"rows": drawn, "width": WIDTH, "height": height, "axis_y": height - 24, "label_y": height - 6}


def timeline(events: list[tuple[date, str, str]]) -> dict[str, Any]:
    """Credentials as dots on a time axis from the first year to the year after the last, years marked."""
    if not events:
        return {"dots": [], "years": [], "width": WIDTH, "height": 90}
    first, last = events[0][0].year, events[-1][0].year + 1
    span = (date(last, 1, 1) - date(first, 1, 1)).days or 1
    margin = 20

    def x(when: date) -> int:
        return margin + round((WIDTH - 2 * margin) * (when - date(first, 1, 1)).days / span)

    dots, stacked = [], {}
    for when, title, issuer in events:
        position = x(when)
        level = stacked.get(position // 12, 0)
        stacked[position // 12] = level + 1
        dots.append({"x": position, "y": 46 - min(level, 3) * 12, "title": title, "issuer": issuer, "date": when})
    years = [{"x": x(date(year, 1, 1)), "year": year} for year in range(first, last + 1)]
    return {"dots": dots, "years": years, "width": WIDTH, "height": 90}
