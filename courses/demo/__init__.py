"""Demo curricula, courses, lessons and sessions; safe to run again.

The content is data: ``curricula.json`` holds the curricula with their courses,
lessons and sessions, the classroom places and the meeting link; each lesson
names its text, a Markdown file in ``lessons/`` (``"text": "intake"`` is
``lessons/intake.md``). Session times are relative to today: ``week_offset``
weeks from now, at ``start_hour`` (a Saturday, or a Wednesday evening for a
``start_hour`` of 18 or later); live sessions have no place.
"""

import json
from datetime import datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from academy.models import QualificationLevel
from courses.models import (
    ClassSession,
    CourseCatalogPage,
    CoursePage,
    CurriculumPage,
    DeliveryMode,
    ExamPaper,
    LessonPage,
    Track,
)
from courses.roles import catalog_page_permissions_sync

User = get_user_model()

DATA_DIR = Path(__file__).resolve().parent
LESSONS_DIR = DATA_DIR / "lessons"


def demo_lesson_text(name: str) -> str:
    """The Markdown of the demo lesson text ``name`` (the file ``lessons/<name>.md``)."""
    return (LESSONS_DIR / f"{name}.md").read_text(encoding="utf-8")


def demo_curricula() -> dict:
    """``curricula.json``, with class-hours read as Decimals."""
    with (DATA_DIR / "curricula.json").open(encoding="utf-8") as data:
        return json.load(data, parse_float=Decimal)


def _publish_child(parent, page_class, slug: str, **fields):
    existing = page_class.objects.child_of(parent).filter(slug=slug).first()
    if existing is not None:
        return existing, False
    page = page_class(slug=slug, **fields)
    parent.add_child(instance=page)
    return page, True


def _session_start(week_offset: int, hour: int) -> datetime:
    day = timezone.localdate() + timedelta(weeks=week_offset)
    # Sessions fall on the Saturday of that week, or a weekday evening for live ones.
    day += timedelta(days=(5 - day.weekday()) % 7 if hour < 18 else (2 - day.weekday()) % 7)
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _course_seed(curriculum, entry: dict, *, data: dict, people: dict, now) -> None:
    lessons, sessions = entry["lessons"], entry["sessions"]
    trainers = [people[name] for name in entry["trainers"] if name in people]
    lesson_hours = sum((lesson["class_hours"] for lesson in lessons), Decimal("0"))
    required_hours = sum(
        (lesson["class_hours"] for lesson in lessons if lesson["is_required"]), Decimal("0")
    )
    session_hours = sum((session["class_hours"] for session in sessions), Decimal("0"))
    course, created = _publish_child(
        curriculum,
        CoursePage,
        entry["slug"],
        title=entry["title"],
        summary=entry["summary"],
        delivery_mode=DeliveryMode(entry["delivery_mode"]),
        exam_paper=ExamPaper(entry["exam_paper"]) if entry["exam_paper"] else "",
        capacity=entry["capacity"],
        requires_approval=entry["requires_approval"],
        enrollment_opens_at=now - timedelta(days=7),
        enrollment_closes_at=now + timedelta(weeks=6),
        class_hours=lesson_hours + session_hours,
        min_attendance_percent=80 if sessions else 0,
        min_hours=required_hours,
    )
    if not created:
        return
    course.trainers.set(trainers)
    for position, lesson_entry in enumerate(lessons, start=1):
        minutes = lesson_entry["estimated_minutes"]
        lesson = LessonPage(
            slug=lesson_entry["slug"],
            title=lesson_entry["title"],
            body=demo_lesson_text(lesson_entry["text"]),
            class_hours=lesson_entry["class_hours"],
            estimated_minutes=minutes,
            min_study_minutes=minutes // 3,
            sort_order=position,
            is_required=lesson_entry["is_required"],
        )
        course.add_child(instance=lesson)
        lesson.save_revision().publish()
    for session in sessions:
        starts_at = _session_start(session["week_offset"], session["start_hour"])
        kind = ClassSession.Kind(session["kind"])
        live = kind == ClassSession.Kind.LIVE_ONLINE
        hours = session["class_hours"]
        course.sessions.add(
            ClassSession(
                title=session["title"],
                kind=kind,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=float(hours) + (0 if live else 0.5)),
                place="" if live else data["places"][session["place"]],
                meeting_url=data["meeting_url"].format(slug=entry["slug"]) if live else "",
                trainer=trainers[0] if trainers else None,
                capacity=entry["capacity"],
                class_hours=hours,
            )
        )
    course.save_revision().publish()


@transaction.atomic
def seed_courses():
    catalog = CourseCatalogPage.objects.first()
    if catalog is None:
        return
    catalog_page_permissions_sync()
    people = {
        user.username: user for user in User.objects.filter(username__in=["trainer", "trainer2"])
    }
    data = demo_curricula()
    now = timezone.now()
    for entry in data["curricula"]:
        curriculum, created = _publish_child(
            catalog,
            CurriculumPage,
            entry["slug"],
            title=entry["title"],
            track=Track(entry["track"]),
            code=entry["code"],
            target_qualification_level=QualificationLevel(entry["target_qualification_level"]),
            description=f"<p>{entry['description']}</p>",
            search_description=entry["description"],
        )
        if created:
            curriculum.save_revision().publish()
        for course_entry in entry["courses"]:
            _course_seed(curriculum, course_entry, data=data, people=people, now=now)
