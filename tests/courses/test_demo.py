from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

import courses.demo
from academy.demo import seed_people
from academy.models import QualificationLevel
from cms_pages.demo import seed_site
from cms_pages.models import HomePage
from courses.demo import demo_curricula, demo_lesson_text, seed_courses
from courses.models import (
    ClassSession,
    CoursePage,
    CurriculumPage,
    DeliveryMode,
    ExamPaper,
    LessonPage,
    Track,
)

LESSONS_DIR = Path(courses.demo.__file__).parent / "lessons"


@pytest.mark.django_db
def test_seed_demo_builds_tracks_courses_lessons_sessions_and_trainers(client):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    curricula = CurriculumPage.objects.live()
    assert set(curricula.values_list("track", flat=True)) == set(Track.values)
    for curriculum in curricula:
        # The year of history's past courses (enrollments' demo) are not curricula.json's.
        courses = (
            CoursePage.objects.live().child_of(curriculum).exclude(slug__startswith="history-")
        )
        assert courses.count() >= 2
        for course in courses:
            assert course.trainers.exists()
            assert LessonPage.objects.live().child_of(course).count() >= 2
    assert ClassSession.objects.filter(trainer__username__in=["trainer", "trainer2"]).exists()
    home = HomePage.objects.get()
    assert home.featured_pages.count() == curricula.count()
    response = client.get("/")
    assert "新人培育课程体系" in response.content.decode()


@pytest.mark.django_db
def test_demo_trainer_edits_only_their_courses(client):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    from django.contrib.auth import get_user_model

    trainer = get_user_model().objects.get(username="trainer")
    for course in CoursePage.objects.all():
        teaches = course.trainers.filter(pk=trainer.pk).exists()
        assert course.permissions_for_user(trainer).can_edit() == teaches


def _courses():
    return [course for entry in demo_curricula()["curricula"] for course in entry["courses"]]


def test_every_lesson_file_is_named_in_the_curricula_and_every_name_has_its_file():
    named = {lesson["text"] for course in _courses() for lesson in course["lessons"]}
    files = {path.stem for path in LESSONS_DIR.glob("*.md")}
    assert named == files
    assert all(path.is_file() for path in LESSONS_DIR.iterdir())


def test_the_curricula_use_only_known_choices_places_and_trainers():
    data = demo_curricula()
    for entry in data["curricula"]:
        assert entry["track"] in Track.values
        assert entry["target_qualification_level"] in QualificationLevel.values
    for course in _courses():
        assert course["delivery_mode"] in DeliveryMode.values
        assert course["exam_paper"] in ["", *ExamPaper.values]
        assert set(course["trainers"]) <= {"trainer", "trainer2"}
        for lesson in course["lessons"]:
            assert isinstance(lesson["class_hours"], Decimal)
        for session in course["sessions"]:
            assert session["kind"] in ClassSession.Kind.values
            live = session["kind"] == ClassSession.Kind.LIVE_ONLINE
            assert ("place" not in session) if live else (session["place"] in data["places"])


@pytest.mark.django_db
def test_seeded_lessons_and_sessions_are_the_ones_in_the_files():
    seed_people()
    seed_site()
    seed_courses()

    expected = {
        (course["slug"], lesson["slug"]): lesson
        for course in _courses()
        for lesson in course["lessons"]
    }
    seeded = {
        (page.get_parent().slug, page.slug): page
        for page in LessonPage.objects.live().select_related("live_revision")
    }
    assert seeded.keys() == expected.keys()
    for key, lesson in expected.items():
        page = seeded[key]
        text = (LESSONS_DIR / f"{lesson['text']}.md").read_bytes().decode("utf-8")
        assert page.body == text == demo_lesson_text(lesson["text"]), key
        assert page.live_revision.content["body"] == text, key
        assert page.title == lesson["title"]
        assert page.class_hours == lesson["class_hours"]
        assert page.is_required == lesson["is_required"]
    for course in _courses():
        page = CoursePage.objects.get(slug=course["slug"])
        sessions = list(page.sessions.order_by("sort_order"))
        assert [session.title for session in sessions] == [s["title"] for s in course["sessions"]]
        for session, entry in zip(sessions, course["sessions"], strict=True):
            assert session.kind == entry["kind"]
            assert session.class_hours == entry["class_hours"]
            assert timezone.localtime(session.starts_at).hour == entry["start_hour"]
            if session.kind == ClassSession.Kind.LIVE_ONLINE:
                assert session.meeting_url.endswith(f"/{course['slug']}")
            else:
                assert session.place == demo_curricula()["places"][entry["place"]]
