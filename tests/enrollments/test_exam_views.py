"""The trainee's exam screens: what the pages and their JSON show (never an answer while
the attempt is in progress), whose attempt can be opened, the fixed number of queries per
question screen, resuming after a reload and the deadline kept by the server."""

import json
import re
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courses.models import QuestionType
from enrollments.models import ExamAttempt, Notification, NotificationKind, WrongAnswer
from enrollments.services.exams import exam_attempt_start
from tests.academy import factories as people
from tests.courses import exam_factories as qf
from tests.enrollments import factories as ef

pytestmark = pytest.mark.django_db

EXPLANATION = "的解析"
REFERENCE_POINT = "建立专业关系"


@pytest.fixture
def sitting():
    """A trainee enrolled in an exam-prep course whose mock exam draws 3 single-choice, 2
    multiple-choice, 2 true-or-false questions and 1 case."""
    bank = qf.bank(name="社会工作综合能力（初级）")
    chapter = qf.topic(bank=bank, name="社会工作价值观")
    for _ in range(3):
        qf.single(bank=bank, topic=chapter)
    for _ in range(2):
        qf.multiple(bank=bank, topic=chapter)
        qf.true_false(bank=bank, topic=chapter, answer=False)
    qf.case(bank=bank)
    exam = qf.exam(
        bank=bank,
        sections=[
            (QuestionType.SINGLE, 3, 1),
            (QuestionType.MULTIPLE, 2, 2),
            (QuestionType.TRUE_FALSE, 2, 1),
            (QuestionType.CASE, 1, 20),
        ],
        time_limit_minutes=90,
    )
    trainee = people.trainee(full_name="陈晓")
    ef.enrollment(course=exam.course, user=trainee)
    return {"bank": bank, "exam": exam, "trainee": trainee, "topic": chapter}


def _started(client, sitting) -> ExamAttempt:
    client.force_login(sitting["trainee"])
    response = client.post(reverse("exams:start", args=[sitting["exam"].pk]))
    attempt = ExamAttempt.objects.get(user=sitting["trainee"], exam=sitting["exam"])
    assert response.status_code == 302
    assert response.url == reverse("exams:attempt", args=[attempt.pk])
    return attempt


