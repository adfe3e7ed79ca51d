"""The visitor's enrolment and progress, rendered into the course and lesson pages.

``{% load enrollment_tags %}`` then ``{% course_enrollment course %}``,
``{% course_exams course %}`` or ``{% lesson_progress lesson %}``: the pages of the
courses app ask this app through its tags and never import it.
"""

from functools import partial

from django import template

from enrollments.selectors.exams import exams_for_course
from enrollments.selectors.page_context import (
    course_enrollment_page_context,
    lesson_progress_page_context,
)

register = template.Library()


def _with_visitor(context, page_context, **page) -> dict:
    """The tag's page, the visitor and what ``page_context`` reads for them about it."""
    request = context["request"]
    return {
        "request": request,
        "user": request.user,
        **page,
        **page_context(user=request.user, **page),
    }


@register.inclusion_tag("enrollments/includes/course_enrollment.html", takes_context=True)
def course_enrollment(context, course):
    return _with_visitor(context, course_enrollment_page_context, course=course)


@register.inclusion_tag("enrollments/includes/lesson_progress.html", takes_context=True)
def lesson_progress(context, lesson):
    started = getattr(context["request"], "_academy_lesson_progress", None)
    if started is not None and started[0] == lesson.pk:
        # Recorded when the lesson was served (enrollments.wagtail_hooks): no second read.
        page_context = partial(lesson_progress_page_context, progress=started[1])
        return _with_visitor(context, page_context, lesson=lesson)
    return _with_visitor(context, lesson_progress_page_context, lesson=lesson)


@register.inclusion_tag("enrollments/exams/includes/course_exams.html", takes_context=True)
def course_exams(context, course):
    """The course's published exams with the visitor's attempts and what they may do."""
    request = context["request"]
    return {
        "request": request,
        "user": request.user,
        "course": course,
        "exam_summaries": exams_for_course(course=course, user=request.user),
    }
