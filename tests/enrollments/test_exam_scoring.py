from decimal import Decimal

import pytest

from enrollments.services.exams import ExamAnswerInvalid, answer_normalise, answer_score

MULTIPLE = {
    "type": "multiple",
    "scoring": "national",
    "options": [{"key": key, "text": key} for key in "ABCDE"],
    "answer": ["A", "C", "D"],
}
TWO = Decimal(2)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (["A", "C", "D"], "2"),  # the exact set: full points
        (["A"], "0.5"),  # one right option of three
        (["A", "D"], "1.0"),  # two right options
        (["A", "B"], "0"),  # any wrong option: nothing
        (["A", "C", "D", "E"], "0"),
        (["B"], "0"),
        (None, "0"),
    ],
)
def test_national_multiple_choice_rule(answer, expected):
    assert answer_score(content=MULTIPLE, answer=answer, points=TWO) == Decimal(expected)


def test_national_rule_is_never_more_than_the_points():
    five_right = dict(MULTIPLE, answer=list("ABCDE"))
    assert answer_score(content=five_right, answer=list("ABCD"), points=TWO) == TWO


def test_all_or_nothing_scores_only_the_exact_set():
    content = dict(MULTIPLE, scoring="all_or_nothing")
    assert answer_score(content=content, answer=["A", "C", "D"], points=TWO) == TWO
    assert answer_score(content=content, answer=["A", "C"], points=TWO) == 0


def test_single_choice_and_true_false_score_the_exact_answer():
    single = {"type": "single", "scoring": "national", "options": [], "answer": ["B"]}
    assert answer_score(content=single, answer=["B"], points=Decimal(1)) == 1
    assert answer_score(content=single, answer=["A"], points=Decimal(1)) == 0
    true_false = {"type": "true_false", "scoring": "national", "options": [], "answer": ["F"]}
    assert answer_score(content=true_false, answer=["F"], points=Decimal(1)) == 1
    assert answer_score(content=true_false, answer=["T"], points=Decimal(1)) == 0


def test_case_answers_are_left_to_trainers_unless_blank():
    case = {"type": "case", "answer": [], "sub_questions": [{"prompt": "p", "points": "10"}]}
    assert answer_score(content=case, answer=["我的分析"], points=Decimal(10)) is None
    assert answer_score(content=case, answer=None, points=Decimal(10)) == 0


def test_answers_are_normalised_to_sorted_original_keys():
    assert answer_normalise(content=MULTIPLE, answer=["D", "A"]) == ["A", "D"]
    assert answer_normalise(content=MULTIPLE, answer=[]) is None


@pytest.mark.parametrize(
    "answer",
    [["Z"], ["A", "A"], "A", [1], {"A": True}],
)
def test_malformed_choice_answers_are_refused(answer):
    with pytest.raises(ExamAnswerInvalid):
        answer_normalise(content=MULTIPLE, answer=answer)


def test_single_choice_takes_one_option_and_true_false_t_or_f():
    single = dict(MULTIPLE, type="single")
    with pytest.raises(ExamAnswerInvalid):
        answer_normalise(content=single, answer=["A", "B"])
    with pytest.raises(ExamAnswerInvalid):
        answer_normalise(content={"type": "true_false"}, answer=["A"])


def test_case_answer_has_one_text_per_sub_question():
    case = {"type": "case", "sub_questions": [{"prompt": "1"}, {"prompt": "2"}]}
    assert answer_normalise(content=case, answer=["甲", ""]) == ["甲", ""]
    assert answer_normalise(content=case, answer=["", " "]) is None
    with pytest.raises(ExamAnswerInvalid):
        answer_normalise(content=case, answer=["只有一段"])