def _post_json(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def _right_answer(item):
    return item.version.content["answer"]


def test_no_answer_nor_explanation_in_any_screen_or_json_while_in_progress(client, sitting):
    attempt = _started(client, sitting)
    items = list(attempt.questions.select_related("version").order_by("position"))
    assert len(items) == 8
    for item in items:
        url = reverse("exams:question", args=[attempt.pk, item.position])
        html = client.get(url).content.decode()
        content = item.version.content
        assert content["stem"].split("：")[0] in html
        assert EXPLANATION not in html
        assert REFERENCE_POINT not in html
        assert "exam-option--right" not in html
        assert "data-right" not in html and "is_correct" not in html
        for option in content["options"]:
            assert option["text"] in html
        # Answering (wrong or right) tells nothing about the answer either.
        answer = (
            ["我的回答"] * len(content["sub_questions"])
            if content["type"] == "case"
            else _right_answer(item)
        )
        response = _post_json(
            client, reverse("exams:answer", args=[attempt.pk, item.position]), {"answer": answer}
        )
        assert response.status_code == 200
        data = response.json()
        assert set(data) == {"saved", "position", "answered", "answered_at"}
        assert data["saved"] is True and data["answered"] is True
        flag = _post_json(
            client, reverse("exams:flag", args=[attempt.pk, item.position]), {"flagged": True}
        )
        assert set(flag.json()) == {"position", "flagged"}
    # The result page of an attempt in progress sends the trainee back to the questions.
    response = client.get(reverse("exams:result", args=[attempt.pk]))
    assert response.status_code == 302
    submit_page = client.get(reverse("exams:submit", args=[attempt.pk])).content.decode()
    assert EXPLANATION not in submit_page and REFERENCE_POINT not in submit_page


def test_another_trainees_attempt_is_404_everywhere(client, sitting):
    attempt = _started(client, sitting)
    other = people.trainee(full_name="别人")
    ef.enrollment(course=sitting["exam"].course, user=other)
    client.force_login(other)
    urls = [
        ("get", reverse("exams:attempt", args=[attempt.pk])),
        ("get", reverse("exams:question", args=[attempt.pk, 1])),
        ("get", reverse("exams:submit", args=[attempt.pk])),
        ("get", reverse("exams:result", args=[attempt.pk])),
        ("post", reverse("exams:submit", args=[attempt.pk])),
        ("post", reverse("exams:answer", args=[attempt.pk, 1])),
        ("post", reverse("exams:flag", args=[attempt.pk, 1])),
    ]
    for method, url in urls:
        assert getattr(client, method)(url).status_code == 404, url
    attempt.refresh_from_db()
    assert attempt.status == ExamAttempt.Status.IN_PROGRESS
    assert not attempt.questions.filter(answer__isnull=False).exists()


def test_an_exam_of_a_course_the_trainee_does_not_study_is_404(client, sitting):
    stranger = people.trainee(full_name="路人")
    client.force_login(stranger)
    assert client.get(reverse("exams:exam", args=[sitting["exam"].pk])).status_code == 404
    assert client.post(reverse("exams:start", args=[sitting["exam"].pk])).status_code == 404
    assert not ExamAttempt.objects.filter(user=stranger).exists()


def _question_screen_queries(client, count: int) -> int:
    bank = qf.bank()
    for _ in range(count):
        qf.single(bank=bank)
    exam = qf.exam(bank=bank, sections=[(QuestionType.SINGLE, count, 1)], time_limit_minutes=60)
    trainee = people.trainee()
    ef.enrollment(course=exam.course, user=trainee)
    attempt = exam_attempt_start(user=trainee, exam=exam)
    client.force_login(trainee)
    url = reverse("exams:question", args=[attempt.pk, count // 2])
    client.get(url)  # the session and the site settings are cached after the first page
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count("question-map__item") >= count
    return len(queries)


def test_queries_per_question_screen_are_the_same_at_10_and_100_questions(client):
    at_10 = _question_screen_queries(client, 10)
    at_100 = _question_screen_queries(client, 100)
    assert at_10 == at_100
    assert at_10 <= 12


def test_resume_after_reload_lands_on_the_last_question_with_its_answer(client, sitting):
    attempt = _started(client, sitting)
    item = attempt.questions.select_related("version").get(position=3)
    key = item.version.content["options"][0]["key"] if item.version.content["options"] else "T"
    _post_json(client, reverse("exams:answer", args=[attempt.pk, 3]), {"answer": [key]})
    # Reload: the attempt's address and a second start both come back to question 3.
    response = client.get(reverse("exams:attempt", args=[attempt.pk]))
    assert response.url == reverse("exams:question", args=[attempt.pk, 3])
    again = client.post(reverse("exams:start", args=[sitting["exam"].pk]))
    assert again.url == reverse("exams:attempt", args=[attempt.pk])
    assert ExamAttempt.objects.filter(user=sitting["trainee"]).count() == 1
    html = client.get(response.url).content.decode()
    assert f'value="{key}" checked' in html
    assert "question-map__item--answered" in html


def test_the_deadline_comes_from_the_server(client, sitting):
    attempt = _started(client, sitting)
    assert attempt.deadline_at is not None
    html = client.get(reverse("exams:question", args=[attempt.pk, 1])).content.decode()
    shown = re.search(r'data-deadline="([^"]+)"', html).group(1)
    assert datetime.fromisoformat(shown) == attempt.deadline_at
    server_now = datetime.fromisoformat(re.search(r'data-server-now="([^"]+)"', html).group(1))
    assert abs(server_now - timezone.now()) < timedelta(minutes=1)
    local = timezone.localtime(attempt.deadline_at).strftime("%Y-%m-%d %H:%M")
    assert local in html


def test_an_answer_after_the_deadline_is_refused_and_the_attempt_handed_in(client, sitting):
    attempt = _started(client, sitting)
    ExamAttempt.objects.filter(pk=attempt.pk).update(
        deadline_at=timezone.now() - timedelta(seconds=1)
    )
    item = attempt.questions.select_related("version").get(position=1)
    response = _post_json(
        client,
        reverse("exams:answer", args=[attempt.pk, 1]),
        {"answer": _right_answer(item) or ["x"]},
    )
    assert response.status_code == 409
    assert response.json()["closed"] is True
    assert response.json()["result_url"] == reverse("exams:result", args=[attempt.pk])
    item.refresh_from_db()
    assert item.answer is None
    attempt.refresh_from_db()
    assert attempt.status != ExamAttempt.Status.IN_PROGRESS
    assert attempt.expired is True
    # The question screen now sends the trainee to the result.
    page = client.get(reverse("exams:question", args=[attempt.pk, 1]))
    assert page.url == reverse("exams:result", args=[attempt.pk])


def test_a_malformed_answer_is_refused_with_a_message(client, sitting):
    attempt = _started(client, sitting)
    item = (
        attempt.questions.select_related("version").exclude(version__content__type="case").first()
    )
    response = _post_json(
        client, reverse("exams:answer", args=[attempt.pk, item.position]), {"answer": ["Z"]}
    )
    assert response.status_code == 400
    assert response.json()["saved"] is False and response.json()["error"]
    bad = client.post(
        reverse("exams:answer", args=[attempt.pk, item.position]),
        data="{not json",
        content_type="application/json",
    )
    assert bad.status_code == 400


def test_a_form_post_without_script_saves_and_moves_on(client, sitting):
    attempt = _started(client, sitting)
    item = attempt.questions.select_related("version").get(position=1)
    content = item.version.content
    answer = _right_answer(item) if content["type"] != "case" else []
    data = {"go": "2"}
    if content["type"] == "case":
        data.update({f"answer_{i}": "要点" for i in range(len(content["sub_questions"]))})
    else:
        data["answer"] = answer
    response = client.post(reverse("exams:answer", args=[attempt.pk, 1]), data)
    assert response.url == reverse("exams:question", args=[attempt.pk, 2])
    item.refresh_from_db()
    assert item.answer is not None


def _answer_everything(client, attempt, wrong_positions=()):
    for item in attempt.questions.select_related("version").order_by("position"):
        content = item.version.content
        if content["type"] == "case":
            answer = ["我的要点"] * len(content["sub_questions"])
        elif item.position in wrong_positions:
            keys = [option["key"] for option in content["options"]] or ["T", "F"]
            answer = [next(key for key in keys if key not in content["answer"])]
        else:
            answer = content["answer"]
        _post_json(
            client, reverse("exams:answer", args=[attempt.pk, item.position]), {"answer": answer}
        )


def test_hand_in_shows_the_result_and_the_review_of_wrong_answers(client, sitting):
    attempt = _started(client, sitting)
    objective = attempt.questions.exclude(version__content__type="case").order_by("position")
    wrong = objective.first()
    _answer_everything(client, attempt, wrong_positions={wrong.position})
    confirm = client.get(reverse("exams:submit", args=[attempt.pk])).content.decode()
    assert "data-hand-in" in confirm
    response = client.post(reverse("exams:submit", args=[attempt.pk]))
    assert response.url == reverse("exams:result", args=[attempt.pk])
    attempt.refresh_from_db()
    assert attempt.status == ExamAttempt.Status.AWAITING_MARKING
    html = client.get(response.url).content.decode()
    # Answers shown after submission: the explanations are there, the case waits.
    assert EXPLANATION in html
    assert REFERENCE_POINT in html
    review = client.get(response.url + "?wrong=1").content.decode()
    assert review.count("data-review-position=") == 1
    assert f'data-review-position="{wrong.position}"' in review
    assert WrongAnswer.objects.filter(user=sitting["trainee"], question=wrong.question).exists()
    # Handing in again changes nothing; answering now is refused.
    client.post(reverse("exams:submit", args=[attempt.pk]))
    late = _post_json(client, reverse("exams:answer", args=[attempt.pk, 1]), {"answer": ["A"]})
    assert late.status_code == 409


def test_a_marked_attempt_shows_the_score(client):
    bank = qf.bank()
    for _ in range(4):
        qf.single(bank=bank)
    exam = qf.exam(bank=bank, sections=[(QuestionType.SINGLE, 4, 25)])
    trainee = people.trainee()
    ef.enrollment(course=exam.course, user=trainee)
    client.force_login(trainee)
    client.post(reverse("exams:start", args=[exam.pk]))
    attempt = ExamAttempt.objects.get(user=trainee)
    _answer_everything(client, attempt, wrong_positions={1})
    client.post(reverse("exams:submit", args=[attempt.pk]))
    attempt.refresh_from_db()
    assert attempt.status == ExamAttempt.Status.MARKED
    html = client.get(reverse("exams:result", args=[attempt.pk])).content.decode()
    assert f"{attempt.score}" in html and "75" in str(attempt.score)
    assert attempt.passed is True


def test_answers_hidden_when_the_exam_never_shows_them(client, sitting):
    exam = sitting["exam"]
    exam.show_answers = exam.ShowAnswers.NEVER
    exam.save()
    attempt = _started(client, sitting)
    _answer_everything(client, attempt)
    client.post(reverse("exams:submit", args=[attempt.pk]))
    html = client.get(reverse("exams:result", args=[attempt.pk])).content.decode()
    assert EXPLANATION not in html and REFERENCE_POINT not in html


def test_attempts_used_up_gives_a_message(client, sitting):
    exam = sitting["exam"]
    exam.attempts_allowed = 1
    exam.save()
    attempt = _started(client, sitting)
    client.post(reverse("exams:submit", args=[attempt.pk]))
    response = client.post(reverse("exams:start", args=[exam.pk]), follow=True)
    assert ExamAttempt.objects.filter(user=sitting["trainee"]).count() == 1
    assert "1" in response.content.decode()
    messages = [str(message) for message in response.context["messages"]]
    assert messages and all(message for message in messages)


def test_practice_shows_the_explanation_only_after_the_answer(client, sitting):
    client.force_login(sitting["trainee"])
    bank = sitting["bank"]
    url = reverse("exams:practice", args=[bank.pk])
    page = client.get(url, {"topic": sitting["topic"].pk}).content.decode()
    assert "的题干" in page or "判断题" in page
    assert EXPLANATION not in page
    question = qf.Question.objects.filter(bank=bank, topic=sitting["topic"]).order_by("pk").first()
    answered = client.post(url, {"topic": sitting["topic"].pk, "i": 0, "answer": ["D"]})
    html = answered.content.decode()
    assert EXPLANATION in html
    correct = question.content()["answer"] == ["D"]
    assert WrongAnswer.objects.filter(user=sitting["trainee"]).exists() is not correct


def test_the_wrong_answer_book_lists_and_practises_the_wrong_ones(client, sitting):
    client.force_login(sitting["trainee"])
    bank = sitting["bank"]
    question = qf.single(bank=bank, right="A", stem="只在错题本里的题")
    client.post(
        reverse("exams:practice", args=[bank.pk]),
        {"i": list(bank.questions.order_by("topic__path", "pk")).index(question), "answer": "B"},
    )
    book = client.get(reverse("exams:wrong_answers")).content.decode()
    assert "只在错题本里的题" in book
    practice = client.get(reverse("exams:practice", args=[bank.pk]), {"wrong": "1"})
    assert practice.context["count"] == 1
    assert "只在错题本里的题" in practice.content.decode()
    for _ in range(2):
        client.post(reverse("exams:practice", args=[bank.pk]), {"wrong": "1", "answer": "A"})
    assert "只在错题本里的题" not in client.get(reverse("exams:wrong_answers")).content.decode()


def test_a_bank_the_trainee_may_not_practise_is_404(client, sitting):
    client.force_login(people.trainee())
    assert client.get(reverse("exams:practice", args=[sitting["bank"].pk])).status_code == 404


def test_home_course_page_and_my_learning_lead_to_the_exams(client, sitting):
    client.force_login(sitting["trainee"])
    home = client.get(reverse("exams:home")).content.decode()
    assert sitting["exam"].title in home and sitting["bank"].name in home
    course_page = client.get(sitting["exam"].course.url).content.decode()
    assert reverse("exams:exam", args=[sitting["exam"].pk]) in course_page
    dashboard = client.get(reverse("enrollments:dashboard")).content.decode()
    assert reverse("exams:home") in dashboard


def test_without_script_the_flag_and_the_last_button_work_as_forms(client, sitting):
    attempt = _started(client, sitting)
    flagged = client.post(reverse("exams:flag", args=[attempt.pk, 2]), {"flagged": "1"})
    assert flagged.url == reverse("exams:question", args=[attempt.pk, 2])
    assert attempt.questions.get(position=2).flagged is True
    html = client.get(flagged.url).content.decode()
    assert 'aria-pressed="true"' in html and "question-map__item--flagged" in html
    last = attempt.questions.count()
    response = client.post(reverse("exams:answer", args=[attempt.pk, last]), {"go": "submit"})
    assert response.url == reverse("exams:submit", args=[attempt.pk])
    page = client.get(response.url).content.decode()
    assert f'href="{reverse("exams:question", args=[attempt.pk, 2])}"' in page


def test_a_case_in_practice_shows_its_reference_points_after_the_answer(client, sitting):
    client.force_login(sitting["trainee"])
    bank = sitting["bank"]
    case = bank.questions.get(question_type=QuestionType.CASE)
    index = list(bank.questions.order_by("topic__path", "pk")).index(case)
    url = reverse("exams:practice", args=[bank.pk])
    page = client.get(url, {"i": index}).content.decode()
    assert case.stem in page and REFERENCE_POINT not in page
    answered = client.post(url, {"i": index, "answer_0": "先建立关系", "answer_1": "再定计划"})
    html = answered.content.decode()
    assert REFERENCE_POINT in html and "先建立关系" in html
    assert answered.context["result"].is_correct is None


def test_the_question_screen_reads_in_english(client, sitting, settings):
    attempt = _started(client, sitting)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("exams:question", args=[attempt.pk, 1])).content.decode()
    assert "Question 1 of 8" in html and "Question map" in html and "Time left" in html


def test_the_result_notice_opens_the_result_page(client):
    bank = qf.bank()
    for _ in range(2):
        qf.single(bank=bank)
    exam = qf.exam(bank=bank, sections=[(QuestionType.SINGLE, 2, 50)])
    trainee = people.trainee()
    ef.enrollment(course=exam.course, user=trainee)
    client.force_login(trainee)
    client.post(reverse("exams:start", args=[exam.pk]))
    attempt = ExamAttempt.objects.get(user=trainee)
    _answer_everything(client, attempt)
    client.post(reverse("exams:submit", args=[attempt.pk]))
    notice = Notification.objects.get(recipient=trainee, kind=NotificationKind.EXAM_RESULT)
    assert notice.link == reverse("exams:result", args=[attempt.pk])
    page = client.get(notice.link)
    assert page.status_code == 200 and "100.0" in page.content.decode()


def _result_and_home_queries(client, count: int) -> tuple[int, int]:
    bank = qf.bank()
    for _ in range(count):
        qf.single(bank=bank)
    trainee = people.trainee()
    exams = [qf.exam(bank=bank, sections=[(QuestionType.SINGLE, count, 1)]) for _ in range(2)]
    for exam in exams:
        ef.enrollment(course=exam.course, user=trainee)
    client.force_login(trainee)
    client.post(reverse("exams:start", args=[exams[0].pk]))
    attempt = ExamAttempt.objects.get(user=trainee)
    _answer_everything(client, attempt, wrong_positions=set(range(1, count + 1, 2)))
    client.post(reverse("exams:submit", args=[attempt.pk]))
    counts = []
    for url in (reverse("exams:result", args=[attempt.pk]), reverse("exams:home")):
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    return counts[0], counts[1]


def test_the_result_and_home_pages_take_the_same_queries_at_5_and_20_questions(client):
    assert _result_and_home_queries(client, 5) == _result_and_home_queries(client, 20)
