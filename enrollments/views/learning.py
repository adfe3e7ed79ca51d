"""Trainee-facing views: enrol, withdraw, lesson beats and completion, dashboard, ledger."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from academy.errors import RuleViolation
from courses.models import CoursePage, LessonPage
from enrollments.models import Enrollment
from enrollments.selectors.dashboard import dashboard_context_cached
from enrollments.selectors.progress import lesson_completion_refusal
from enrollments.services.enrollment import enrollment_enrol, enrollment_withdraw
from enrollments.services.progress import lesson_progress_beat, lesson_progress_complete


def _live_course(course_id):
    return get_object_or_404(CoursePage.objects.live().public(), pk=course_id)


def _live_lesson(lesson_id):
    return get_object_or_404(LessonPage.objects.live().public(), pk=lesson_id)


def _back(request, fallback: str):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(fallback)


@login_required
@require_POST
def enrol(request, course_id):
    course = _live_course(course_id)
    try:
        enrollment = enrollment_enrol(user=request.user, course=course)
    except RuleViolation as error:
        messages.error(request, error.text)
        return _back(request, course.url)
    if enrollment.status == Enrollment.Status.ACTIVE:
        messages.success(request, _("You are enrolled in %(course)s.") % {"course": course.title})
    elif enrollment.status == Enrollment.Status.PENDING:
        messages.success(
            request,
            _("Your application for %(course)s is waiting for approval.")
            % {"course": course.title},
        )
    else:
        messages.warning(
            request,
            _("%(course)s is full: you are on the waiting list and will move up automatically.")
            % {"course": course.title},
        )
    return _back(request, course.url)


@login_required
@require_POST
def withdraw(request, course_id):
    course = _live_course(course_id)
    # Only the visitor's own enrolment can be found here.
    enrollment = get_object_or_404(Enrollment, user=request.user, course=course)
    try:
        enrollment_withdraw(enrollment=enrollment, user=request.user)
    except RuleViolation as error:
        messages.error(request, error.text)
    else:
        messages.success(
            request, _("You have withdrawn from %(course)s.") % {"course": course.title}
        )
    return _back(request, course.url)


@login_required
@require_POST
def lesson_beat(request, lesson_id):
    lesson = _live_lesson(lesson_id)
    try:
        progress = lesson_progress_beat(
            lesson=lesson, user=request.user, resume=request.POST.get("resume") == "1"
        )
    except PermissionDenied as error:
        return JsonResponse({"error": str(error)}, status=403)
    return JsonResponse(
        {
            "seconds_on_task": progress.seconds_on_task,
            "minutes_on_task": progress.seconds_on_task // 60,
            "can_complete": lesson_completion_refusal(lesson=lesson, progress=progress) is None,
            "completed": progress.completed_at is not None,
        }
    )


@login_required
@require_POST
def lesson_complete(request, lesson_id):
    lesson = _live_lesson(lesson_id)
    try:
        lesson_progress_complete(lesson=lesson, user=request.user)
    except PermissionDenied as error:
        messages.error(request, str(error) or _("You cannot record progress on this lesson."))
    except RuleViolation as error:
        messages.error(request, error.text)
    else:
        messages.success(request, _("Lesson done: %(lesson)s.") % {"lesson": lesson.title})
    return _back(request, lesson.url)


@login_required
def dashboard(request):
    return render(
        request, "enrollments/dashboard.html", dashboard_context_cached(user=request.user)
    )
