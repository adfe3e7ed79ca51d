"""Roll call, walk-ins, the check-in screen and self check-in: phone-first pages."""

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from academy.errors import RuleViolation
from academy.forms import form_add_rule_violation
from academy.roles import is_administrator, is_trainer
from courses.models import ClassSession
from enrollments.documents.signin_sheet import signin_sheet_pdf
from enrollments.forms.attendance import SigninSheetForm, WalkInForm
from enrollments.models import Attendance
from enrollments.selectors.attendance import (
    CheckinWindow,
    attendance_rule_get,
    session_attendance_is_open,
    session_attendance_opens_at,
    session_can_take_roll,
    session_checkin_count,
    session_checkin_window,
    session_list_for_trainer,
    session_roster,
    sessions_with_attendance_lock,
    trainee_find_by_phone,
)
from enrollments.services.attendance import attendance_roll_call_mark, walk_in_enroll
from enrollments.services.checkin import (
    checkin_code,
    checkin_period,
    checkin_seconds_left,
    checkin_token,
)


def _session_for_trainer(request, session_id: int) -> ClassSession:
    sessions = sessions_with_attendance_lock(ClassSession.objects.select_related("course"))
    session = get_object_or_404(sessions, pk=session_id)
    if not session_can_take_roll(user=request.user, session=session):
        raise PermissionDenied
    return session


@login_required
def session_list(request):
    if not (is_administrator(request.user) or is_trainer(request.user)):
        raise PermissionDenied
    sessions = session_list_for_trainer(user=request.user)
    context = {"sessions": sessions, "signin_form": SigninSheetForm(auto_id=False)}
    return render(request, "enrollments/attendance/session_list.html", context)


@login_required
def roll_call(request, session_id: int):
    session = _session_for_trainer(request, session_id)
    roster = session_roster(session=session)
    rule = attendance_rule_get()
    context = {
        "session": session,
        "roster": roster,
        "statuses": Attendance.Status.choices,
        "marked": sum(1 for entry in roster if entry["attendance"]),
        "is_open": session_attendance_is_open(session=session, now=timezone.now(), rule=rule),
        "opens_at": session_attendance_opens_at(session=session, rule=rule),
    }
    return render(request, "enrollments/attendance/roll_call.html", context)


@login_required
@require_POST
def roll_call_mark(request, session_id: int):
    session = _session_for_trainer(request, session_id)
    enrollment_id = request.POST.get("enrollment", "")
    try:
        attendance = attendance_roll_call_mark(
            session=session,
            enrollment_id=int(enrollment_id) if enrollment_id.isdigit() else 0,
            status=request.POST.get("status", ""),
            user=request.user,
        )
    except RuleViolation as error:
        messages.error(request, error.text)
        return redirect("attendance:roll_call", session_id=session.pk)
    messages.success(
        request,
        _("%(name)s: %(status)s")
        % {"name": attendance.enrollment.user.full_name, "status": attendance.get_status_display()},
    )
    url = reverse("attendance:roll_call", kwargs={"session_id": session.pk})
    return redirect(f"{url}#trainee-{attendance.enrollment_id}")


@login_required
def walk_in(request, session_id: int):
    session = _session_for_trainer(request, session_id)
    found = None
    if request.method == "POST":
        form = WalkInForm(request.POST)
        if form.is_valid():
            try:
                result = walk_in_enroll(
                    session=session,
                    user=request.user,
                    phone=form.cleaned_data["phone"],
                    full_name=form.cleaned_data["full_name"],
                    organization=form.cleaned_data["organization"],
                )
            except RuleViolation as error:
                form_add_rule_violation(form, error)
            else:
                messages.success(
                    request,
                    _("%(name)s is enrolled; mark their attendance below.")
                    % {"name": result.enrollment.user.full_name},
                )
                url = reverse("attendance:roll_call", kwargs={"session_id": session.pk})
                return redirect(f"{url}#trainee-{result.enrollment.pk}")
    else:
        phone = request.GET.get("phone", "").strip()
        form = WalkInForm(initial={"phone": phone})
        if phone:
            found = trainee_find_by_phone(phone=phone)
    context = {"session": session, "form": form, "found": found, "searched": "phone" in request.GET}
    return render(request, "enrollments/attendance/walk_in.html", context)


def _qr_svg(data: str) -> str:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=12, border=2)
    return image.to_string(encoding="unicode")


def _screen_state(request, session: ClassSession, rule) -> dict:
    """What the check-in screen shows now; the code and QR code only while check-in is
    open."""
    now = timezone.now()
    window = session_checkin_window(session=session, now=now, rule=rule)
    state = {
        "checkin_window": str(window),
        "seconds_left": checkin_seconds_left(now=now),
        "checked_in": session_checkin_count(session=session),
    }
    if window != CheckinWindow.OPEN:
        return state
    period = checkin_period(now=now)
    token = checkin_token(session_id=session.pk, period=period)
    url = request.build_absolute_uri(
        reverse("attendance:checkin", kwargs={"session_id": session.pk})
    )
    checkin_url = f"{url}?t={token}"
    return {
        **state,
        "checkin_url": checkin_url,
        "qr_svg": _qr_svg(checkin_url),
        "code": checkin_code(session_id=session.pk, period=period),
    }


@login_required
def checkin_screen(request, session_id: int):
    session = _session_for_trainer(request, session_id)
    rule = attendance_rule_get()
    state = _screen_state(request, session, rule)
    if request.GET.get("format") == "json":
        return JsonResponse(state)
    context = {
        "session": session,
        "rule": rule,
        "opens_at": session_attendance_opens_at(session=session, rule=rule),
        **state,
    }
    return render(request, "enrollments/attendance/checkin_screen.html", context)


@login_required
def signin_sheet(request, session_id: int):
    session = _session_for_trainer(request, session_id)
    form = SigninSheetForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest(" ".join(str(error) for error in form.errors["order"]))
    roster = session_roster(session=session, order=form.cleaned_data["order"])
    pdf = signin_sheet_pdf(session=session, roster=roster)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="sign-in-sheet-{session.pk}.pdf"'
    return response
