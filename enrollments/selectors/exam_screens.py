"""What the trainee's exam and practice screens show of a question.

A question in progress is shown from its frozen content with everything that would give
the answer away left out: the right options, the explanation and the reference points
never reach the page (nor any JSON it loads) until the rules say the answers may be
shown. The exam home (考前练习) reads its lists here too.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q

from academy.models import User
from courses.models import Exam
from enrollments.models import Enrollment, ExamAttempt, WrongAnswer
from enrollments.selectors.exams import practice_banks_for_user

DISPLAY_LETTERS = "ABCDEFGH"
TRUE_FALSE_CHOICES = ("T", "F")
# The enrolments whose courses' exams and banks a trainee may use.
EXAM_ENROLMENT_STATUSES = Enrollment.LEARNING_STATUSES


@dataclass
class OptionDisplay:
    letter: str
    key: str
    text: str
    chosen: bool
    # Only set on a review screen.
    right: bool | None = None


@dataclass
class SubQuestionDisplay:
    index: int
    prompt: str
    points: str
    text: str
    reference_points: list[dict[str, str]] = field(default_factory=list)


@dataclass
class QuestionDisplay:
    """A question as the trainee reads it; ``reviewing`` adds the answer and explanation."""

    type: str
    stem: str
    options: list[OptionDisplay]
    sub_questions: list[SubQuestionDisplay]
    reviewing: bool = False
    answer_letters: str = ""
    explanation: str = ""

    @property
    def is_case(self) -> bool:
        return self.type == "case"

    @property
    def is_multiple(self) -> bool:
        return self.type == "multiple"

    @property
    def is_true_false(self) -> bool:
        return self.type == "true_false"


def _options(content: dict[str, Any], option_order: list[str] | None) -> list[dict[str, str]]:
    by_key = {option["key"]: option for option in content.get("options", [])}
    order = [key for key in (option_order or []) if key in by_key]
    order += [key for key in by_key if key not in order]
    return [by_key[key] for key in order]


def question_display(
    *,
    content: dict[str, Any],
    answer: list[str] | None,
    option_order: list[str] | None = None,
    reviewing: bool = False,
) -> QuestionDisplay:
    """The question of ``content`` with the trainee's ``answer`` filled in, its options in
    ``option_order`` lettered afresh; the right answer and the explanation only when
    ``reviewing``."""
    chosen = set(answer or [])
    right = set(content.get("answer") or []) if reviewing else set()
    question_type = content.get("type", "single")
    if question_type == "true_false":
        options = [
            OptionDisplay(
                letter=key,
                key=key,
                text="",
                chosen=key in chosen,
                right=(key in right) if reviewing else None,
            )
            for key in TRUE_FALSE_CHOICES
        ]
    else:
        options = [
            OptionDisplay(
                letter=DISPLAY_LETTERS[index],
                key=option["key"],
                text=option["text"],
                chosen=option["key"] in chosen,
                right=(option["key"] in right) if reviewing else None,
            )
            for index, option in enumerate(_options(content, option_order))
        ]
    texts = list(answer or []) if question_type == "case" else []
    sub_questions = [
        SubQuestionDisplay(
            index=index,
            prompt=part["prompt"],
            points=part["points"],
            text=texts[index] if index < len(texts) and isinstance(texts[index], str) else "",
            reference_points=part.get("reference_points", []) if reviewing else [],
        )
        for index, part in enumerate(content.get("sub_questions", []))
    ]
    return QuestionDisplay(
        type=question_type,
        stem=content.get("stem", ""),
        options=options,
        sub_questions=sub_questions,
        reviewing=reviewing,
        answer_letters="".join(option.letter for option in options if option.right)
        if reviewing
        else "",
        explanation=content.get("explanation", "") if reviewing else "",
    )


def exams_home_for_user(*, user: User) -> dict[str, Any]:
    """The 考前练习 page: the published exams of the trainee's courses, their attempts,
    the banks to practise and how many questions wait in the wrong-answer book."""
    exams = list(
        Exam.objects.filter(
            is_published=True,
            course__enrollments__user=user,
            course__enrollments__status__in=EXAM_ENROLMENT_STATUSES,
        )
        .distinct()
        .select_related("course", "paper")
        .order_by("course__title", "title", "pk")
    )
    attempts = list(
        ExamAttempt.objects.filter(user=user, exam__in=exams)
        .select_related("exam")
        .order_by("-started_at", "-pk")
    )
    for exam in exams:
        exam.my_attempts = [attempt for attempt in attempts if attempt.exam_id == exam.pk]
        exam.in_progress = next(
            (a for a in exam.my_attempts if a.status == ExamAttempt.Status.IN_PROGRESS), None
        )
    return {
        "exams": exams,
        "attempts": attempts,
        "banks": list(
            practice_banks_for_user(user=user)
            .annotate(
                question_count=Count(
                    "questions", filter=Q(questions__is_active=True), distinct=True
                )
            )
            .select_related("paper")
            .order_by("name", "pk")
        ),
        "wrong_answer_count": WrongAnswer.objects.filter(
            user=user, cleared_at__isnull=True
        ).count(),
    }
