"""Self check-in: the page a scan opens, the typed code, and check-out."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from academy.errors import RuleViolation
from courses.models import ClassSession
from enrollments.forms.attendance import CheckinCodeForm
from enrollments.models import Attendance, Enrollment
from enrollments.services.checkin import checkin_by_code_record, checkin_record, checkout_record


def _clock(moment) -> str:
    return timezone.localtime(moment).strftime("%H:%M")


def _checkin_context(request, session, form):
    attendance = (
        Attendance.objects.filter(session=session, enrollment__user=request.user).first()
        if request.user.is_authenticated
        else None
    )
    return {
        "session": session,
        "form": form,
        "token": request.GET.get("t") or request.POST.get("token", ""),
        "attendance": attendance,
        "enrolled": Enrollment.objects.filter(
            user=request.user, course_id=session.course_id, status__in=Enrollment.SEAT_STATUSES
        ).exists(),
    }


@login_required
def checkin(request, session_id: int):
    """The page a scan opens; the trainee confirms with one tap, or types the code."""
    session = get_object_or_404(ClassSession.objects.select_related("course"), pk=session_id)
    form = CheckinCodeForm(request.POST or None)
    if request.method == "POST":
        token = request.POST.get("token", "").strip()
        code = request.POST.get("code", "").strip() if not token else ""
        if token or form.is_valid():
            try:
                attendance = checkin_record(
                    session=session, user=request.user, token=token, code=code
                )
            except RuleViolation as refusal:
                messages.error(request, refusal.text)
            else:
                messages.success(
                    request,
                    _("Checked in at %(time)s: %(status)s.")
                    % {
                        "time": _clock(attendance.checked_in_at),
                        "status": attendance.get_status_display(),
                    },
                )
            return redirect("attendance:checkin", session_id=session.pk)
    return render(
        request, "enrollments/attendance/checkin.html", _checkin_context(request, session, form)
    )


@login_required
def checkin_by_code(request):
    """Type the six-digit code without scanning: it finds the open session it belongs to."""
    form = CheckinCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            attendance = checkin_by_code_record(user=request.user, code=form.cleaned_data["code"])
        except RuleViolation as refusal:
            messages.error(request, refusal.text)
        else:
            messages.success(request, _("You are checked in."))
            return redirect("attendance:checkin", session_id=attendance.session_id)
        return redirect("attendance:checkin_by_code")
    return render(request, "enrollments/attendance/checkin_code.html", {"form": form})


@login_required
@require_POST
def checkout(request, session_id: int):
    session = get_object_or_404(ClassSession, pk=session_id)
    try:
        attendance = checkout_record(session=session, user=request.user)
    except RuleViolation as refusal:
        messages.error(request, refusal.text)
    else:
        messages.success(
            request, _("Checked out at %(time)s.") % {"time": _clock(attendance.checked_out_at)}
        )
    return redirect("attendance:checkin", session_id=session.pk)
