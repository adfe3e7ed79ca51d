"""An exam's item statistics as a workbook: the summary, the score distribution and one
row per question."""

from collections.abc import Sequence

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from courses.models import QuestionType
from enrollments.documents.spreadsheets import (
    ColumnKind,
    KindedValue,
    SheetColumn,
    xlsx_book,
    xlsx_sheet_write,
)


def exam_statistics_xlsx_write(
    output, *, exam_title: str, summary, distribution: Sequence, questions: Sequence
) -> int:
    """Write the three sheets to ``output``; returns the number of question rows."""
    with xlsx_book(output) as workbook:
        xlsx_sheet_write(
            workbook,
            title=pgettext("sheet", "Summary"),
            columns=[
                SheetColumn(_("Exam"), ColumnKind.TITLE),
                SheetColumn(_("Figure"), ColumnKind.COUNT),
            ],
            rows=[
                [_("Marked attempts"), summary.attempts],
                [_("Mean score"), KindedValue(summary.mean_score, ColumnKind.HOURS)],
                [_("Pass rate"), KindedValue(summary.pass_rate, ColumnKind.PERCENT)],
                [_("Attempts in the upper and in the lower group"), summary.group_size],
            ],
        )
        xlsx_sheet_write(
            workbook,
            title=_("Score distribution"),
            columns=[
                SheetColumn(_("From (share of the total)"), ColumnKind.PERCENT),
                SheetColumn(pgettext("score band", "To"), ColumnKind.PERCENT),
                SheetColumn(_("Attempts"), ColumnKind.COUNT),
            ],
            rows=([band.low_share, band.high_share, band.count] for band in distribution),
        )
        types = dict(QuestionType.choices)
        count = xlsx_sheet_write(
            workbook,
            title=pgettext("exam", "Questions"),
            columns=[
                SheetColumn(_("Question"), ColumnKind.LONG_TEXT),
                SheetColumn(_("Question type"), ColumnKind.TEXT),
                SheetColumn(_("Answers"), ColumnKind.COUNT),
                SheetColumn(_("Facility"), ColumnKind.PERCENT),
                SheetColumn(_("Discrimination"), ColumnKind.RATING),
                SheetColumn(_("Discriminates badly"), ColumnKind.TEXT),
            ],
            rows=(
                [
                    row.stem,
                    str(types.get(row.question_type, row.question_type)),
                    row.answers,
                    row.facility,
                    row.discrimination,
                    _("yes") if row.discriminates_badly else "",
                ]
                for row in questions
            ),
        )
    return count
