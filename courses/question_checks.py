"""What makes a question whole, for the admin's form and the import alike.

Single choice: four options, exactly one right. Multiple choice: five options, two or
more right. True or false: the answer set. Case analysis: at least one sub-question, each
with reference points whose points add up to the sub-question's.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from .models.questions import QuestionType

SINGLE_OPTIONS = 4
MULTIPLE_OPTIONS = 5
MULTIPLE_MIN_RIGHT = 2


@dataclass(frozen=True)
class OptionDraft:
    text: str
    is_correct: bool


@dataclass(frozen=True)
class SubQuestionDraft:
    prompt: str
    points: Decimal | None
    reference_points: str


def reference_points_parse(text: str) -> tuple[list[tuple[str, Decimal]], list[str]]:
    """The "point|points" lines of a sub-question, and what is wrong with them."""
    points: list[tuple[str, Decimal]] = []
    problems: list[str] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        label, separator, value = line.rpartition("|")
        if not separator or not label.strip():
            problems.append(
                _("Reference point “%(line)s” is not written as “point|points”.")
                % {"line": line.strip()}
            )
            continue
        try:
            amount = Decimal(value.strip())
        except InvalidOperation:
            problems.append(
                _("Reference point “%(line)s” has no number of points.") % {"line": line.strip()}
            )
            continue
        if amount < 0:
            problems.append(
                _("Reference point “%(line)s” has negative points.") % {"line": line.strip()}
            )
            continue
        points.append((label.strip(), amount))
    return points, problems


def question_problems(
    *,
    question_type: str,
    options: list[OptionDraft],
    true_false_answer: bool | None,
    sub_questions: list[SubQuestionDraft],
    check_sub_questions: bool = True,
) -> list[str]:
    """Everything that keeps a question from being used; empty when it is whole.
    Without ``check_sub_questions`` a case's sub-questions are only counted (the import
    reports theirs on their own rows)."""
    problems: list[str] = []
    right = sum(1 for option in options if option.is_correct)
    if question_type == QuestionType.SINGLE:
        if len(options) != SINGLE_OPTIONS:
            problems.append(
                _("A single-choice question has %(count)d options, not %(given)d.")
                % {"count": SINGLE_OPTIONS, "given": len(options)}
            )
        if right != 1:
            problems.append(_("A single-choice question has exactly one right option."))
    elif question_type == QuestionType.MULTIPLE:
        if len(options) != MULTIPLE_OPTIONS:
            problems.append(
                _("A multiple-choice question has %(count)d options, not %(given)d.")
                % {"count": MULTIPLE_OPTIONS, "given": len(options)}
            )
        if right < MULTIPLE_MIN_RIGHT:
            problems.append(_("A multiple-choice question has two or more right options."))
        elif right >= len(options):
            problems.append(_("A multiple-choice question has at least one wrong option."))
    elif question_type == QuestionType.TRUE_FALSE:
        if options:
            problems.append(_("A true-or-false question has no options."))
        if true_false_answer is None:
            problems.append(_("Say whether the statement is true or false."))
    elif question_type == QuestionType.CASE:
        if options:
            problems.append(_("A case-analysis question has no options."))
        if not sub_questions:
            problems.append(_("A case-analysis question has at least one sub-question."))
    else:
        problems.append(_("Unknown question type “%(type)s”.") % {"type": question_type})
    if any(not option.text.strip() for option in options):
        problems.append(_("Every option has a text."))
    if question_type == QuestionType.CASE and check_sub_questions:
        for number, part in enumerate(sub_questions, start=1):
            problems.extend(sub_question_problems(number=number, part=part))
    return problems


def sub_question_problems(*, number: int, part: SubQuestionDraft) -> list[str]:
    problems = []
    if not part.prompt.strip():
        problems.append(_("Sub-question %(number)d has no text.") % {"number": number})
    points, parse_problems = reference_points_parse(part.reference_points)
    problems.extend(parse_problems)
    if not points and not parse_problems:
        problems.append(_("Sub-question %(number)d has no reference points.") % {"number": number})
    if part.points is None or part.points <= 0:
        problems.append(_("Sub-question %(number)d has no points.") % {"number": number})
    elif points and not parse_problems:
        total = sum((amount for _label, amount in points), Decimal(0))
        if total != part.points:
            problems.append(
                _(
                    "The reference points of sub-question %(number)d add up to %(total)s, "
                    "not %(points)s."
                )
                % {"number": number, "total": _number(total), "points": _number(part.points)}
            )
    return problems


def _number(value: Decimal) -> str:
    """2, 1.5 (not 2.0 or 1.50)."""
    return format(value.normalize(), "f")
