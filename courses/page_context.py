"""What each course page shows (its template context), built from the selectors' reads.

The page models call these from ``get_context``; the visitor's own enrolment and
progress are added by the enrollments app's template tags, not here.
"""

from collections.abc import Callable, Mapping
from decimal import Decimal
from functools import partial

from django.utils import timezone
from django.utils.functional import SimpleLazyObject, new_method_proxy

from .markdown import markdown_render
from .models import CourseCatalogPage, CoursePage, CurriculumPage, DeliveryMode, LessonPage, Track
from .selectors import (
    catalog_course_page,
    course_card_queryset,
    course_lesson_list,
    course_session_list,
    lesson_image_urls,
    page_parent_path,
)


class LazyValue(SimpleLazyObject):
    """A value read when first used; numbers keep their formatting in ``{% blocktrans %}``."""

    __format__ = new_method_proxy(format)


def lazy_context(load: Callable[[], dict], keys: tuple[str, ...]) -> dict:
    """``keys`` of what ``load`` returns, each read from the database only when a
    template uses it: the templates keep what they show of them in fragment caches
    (``{% cache %}`` keyed by the pages generation), so a cached page reads nothing."""
    loaded: dict = {}

    def value(key: str):
        if not loaded:
            loaded.update(load())
        return loaded[key]

    return {key: LazyValue(partial(value, key)) for key in keys}


def catalog_page_context(*, catalog: CourseCatalogPage, params: Mapping[str, str]) -> dict:
    """The catalogue's filters (from the query string) and the matching courses."""
    track = params.get("track", "")
    track = track if track in Track.values else ""
    delivery_mode = params.get("mode", "")
    delivery_mode = delivery_mode if delivery_mode in DeliveryMode.values else ""
    open_only = params.get("open") == "1"
    upcoming_only = params.get("upcoming") == "1"
    query = params.get("q", "").strip()[:200]
    page_number = params.get("page", 1)

    def load() -> dict:
        curricula = list(CurriculumPage.objects.live().public().child_of(catalog).order_by("path"))
        courses = catalog_course_page(
            catalog=catalog,
            curricula=curricula,
            track=track,
            delivery_mode=delivery_mode,
            open_only=open_only,
            upcoming_only=upcoming_only,
            query=query,
            page_number=page_number,
        )
        return {"curricula": curricula, "courses": courses}

    query_without_page = {
        key: value
        for key, value in (
            ("track", track),
            ("mode", delivery_mode),
            ("open", "1" if open_only else ""),
            ("upcoming", "1" if upcoming_only else ""),
            ("q", query),
        )
        if value
    }
    return {
        **lazy_context(load, ("curricula", "courses")),
        "catalog_page_key": f"{sorted(query_without_page.items())}:{str(page_number)[:20]}",
        "filters": {
            "track": track,
            "mode": delivery_mode,
            "open": open_only,
            "upcoming": upcoming_only,
            "q": query,
        },
        "filter_query": query_without_page,
        "is_filtered": bool(query_without_page),
        "track_choices": Track.choices,
        "delivery_mode_choices": DeliveryMode.choices,
    }


def curriculum_page_context(*, curriculum: CurriculumPage) -> dict:
    courses = list(course_card_queryset().child_of(curriculum))
    for course in courses:
        course.curriculum_page = curriculum
    return {"courses": courses}


COURSE_SHARED_KEYS = (
    "curriculum",
    "trainers",
    "lessons",
    "sessions",
    "upcoming_sessions",
    "past_sessions",
    "lesson_hours",
    "session_hours",
    "required_lesson_count",
)


def course_page_context(*, course: CoursePage, now=None) -> dict:
    """Everything a course page shows, in a fixed number of queries (none when the
    template finds its parts in the fragment cache)."""
    now = now or timezone.now()

    def load() -> dict:
        lessons = course_lesson_list(course=course)
        sessions = course_session_list(course=course)
        return {
            "curriculum": CurriculumPage.objects.filter(path=page_parent_path(course)).first(),
            "trainers": list(course.trainers.all()),
            "lessons": lessons,
            "sessions": sessions,
            "upcoming_sessions": [session for session in sessions if session.ends_at >= now],
            "past_sessions": [session for session in sessions if session.ends_at < now],
            "lesson_hours": sum((lesson.class_hours for lesson in lessons), Decimal("0")),
            "session_hours": sum((session.class_hours for session in sessions), Decimal("0")),
            "required_lesson_count": sum(1 for lesson in lessons if lesson.is_required),
        }

    return {
        **lazy_context(load, COURSE_SHARED_KEYS),
        "enrollment_state": course.enrollment_state(now=now),
    }


LESSON_SHARED_KEYS = (
    "course",
    "course_lessons",
    "previous_lesson",
    "next_lesson",
    "attachments",
    "body_html",
)


def lesson_page_context(*, lesson: LessonPage) -> dict:
    """Everything a lesson page shows, in a fixed number of queries (none when the
    template finds its parts in the fragment cache)."""
    return lazy_context(lambda: _lesson_shared_context(lesson=lesson), LESSON_SHARED_KEYS)


def _lesson_shared_context(*, lesson: LessonPage) -> dict:
    course = CoursePage.objects.filter(path=page_parent_path(lesson)).first()
    siblings = course_lesson_list(course=course) if course else []
    position = next(
        (index for index, sibling in enumerate(siblings) if sibling.pk == lesson.pk), None
    )
    previous_lesson = siblings[position - 1] if position else None
    next_lesson = (
        siblings[position + 1] if position is not None and position + 1 < len(siblings) else None
    )
    return {
        "course": course,
        "course_lessons": siblings,
        "previous_lesson": previous_lesson,
        "next_lesson": next_lesson,
        "attachments": list(lesson.attachments.select_related("document")),
        "body_html": markdown_render(lesson.body, images=lesson_image_urls(lesson=lesson)),
    }
