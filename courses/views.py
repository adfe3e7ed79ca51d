from django.http import Http404
from django.views.decorators.http import require_safe

from .ical import calendar_response, sessions_calendar_build
from .selectors import course_calendar_sessions


@require_safe
def course_ical(request, course_id: int):
    """The sessions of a published course as an iCalendar file anyone can subscribe to."""
    course, sessions = course_calendar_sessions(course_id=course_id)
    if course is None:
        raise Http404
    changed_at = course.last_published_at
    body = sessions_calendar_build(name=course.title, sessions=sessions, changed_at=changed_at)
    return calendar_response(
        request, body=body, changed_at=changed_at, filename=f"course-{course.pk}.ics"
    )
