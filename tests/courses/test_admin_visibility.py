"""A trainer sees only the courses they teach anywhere in the admin: the explorer, the
pages API, search, the site history, the page reports and the workflow lists."""

import json

import pytest
from django.urls import reverse
from wagtail.log_actions import log

from tests.academy import factories as people
from tests.courses import factories


@pytest.fixture
def tree(db):
    """陈立群 teaches a course in each of two curricula; 刘思远 teaches a third course
    beside one of them."""
    trainer = people.trainer(full_name="陈立群")
    other_trainer = people.trainer(full_name="刘思远")
    catalog = factories.catalog_page()
    newcomer = factories.curriculum(parent=catalog, title="新人培育", code="n")
    topic = factories.curriculum(parent=catalog, title="专题课程", code="t")
    own = factories.course(parent=newcomer, title="个案工作入门", trainers=[trainer])
    own_topic = factories.course(parent=topic, title="社区营造专题", trainers=[trainer])
    other = factories.course(parent=newcomer, title="小组工作设计", trainers=[other_trainer])
    own_lesson = factories.lesson(parent=own, title="接案会谈")
    other_lesson = factories.lesson(parent=other, title="小组阶段理论")
    admin = people.administrator()
    for page in (own, own_lesson, other, other_lesson):
        log(instance=page, action="wagtail.edit", user=admin)
    return {
        "trainer": trainer,
        "other_trainer": other_trainer,
        "admin": admin,
        "newcomer": newcomer,
        "own": own,
        "own_topic": own_topic,
        "own_lesson": own_lesson,
        "other": other,
        "other_lesson": other_lesson,
    }


def _api_titles(client, **params) -> set[str]:
    response = client.get(reverse("wagtailadmin_api:pages:listing"), {"limit": 20, **params})
    assert response.status_code == 200
    return {item["title"] for item in json.loads(response.content)["items"]}


def test_the_explorer_refuses_another_course_and_lists_only_taught_ones(client, tree):
    client.force_login(tree["trainer"])

    for page in (tree["other"], tree["other_lesson"]):
        assert client.get(reverse("wagtailadmin_explore", args=[page.pk])).status_code == 404
        results = reverse("wagtailadmin_explore_results", args=[page.pk])
        assert client.get(results).status_code == 404

    own = client.get(reverse("wagtailadmin_explore", args=[tree["own"].pk]))
    assert own.status_code == 200
    assert "接案会谈" in own.content.decode()
    curriculum = client.get(reverse("wagtailadmin_explore", args=[tree["newcomer"].pk]))
    assert curriculum.status_code == 200
    assert "个案工作入门" in curriculum.content.decode()
    assert "小组工作设计" not in curriculum.content.decode()


def test_the_pages_api_leaves_out_other_courses(client, tree):
    client.force_login(tree["trainer"])

    detail = reverse("wagtailadmin_api:pages:detail", args=[tree["other"].pk])
    assert client.get(detail).status_code == 404
    lesson = reverse("wagtailadmin_api:pages:detail", args=[tree["other_lesson"].pk])
    assert client.get(lesson).status_code == 404
    own = client.get(reverse("wagtailadmin_api:pages:detail", args=[tree["own"].pk]))
    assert own.status_code == 200

    titles = _api_titles(client)
    assert {"个案工作入门", "社区营造专题", "接案会谈", "新人培育"} <= titles
    assert not {"小组工作设计", "小组阶段理论"} & titles
    children = _api_titles(client, child_of=tree["newcomer"].pk)
    assert children == {"个案工作入门"}
    assert _api_titles(client, search="小组") == set()


def test_admin_search_finds_only_taught_courses(client, tree):
    client.force_login(tree["trainer"])

    response = client.get(reverse("wagtailadmin_pages:search"), {"q": "小组"})
    assert response.status_code == 200
    assert "小组工作设计" not in response.content.decode()
    assert "小组阶段理论" not in response.content.decode()

    own = client.get(reverse("wagtailadmin_pages:search"), {"q": "接案"})
    assert "接案会谈" in own.content.decode()


def test_the_site_history_shows_only_taught_courses(client, tree):
    client.force_login(tree["trainer"])

    response = client.get(reverse("wagtailadmin_reports:site_history"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "个案工作入门" in page and "接案会谈" in page
    assert "小组工作设计" not in page and "小组阶段理论" not in page
    history = reverse("wagtailadmin_pages:history", args=[tree["other"].pk])
    assert client.get(history).status_code in (302, 403)  # refused, back to the dashboard


def test_page_reports_leave_out_other_courses(client, tree):
    client.force_login(tree["admin"])
    assert (
        "小组工作设计" in client.get(reverse("wagtailadmin_reports:aging_pages")).content.decode()
    )
    client.force_login(tree["trainer"])

    # Trainers publish nothing themselves, so no course ages in their report.
    aging = client.get(reverse("wagtailadmin_reports:aging_pages"))
    assert aging.status_code == 200
    assert "小组工作设计" not in aging.content.decode()
    # Trainers may not unlock pages, so the locked-pages report is not theirs.
    assert client.get(reverse("wagtailadmin_reports:locked_pages")).status_code in (302, 403)


def test_workflow_lists_leave_out_other_courses(client, tree):
    for page, author in ((tree["other_lesson"], tree["other_trainer"]), (tree["own_lesson"], None)):
        page.save_revision(user=author or tree["trainer"])
        page.get_workflow().start(page, author or tree["trainer"])
    client.force_login(tree["trainer"])

    for name in ("wagtailadmin_reports:workflow", "wagtailadmin_reports:workflow_tasks"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        page = response.content.decode()
        assert "接案会谈" in page, name
        assert "小组阶段理论" not in page, name


def test_administrators_keep_seeing_everything(client, tree):
    client.force_login(tree["admin"])

    assert client.get(reverse("wagtailadmin_explore", args=[tree["other"].pk])).status_code == 200
    assert {"小组工作设计", "小组阶段理论", "个案工作入门"} <= _api_titles(client)
    history = client.get(reverse("wagtailadmin_reports:site_history")).content.decode()
    assert "小组工作设计" in history and "个案工作入门" in history


def test_a_trainer_without_courses_sees_no_pages(client, tree):
    client.force_login(people.trainer())

    assert client.get(reverse("wagtailadmin_reports:site_history")).status_code == 200
    assert (
        "小组工作设计"
        not in client.get(reverse("wagtailadmin_reports:site_history")).content.decode()
    )
    explore = client.get(reverse("wagtailadmin_explore", args=[tree["other"].pk]))
    assert explore.status_code in (302, 403, 404)
    assert "小组阶段理论" not in explore.content.decode()
