"""The question bank's admin: a question is saved only whole, with its options lettered
in order and a revision; trainers see and edit only the questions of their banks; the
question files' screens."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.models import ExamPaper, Question, QuestionType
from courses.question_files import HEADERS
from enrollments.services.exams import question_version_current
from tests.academy import factories as people
from tests.courses import factories as tree
from tests.courses import question_factories as qf

pytestmark = pytest.mark.django_db


def formset(prefix, rows, initial=0):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data[f"{prefix}-{index}-ORDER"] = str(index + 1)
        data[f"{prefix}-{index}-DELETE"] = ""
        data[f"{prefix}-{index}-id"] = ""
        for name, value in row.items():
            if value is True:
                data[f"{prefix}-{index}-{name}"] = "on"
            elif value is not False:
                data[f"{prefix}-{index}-{name}"] = value
    return data


def question_post(bank, *, question_type, options=(), parts=(), **fields):
    data = {
        "bank": str(bank.pk),
        "topic": "",
        "question_type": question_type,
        "scoring": "national",
        "difficulty": "2",
        "stem": fields.pop("stem", "社会工作的核心价值是什么？"),
        "true_false_answer": fields.pop("true_false_answer", ""),
        "explanation": "解析",
        "is_active": "on",
        **fields,
    }
    data.update(formset("options", [{"text": t, "is_correct": r} for t, r in options]))
    data.update(
        formset(
            "sub_questions",
            [{"prompt": p, "points": n, "reference_points": r} for p, n, r in parts],
        )
    )
    return data


FOUR = [("助人自助", False), ("利益最大化", True), ("管理控制", False), ("服从安排", False)]


@pytest.fixture
def bank():
    return qf.bank(paper=qf.paper())


def test_an_administrator_adds_a_single_choice_question_lettered_in_order(client, admin_user, bank):
    client.force_login(admin_user)

    response = client.post(
        reverse("courses_questions:add"),
        question_post(bank, question_type=QuestionType.SINGLE, options=FOUR),
    )

    assert response.status_code == 302, response.context["form"].errors
    question = Question.objects.get(bank=bank)
    assert [(o.key, o.text) for o in question.options.order_by("sort_order")] == [
        ("A", "助人自助"),
        ("B", "利益最大化"),
        ("C", "管理控制"),
        ("D", "服从安排"),
    ]
    assert question.content()["answer"] == ["B"]
    assert question.revisions.count() == 1
    history = client.get(reverse("courses_questions:history", args=[question.pk]))
    assert history.status_code == 200


@pytest.mark.parametrize(
    ("question_type", "options", "parts", "extra", "message"),
    [
        (QuestionType.SINGLE, [(t, True) for t, _r in FOUR], (), {}, "有且只有一个正确选项"),
        (QuestionType.SINGLE, FOUR[:3], (), {}, "应有 4 个选项"),
        (QuestionType.MULTIPLE, [*FOUR, ("尊重", False)], (), {}, "两个或更多正确选项"),
        (QuestionType.TRUE_FALSE, (), (), {}, "是否正确"),
        (QuestionType.CASE, (), (), {}, "至少应有一道小题"),
        (
            QuestionType.CASE,
            (),
            [("请分析需求。", "6", "情绪需求|2\n社交需求|2")],
            {},
            "合计 4 分，不等于 6 分",
        ),
    ],
)
def test_a_question_that_is_not_whole_is_not_saved(
    client, admin_user, bank, question_type, options, parts, extra, message
):
    client.force_login(admin_user)

    response = client.post(
        reverse("courses_questions:add"),
        question_post(bank, question_type=question_type, options=options, parts=parts, **extra),
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Question.objects.filter(bank=bank).exists()


def test_a_case_with_reference_points_adding_up_is_saved(client, admin_user, bank):
    client.force_login(admin_user)

    response = client.post(
        reverse("courses_questions:add"),
        question_post(
            bank,
            question_type=QuestionType.CASE,
            stem="案例：社区里一位独居老人很少出门。",
            parts=[("请分析需求。", "4", "情绪需求|2\n社交需求|2")],
        ),
    )

    assert response.status_code == 302
    assert Question.objects.get(bank=bank).content()["sub_questions"][0]["points"] == "4.0"


@pytest.fixture
def exam_prep_trainer(bank):
    trainer = people.trainer()
    tree.course(trainers=[trainer], exam_paper=ExamPaper.COMPREHENSIVE)
    return trainer


def test_a_trainer_of_an_exam_prep_course_sees_and_edits_only_their_papers_questions(
    client, bank, exam_prep_trainer
):
    mine = qf.single(bank=bank, stem="本科目的题")
    other_bank = qf.bank(paper=qf.paper(subject="practice"))
    theirs = qf.single(bank=other_bank, stem="别的科目的题")
    client.force_login(exam_prep_trainer)

    listing = client.get(reverse("courses_questions:list"))

    assert listing.status_code == 200
    assert "本科目的题" in listing.content.decode()
    assert "别的科目的题" not in listing.content.decode()
    assert client.get(reverse("courses_questions:edit", args=[mine.pk])).status_code == 200
    assert client.get(reverse("courses_questions:edit", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("courses_questions:history", args=[theirs.pk])).status_code == 404
    response = client.post(
        reverse("courses_questions:add"),
        question_post(
            other_bank, question_type=QuestionType.SINGLE, options=FOUR, stem="偷偷加的题"
        ),
    )
    assert response.status_code == 200
    assert not Question.objects.filter(stem="偷偷加的题").exists()
    assert client.get(reverse("courses_banks:list")).status_code in (302, 403)


def test_a_trainer_without_an_exam_prep_course_has_no_question_bank(client, bank):
    trainer = people.trainer()
    tree.course(trainers=[trainer])
    qf.single(bank=bank)
    client.force_login(trainer)

    assert client.get(reverse("courses_questions:list")).status_code in (302, 403)
    assert client.get(reverse("questions_admin:import_upload", args=[bank.pk])).status_code == 404


def test_the_import_screens_report_bad_rows_then_import_the_good_ones(
    client, bank, exam_prep_trainer
):
    client.force_login(exam_prep_trainer)
    text = (
        ",".join(HEADERS)
        + "\n判断,伦理,易,社会工作者应当尊重服务对象的自决权。,,,,,,对,自决是伦理要求。,,\n"
        + "填空,伦理,易,未知题型,,,,,,,,,\n"
    )
    upload = SimpleUploadedFile("questions.csv", text.encode("gb18030"))

    response = client.post(
        reverse("questions_admin:import_upload", args=[bank.pk]), {"questions": upload}
    )
    assert response.status_code == 302
    preview = client.get(response["Location"])
    page = preview.content.decode()
    assert "<td>3</td><td>未知题型“填空”。</td>" in page
    assert "<td>2</td><td>判断</td><td>伦理</td>" in page
    assert not Question.objects.filter(bank=bank).exists()

    done = client.post(response["Location"], {"mode": "good_questions"})

    assert done.status_code == 302
    assert Question.objects.get(bank=bank).topic.path == "伦理"
    export = client.get(reverse("questions_admin:export", args=[bank.pk, "csv"]))
    assert "社会工作者应当尊重服务对象的自决权。" in b"".join(export.streaming_content).decode()
    template = client.get(reverse("questions_admin:template"))
    assert template.status_code == 200
    other = qf.bank(paper=qf.paper(subject="practice"))
    assert client.get(reverse("questions_admin:export", args=[other.pk, "xlsx"])).status_code == 404


def test_the_listing_filters_by_paper_type_difficulty_topic_and_searches(client, admin_user, bank):
    topic = qf.topic(bank=bank, path="伦理 / 价值")
    qf.single(bank=bank, stem="价值观单选题", topic=topic, difficulty=1)
    qf.true_false(bank=bank, stem="伦理判断题", difficulty=3)
    other = qf.bank(paper=qf.paper(subject="practice"))
    qf.single(bank=other, stem="实务单选题")
    client.force_login(admin_user)
    url = reverse("courses_questions:list")

    def stems(**params):
        page = client.get(url, params).content.decode()
        return {s for s in ("价值观单选题", "伦理判断题", "实务单选题") if s in page}

    assert stems() == {"价值观单选题", "伦理判断题", "实务单选题"}
    assert stems(paper=bank.paper_id) == {"价值观单选题", "伦理判断题"}
    assert stems(question_type="true_false") == {"伦理判断题"}
    assert stems(difficulty="1") == {"价值观单选题"}
    assert stems(topic=topic.pk) == {"价值观单选题"}
    assert stems(q="实务") == {"实务单选题"}
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _index in range(10):
        qf.multiple(bank=other, topic=qf.topic(bank=other, path=f"第 {_index} 章"))
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_the_question_chooser_offers_a_trainer_only_their_banks_questions(
    client, bank, exam_prep_trainer
):
    qf.single(bank=bank, stem="本科目的题")
    qf.single(bank=qf.bank(paper=qf.paper(subject="practice")), stem="别的科目的题")
    client.force_login(exam_prep_trainer)
    viewset = Question.snippet_viewset.chooser_viewset

    for view in ("choose", "choose_results"):
        response = client.get(reverse(viewset.get_url_name(view)))
        page = response.content.decode() if view == "choose_results" else str(response.json())
        assert "本科目的题" in page
        assert "别的科目的题" not in page


def test_an_edit_makes_a_new_version_and_leaves_the_drawn_one_as_it_was(client, admin_user, bank):
    question = qf.single(bank=bank, right="B")
    drawn = question_version_current(question=question)
    options = list(question.options.order_by("sort_order"))
    data = question_post(
        bank,
        question_type=QuestionType.SINGLE,
        options=[(option.text, option.key == "C") for option in options],
        stem=question.stem,
    )
    data["options-INITIAL_FORMS"] = str(len(options))
    for index, option in enumerate(options):
        data[f"options-{index}-id"] = str(option.pk)
    client.force_login(admin_user)

    response = client.post(reverse("courses_questions:edit", args=[question.pk]), data)

    assert response.status_code == 302, response.context["form"].errors
    question.refresh_from_db()
    assert question.content()["answer"] == ["C"]
    assert question.revisions.count() == 2
    drawn.refresh_from_db()
    assert drawn.content["answer"] == ["B"]
    current = question_version_current(question=question)
    assert (current.number, current.content["answer"]) == (2, ["C"])


def test_a_topic_takes_its_path_from_its_parent_and_a_rename_moves_its_children(
    client, admin_user, bank
):
    client.force_login(admin_user)
    chapter = qf.topic(bank=bank, path="伦理")
    point = qf.topic(bank=bank, path="伦理 / 价值")

    response = client.post(
        reverse("courses_topics:add"),
        {"bank": bank.pk, "parent": point.pk, "name": "自决", "position": "0"},
    )
    assert response.status_code == 302
    assert bank.topics.get(name="自决").path == "伦理 / 价值 / 自决"

    response = client.post(
        reverse("courses_topics:edit", args=[chapter.pk]),
        {"bank": bank.pk, "parent": "", "name": "专业伦理", "position": "0"},
    )
    assert response.status_code == 302
    assert sorted(bank.topics.values_list("path", flat=True)) == [
        "专业伦理",
        "专业伦理 / 价值",
        "专业伦理 / 价值 / 自决",
    ]
    response = client.post(
        reverse("courses_topics:edit", args=[chapter.pk]),
        {"bank": bank.pk, "parent": point.pk, "name": "专业伦理", "position": "0"},
    )
    assert response.status_code == 200
    assert "不能位于自身之下" in response.content.decode()
