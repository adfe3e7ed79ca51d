"""Trainee-facing views: enrol, withdraw, lesson beats and completion, dashboard, ledger."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from academy.roles import is_administrator
from enrollments.forms import ExternalTrainingForm
from enrollments.models import Enrollment, ExternalTraining
from enrollments.selectors.dashboard import dashboard_context
from enrollments.selectors.hours import hour_entry_list, hours_summary
from enrollments.services.enrollment import enrollment_enrol, enrollment_withdraw
from enrollments.services.external_training import external_training_submit
from enrollments.services.progress import lesson_progress_beat, lesson_progress_complete


def _live_course(course_id):
    from courses.models import CoursePage

    return get_object_or_404(CoursePage.objects.live().public(), pk=course_id)


def _live_lesson(lesson_id):
    from courses.models import LessonPage

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
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
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
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
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
            "can_complete": progress.seconds_on_task >= lesson.min_study_minutes * 60,
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
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Lesson done: %(lesson)s.") % {"lesson": lesson.title})
    return _back(request, lesson.url)


@login_required
def dashboard(request):
    return render(request, "enrollments/dashboard.html", dashboard_context(user=request.user))


@login_required
def ledger(request):
    context = {
        "entries": hour_entry_list(user=request.user)[:500],
        "hours": hours_summary(user=request.user, today=timezone.localdate()),
        "external_trainings": ExternalTraining.objects.filter(user=request.user)[:100],
    }
    return render(request, "enrollments/ledger.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def external_training_new(request):
    form = ExternalTrainingForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            external_training_submit(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your external training was submitted for review."))
            return redirect("enrollments:ledger")
    return render(request, "enrollments/external_training_form.html", {"form": form})


@login_required
def external_training_proof(request, training_id):
    training = get_object_or_404(ExternalTraining, pk=training_id)
    if training.user_id != request.user.pk and not is_administrator(request.user):
        raise Http404
    return FileResponse(training.proof.open("rb"), as_attachment=False)
