"""The Wagtail admin for enrolments, hours, external training and the CE policy."""

import django_filters
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from academy.models import Organization
from academy.roles import is_administrator
from enrollments.admin.viewsets.evaluations import (
    QuestionnaireViewSet,
    evaluation_results_viewset,
)
from enrollments.models import ContinuingEducationPolicy, Enrollment, ExternalTraining, HourEntry
from enrollments.selectors.access import course_is_managed_by, enrollment_managed_queryset


def _decision_urls(url_name: str, pk: int, *decisions: str) -> dict[str, str]:
    """The ``<decision>_url`` of each decision the view ``url_name`` takes on the record."""
    return {f"{decision}_url": reverse(url_name, args=[pk, decision]) for decision in decisions}


class RecordViewSet(ModelViewSet):
    """Records that are listed, searched in the database and inspected, never edited here."""

    # Never offered: the policy grants "view" only; changes go through the actions.
    exclude_form_fields: list[str] = []
    inspect_view_enabled = True
    search_backend_name = None


class OrganizationColumn(Column):
    def get_value(self, instance):
        profile = getattr(instance.user, "trainee_profile", None)
        return profile.organization if profile and profile.organization else "—"


def _organisation_filter() -> django_filters.ModelChoiceFilter:
    # Built from the lookup, the label would name the reverse relation in English.
    return django_filters.ModelChoiceFilter(
        field_name="user__trainee_profile__organization",
        label=_("Organisation"),
        queryset=Organization.objects.order_by("name"),
    )


class EnrollmentFilterSet(WagtailFilterSet):
    user__trainee_profile__organization = _organisation_filter()

    class Meta:
        model = Enrollment
        fields = ["status", "course", "source"]


class HourEntryFilterSet(WagtailFilterSet):
    user__trainee_profile__organization = _organisation_filter()

    class Meta:
        model = HourEntry
        fields = ["source", "date"]


class EnrollmentIndexView(IndexView):
    def get_base_queryset(self):
        return enrollment_managed_queryset(user=self.request.user)


class EnrollmentInspectView(InspectView):
    template_name = "enrollments/admin/enrollment_inspect.html"

    def get_object(self, queryset=None):
        return get_object_or_404(enrollment_managed_queryset(user=self.request.user), pk=self.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        enrollment = self.object
        context["enrollment"] = enrollment
        context["statuses"] = Enrollment.Status
        context["may_decide"] = course_is_managed_by(
            course=enrollment.course, user=self.request.user
        )
        context.update(
            _decision_urls(
                "enrollments_admin:enrollment_decide", enrollment.pk, "approve", "reject", "admit"
            )
        )
        if is_administrator(self.request.user):
            context["ledger_url"] = reverse(
                "enrollments_admin:trainee_ledger", args=[enrollment.user_id]
            )
            context["history_url"] = reverse(
                "enrollments_admin:trainee_history", args=[enrollment.user_id]
            )
        return context


class EnrollmentViewSet(RecordViewSet):
    model = Enrollment
    icon = "group"
    menu_label = _("Enrolments")
    index_view_class = EnrollmentIndexView
    inspect_view_class = EnrollmentInspectView
    list_display = [
        "user",
        "course",
        "status",
        OrganizationColumn("organization", label=_("Organisation")),
        "created_at",
    ]
    filterset_class = EnrollmentFilterSet
    search_fields = ["user__full_name", "user__phone", "user__email"]
    inspect_view_fields = [
        "user",
        "course",
        "status",
        "source",
        "created_at",
        "waitlisted_at",
        "decided_at",
        "decided_by",
        "decision_reason",
        "completed_at",
        "withdrawn_at",
    ]
    ordering = ["-created_at", "-pk"]


class HourEntryIndexView(IndexView):
    def get_base_queryset(self):
        return HourEntry.objects.select_related("user", "course", "recorded_by")


class HourEntryViewSet(RecordViewSet):
    model = HourEntry
    icon = "time"
    menu_label = _("Class-hours ledger")
    list_display = ["user", "source", "hours", "date", "course", "recorded_by"]
    filterset_class = HourEntryFilterSet
    search_fields = ["user__full_name", "user__phone", "description"]
    ordering = ["-date", "-pk"]

    index_view_class = HourEntryIndexView


class ExternalTrainingIndexView(IndexView):
    def get_base_queryset(self):
        return ExternalTraining.objects.select_related("user")


class ExternalTrainingInspectView(InspectView):
    template_name = "enrollments/admin/external_training_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        training = self.object
        context["training"] = training
        context["submitted"] = training.status == ExternalTraining.Status.SUBMITTED
        context.update(
            _decision_urls(
                "enrollments_admin:external_training_decide", training.pk, "approve", "reject"
            )
        )
        context["proof_url"] = reverse("enrollments:external_training_proof", args=[training.pk])
        return context


class ExternalTrainingViewSet(RecordViewSet):
    model = ExternalTraining
    icon = "doc-full"
    menu_label = _("External training")
    inspect_view_class = ExternalTrainingInspectView
    list_display = ["user", "title", "provider", "date", "hours", "status"]
    list_filter = ["status"]
    search_fields = ["user__full_name", "title", "provider"]
    inspect_view_fields = [
        "user",
        "title",
        "provider",
        "date",
        "hours",
        "status",
        "submitted_at",
        "decided_at",
        "decided_by",
        "rejection_reason",
    ]
    ordering = ["-submitted_at", "-pk"]

    index_view_class = ExternalTrainingIndexView


class ContinuingEducationPolicyViewSet(ModelViewSet):
    model = ContinuingEducationPolicy
    icon = "list-ul"
    menu_label = _("Continuing-education policy")
    list_display = ["qualification_level", "hours_required", "cycle_years", "online_hours_cap"]
    form_fields = ["qualification_level", "hours_required", "cycle_years", "online_hours_cap"]


class LearningViewSetGroup(ModelViewSetGroup):
    menu_label = _("Learning")
    menu_icon = "group"
    menu_order = 250
    items = (
        EnrollmentViewSet("learning_enrollments"),
        HourEntryViewSet("learning_hours"),
        ExternalTrainingViewSet("learning_external_training"),
        ContinuingEducationPolicyViewSet("learning_ce_policies"),
        QuestionnaireViewSet("learning_questionnaires"),
        evaluation_results_viewset,
    )
