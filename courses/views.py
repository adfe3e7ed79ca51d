from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET

from .ical import course_calendar_build
from .selectors import course_calendar_sessions


@require_GET
def course_ical(request, course_id: int):
    """The sessions of a published course as an iCalendar file anyone can subscribe to."""
    course, sessions = course_calendar_sessions(course_id=course_id)
    if course is None:
        raise Http404
    body = course_calendar_build(
        course=course, sessions=sessions, course_url=course.get_full_url(request) or ""
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="course-{course.pk}.ics"'
    return response
