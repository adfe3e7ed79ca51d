"""Trainers write only in the courses they teach, through the real admin views."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from courses.models import ClassSession, CoursePage, LessonPage
from tests.academy import factories as people
from tests.courses import factories


@pytest.fixture
def tree(db):
    own_trainer = people.trainer(full_name="陈立群")
    other_trainer = people.trainer(full_name="刘思远")
    curriculum = factories.curriculum(parent=factories.catalog_page(), title="新人培育")
    own_course = factories.course(
        parent=curriculum, title="个案工作入门", trainers=[own_trainer], sessions=1
    )
    other_course = factories.course(
        parent=curriculum, title="小组工作设计", trainers=[other_trainer], sessions=1
    )
    return {
        "trainer": own_trainer,
        "other_trainer": other_trainer,
        "curriculum": curriculum,
        "own_course": own_course,
        "own_lesson": factories.lesson(parent=own_course, title="接案"),
        "other_course": other_course,
        "other_lesson": factories.lesson(parent=other_course, title="小组阶段"),
    }


def lesson_form(**overrides):
    data = {
        "title": "保密原则",
        "slug": "confidentiality",
        "body": "## 保密\n\n保密及其例外。",
        "class_hours": "1.5",
        "estimated_minutes": "45",
        "min_study_minutes": "15",
        "sort_order": "3",
        "is_required": "on",
        "attachments": inline_formset([]),
        "images": inline_formset([]),
    }
    data.update(overrides)
    return nested_form_data(data)


def course_form(course: CoursePage, *, new_sessions=()):
    local = timezone.localtime
    sessions = [
        {
            "id": session.pk,
            "title": session.title,
            "kind": session.kind,
            "starts_at": local(session.starts_at).strftime("%Y-%m-%d %H:%M"),
            "ends_at": local(session.ends_at).strftime("%Y-%m-%d %H:%M"),
            "place": session.place,
            "meeting_url": session.meeting_url,
            "trainer": session.trainer_id or "",
            "capacity": session.capacity or "",
            "class_hours": str(session.class_hours),
        }
        for session in course.sessions.all()
    ]
    sessions += list(new_sessions)
    data = nested_form_data(
        {
            "title": course.title,
            "slug": course.slug,
            "summary": course.summary,
            "delivery_mode": course.delivery_mode,
            "class_hours": str(course.class_hours),
            "min_attendance_percent": "0",
            "min_hours": "0",
            "sessions": inline_formset(sessions, initial=len(course.sessions.all())),
        }
    )
    data["trainers"] = [str(pk) for pk in course.trainers.values_list("pk", flat=True)]
    return data


def new_session(trainer, *, days=10):
    starts = timezone.localtime() + timedelta(days=days)
    return {
        "title": "新增面授",
        "kind": ClassSession.Kind.CLASSROOM,
        "starts_at": starts.strftime("%Y-%m-%d 09:00"),
        "ends_at": starts.strftime("%Y-%m-%d 12:00"),
        "place": "城东区社会工作服务大楼 301",
        "meeting_url": "",
        "trainer": str(trainer.pk),
        "capacity": "30",
        "class_hours": "3.0",
    }


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def add_lesson_url(course):
    return reverse("wagtailadmin_pages:add", args=["courses", "lessonpage", course.pk])


@pytest.mark.django_db
def test_trainer_opens_the_editor_only_for_their_own_course_and_lessons(client, tree):
    client.force_login(tree["trainer"])

    assert client.get(edit_url(tree["own_course"])).status_code == 200
    assert client.get(edit_url(tree["own_lesson"])).status_code == 200
    assert client.get(add_lesson_url(tree["own_course"])).status_code == 200
    for page in (tree["other_course"], tree["other_lesson"], tree["curriculum"]):
        response = client.get(edit_url(page))
        # Wagtail answers a refused admin view with a redirect to the dashboard.
        assert response.status_code == 302, page
        assert response.url == reverse("wagtailadmin_home"), page
    refused = client.get(add_lesson_url(tree["other_course"]))
    assert refused.status_code == 302
    assert refused.url == reverse("wagtailadmin_home")


@pytest.mark.django_db
def test_trainer_cannot_change_another_trainers_course_or_its_sessions(client, tree):
    other_course = tree["other_course"]
    revisions_before = other_course.revisions.count()
    client.force_login(tree["trainer"])

    data = course_form(other_course, new_sessions=[new_session(tree["trainer"])])
    data["title"] = "被改掉的标题"
    data["action-submit"] = "Submit"
    client.post(edit_url(other_course), data)
    data.pop("action-submit")
    data["action-publish"] = "Publish"
    client.post(edit_url(other_course), data)

    other_course.refresh_from_db()
    assert other_course.title == "小组工作设计"
    assert other_course.revisions.count() == revisions_before
    assert other_course.sessions.count() == 1
    assert not WorkflowState.objects.filter(object_id=str(other_course.pk)).exists()


@pytest.mark.django_db
def test_trainer_cannot_add_or_edit_lessons_in_another_trainers_course(client, tree):
    client.force_login(tree["trainer"])

    client.post(add_lesson_url(tree["other_course"]), lesson_form())
    client.post(edit_url(tree["other_lesson"]), lesson_form(title="改过", slug="lesson-x"))

    assert not LessonPage.objects.filter(slug="confidentiality").exists()
    tree["other_lesson"].refresh_from_db()
    assert tree["other_lesson"].title == "小组阶段"
    assert tree["other_lesson"].get_latest_revision().content["title"] == "小组阶段"


@pytest.mark.django_db
def test_trainer_submits_a_lesson_and_an_administrator_approves_it(client, tree):
    client.force_login(tree["trainer"])

    response = client.post(
        add_lesson_url(tree["own_course"]), lesson_form(**{"action-submit": "Submit"})
    )

    assert response.status_code == 302
    lesson = LessonPage.objects.get(slug="confidentiality")
    assert lesson.get_parent().pk == tree["own_course"].pk
    assert not lesson.live
    state = lesson.current_workflow_state
    assert state is not None and state.status == WorkflowState.STATUS_IN_PROGRESS

    client.force_login(people.administrator())
    approve = reverse(
        "wagtailadmin_pages:workflow_action",
        args=[lesson.pk, "approve", lesson.current_workflow_task_state.pk],
    )
    approved = client.post(approve, {"comment": ""})
    assert approved.status_code == 302
    assert approved.url == edit_url(lesson)

    lesson.refresh_from_db()
    assert lesson.live
    assert client.get(lesson.url).status_code == 200


@pytest.mark.django_db
def test_trainer_cannot_publish_even_their_own_lesson(client, tree):
    lesson = tree["own_lesson"]
    client.force_login(tree["trainer"])

    client.post(
        edit_url(lesson),
        lesson_form(title="直接发布", slug=lesson.slug, **{"action-publish": "Publish"}),
    )

    lesson.refresh_from_db()
    assert lesson.title == "接案"
    assert lesson.get_latest_revision().content["title"] == "直接发布"
    assert not lesson.permissions_for_user(tree["trainer"]).can_publish()


@pytest.mark.django_db
def test_trainer_adds_a_session_to_their_course_and_it_appears_once_approved(client, tree):
    course = tree["own_course"]
    client.force_login(tree["trainer"])
    data = course_form(course, new_sessions=[new_session(tree["trainer"])])
    data["action-submit"] = "Submit"

    response = client.post(edit_url(course), data)

    assert response.status_code == 302
    assert course.sessions.count() == 1
    course.refresh_from_db()
    client.force_login(people.administrator())
    approve = reverse(
        "wagtailadmin_pages:workflow_action",
        args=[course.pk, "approve", course.current_workflow_task_state.pk],
    )
    client.post(approve, {"comment": ""})
    assert set(course.sessions.values_list("title", flat=True)) == {"第 1 次课", "新增面授"}


@pytest.mark.django_db
def test_administrator_edits_and_publishes_any_course(client, tree):
    client.force_login(people.administrator())
    data = course_form(tree["other_course"])
    data["title"] = "小组工作设计与带领"
    data["action-publish"] = "Publish"

    response = client.post(edit_url(tree["other_course"]), data)

    assert response.status_code == 302
    tree["other_course"].refresh_from_db()
    assert tree["other_course"].title == "小组工作设计与带领"


@pytest.mark.django_db
def test_the_explorer_opens_at_the_trainers_only_course(client, tree):
    client.force_login(tree["trainer"])

    # The curriculum holds nothing else of theirs, so the explorer starts at the course.
    response = client.get(reverse("wagtailadmin_explore", args=[tree["curriculum"].pk]))
    own_url = reverse("wagtailadmin_explore", args=[tree["own_course"].pk])
    assert response.status_code == 302 and response.url == own_url
    own = client.get(own_url)
    assert own.status_code == 200 and "接案" in own.content.decode()

    response = client.get(reverse("wagtailadmin_explore", args=[tree["other_course"].pk]))
    assert response.status_code == 404
    assert "小组阶段" not in response.content.decode()


@pytest.mark.django_db
def test_permission_tester_rules(tree):
    trainer, admin = tree["trainer"], people.administrator()
    for page in (tree["own_course"], tree["own_lesson"]):
        tester = Page.objects.get(pk=page.pk).permissions_for_user(trainer)
        assert tester.can_edit()
        assert not tester.can_publish()
    assert tree["own_course"].permissions_for_user(trainer).can_add_subpage()
    for page in (tree["other_course"], tree["other_lesson"], tree["curriculum"]):
        tester = page.permissions_for_user(trainer)
        assert not tester.can_edit()
        assert not tester.can_add_subpage()
        assert not tester.can_delete()
    assert tree["other_course"].permissions_for_user(admin).can_publish()
    assert tree["other_lesson"].permissions_for_user(admin).can_edit()
