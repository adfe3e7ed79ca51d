"""Certificates and certificate templates in the Wagtail admin (administrators only)."""

import django_filters
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from courses.models import CoursePage, CurriculumPage, Track
from enrollments.models import Certificate, CertificateTemplate


class CertificateFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Certificate.Status.choices)
    job_status = django_filters.ChoiceFilter(
        label=_("Job status"), choices=Certificate.JobStatus.choices
    )
    course = django_filters.ModelChoiceFilter(
        label=_("Course"),
        field_name="enrollment__course",
        queryset=CoursePage.objects.order_by("title"),
    )
    track = django_filters.ChoiceFilter(
        label=_("Track"),
        field_name="track_code",
        choices=Track.choices,
        method="filter_track",
    )
    year = django_filters.NumberFilter(label=_("Year issued"), field_name="issued_at__year")

    class Meta:
        model = Certificate
        fields = ["status", "job_status"]

    def filter_track(self, queryset, name, value):
        curricula = CurriculumPage.objects.filter(track=value)
        course_ids = CoursePage.objects.none()
        for curriculum in curricula:
            course_ids = course_ids | CoursePage.objects.child_of(curriculum)
        return queryset.filter(enrollment__course__in=course_ids.values("pk"))


class CertificateViewSet(ModelViewSet):
    model = Certificate
    icon = "doc-full"
    menu_label = _("Certificates")
    menu_order = 100
    filterset_class = CertificateFilterSet
    search_fields = ["serial_number", "holder_name", "course_title"]
    ordering = ["-issued_at", "-pk"]
    list_per_page = 50
    form_fields: list[str] = []

    @property
    def list_display(self):
        return [
            TitleColumn(
                "serial_number",
                label=_("Serial number"),
                get_url=lambda certificate: reverse(
                    "certificates_admin:detail", args=[certificate.pk]
                ),
                accessor=lambda certificate: certificate.serial_number or "—",
            ),
            Column("holder_name", label=_("Holder")),
            Column("course_title", label=_("Course")),
            Column("hours", label=_("Class-hours")),
            Column("status", label=_("Status"), accessor="get_status_display"),
            Column("job_status", label=_("Job status"), accessor="get_job_status_display"),
            Column("issued_at", label=_("Issued")),
        ]

    def get_queryset(self, request):
        return Certificate.objects.select_related("enrollment")


class CertificateTemplateViewSet(ModelViewSet):
    model = CertificateTemplate
    icon = "form"
    menu_label = _("Certificate templates")
    menu_order = 200
    list_display = ["title", "track", "language", "signatory_name", "updated_at"]
    form_fields = [
        "track",
        "language",
        "title",
        "body",
        "signatory_name",
        "signatory_title",
        "seal",
        "background",
    ]


class CertificateViewSetGroup(ModelViewSetGroup):
    menu_label = _("Certificates")
    menu_icon = "doc-full"
    menu_order = 250
    items = [
        CertificateViewSet("certificate_records"),
        CertificateTemplateViewSet("certificate_templates"),
    ]
