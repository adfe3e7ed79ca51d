"""The change history (变更记录) of a class session and of a trainee, and their exports.

Read only: the history is written by the services that change the records, and no
screen edits or deletes it.
"""

from django.http import Http404, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from academy.access import administrator_required
from academy.models import User
from courses.models import ClassSession
from enrollments.admin.views.downloads import xlsx_download
from enrollments.documents.spreadsheets import (
    change_history_csv_stream,
    change_history_xlsx_write,
)
from enrollments.selectors.attendance import session_can_take_roll
from enrollments.selectors.history import (
    ChangeRecord,
    session_change_history,
    trainee_change_history,
)

FORMATS = ("csv", "xlsx")


def _render(request, *, subtitle: str, changes, export: str, pk: int, back_url: str):
    """The history page; ``export`` names the export URL, which takes ``pk`` and a format."""
    return TemplateResponse(
        request,
        "enrollments/admin/change_history.html",
        {
            "page_title": _("Change history"),
            "header_title": _("Change history"),
            "page_subtitle": subtitle,
            "header_icon": "history",
            "changes": changes,
            "csv_url": reverse(export, args=[pk, "csv"]),
            "xlsx_url": reverse(export, args=[pk, "xlsx"]),
            "back_url": back_url,
        },
    )


def _download(changes: list[ChangeRecord], *, name: str, file_format: str) -> HttpResponseBase:
    if file_format not in FORMATS:
        raise Http404
    language = get_language()
    filename = f"{name}-{timezone.localtime():%Y%m%d-%H%M}.{file_format}"
    if file_format == "csv":
        response = StreamingHttpResponse(
            change_history_csv_stream(changes, language=language),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    return xlsx_download(filename, change_history_xlsx_write, changes=changes, language=language)


def _session_for(request, session_id: int) -> ClassSession:
    """The session, for administrators and the trainers of its course; a 404 for anyone
    else, so nobody learns which sessions exist."""
    session = get_object_or_404(ClassSession.objects.select_related("course"), pk=session_id)
    if not session_can_take_roll(user=request.user, session=session):
        raise Http404
    return session


def session_history(request, session_id: int):
    session = _session_for(request, session_id)
    return _render(
        request,
        subtitle=str(session),
        changes=session_change_history(session=session),
        export="attendance_admin:session_history_export",
        pk=session.pk,
        back_url=reverse("attendance:roll_call", args=[session.pk]),
    )


def session_history_export(request, session_id: int, file_format: str):
    session = _session_for(request, session_id)
    return _download(
        session_change_history(session=session),
        name=f"session-{session.pk}-history",
        file_format=file_format,
    )


@administrator_required
def trainee_history(request, user_id: int):
    trainee = get_object_or_404(User, pk=user_id)
    return _render(
        request,
        subtitle=str(trainee),
        changes=trainee_change_history(user=trainee),
        export="enrollments_admin:trainee_history_export",
        pk=trainee.pk,
        back_url=reverse("enrollments_admin:trainee_ledger", args=[trainee.pk]),
    )


@administrator_required
def trainee_history_export(request, user_id: int, file_format: str):
    trainee = get_object_or_404(User, pk=user_id)
    return _download(
        trainee_change_history(user=trainee),
        name=f"trainee-{trainee.pk}-history",
        file_format=file_format,
    )
