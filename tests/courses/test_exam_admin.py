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


def exam_form(exam=None, *, bank, course, sections=(), fixed=(), **fields):
    """The admin's exam form bound to ``sections`` as (type, count, points[, topic]) and
    ``fixed`` as (question, points)."""
    from courses.exam_admin import ExamViewSet

    form_class = ExamViewSet().get_form_class(for_update=exam is not None)
    data = {
        "title": "模拟考试",
        "course": course.pk,
        "kind": "mock",
        "bank": bank.pk,
        "drawing": "fixed" if fixed else "blueprint",
        "pass_mark": "60",
        "attempts_allowed": "0",
        "show_answers": "after_submission",
        "sections-TOTAL_FORMS": str(len(sections)),
        "sections-INITIAL_FORMS": "0",
        "sections-MIN_NUM_FORMS": "0",
        "sections-MAX_NUM_FORMS": "1000",
        "fixed_questions-TOTAL_FORMS": str(len(fixed)),
        "fixed_questions-INITIAL_FORMS": "0",
        "fixed_questions-MIN_NUM_FORMS": "0",
        "fixed_questions-MAX_NUM_FORMS": "1000",
        **fields,
    }
    for index, (question_type, count, points, *topic) in enumerate(sections):
        data |= {
            f"sections-{index}-question_type": question_type,
            f"sections-{index}-count": str(count),
            f"sections-{index}-points": str(points),
            f"sections-{index}-topic": str(topic[0].pk) if topic else "",
            f"sections-{index}-ORDER": str(index + 1),
        }
    for index, (question, points) in enumerate(fixed):
        data |= {
            f"fixed_questions-{index}-question": str(question.pk),
            f"fixed_questions-{index}-points": str(points),
            f"fixed_questions-{index}-ORDER": str(index + 1),
        }
    return form_class(data, instance=exam or Exam(), for_user=people.administrator())


class TestExamForm:
    @pytest.fixture
    def bank(self):
        bank = ex.bank()
        for _index in range(3):
            ex.single(bank=bank)
        ex.multiple(bank=bank)
        ex.single(bank=bank, is_active=False)
        return bank

    def test_a_blueprint_the_bank_can_fill_is_saved(self, bank):
        form = exam_form(
            bank=bank, course=ex.exam_course(), sections=[("single", 3, 1), ("multiple", 1, 2)]
        )
        assert form.is_valid(), form.errors
        exam = form.save()
        assert exam.sections.count() == 2

    def test_a_section_asking_for_more_than_the_bank_has_is_refused(self, bank):
        form = exam_form(bank=bank, course=ex.exam_course(), sections=[("single", 4, 1)])
        assert not form.is_valid()
        assert "3" in str(form.formsets["sections"].forms[0].errors["count"])

    def test_sections_of_one_type_are_counted_together(self, bank):
        form = exam_form(
            bank=bank, course=ex.exam_course(), sections=[("single", 2, 1), ("single", 2, 1)]
        )
        assert not form.is_valid()
        assert form.non_field_errors()

    def test_a_topic_of_another_bank_is_refused(self, bank):
        stranger = ex.topic(bank=ex.bank(), name="别的题库的章节")
        form = exam_form(bank=bank, course=ex.exam_course(), sections=[("single", 1, 1, stranger)])
        assert not form.is_valid()
        assert "topic" in form.formsets["sections"].forms[0].errors

    def test_a_blueprint_needs_a_section_and_a_fixed_paper_its_questions(self, bank):
        assert not exam_form(bank=bank, course=ex.exam_course()).is_valid()
        other = ex.single(bank=ex.bank())
        form = exam_form(bank=bank, course=ex.exam_course(), fixed=[(other, 5)])
        assert not form.is_valid()
        mine = bank.questions.filter(is_active=True).first()
        assert exam_form(bank=bank, course=ex.exam_course(), fixed=[(mine, 5)]).is_valid()

    def test_it_closes_after_it_opens(self, bank):
        form = exam_form(
            bank=bank,
            course=ex.exam_course(),
            sections=[("single", 1, 1)],
            opens_at="2026-12-05 10:00",
            closes_at="2026-12-05 09:00",
        )
        assert not form.is_valid() and "closes_at" in form.errors
