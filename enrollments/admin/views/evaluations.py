"""Evaluation results in the admin: per course, session and trainer, and the export.

Administrators read every course; a trainer reads the courses they teach and, among the
trainers, only their own figures. Trainees never get here.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from academy.roles import is_administrator
from courses.models import ClassSession, CoursePage
from enrollments.admin.views.downloads import xlsx_download
from enrollments.documents.spreadsheets import evaluation_csv_stream, evaluation_xlsx_write
from enrollments.forms.evaluations import EvaluationResultsForm
from enrollments.models import EvaluationQuestion
from enrollments.selectors.evaluations import (
    BY_COURSE,
    BY_SESSION,
    BY_TRAINER,
    RATED_ASPECTS,
    EvaluationScope,
    evaluation_comments,
    evaluation_export_rows,
    evaluation_figures,
    evaluation_scope,
    evaluation_totals,
    evaluation_visible_courses_filter,
)

DEFAULT_PERIOD = timedelta(days=365)


def _courses_for(request):
    """The courses the user may read, or 403 for anyone who may read none."""
    if is_administrator(request.user):
        return CoursePage.objects.order_by("title")
    if evaluation_visible_courses_filter(user=request.user, path="course") is None:
        raise PermissionDenied
    return CoursePage.objects.filter(trainers=request.user).order_by("title").distinct()


def _form(request, courses):
    today = timezone.localdate()
    data = request.GET.copy()
    if not data.get("date_from") and not data.get("date_to"):
        data["date_from"] = (today - DEFAULT_PERIOD).isoformat()
        data["date_to"] = today.isoformat()
    return EvaluationResultsForm(data, courses=courses)


def _scope(request, form, **overrides) -> EvaluationScope:
    filters = form.scope_filters() if form.is_valid() else {}
    filters.update(overrides)
    scope = evaluation_scope(user=request.user, **filters)
    if scope is None:
        raise PermissionDenied
    return scope


def _aspect_labels() -> list[str]:
    labels = dict(EvaluationQuestion.Aspect.choices)
    return [str(labels[aspect]) for aspect in RATED_ASPECTS]


def _render(request, template: str, title: str, context: dict):
    context = {
        "page_title": title,
        "header_title": title,
        "header_icon": "pick",
        "aspect_labels": _aspect_labels(),
        **context,
    }
    return TemplateResponse(request, f"enrollments/admin/evaluations/{template}", context)


def results(request):
    courses = _courses_for(request)
    form = _form(request, courses)
    scope = _scope(request, form)
    by_course = evaluation_figures(scope=scope, dimension=BY_COURSE)
    by_trainer = evaluation_figures(scope=scope, dimension=BY_TRAINER)
    if not is_administrator(request.user):
        by_trainer = {key: value for key, value in by_trainer.items() if key == request.user.pk}
    course_titles = dict(courses.filter(pk__in=list(by_course)).values_list("pk", "title"))
    trainer_names = dict(
        get_user_model().objects.filter(pk__in=list(by_trainer)).values_list("pk", "full_name")
    )
    course_rows = sorted(
        (
            (course_id, course_titles[course_id], figures)
            for course_id, figures in by_course.items()
            if course_id in course_titles
        ),
        key=lambda row: row[1],
    )
    trainer_rows = sorted(
        ((name, by_trainer[pk]) for pk, name in trainer_names.items()), key=lambda row: row[0]
    )
    context = {
        "form": form,
        "totals": evaluation_totals(scope=scope),
        "course_rows": course_rows,
        "trainer_rows": trainer_rows,
        "query": form.data.urlencode(),
    }
    return _render(request, "results.html", _("Evaluation results"), context)


def course_results(request, course_id: int):
    courses = _courses_for(request)
    course = get_object_or_404(courses, pk=course_id)
    form = _form(request, courses)
    scope = _scope(request, form, course_id=course.pk)
    by_session = evaluation_figures(scope=scope, dimension=BY_SESSION)
    sessions = ClassSession.objects.filter(pk__in=list(by_session)).select_related("trainer")
    context = {
        "form": form,
        "course": course,
        "totals": evaluation_totals(scope=scope),
        "session_rows": [(session, by_session[session.pk]) for session in sessions],
        "comments": evaluation_comments(scope=scope),
        "query": form.data.urlencode(),
    }
    title = _("Evaluation results: %(course)s") % {"course": course.title}
    return _render(request, "course_results.html", title, context)


def export(request):
    courses = _courses_for(request)
    form = _form(request, courses)
    scope = _scope(request, form)
    language = get_language()
    rows = evaluation_export_rows(scope=scope)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if request.GET.get("format") == "csv":
        response = StreamingHttpResponse(
            evaluation_csv_stream(rows, language=language),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="evaluations-{stamp}.csv"'
        return response
    return xlsx_download(
        f"evaluations-{stamp}.xlsx", evaluation_xlsx_write, values=rows, language=language
    )
