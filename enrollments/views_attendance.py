"""Roll call, walk-ins, the check-in screen and self check-in: phone-first pages."""

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from academy.roles import is_administrator, is_trainer
from courses.models import ClassSession
from enrollments.exports.signin_sheet import signin_sheet_pdf
from enrollments.forms_attendance import CheckinCodeForm, WalkInForm
from enrollments.models import Attendance, Enrollment
from enrollments.selectors.attendance import (
    attendance_rule_get,
    session_can_take_roll,
    session_checkin_count,
    session_list_for_trainer,
    session_open_for_checkin_list,
    session_roster,
    trainee_find_by_phone,
)
from enrollments.services.attendance import attendance_roll_call_mark, walk_in_enroll
from enrollments.services.checkin import (
    CheckinRefused,
    checkin_code,
    checkin_period,
    checkin_record,
    checkin_seconds_left,
    checkin_token,
    checkout_record,
)


def _session_for_trainer(request, session_id: int) -> ClassSession:
    session = get_object_or_404(ClassSession.objects.select_related("course"), pk=session_id)
    if not session_can_take_roll(user=request.user, session=session):
        raise PermissionDenied
    return session


@login_required
def session_list(request):
    if not (is_administrator(request.user) or is_trainer(request.user)):
        raise PermissionDenied
    sessions = session_list_for_trainer(user=request.user)
    return render(request, "enrollments/attendance/session_list.html", {"sessions": sessions})


@login_required
def roll_call(request, session_id: int):
    session = _session_for_trainer(request, session_id)
    roster = session_roster(session=session)
    context = {
        "session": session,
        "roster": roster,
        "statuses": Attendance.Status.choices,
        "marked": sum(1 for entry in roster if entry["attendance"]),
        "locked": session.attendance_locked_at is not None,
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
    except ValidationError as error:
        messages.error(request, error.messages[0])
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
            except ValidationError as error:
                form.add_error(None, error)
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


def _screen_state(request, session: ClassSession) -> dict:
    now = timezone.now()
    period = checkin_period(now=now)
    token = checkin_token(session_id=session.pk, period=period)
    url = request.build_absolute_uri(
        reverse("attendance:checkin", kwargs={"session_id": session.pk})
    )
    checkin_url = f"{url}?t={token}"
    return {
        "checkin_url": checkin_url,
        "qr_svg": _qr_svg(checkin_url),
        "code": checkin_code(session_id=session.pk, period=period),
        "seconds_left": checkin_seconds_left(now=now),
        "checked_in": session_checkin_count(session=session),
    }


@login_required
def checkin_screen(request, session_id: int):
    session = _session_for_trainer(request, session_id)
    state = _screen_state(request, session)
    if request.GET.get("format") == "json":
        return JsonResponse(state)
    rule = attendance_rule_get()
    context = {"session": session, "rule": rule, **state}
    return render(request, "enrollments/attendance/checkin_screen.html", context)


@login_required
def signin_sheet(request, session_id: int):
    session = _session_for_trainer(request, session_id)
    pdf = signin_sheet_pdf(session=session, roster=session_roster(session=session))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="sign-in-sheet-{session.pk}.pdf"'
    return response


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
            except CheckinRefused as refusal:
                messages.error(request, refusal.messages[0])
            else:
                messages.success(
                    request,
                    _("Checked in at %(time)s: %(status)s.")
                    % {
                        "time": timezone.localtime(attendance.checked_in_at).strftime("%H:%M"),
                        "status": attendance.get_status_display(),
                    },
                )
            return redirect("attendance:checkin", session_id=session.pk)
        form = CheckinCodeForm(request.POST)
    return render(
        request, "enrollments/attendance/checkin.html", _checkin_context(request, session, form)
    )


@login_required
def checkin_by_code(request):
    """Type the six-digit code without scanning: it finds the open session it belongs to."""
    form = CheckinCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        now = timezone.now()
        period = checkin_period(now=now)
        candidates = [
            session
            for session in session_open_for_checkin_list(now=now, rule=attendance_rule_get())
            if code
            in (
                checkin_code(session_id=session.pk, period=period),
                checkin_code(session_id=session.pk, period=period - 1),
            )
        ]
        enrolled_course_ids = set(
            Enrollment.objects.filter(
                user=request.user, status__in=Enrollment.SEAT_STATUSES
            ).values_list("course_id", flat=True)
        )
        candidates.sort(key=lambda session: session.course_id not in enrolled_course_ids)
        if not candidates:
            messages.error(
                request,
                _("This check-in code is not valid or has expired. Check the screen again."),
            )
        else:
            session = candidates[0]
            try:
                checkin_record(session=session, user=request.user, code=code, now=now)
            except CheckinRefused as refusal:
                messages.error(request, refusal.messages[0])
            else:
                messages.success(request, _("You are checked in."))
                return redirect("attendance:checkin", session_id=session.pk)
        return redirect("attendance:checkin_by_code")
    return render(request, "enrollments/attendance/checkin_code.html", {"form": form})


@login_required
@require_POST
def checkout(request, session_id: int):
    session = get_object_or_404(ClassSession, pk=session_id)
    try:
        attendance = checkout_record(session=session, user=request.user)
    except CheckinRefused as refusal:
        messages.error(request, refusal.messages[0])
    else:
        messages.success(
            request,
            _("Checked out at %(time)s.")
            % {"time": timezone.localtime(attendance.checked_out_at).strftime("%H:%M")},
        )
    return redirect("attendance:checkin", session_id=session.pk)
