"""The visitor's enrolment and progress, rendered into the course and lesson pages.

``{% load enrollment_tags %}`` then ``{% course_enrollment course %}`` or
``{% lesson_progress lesson %}``: the pages of the courses app ask this app
through its tags and never import it.
"""

from django import template

from enrollments.selectors.page_context import (
    course_enrollment_page_context,
    lesson_progress_page_context,
)

register = template.Library()


@register.inclusion_tag("enrollments/includes/course_enrollment.html", takes_context=True)
def course_enrollment(context, course):
    request = context["request"]
    return {
        "request": request,
        "user": request.user,
        "course": course,
        **course_enrollment_page_context(course=course, user=request.user),
    }


@register.inclusion_tag("enrollments/includes/lesson_progress.html", takes_context=True)
def lesson_progress(context, lesson):
    request = context["request"]
    return {
        "request": request,
        "user": request.user,
        "lesson": lesson,
        **lesson_progress_page_context(lesson=lesson, user=request.user),
    }
