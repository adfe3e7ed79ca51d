"""The year in figures as a workbook (one sheet per table) and as an A4 PDF (年度培训工作统计).

Both take the report the statistics page shows, so the three agree figure for figure.
"""

from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from academy.pdf_fonts import cjk_font_name
from enrollments.documents.layout import a4_portrait_document
from enrollments.documents.spreadsheets import (
    ColumnKind,
    KindedValue,
    SheetColumn,
    text_width,
    xlsx_book,
    xlsx_sheet_write,
)


def display_text(value: Any, kind: str) -> str:
    """How a figure is written in the PDF and how wide it is shown in the workbook."""
    if value is None:
        return "—"
    if kind == "percent":
        return f"{value:.1%}"
    if kind == "rating":
        return f"{value:.2f}"
    if kind == "hours":
        return f"{value:,.1f}"
    if kind == "count":
        return f"{value:,}"
    return str(value)


def _measured(header: str, kind: str, values: list[Any]) -> SheetColumn:
    width = max((text_width(display_text(value, kind)) for value in values), default=0)
    return SheetColumn(header, ColumnKind(kind), width=width)


def _cell_value(value: Any, kind: str) -> Any:
    if kind == "text":
        return str(value or "")
    return value


def statistics_xlsx_write(*, output, report) -> int:
    """Write the report to ``output``: the headline figures, then one sheet per table.
    Returns the number of sheets."""
    with xlsx_book(output) as book:
        headlines = report.headlines
        xlsx_sheet_write(
            book,
            title=pgettext("sheet", "Summary"),
            columns=[
                _measured(_("Figure"), "text", [str(headline.label) for headline in headlines]),
                SheetColumn(
                    _period_label(report.period),
                    ColumnKind.COUNT,
                    width=max(
                        (text_width(display_text(h.value, h.kind)) for h in headlines), default=0
                    ),
                ),
                SheetColumn(
                    _period_label(report.previous_period),
                    ColumnKind.COUNT,
                    width=max(
                        (text_width(display_text(h.previous, h.kind)) for h in headlines), default=0
                    ),
                ),
            ],
            rows=[
                [
                    str(headline.label),
                    KindedValue(headline.value, ColumnKind(headline.kind)),
                    KindedValue(headline.previous, ColumnKind(headline.kind)),
                ]
                for headline in headlines
            ],
        )
        for table in report.tables:
            rows = [table.values(row) for row in table.rows]
            xlsx_sheet_write(
                book,
                title=str(table.title),
                columns=[
                    _measured(str(column.label), column.kind, [row[index] for row in rows])
                    for index, column in enumerate(table.columns)
                ],
                rows=[
                    [
                        _cell_value(value, column.kind)
                        for value, column in zip(row, table.columns, strict=True)
                    ]
                    for row in rows
                ],
            )
        sheets = len(book.sheet_names)
    return sheets


def _period_label(period) -> str:
    return f"{period.first_day:%Y-%m-%d} – {period.last_day:%Y-%m-%d}"


def statistics_pdf(*, report, academy_name: str) -> bytes:
    """The printable A4 statistics (年度培训工作统计): the academy, the period, the figures."""
    font = cjk_font_name()
    title_style = ParagraphStyle("title", fontName=font, fontSize=18, leading=26, alignment=1)
    subtitle_style = ParagraphStyle("subtitle", fontName=font, fontSize=11, leading=16, alignment=1)
    heading_style = ParagraphStyle("heading", fontName=font, fontSize=12, leading=18, spaceBefore=8)
    cell_style = ParagraphStyle("cell", fontName=font, fontSize=8.5, leading=11)
    note_style = ParagraphStyle("note", fontName=font, fontSize=8, leading=11)

    title = _("Annual training statistics")
    story: list = [
        Paragraph(escape(academy_name), subtitle_style),
        Paragraph(escape(title), title_style),
        Paragraph(
            escape(
                _("Period: %(period)s (compared with %(previous)s)")
                % {
                    "period": _period_label(report.period),
                    "previous": _period_label(report.previous_period),
                }
            ),
            subtitle_style,
        ),
        Spacer(1, 5 * mm),
    ]
    headline_rows = [
        [_("Figure"), _("This period"), _("Previous period"), pgettext("between periods", "Change")]
    ]
    for headline in report.headlines:
        change = headline.change
        change_text = "—"
        if change is not None:
            sign = "+" if change > 0 else ""
            change_text = (
                f"{sign}{change * 100:.1f} pt"
                if headline.kind == "percent"
                else sign + display_text(change, headline.kind)
            )
        headline_rows.append(
            [
                Paragraph(escape(str(headline.label)), cell_style),
                display_text(headline.value, headline.kind),
                display_text(headline.previous, headline.kind),
                change_text,
            ]
        )
    story.append(_pdf_table(headline_rows, font, [70 * mm, 35 * mm, 35 * mm, 35 * mm]))
    for table in report.tables:
        if not table.rows:
            continue
        story.append(Paragraph(escape(str(table.title)), heading_style))
        rows = [[Paragraph(escape(str(column.label)), cell_style) for column in table.columns]]
        for row in table.rows:
            rows.append(
                [
                    Paragraph(escape(display_text(value, column.kind)), cell_style)
                    if column.kind == "text"
                    else display_text(value, column.kind)
                    for value, column in zip(table.values(row), table.columns, strict=True)
                ]
            )
        first = 50 * mm
        other = (180 * mm - first) / max(len(table.columns) - 1, 1)
        story.append(_pdf_table(rows, font, [first] + [other] * (len(table.columns) - 1)))
    story += [
        Spacer(1, 4 * mm),
        Paragraph(
            escape(
                _(
                    "Definitions as in the academy's statistics rules: class-hours delivered "
                    "count %(unit)s; person-times are one per trainee per session attended "
                    "(present, late or left early) plus one per online course completion."
                )
                % {"unit": report.rule.get_class_hour_unit_display()}
            ),
            note_style,
        ),
    ]
    buffer = BytesIO()
    document = a4_portrait_document(
        buffer, margin=15 * mm, title=f"{title} · {academy_name}", author=academy_name
    )
    document.build(story)
    return buffer.getvalue()


def _pdf_table(rows: list[list], font: str, widths: list[float]) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), font),
                ("FONTSIZE", (0, 0), (-1, -1), 8.5),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eeee")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
            ]
        )
    )
    return table
