"""The trainee's evaluation of a session they attended, or of a course they completed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from academy.errors import RuleViolation
from academy.forms import form_add_rule_violation
from courses.models import ClassSession
from enrollments.forms.evaluations import EvaluationForm
from enrollments.models import Enrollment
from enrollments.selectors.evaluations import evaluation_questionnaire_for, evaluation_refusal
from enrollments.services.evaluations import evaluation_submit


def _evaluate(request, *, enrollment: Enrollment, session: ClassSession | None):
    refusal = evaluation_refusal(enrollment=enrollment, session=session)
    questionnaire = evaluation_questionnaire_for(course_id=enrollment.course_id)
    if refusal is not None or questionnaire is None:
        messages.error(request, refusal.text if refusal else _("There is nothing to evaluate."))
        return redirect("enrollments:dashboard")
    data = request.POST if request.method == "POST" else None
    form = EvaluationForm(data, questionnaire=questionnaire)
    if request.method == "POST" and form.is_valid():
        try:
            evaluation_submit(
                user=request.user,
                enrollment_id=enrollment.pk,
                session_id=session.pk if session else None,
                answers=form.answers(),
            )
        except RuleViolation as error:
            if getattr(error, "code", None) == "already_evaluated":
                messages.error(request, error.text)
                return redirect("enrollments:dashboard")
            form_add_rule_violation(form, error)
        else:
            messages.success(request, _("Thank you for your evaluation!"))
            return redirect("enrollments:dashboard")
    context = {"form": form, "enrollment": enrollment, "session": session}
    return render(request, "enrollments/evaluations/form.html", context)


def _own_enrollment(request, enrollment_id: int) -> Enrollment:
    # Another trainee's enrolment is not found.
    return get_object_or_404(
        Enrollment.objects.select_related("course"), pk=enrollment_id, user=request.user
    )


@login_required
@require_http_methods(["GET", "POST"])
def evaluate_session(request, enrollment_id: int, session_id: int):
    enrollment = _own_enrollment(request, enrollment_id)
    session = get_object_or_404(ClassSession, pk=session_id, course_id=enrollment.course_id)
    return _evaluate(request, enrollment=enrollment, session=session)


@login_required
@require_http_methods(["GET", "POST"])
def evaluate_course(request, enrollment_id: int):
    return _evaluate(request, enrollment=_own_enrollment(request, enrollment_id), session=None)
