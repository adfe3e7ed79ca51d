"""Practice (练习) and the wrong-answer book (错题本): an answer checked at once with the
explanation, and the book kept from practice and exam answers alike."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from academy.models import User
from courses.models import Question
from enrollments.models import PracticeAnswer, WrongAnswer
from enrollments.selectors.exams import practice_bank_allowed

from .scoring import answer_is_correct, answer_normalise


@dataclass(frozen=True)
class PracticeResult:
    # None for a case answer: there is no single right one; its reference points show.
    is_correct: bool | None
    # The question's content with its answer and explanation, to show straight away.
    content: dict[str, Any]
    answer: list[str] | None


def wrong_answers_record(*, user_id: int, results: Mapping[int, bool]) -> None:
    """Keep the book for many answers at once (question id -> answered right): a wrong
    answer opens (or reopens) the question's entry; a right one counts towards clearing
    it, which takes two in a row."""
    if not results:
        return
    now = timezone.now()
    with transaction.atomic():
        entries = {
            entry.question_id: entry
            for entry in WrongAnswer.objects.select_for_update().filter(
                user_id=user_id, question_id__in=list(results)
            )
        }
        changed: list[WrongAnswer] = []
        new: list[WrongAnswer] = []
        for question_id, correct in results.items():
            entry = entries.get(question_id)
            if entry is None:
                if not correct:
                    new.append(
                        WrongAnswer(user_id=user_id, question_id=question_id, last_wrong_at=now)
                    )
                continue
            if correct:
                if entry.cleared_at is not None:
                    continue
                entry.right_in_a_row += 1
                if entry.right_in_a_row >= WrongAnswer.CLEARED_AFTER_RIGHT_IN_A_ROW:
                    entry.cleared_at = now
            else:
                entry.times_wrong += 1
                entry.right_in_a_row = 0
                entry.last_wrong_at = now
                entry.cleared_at = None
            changed.append(entry)
        if changed:
            WrongAnswer.objects.bulk_update(
                changed, ["times_wrong", "right_in_a_row", "last_wrong_at", "cleared_at"]
            )
        if new:
            # A racing answer of the same trainee may have opened the entry first.
            WrongAnswer.objects.bulk_create(new, ignore_conflicts=True)


def wrong_answer_record(*, user: User, question_id: int, correct: bool) -> None:
    """Keep the book for one answer (see `wrong_answers_record`)."""
    wrong_answers_record(user_id=user.pk, results={question_id: correct})


def practice_answer(*, user: User, question: Question, answer: Any) -> PracticeResult:
    """Check a practice answer, keep it in the trainee's history and wrong-answer book,
    and give back the content with the answer and explanation.

    Raises PermissionDenied when the trainee may not practise the question's bank, and
    `ExamAnswerInvalid` for an answer that does not fit it."""
    if not question.is_active or not practice_bank_allowed(user=user, bank_id=question.bank_id):
        raise PermissionDenied
    content = question.content()
    normalised = answer_normalise(content=content, answer=answer)
    correct = answer_is_correct(content=content, answer=normalised)
    if correct is not None and normalised is not None:
        with transaction.atomic():
            PracticeAnswer.objects.create(
                user=user, question=question, answer=normalised, is_correct=correct
            )
            wrong_answers_record(user_id=user.pk, results={question.pk: correct})
    return PracticeResult(is_correct=correct, content=content, answer=normalised)
