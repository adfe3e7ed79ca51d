"""Item statistics per exam for trainers (their courses' exams) and administrators."""

from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from enrollments.admin.views.downloads import xlsx_download
from enrollments.documents.exam_statistics import exam_statistics_xlsx_write
from enrollments.selectors.exam_statistics import (
    DISCRIMINATION_FLOOR,
    exam_question_statistics,
    exam_score_distribution,
    exam_summary,
    exams_with_statistics,
)


def _render(request, template, title, context):
    context = {"page_title": title, "header_title": title, "header_icon": "table", **context}
    return TemplateResponse(request, template, context)


def exam_statistics_index(request):
    exams = exams_with_statistics(user=request.user)
    return _render(
        request,
        "enrollments/admin/exam_statistics/index.html",
        _("Exam statistics"),
        {"exams": exams},
    )


def _figures(exam):
    summary = exam_summary(exam=exam)
    return {
        "summary": summary,
        "distribution": exam_score_distribution(exam=exam),
        "questions": exam_question_statistics(exam=exam, summary=summary),
    }


def exam_statistics_detail(request, exam_id):
    exam = get_object_or_404(exams_with_statistics(user=request.user), pk=exam_id)
    figures = _figures(exam)
    peak = max((band.count for band in figures["distribution"]), default=0)
    bands = [
        {"band": band, "percent": round(100 * band.count / peak) if peak else 0}
        for band in figures["distribution"]
    ]
    return _render(
        request,
        "enrollments/admin/exam_statistics/detail.html",
        _("Statistics: %(exam)s") % {"exam": exam.title},
        {"exam": exam, "bands": bands, "floor": DISCRIMINATION_FLOOR, **figures},
    )


def exam_statistics_xlsx(request, exam_id):
    exam = get_object_or_404(exams_with_statistics(user=request.user), pk=exam_id)
    return xlsx_download(
        f"exam-{exam.pk}-statistics.xlsx",
        exam_statistics_xlsx_write,
        exam_title=exam.title,
        **_figures(exam),
    )
