"""Admin actions on enrolments and external training, each trainee's ledger, roster import."""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from academy.errors import RuleViolation
from academy.forms import form_add_rule_violation
from academy.models import User
from academy.roles import is_administrator
from courses.models import CoursePage
from enrollments.admin.views.downloads import xlsx_download
from enrollments.documents.reading import UploadedSheet
from enrollments.forms.accounts import AccountMergeForm
from enrollments.forms.learning import HourAdjustmentForm, ReasonForm, RosterUploadForm
from enrollments.selectors.access import enrollment_managed_queryset
from enrollments.selectors.accounts import account_merge_list, account_merge_preview
from enrollments.selectors.enrollment import enrollment_list_for_user
from enrollments.selectors.hours import hour_entry_list, hours_summary
from enrollments.services.accounts import account_merge
from enrollments.services.enrollment import (
    enrollment_admit_from_waitlist,
    enrollment_approve,
    enrollment_reject,
)
from enrollments.services.external_training import (
    external_training_approve,
    external_training_reject,
)
from enrollments.services.ledger import hour_entry_adjust
from enrollments.services.roster import (
    roster_check,
    roster_import,
    roster_read,
    roster_template_write,
)

ROSTER_SESSION_PREFIX = "enrollments_roster_"


def _require_administrator(request):
    if not is_administrator(request.user):
        raise PermissionDenied


def _reason(request) -> str:
    """The reason typed for a decision; the service decides whether it is enough."""
    form = ReasonForm(request.POST)
    if not form.is_valid():
        raise RuleViolation(form.errors.as_data()["reason"], code="invalid_reason")
    return form.cleaned_data["reason"]


def _render(request, template, title, context, icon="group"):
    context = {"page_title": title, "header_title": title, "header_icon": icon, **context}
    return TemplateResponse(request, template, context)


@require_POST
def enrollment_decide(request, enrollment_id, action):
    # Only enrolments this user manages can be found; the services check again.
    enrollment = get_object_or_404(enrollment_managed_queryset(user=request.user), pk=enrollment_id)
    try:
        if action == "approve":
            enrollment_approve(enrollment_id=enrollment.pk, actor=request.user)
            messages.success(request, _("Enrolment approved."))
        elif action == "reject":
            enrollment_reject(
                enrollment_id=enrollment.pk, actor=request.user, reason=_reason(request)
            )
            messages.success(request, _("Enrolment rejected."))
        elif action == "admit":
            enrollment_admit_from_waitlist(enrollment_id=enrollment.pk, actor=request.user)
            messages.success(request, _("Moved from the waiting list into the course."))
        else:
            raise PermissionDenied
    except RuleViolation as error:
        messages.error(request, error.text)
    return redirect("learning_enrollments:inspect", enrollment.pk)


@require_POST
def external_training_decide(request, training_id, action):
    _require_administrator(request)
    try:
        if action == "approve":
            external_training_approve(training_id=training_id, actor=request.user)
            messages.success(request, _("External training approved; its hours are credited."))
        elif action == "reject":
            external_training_reject(
                training_id=training_id, actor=request.user, reason=_reason(request)
            )
            messages.success(request, _("External training rejected."))
        else:
            raise PermissionDenied
    except RuleViolation as error:
        messages.error(request, error.text)
    return redirect("learning_external_training:inspect", training_id)


