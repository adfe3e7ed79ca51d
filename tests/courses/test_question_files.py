"""The question import's bad-row report, its all-or-good-rows write, and the round trip
of an export."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from academy.errors import RuleViolation
from courses.models import MultipleChoiceScoring, Question, QuestionTopic, QuestionType
from courses.question_files import HEADERS, question_rows_check, question_rows_import
from enrollments.services.question_files import (
    question_bank_csv_stream,
    question_bank_xlsx_write,
    question_file_read,
    question_template_write,
)
from tests.courses import question_factories as qf

pytestmark = pytest.mark.django_db


def row(**cells):
    return [cells.get(header, "") for header in HEADERS]


GOOD_ROWS = [
    row(
        题型="单选",
        知识点="社会工作价值与伦理 / 专业价值观",
        难度="易",
        题干="社会工作的核心价值是什么？",
        选项A="助人自助",
        选项B="利益最大化",
        选项C="管理控制",
        选项D="服从安排",
        答案="A",
        解析="助人自助是社会工作的核心理念。",
    ),
    row(
        题型="多选",
        知识点="社会工作价值与伦理 / 专业伦理",
        难度="中",
        题干="社会工作的专业伦理原则包括哪些？",
        选项A="保密",
        选项B="案主自决",
        选项C="随意公开",
        选项D="尊重",
        选项E="强迫服从",
        答案="ABD",
        解析="保密、自决和尊重都是伦理原则。",
    ),
    row(
        题型="多选（全对得分）",
        知识点="社区工作",
        难度="难",
        题干="社区需求评估的方法有哪些？",
        选项A="问卷调查",
        选项B="焦点小组",
        选项C="凭空想象",
        选项D="社区论坛",
        选项E="关键人物访谈",
        答案="A, B, D, E",
    ),
    row(题型="判断", 知识点="社区工作", 难度="易", 题干="社区工作只关注个人问题。", 答案="错"),
    row(
        题型="案例分析",
        知识点="个案工作 / 介入",
        难度="中",
        题干="某街道的独居老人李大爷，近半年来情绪低落，很少出门，邻居反映他常常忘记关火。",
    ),
    row(
        题型="小题",
        题干="请分析李大爷的需求。",
        分值="6",
        参考要点="安全需求|2\n情绪需求|2\n社交需求|2",
    ),
    row(
        题型="小题",
        题干="请提出介入计划。",
        分值="4",
        参考要点="链接资源|2\n志愿者探访|2",
        解析="由近及远。",
    ),
]


def sheet_rows(rows):
    return [(number, cells) for number, cells in enumerate(rows, start=2)]


def test_a_clean_file_imports_every_type_with_topics_built_as_a_tree():
    bank = qf.bank()

    result = question_rows_import(bank=bank, headers=list(HEADERS), rows=sheet_rows(GOOD_ROWS))

    assert result.created == 5
    questions = {q.stem: q for q in Question.objects.filter(bank=bank)}
    single = questions["社会工作的核心价值是什么？"]
    assert single.content()["answer"] == ["A"]
    assert single.topic.path == "社会工作价值与伦理 / 专业价值观"
    assert single.topic.parent.path == "社会工作价值与伦理"
    assert single.revisions.count() == 1
    assert questions["社会工作的专业伦理原则包括哪些？"].content()["answer"] == ["A", "B", "D"]
    all_or_nothing = questions["社区需求评估的方法有哪些？"]
    assert all_or_nothing.scoring == MultipleChoiceScoring.ALL_OR_NOTHING
    assert all_or_nothing.content()["answer"] == ["A", "B", "D", "E"]
    assert questions["社区工作只关注个人问题。"].true_false_answer is False
    case = next(q for q in questions.values() if q.question_type == QuestionType.CASE)
    parts = case.content()["sub_questions"]
    assert [p["points"] for p in parts] == ["6.0", "4.0"]
    assert parts[0]["reference_points"][0] == {"text": "安全需求", "points": "2"}
    assert case.explanation == "由近及远。"
    assert QuestionTopic.objects.filter(bank=bank).count() == 6
    assert result.topics_created == 6


BAD_ROWS = [
    row(题型="填空", 题干="未知题型的题目"),  # 2: unknown type
    row(题型="单选", 题干="缺少答案的题", 选项A="甲", 选项B="乙", 选项C="丙", 选项D="丁"),  # 3
    row(
        题型="单选", 题干="答案不在选项中", 选项A="甲", 选项B="乙", 选项C="丙", 选项D="丁", 答案="E"
    ),
    row(
        题型="多选",
        题干="只有一个对的多选",
        选项A="甲",
        选项B="乙",
        选项C="丙",
        选项D="丁",
        选项E="戊",
        答案="A",
    ),
    row(题型="判断", 题干="社会工作的核心价值是什么？", 答案="对"),  # 6: duplicate of the bank
    row(题型="判断", 题干="判断答案写错", 答案="也许"),  # 7
    row(题型="小题", 题干="孤立的小题", 分值="2", 参考要点="要点|2"),  # 8: no case before
    row(题型="案例分析", 题干="案例：社区里一位青少年辍学在家。"),  # 9
    row(题型="小题", 题干="分析需求。", 分值="6", 参考要点="学业需求|2\n家庭支持|2"),  # 10: 4 != 6
    row(题型="判断", 题干="好的判断题", 答案="对", 难度="中"),  # 11: good
    row(题型="判断", 题干="好的判断题", 答案="错"),  # 12: duplicate of row 11
    row(
        题型="单选",
        题干="难度写错",
        难度="很难",
        选项A="甲",
        选项B="乙",
        选项C="丙",
        选项D="丁",
        答案="A",
    ),
]


def test_every_bad_row_is_reported_with_its_number_and_reason_and_nothing_is_written():
    bank = qf.bank()
    qf.single(bank=bank, stem="社会工作的核心价值是什么？")

    report = question_rows_check(bank=bank, headers=list(HEADERS), rows=sheet_rows(BAD_ROWS))

    problems = {}
    for problem in report.problems:
        problems.setdefault(problem.row, []).append(problem.message)
    assert sorted(problems) == [2, 3, 4, 5, 6, 7, 8, 10, 12, 13]
    assert "未知题型“填空”" in problems[2][0]
    assert any("答案" in message for message in problems[3])
    assert any("“E”" in message and "选项" in message for message in problems[4])
    assert any("两个或更多" in message for message in problems[5])
    assert any("题库中已有" in message for message in problems[6])
    assert any("也许" in message for message in problems[7])
    assert any("案例分析" in message for message in problems[8])
    assert any("4" in message and "6" in message for message in problems[10])
    assert any("第 11 行" in message for message in problems[12])
    assert any("很难" in message for message in problems[13])
    assert [draft.row for draft in report.good_questions] == [11]
    with pytest.raises(RuleViolation):
        question_rows_import(bank=bank, headers=list(HEADERS), rows=sheet_rows(BAD_ROWS))
    assert Question.objects.filter(bank=bank).count() == 1

    result = question_rows_import(
        bank=bank, headers=list(HEADERS), rows=sheet_rows(BAD_ROWS), good_questions_only=True
    )

    assert result.created == 1
    assert Question.objects.filter(bank=bank, stem="好的判断题").count() == 1


def test_a_file_without_the_columns_is_refused_as_a_whole():
    report = question_rows_check(
        bank=qf.bank(), headers=["题型", "题干"], rows=[(2, ["单选", "题"])]
    )

    assert report.file_problem
    assert {problem.row for problem in report.problems} == {1}
    assert any("答案" in problem.message for problem in report.problems)
    assert not report.can_import_good_questions


def _bank_with_every_type():
    bank = qf.bank()
    qf.single(bank=bank, topic=qf.topic(bank=bank, path="伦理 / 价值"), difficulty=1)
    qf.multiple(bank=bank, topic=qf.topic(bank=bank, path="伦理 / 原则"), difficulty=3)
    qf.multiple(bank=bank, scoring=MultipleChoiceScoring.ALL_OR_NOTHING, stem="=SUM(A1) 开头的题")
    qf.true_false(bank=bank, answer=False)
    qf.case(bank=bank, topic=qf.topic(bank=bank, path="个案"))
    return bank


def _bank_contents(bank):
    return sorted(
        json.dumps(
            [
                question.content(),
                question.topic.path if question.topic else "",
                question.difficulty,
                question.scoring,
            ],
            ensure_ascii=False,
            sort_keys=True,
        )
        for question in Question.objects.filter(bank=bank).prefetch_related(
            "options", "sub_questions"
        )
    )


def test_exporting_a_bank_to_xlsx_and_importing_it_gives_the_same_bank():
    source = _bank_with_every_type()
    output = io.BytesIO()
    question_bank_xlsx_write(output=output, bank=source)
    upload = SimpleUploadedFile("bank.xlsx", output.getvalue())
    sheet = question_file_read(upload=upload)
    target = qf.bank()

    question_rows_import(bank=target, headers=sheet.headers, rows=sheet.rows)

    assert _bank_contents(target) == _bank_contents(source)
    formula_cell = load_workbook(io.BytesIO(output.getvalue())).active
    stems = {c.value: c for c in formula_cell["D"]}
    assert stems["=SUM(A1) 开头的题"].data_type == "s"


def test_exporting_a_bank_to_csv_and_importing_it_gives_the_same_bank():
    source = _bank_with_every_type()
    content = b"".join(question_bank_csv_stream(bank=source))
    assert content.startswith("\ufeff".encode())
    assert b"'=SUM(A1)" in content
    sheet = question_file_read(upload=SimpleUploadedFile("bank.csv", content))
    target = qf.bank()

    question_rows_import(bank=target, headers=sheet.headers, rows=sheet.rows)

    assert _bank_contents(target) == _bank_contents(source)


def test_a_gb18030_csv_is_read():
    text = ",".join(HEADERS) + "\n" + ",".join(GOOD_ROWS[3]) + "\n"
    sheet = question_file_read(upload=SimpleUploadedFile("q.csv", text.encode("gb18030")))

    report = question_rows_check(bank=qf.bank(), headers=sheet.headers, rows=sheet.rows)

    assert report.is_clean
    assert report.good_questions[0].stem == "社区工作只关注个人问题。"


def test_a_file_of_another_kind_is_refused():
    with pytest.raises(RuleViolation) as error:
        question_file_read(upload=SimpleUploadedFile("q.pdf", b"%PDF-1.4"))
    assert error.value.code == "bad_type"


def test_the_template_has_the_columns_the_import_reads():
    output = io.BytesIO()
    question_template_write(output=output)
    workbook = load_workbook(io.BytesIO(output.getvalue()))

    headers = [cell.value for cell in workbook.worksheets[0][1]]

    assert headers == list(HEADERS)
    assert workbook.worksheets[1].max_row > 5


def _xlsx(rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(HEADERS))
    for cells in rows:
        sheet.append(cells)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
