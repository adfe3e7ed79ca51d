"""iCalendar (RFC 5545) feeds of class sessions: a course's, and (from enrollments) a trainee's.

- Links are absolute, from ``BASE_URL`` (``WAGTAILADMIN_BASE_URL``), whatever host
  the request came in on.
- UIDs are ``class-session-<pk>@<ACADEMY_CALENDAR_UID_DOMAIN>``: a fixed setting, so
  a session keeps its UID when the site is served under another host name.
- Times are written in the academy's time zone (``TIME_ZONE``, Asia/Shanghai) with its
  ``VTIMEZONE``, so a calendar with no sessions still has a component and is valid.
- ``DTSTAMP`` is the newest change the caller names (for a course, its last
  publication), so the same sessions give the same bytes and ETag.
"""

import hashlib
from collections.abc import Iterable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, quote_etag
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone

from .models import ClassSession, CoursePage

PRODID = "-//Academy//Class sessions//ZH"


def site_absolute_url(path: str) -> str:
    """``path`` on the site's public address (``BASE_URL``), never the request's host."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def course_absolute_url(course: CoursePage) -> str:
    parts = course.get_url_parts()
    if parts is None:
        return site_absolute_url("/")
    return site_absolute_url(parts[2])


def session_uid(session: ClassSession) -> str:
    return f"class-session-{session.pk}@{settings.ACADEMY_CALENDAR_UID_DOMAIN}"


def _timezone_component(zone: ZoneInfo, sessions: list[ClassSession], stamp: datetime):
    moments = [session.starts_at for session in sessions] + [stamp]
    first = min(moments).astimezone(zone).date() - timedelta(days=366)
    last = max(moments).astimezone(zone).date() + timedelta(days=366)
    return Timezone.from_tzinfo(zone, first_date=first, last_date=last)


def sessions_calendar_build(
    *, name: str, sessions: Iterable[ClassSession], changed_at: datetime | None
) -> bytes:
    """The calendar named ``name`` with one event per session (``session.course`` loaded)."""
    sessions = list(sessions)
    zone = ZoneInfo(settings.TIME_ZONE)
    stamp = (changed_at or timezone.now()).replace(microsecond=0)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    calendar.add_component(_timezone_component(zone, sessions, stamp))
    for session in sessions:
        course = session.course
        course_url = course_absolute_url(course)
        event = Event()
        event.add("uid", session_uid(session))
        event.add("dtstamp", stamp.astimezone(ZoneInfo("UTC")))
        event.add("dtstart", session.starts_at.astimezone(zone))
        event.add("dtend", session.ends_at.astimezone(zone))
        event.add("summary", f"{course.title} · {session.title}")
        event.add("url", course_url)
        location = session.place or session.meeting_url
        if location:
            event.add("location", location)
        description = []
        if session.trainer is not None:
            trainer = session.trainer.full_name or session.trainer.get_username()
            description.append(_("Trainer: %(name)s") % {"name": trainer})
        if session.meeting_url:
            description.append(_("Meeting link: %(url)s") % {"url": session.meeting_url})
        description.append(course_url)
        event.add("description", "\n".join(description))
        calendar.add_component(event)
    return calendar.to_ical()


def calendar_response(
    request: HttpRequest,
    *,
    body: bytes,
    changed_at: datetime | None,
    filename: str,
    private: bool = False,
) -> HttpResponse:
    """The calendar, or 304 when the client's ETag or Last-Modified still holds.

    ``HEAD`` gets the same headers without the body (Django drops it)."""
    etag = quote_etag(hashlib.sha256(body).hexdigest()[:32])
    last_modified = int(changed_at.timestamp()) if changed_at else None
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    if private:
        patch_cache_control(response, private=True, no_cache=True)
    return (
        get_conditional_response(request, etag=etag, last_modified=last_modified, response=response)
        or response
    )
