"""A trainee's notices: the list, opening one, marking all read, and the channel choices."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from enrollments.forms.notifications import NotificationPreferencesForm
from enrollments.models import Notification, NotificationChannel
from enrollments.selectors.notifications import notification_list, notification_preferences
from enrollments.services.notifications import (
    notification_preferences_save,
    notifications_mark_read,
)

PAGE_SIZE = 30


@login_required
def notifications(request):
    page = Paginator(notification_list(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "enrollments/notifications/list.html", {"page_obj": page})


@login_required
@require_POST
def notification_open(request, notification_id):
    notification = get_object_or_404(Notification, pk=notification_id, recipient=request.user)
    notifications_mark_read(user=request.user, notification_ids=[notification.pk])
    if notification.link and url_has_allowed_host_and_scheme(
        notification.link, allowed_hosts={request.get_host()}
    ):
        return redirect(notification.link)
    return redirect("enrollments:notifications")


@login_required
@require_POST
def notifications_read_all(request):
    notifications_mark_read(user=request.user)
    messages.success(request, _("All notices are marked read."))
    return redirect("enrollments:notifications")


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request):
    form = NotificationPreferencesForm(
        request.POST or None, preferences=notification_preferences(user=request.user)
    )
    if request.method == "POST" and form.is_valid():
        notification_preferences_save(user=request.user, preferences=form.chosen())
        messages.success(request, _("Your notification choices were saved."))
        return redirect("enrollments:notification_settings")
    context = {"form": form, "channels": NotificationChannel.choices}
    return render(request, "enrollments/notifications/settings.html", context)
