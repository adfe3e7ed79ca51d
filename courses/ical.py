"""An iCalendar (RFC 5545) feed of a course's sessions."""

from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from .models import ClassSession, CoursePage


def course_calendar_build(*, course: CoursePage, sessions: list[ClassSession], course_url: str):
    host = urlsplit(settings.WAGTAILADMIN_BASE_URL).hostname or "academy"
    calendar = Calendar()
    calendar.add("prodid", "-//Academy//Class sessions//ZH")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", course.title)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    stamp = timezone.now()
    for session in sessions:
        event = Event()
        event.add("uid", f"class-session-{session.pk}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", session.starts_at)
        event.add("dtend", session.ends_at)
        event.add("summary", f"{course.title} · {session.title}")
        location = session.place or session.meeting_url
        if location:
            event.add("location", location)
        description = [course_url] if course_url else []
        if session.meeting_url:
            event.add("url", session.meeting_url)
            description.insert(0, session.meeting_url)
        if session.trainer is not None:
            description.insert(0, session.trainer.full_name or session.trainer.get_username())
        event.add("description", "\n".join(description))
        calendar.add_component(event)
    return calendar.to_ical()
