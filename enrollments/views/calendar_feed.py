"""The trainee's personal calendar feed, and the dashboard buttons that make or revoke its link."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from courses.ical import calendar_response, sessions_calendar_build
from enrollments.selectors.calendar_feed import calendar_feed_for_key
from enrollments.services.calendar_feed import (
    calendar_feed_token_create,
    calendar_feed_token_revoke,
)


@require_safe
def personal_calendar(request, key: str):
    """No login: calendar apps fetch it by its secret address alone."""
    feed = calendar_feed_for_key(key=key)
    if feed is None:
        raise Http404
    body = sessions_calendar_build(
        name=_("My training sessions"), sessions=feed.sessions, changed_at=feed.changed_at
    )
    return calendar_response(
        request, body=body, changed_at=feed.changed_at, filename="sessions.ics", private=True
    )


def _dashboard_calendar():
    return redirect(reverse("enrollments:dashboard") + "#calendar")


@login_required
@require_POST
def calendar_link_create(request):
    calendar_feed_token_create(user=request.user)
    messages.success(
        request, _("Your personal calendar link is ready. Any earlier link no longer works.")
    )
    return _dashboard_calendar()


@login_required
@require_POST
def calendar_link_revoke(request):
    if calendar_feed_token_revoke(user=request.user):
        messages.success(request, _("Your personal calendar link no longer works."))
    return _dashboard_calendar()
