from decimal import Decimal

import pytest
from django.urls import reverse

from courses.exam_blueprints import PaperStructureError, exam_sections_from_paper
from courses.models import Exam, NationalPaper
from tests.academy import factories as people
from tests.courses import exam_factories as ex

pytestmark = pytest.mark.django_db


@pytest.fixture
def exams():
    mine, theirs = people.trainer(), people.trainer()
    bank = ex.bank()
    paper = NationalPaper.objects.get(subject="comprehensive", level="assistant")
    return {
        "trainer": mine,
        "mine": ex.exam(
            bank=bank, course=ex.exam_course(trainers=[mine]), title="我的模拟考试", paper=paper
        ),
        "theirs": ex.exam(
            bank=bank, course=ex.exam_course(trainers=[theirs]), title="别人的模拟考试"
        ),
    }


def test_build_from_the_papers_defaults_makes_the_national_sections():
    paper = NationalPaper.objects.get(subject="comprehensive", level="assistant")
    exam = ex.exam(bank=ex.bank(), sections=[("case", 1, 20)])
    sections = exam_sections_from_paper(exam=exam, paper=paper)
    assert [(s.question_type, s.count, s.points) for s in exam.sections.order_by("sort_order")] == [
        ("single", 60, Decimal(1)),
        ("multiple", 20, Decimal(2)),
    ]
    assert len(sections) == 2
    exam.refresh_from_db()
    assert (exam.paper, exam.pass_mark, exam.time_limit_minutes) == (paper, Decimal(60), 120)
    assert sum(s.count * s.points for s in exam.sections.all()) == paper.total_points


def test_a_paper_without_a_readable_structure_is_refused():
    paper = NationalPaper.objects.get(subject="comprehensive", level="assistant")
    paper.structure = [{"question_type": "essay", "count": 2, "points": "20"}]
    exam = ex.exam(bank=ex.bank())
    with pytest.raises(PaperStructureError):
        exam_sections_from_paper(exam=exam, paper=paper)
    with pytest.raises(PaperStructureError):
        exam_sections_from_paper(exam=exam)  # no paper chosen


def test_trainers_list_only_the_exams_of_their_courses(client, exams):
    client.force_login(exams["trainer"])
    response = client.get(reverse("courses_exams:index"))
    assert response.status_code == 200
    assert "我的模拟考试" in response.text and "别人的模拟考试" not in response.text
    assert client.get(reverse("courses_exams:edit", args=[exams["mine"].pk])).status_code == 200
    assert client.get(reverse("courses_exams:edit", args=[exams["theirs"].pk])).status_code == 404
    url = reverse("courses_exams:build_from_paper", args=[exams["theirs"].pk])
    assert client.post(url).status_code == 404


def test_administrators_see_every_exam(client, exams):
    client.force_login(people.administrator())
    response = client.get(reverse("courses_exams:index"))
    assert "我的模拟考试" in response.text and "别人的模拟考试" in response.text


def test_the_build_button_builds_the_sections(client, exams):
    client.force_login(exams["trainer"])
    edit = client.get(reverse("courses_exams:edit", args=[exams["mine"].pk]))
    url = reverse("courses_exams:build_from_paper", args=[exams["mine"].pk])
    assert url in edit.text
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302
    assert exams["mine"].sections.count() == 2


def test_trainees_have_no_exam_admin(client, exams):
    client.force_login(people.trainee())
    assert client.get(reverse("courses_exams:index")).status_code in (302, 403)
    assert Exam.objects.count() == 2
