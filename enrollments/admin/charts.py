"""Bar charts for the statistics page, drawn as inline SVG from the report's own rows.

Only geometry is computed here; colours and sizes on screen come from
``enrollments/css/statistics.css`` (no inline styles: the admin runs under a strict
Content-Security-Policy).
"""

from dataclasses import dataclass
from decimal import Decimal

BAR_WIDTH = 28
BAR_GAP = 12
PLOT_HEIGHT = 160
TOP = 20
AXIS = 24
ROW_HEIGHT = 30
LABEL_WIDTH = 250
SHARE_WIDTH = 240


@dataclass(frozen=True)
class Bar:
    label: str
    value: str
    x: float
    y: float
    width: float
    height: float
    text_x: float
    text_y: float


@dataclass(frozen=True)
class Chart:
    title: str
    description: str
    width: int
    height: int
    bars: list[Bar]
    css_class: str


def _text(value) -> str:
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, float):
        return f"{value:.0%}"
    return str(value)


def column_chart(*, title: str, description: str, rows, value: str, css_class: str) -> Chart:
    """Vertical bars, one per row (months), scaled to the largest value."""
    values = [getattr(row, value) or 0 for row in rows]
    largest = max(values, default=0) or 1
    bars = []
    for index, (row, amount) in enumerate(zip(rows, values, strict=True)):
        height = float(amount) / float(largest) * PLOT_HEIGHT
        x = BAR_GAP + index * (BAR_WIDTH + BAR_GAP)
        y = TOP + PLOT_HEIGHT - height
        bars.append(
            Bar(
                label=row.label[-2:] if len(row.label) == 7 else row.label,
                value=_text(amount),
                x=x,
                y=y,
                width=BAR_WIDTH,
                height=height,
                text_x=x + BAR_WIDTH / 2,
                text_y=y - 4,
            )
        )
    width = BAR_GAP + len(rows) * (BAR_WIDTH + BAR_GAP)
    return Chart(title, description, max(width, 120), TOP + PLOT_HEIGHT + AXIS, bars, css_class)


def share_chart(*, title: str, description: str, rows, value: str, css_class: str) -> Chart:
    """Horizontal bars, one per row (tracks), each the row's share of the total."""
    values = [float(getattr(row, value) or 0) for row in rows]
    total = sum(values) or 1
    bars = []
    for index, (row, amount) in enumerate(zip(rows, values, strict=True)):
        share = amount / total
        y = index * ROW_HEIGHT + 4
        bars.append(
            Bar(
                label=row.label,
                value=f"{share:.0%}",
                x=LABEL_WIDTH,
                y=y,
                width=share * SHARE_WIDTH,
                height=ROW_HEIGHT - 8,
                text_x=LABEL_WIDTH + share * SHARE_WIDTH + 6,
                text_y=y + ROW_HEIGHT / 2,
            )
        )
    return Chart(
        title,
        description,
        LABEL_WIDTH + SHARE_WIDTH + 60,
        len(rows) * ROW_HEIGHT + 8,
        bars,
        css_class,
    )
