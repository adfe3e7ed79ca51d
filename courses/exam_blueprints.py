"""Building an exam's blueprint from its national paper's defaults (one click)."""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from .models import Exam, ExamSection, NationalPaper, QuestionType


class PaperStructureError(ValueError):
    pass


def exam_sections_from_paper(
    *, exam: Exam, paper: NationalPaper | None = None
) -> list[ExamSection]:
    """Replace the exam's sections with the paper's structure, and take the paper's pass
    mark and duration: the national mock exam in one step."""
    paper = paper or exam.paper
    if paper is None:
        raise PaperStructureError(_("Choose the exam's national paper first."))
    if not paper.structure:
        raise PaperStructureError(_("The national paper has no structure to build from."))
    types = set(QuestionType.values)
    sections = []
    for index, part in enumerate(paper.structure):
        try:
            question_type, count, points = part["question_type"], int(part["count"]), part["points"]
            points = Decimal(str(points))
        except (KeyError, TypeError, ValueError, ArithmeticError):
            raise PaperStructureError(
                _("Part %(number)s of the paper's structure cannot be read.")
                % {"number": index + 1}
            ) from None
        if question_type not in types or count < 1 or points < 0:
            raise PaperStructureError(
                _("Part %(number)s of the paper's structure cannot be read.")
                % {"number": index + 1}
            )
        sections.append(
            ExamSection(
                exam=exam,
                title=str(part.get("title", ""))[:200],
                question_type=question_type,
                count=count,
                points=points,
                sort_order=index,
            )
        )
    with transaction.atomic():
        exam.paper = paper
        exam.drawing = Exam.Drawing.BLUEPRINT
        exam.pass_mark = paper.pass_mark
        exam.time_limit_minutes = paper.duration_minutes
        exam.save(
            update_fields=["paper", "drawing", "pass_mark", "time_limit_minutes", "updated_at"]
        )
        ExamSection.objects.filter(exam=exam).delete()
        return ExamSection.objects.bulk_create(sections)
