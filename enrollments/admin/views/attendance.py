"""The administrators' Attendance menu: sessions and locking, records, exports, hours
summary and the import of live-online participant lists."""

import uuid
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from academy.access import administrator_required, private_file_response
from academy.errors import RuleViolation
from courses.models import ClassSession
from enrollments.admin.views.downloads import XLSX_CONTENT_TYPE, xlsx_download
from enrollments.documents.attendance_csv import attendance_csv_stream
from enrollments.forms.attendance import (
    AttendanceExportForm,
    AttendanceImportForm,
    HoursSummaryForm,
    SigninSheetForm,
)
from enrollments.models import AttendanceExport
from enrollments.selectors.attendance import attendance_export_rows, session_list_for_admin
from enrollments.services.attendance import session_attendance_lock, session_attendance_unlock
from enrollments.services.attendance_import import (
    attendance_import,
    attendance_import_check,
    attendance_import_session_check,
    attendance_sheet_read,
)
from enrollments.services.exports import (
    attendance_export_file_write,
    attendance_export_needs_job,
    attendance_export_request,
    hours_summary_file_write,
)

# Import refusals about the chosen session rather than the file.
SESSION_REFUSALS = {"not_live_online", "not_open_yet"}


def _render(request, template, title, context):
    context = {"page_title": title, "header_title": title, "header_icon": "tasks", **context}
    return TemplateResponse(request, f"enrollments/attendance_admin/{template}", context)


@administrator_required
def session_index(request):
    since = timezone.now() - timedelta(days=int(request.GET.get("days", "60") or 60))
    page = Paginator(session_list_for_admin(since=since), 50).get_page(request.GET.get("p"))
    context = {"page": page, "signin_form": SigninSheetForm(auto_id=False)}
    return _render(request, "sessions.html", _("Sessions"), context)


@administrator_required
@require_POST
def session_lock_toggle(request, session_id: int):
    session = get_object_or_404(ClassSession, pk=session_id)
    if request.POST.get("action") == "unlock":
        session_attendance_unlock(session=session, user=request.user)
        messages.success(
            request, _("Attendance for %(session)s is unlocked.") % {"session": session}
        )
    else:
        session_attendance_lock(session=session, user=request.user)
        messages.success(request, _("Attendance for %(session)s is locked.") % {"session": session})
    return redirect("attendance_admin:sessions")


def _trainee_id(phone: str):
    if not phone:
        return None
    user = get_user_model().objects.filter(phone=phone.strip()).only("pk").first()
    return user.pk if user else -1


@administrator_required
def export(request):
    form = AttendanceExportForm(request.GET or None)
    if request.GET and form.is_valid():
        filters = form.export_filters(trainee_id=_trainee_id(form.cleaned_data["trainee_phone"]))
        export_format = form.cleaned_data["format"]
        language = get_language()
        if attendance_export_needs_job(filters=filters):
            attendance_export_request(
                user=request.user, export_format=export_format, language=language, filters=filters
            )
            messages.success(
                request,
                _("The export is large, so it is being prepared in the background."),
            )
            return redirect("attendance_admin:jobs")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        if export_format == AttendanceExport.Format.CSV:
            response = StreamingHttpResponse(
                attendance_csv_stream(attendance_export_rows(**filters), language=language),
                content_type="text/csv; charset=utf-8",
            )
            response["Content-Disposition"] = f'attachment; filename="attendance-{stamp}.csv"'
            return response
        return xlsx_download(
            f"attendance-{stamp}.xlsx",
            attendance_export_file_write,
            export_format=export_format,
            language=language,
            filters=filters,
        )
    return _render(request, "export.html", _("Export attendance"), {"form": form})


@administrator_required
def export_jobs(request):
    jobs = AttendanceExport.objects.filter(requested_by=request.user)[:50]
    return _render(request, "jobs.html", _("Export jobs"), {"jobs": jobs})


@administrator_required
def export_download(request, export_id: int):
    job = get_object_or_404(AttendanceExport, pk=export_id, requested_by=request.user)
    content_type = XLSX_CONTENT_TYPE if job.format == "xlsx" else "text/csv; charset=utf-8"
    return private_file_response(
        job.file,
        allowed=job.is_done,
        filename=f"attendance-{job.pk}.{job.format}",
        content_type=content_type,
    )


@administrator_required
def hours_summary(request):
    form = HoursSummaryForm(request.GET or None)
    if request.GET and form.is_valid():
        data = form.cleaned_data
        return xlsx_download(
            f"hours-{data['date_from']:%Y%m%d}-{data['date_to']:%Y%m%d}.xlsx",
            hours_summary_file_write,
            language=get_language(),
            date_from=data["date_from"],
            date_to=data["date_to"],
            organization_id=data["organization"].pk if data["organization"] else None,
        )
    return _render(request, "hours_summary.html", _("Hours summary"), {"form": form})


IMPORT_SESSION_PREFIX = "attendance-import-"


@administrator_required
def import_attendance(request):
    """Read the upload and keep its rows for the preview; a file or session that cannot
    be imported is refused here."""
    form = AttendanceImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        session = form.cleaned_data["session"]
        try:
            attendance_import_session_check(session=session)
            sheet = attendance_sheet_read(data=form.cleaned_data["file"].read())
        except RuleViolation as error:
            form.add_error("session" if error.code in SESSION_REFUSALS else "file", error)
        else:
            token = uuid.uuid4().hex
            request.session[IMPORT_SESSION_PREFIX + token] = {
                "session_id": session.pk,
                "user_id": request.user.pk,
                "sheet": sheet,
            }
            return redirect("attendance_admin:import_preview", token)
    return _render(request, "import.html", _("Import attendance"), {"form": form})


def _import_choices(request, result) -> dict[str, int]:
    """The trainee picked for each shared name, from the preview's ``pick-<n>`` fields."""
    choices = {}
    for index, shared in enumerate(result.ambiguous):
        picked = request.POST.get(f"pick-{index}", "")
        if picked.isdigit():
            choices[shared.name] = int(picked)
    return choices


@administrator_required
def import_preview(request, token: str):
    key = IMPORT_SESSION_PREFIX + token
    stored = request.session.get(key)
    if not stored or stored["user_id"] != request.user.pk:
        messages.error(request, _("That upload has expired; upload the list again."))
        return redirect("attendance_admin:import")
    session = get_object_or_404(
        ClassSession.objects.select_related("course"), pk=stored["session_id"]
    )
    sheet = stored["sheet"]
    try:
        result = checked = attendance_import_check(session=session, sheet=sheet)
        picked = _import_choices(request, checked) if request.method == "POST" else {}
        if request.method == "POST":
            result = attendance_import(
                session=session,
                sheet=sheet,
                user=request.user,
                choices=picked,
                only_good_rows=request.POST.get("mode") == "good_rows",
            )
    except RuleViolation as error:
        messages.error(request, error.text)
        return redirect("attendance_admin:import")
    if result.written:
        del request.session[key]
        messages.success(
            request, _("%(count)d attendance records imported.") % {"count": result.written}
        )
        return redirect("attendance_admin:import")
    if request.method == "POST":
        messages.error(
            request,
            _("Nothing was imported: choose a trainee for every shared name or correct the file."),
        )
    shared = [
        {"index": index, "item": item, "picked": picked.get(item.name)}
        for index, item in enumerate(checked.ambiguous)
    ]
    return _render(
        request,
        "import_preview.html",
        _("Import attendance: %(session)s") % {"session": session},
        {"session": session, "result": checked, "shared": shared},
    )
