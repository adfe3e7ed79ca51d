import pytest
from django.core.management import call_command

from cms_pages.models import HomePage
from courses.models import ClassSession, CoursePage, CurriculumPage, LessonPage, Track


@pytest.mark.django_db
def test_seed_demo_builds_tracks_courses_lessons_sessions_and_trainers(client):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    curricula = CurriculumPage.objects.live()
    assert set(curricula.values_list("track", flat=True)) == set(Track.values)
    for curriculum in curricula:
        courses = CoursePage.objects.live().child_of(curriculum)
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