@require_http_methods(["GET", "POST"])
def trainee_ledger(request, user_id):
    _require_administrator(request)
    trainee = get_object_or_404(User.objects.select_related("trainee_profile"), pk=user_id)
    form = HourAdjustmentForm(
        request.POST or None, trainee=trainee, initial={"date": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            hour_entry_adjust(user=trainee, actor=request.user, **form.cleaned_data)
        except RuleViolation as error:
            form_add_rule_violation(form, error)
        else:
            messages.success(request, _("Adjustment recorded."))
            return redirect("enrollments_admin:trainee_ledger", trainee.pk)
    context = {
        "trainee": trainee,
        "entries": hour_entry_list(user=trainee)[:1000],
        "hours": hours_summary(user=trainee, today=timezone.localdate()),
        "enrollments": enrollment_list_for_user(user=trainee),
        "form": form,
    }
    return _render(
        request,
        "enrollments/admin/trainee_ledger.html",
        _("Class-hours of %(name)s") % {"name": trainee},
        context,
        icon="time",
    )


def roster_courses(request):
    _require_administrator(request)
    courses = CoursePage.objects.order_by("path")
    return _render(
        request, "enrollments/admin/roster_courses.html", _("Import a roster"), {"courses": courses}
    )


def roster_template(request):
    _require_administrator(request)
    return xlsx_download("roster-template.xlsx", roster_template_write)


@require_http_methods(["GET", "POST"])
def roster_upload(request, course_id):
    _require_administrator(request)
    course = get_object_or_404(CoursePage, pk=course_id)
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            sheet = roster_read(upload=form.cleaned_data["roster"])
        except RuleViolation as error:
            form.add_error("roster", error)
        else:
            token = uuid.uuid4().hex
            request.session[ROSTER_SESSION_PREFIX + token] = {
                "course_id": course.pk,
                "user_id": request.user.pk,
                "sheet": sheet.as_data(),
            }
            return redirect("enrollments_admin:roster_preview", course.pk, token)
    return _render(
        request,
        "enrollments/admin/roster_upload.html",
        _("Import a roster: %(course)s") % {"course": course.title},
        {"course": course, "form": form},
    )


@require_http_methods(["GET", "POST"])
def roster_preview(request, course_id, token):
    _require_administrator(request)
    course = get_object_or_404(CoursePage, pk=course_id)
    key = ROSTER_SESSION_PREFIX + token
    stored = request.session.get(key)
    if not stored or stored["course_id"] != course.pk or stored["user_id"] != request.user.pk:
        messages.error(request, _("That upload has expired; upload the roster again."))
        return redirect("enrollments_admin:roster_upload", course.pk)
    sheet = UploadedSheet.from_data(stored["sheet"])
    if request.method == "POST":
        good_rows_only = request.POST.get("mode") == "good_rows"
        try:
            result = roster_import(
                course=course, sheet=sheet, actor=request.user, good_rows_only=good_rows_only
            )
        except RuleViolation as error:
            messages.error(request, error.text)
            return redirect("enrollments_admin:roster_preview", course.pk, token)
        del request.session[key]
        messages.success(
            request,
            _(
                "Roster imported: %(enrolled)d enrolled, %(waitlisted)d on the waiting list, "
                "%(already)d already enrolled; %(created)d new trainee accounts."
            )
            % {
                "enrolled": result.enrolled,
                "waitlisted": result.waitlisted,
                "already": result.already_enrolled,
                "created": result.created,
            },
        )
        return redirect(reverse("learning_enrollments:index") + f"?course={course.pk}")
    report = roster_check(sheet=sheet)
    return _render(
        request,
        "enrollments/admin/roster_preview.html",
        _("Check the roster: %(course)s") % {"course": course.title},
        {"course": course, "report": report, "row_count": len(sheet.rows)},
    )


@require_http_methods(["GET", "POST"])
def account_merge_screen(request):
    """Pick two accounts of one person, see what would move, and confirm."""
    _require_administrator(request)
    form = AccountMergeForm(request.POST or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        kept, merged = form.cleaned_data["kept"], form.cleaned_data["merged"]
        if "confirm" in request.POST:
            try:
                audit = account_merge(kept=kept, merged=merged, actor=request.user)
            except RuleViolation as error:
                form_add_rule_violation(form, error)
            else:
                messages.success(
                    request,
                    _("%(merged)s was merged into %(kept)s; %(rows)s records moved.")
                    % {
                        "merged": merged,
                        "kept": kept,
                        "rows": sum(audit.counts.values()),
                    },
                )
                return redirect("enrollments_admin:account_merge")
        if form.is_valid() and kept.pk == merged.pk:
            form.add_error(None, _("Choose two different accounts."))
        elif form.is_valid():
            preview = account_merge_preview(kept=kept, merged=merged)
    return _render(
        request,
        "enrollments/admin/account_merge.html",
        _("Merge accounts"),
        {"form": form, "preview": preview, "merges": account_merge_list()},
        icon="user",
    )
