"""Marking rules for one answer against a question's frozen content. Pure functions: no
database, so the same rule marks attempts, practice and the benchmark alike."""

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

CHOICE = ("single", "multiple")
TRUE_FALSE = "true_false"
CASE = "case"
NATIONAL = "national"
# At the national exam's 2 points a right option chosen short of the full set scores 0.5.
NATIONAL_SHARE_PER_RIGHT_OPTION = Decimal(1) / Decimal(4)


class ExamAnswerInvalid(ValueError):
    """An answer that does not fit its question (an unknown option, two answers to a
    single-choice question, the wrong number of case texts)."""


def answer_normalise(*, content: dict[str, Any], answer: Any) -> list[str] | None:
    """The answer as stored: choice -> sorted option keys, true/false -> ["T"] or ["F"],
    case -> one text per sub-question; ``None`` (or an empty choice) is unanswered."""
    if answer is None:
        return None
    if not isinstance(answer, list) or not all(isinstance(item, str) for item in answer):
        raise ExamAnswerInvalid(_("An answer is a list of texts."))
    kind = content["type"]
    if kind == CASE:
        parts = len(content.get("sub_questions") or [])
        if len(answer) != parts:
            raise ExamAnswerInvalid(
                _("This case has %(count)s sub-questions: give one answer for each.")
                % {"count": parts}
            )
        if not any(text.strip() for text in answer):
            return None
        return [text[:20000] for text in answer]
    if kind == TRUE_FALSE:
        if answer == []:
            return None
        if answer not in (["T"], ["F"]):
            raise ExamAnswerInvalid(_("Answer true (T) or false (F)."))
        return list(answer)
    keys = {option["key"] for option in content.get("options") or []}
    chosen = sorted(set(answer))
    if len(chosen) != len(answer):
        raise ExamAnswerInvalid(_("An option is chosen twice."))
    if not set(chosen) <= keys:
        raise ExamAnswerInvalid(_("The answer names an option the question does not have."))
    if not chosen:
        return None
    if kind == "single" and len(chosen) != 1:
        raise ExamAnswerInvalid(_("Choose exactly one option."))
    return chosen


def answer_score(*, content: dict[str, Any], answer: Any, points: Decimal) -> Decimal | None:
    """The points an answer earns; ``None`` for a case answer, which trainers mark.

    Multiple choice, national rule: any wrong option chosen scores 0; the exact set of right
    options scores the full points; fewer right options score ``points / 4`` each (0.5 at
    the national 2 points), never more than the points. All or nothing: only the exact set
    scores. Single choice and true or false: the exact answer scores."""
    points = Decimal(points)
    kind = content["type"]
    if kind == CASE:
        return None if answer else Decimal(0)
    if not answer:
        return Decimal(0)
    right = set(content.get("answer") or [])
    chosen = set(answer)
    if chosen == right:
        return points
    if kind != "multiple" or content.get("scoring") != NATIONAL or not chosen <= right:
        return Decimal(0)
    return min(points, points * NATIONAL_SHARE_PER_RIGHT_OPTION * len(chosen))


def answer_is_correct(*, content: dict[str, Any], answer: Any) -> bool | None:
    """Whether an objective answer is the exact right one; ``None`` for a case answer."""
    if content["type"] == CASE:
        return None
    return bool(answer) and set(answer) == set(content.get("answer") or [])
