"""What was sent: notices and their e-mails and text messages (administrators, read-only)."""

import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from enrollments.models import (
    Notification,
    NotificationChannel,
    NotificationDelivery,
    NotificationKind,
)


class NotificationFilterSet(WagtailFilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=NotificationKind.choices)
    unread = django_filters.BooleanFilter(
        label=_("Unread"), field_name="read_at", lookup_expr="isnull"
    )

    class Meta:
        model = Notification
        fields = ["kind"]


class NotificationIndexView(IndexView):
    def get_base_queryset(self):
        return Notification.objects.select_related("recipient")


class NotificationViewSet(ModelViewSet):
    model = Notification
    icon = "mail"
    menu_label = _("Notices")
    index_view_class = NotificationIndexView
    filterset_class = NotificationFilterSet
    inspect_view_enabled = True
    search_backend_name = None
    form_fields: list[str] = []
    list_display = ["title", "recipient", "kind", "created_at", "read_at"]
    search_fields = ["title", "recipient__full_name", "recipient__phone", "recipient__email"]
    inspect_view_fields = ["recipient", "kind", "title", "body", "link", "created_at", "read_at"]
    ordering = ["-created_at", "-pk"]
    list_per_page = 50


class NotificationDeliveryFilterSet(WagtailFilterSet):
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), field_name="notification__kind", choices=NotificationKind.choices
    )
    channel = django_filters.ChoiceFilter(label=_("Channel"), choices=NotificationChannel.choices)
    job_status = django_filters.ChoiceFilter(
        label=_("Status"), choices=NotificationDelivery.JobStatus.choices
    )

    class Meta:
        model = NotificationDelivery
        fields = ["channel", "job_status"]


class NotificationDeliveryIndexView(IndexView):
    def get_base_queryset(self):
        return NotificationDelivery.objects.select_related("notification__recipient")


class NotificationDeliveryInspectView(InspectView):
    template_name = "enrollments/admin/notification_delivery_inspect.html"


class NotificationDeliveryViewSet(ModelViewSet):
    model = NotificationDelivery
    icon = "mail"
    menu_label = _("E-mails and text messages")
    index_view_class = NotificationDeliveryIndexView
    inspect_view_class = NotificationDeliveryInspectView
    filterset_class = NotificationDeliveryFilterSet
    inspect_view_enabled = True
    search_backend_name = None
    form_fields: list[str] = []
    list_display = ["notification", "channel", "address", "job_status", "created_at", "finished_at"]
    search_fields = ["address", "notification__title", "notification__recipient__full_name"]
    inspect_view_fields = [
        "notification",
        "channel",
        "address",
        "job_status",
        "attempts",
        "error",
        "created_at",
        "finished_at",
    ]
    ordering = ["-created_at", "-pk"]
    list_per_page = 50


class NotificationViewSetGroup(ModelViewSetGroup):
    menu_label = _("Sent notifications")
    menu_icon = "mail"
    menu_order = 270
    items = (
        NotificationViewSet("sent_notifications"),
        NotificationDeliveryViewSet("sent_notification_deliveries"),
    )
