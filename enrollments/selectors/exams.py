"""The trainee's side of exams: their attempts, one question screen, results per section
and topic, the exams of a course, practice questions and the wrong-answer book.

Nothing here hands out a question's answer or explanation while its attempt is in
progress: `attempt_answers_visible` decides, from the exam's setting."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import pgettext

from academy.models import User
from courses.models import CoursePage, Exam, Question, QuestionBank, QuestionTopic
from courses.models.questions import OPTION_KEYS, CaseSubQuestion, QuestionOption
from enrollments.models import AttemptQuestion, Enrollment, ExamAttempt, WrongAnswer

Status = ExamAttempt.Status
# How many topics the result names as the weakest.
WEAKEST_TOPICS = 3


def questions_with_content() -> QuerySet[Question]:
    """Questions with what `Question.content()` reads, in the order it reads them."""
    return Question.objects.prefetch_related(
        Prefetch("options", queryset=QuestionOption.objects.order_by("sort_order", "pk")),
        Prefetch("sub_questions", queryset=CaseSubQuestion.objects.order_by("sort_order", "pk")),
    )


def topic_filter(topic: QuestionTopic | None) -> Q:
    """Questions of the topic and every topic below it."""
    if topic is None:
        return Q()
    below = topic.path + QuestionTopic.PATH_SEPARATOR
    return Q(topic__bank_id=topic.bank_id) & (
        Q(topic__path=topic.path) | Q(topic__path__startswith=below)
    )


def exam_attempt_for_user(*, user: User, attempt_id: int) -> ExamAttempt:
    """The trainee's own attempt; Http404 for anyone else's (or none)."""
    attempt = (
        ExamAttempt.objects.select_related("exam", "exam__course")
        .filter(pk=attempt_id, user_id=user.pk)
        .first()
    )
    if attempt is None:
        raise Http404
    return attempt


def attempt_answers_visible(*, attempt: ExamAttempt, now: datetime | None = None) -> bool:
    """Whether the trainee may see the answers and explanations of this attempt."""
    if attempt.status == Status.IN_PROGRESS:
        return False
    show = attempt.exam.show_answers
    if show == Exam.ShowAnswers.AFTER_SUBMISSION:
        return True
    if show == Exam.ShowAnswers.AFTER_CLOSE:
        closes_at = attempt.exam.closes_at
        return closes_at is not None and (now or timezone.now()) >= closes_at
    return False


def attempt_seconds_left(*, attempt: ExamAttempt, now: datetime | None = None) -> int | None:
    """Whole seconds until the server-kept deadline (0 once past); None with no limit."""
    if attempt.deadline_at is None:
        return None
    left = (attempt.deadline_at - (now or timezone.now())).total_seconds()
    return max(0, int(left))


@dataclass(frozen=True)
class ScreenOption:
    letter: str  # the letter shown for this attempt (A, B, ... in the shuffled order)
    key: str  # the option's own key, which answers are saved with
    text: str
    chosen: bool
    is_correct: bool | None  # None unless answers are visible


@dataclass(frozen=True)
class MapEntry:
    position: int
    answered: bool
    flagged: bool


@dataclass(frozen=True)
class QuestionScreen:
    attempt: ExamAttempt
    question: AttemptQuestion
    position: int
    count: int
    question_type: str
    stem: str
    options: list[ScreenOption]
    sub_questions: list[dict[str, Any]]  # prompt and points; reference points once visible
    answer: list[str] | None
    flagged: bool
    question_map: list[MapEntry]
    seconds_left: int | None
    answers_visible: bool
    explanation: str  # empty unless answers are visible
    previous_position: int | None
    next_position: int | None


def true_false_choices() -> list[tuple[str, str]]:
    return [
        ("T", pgettext("true or false answer", "True")),
        ("F", pgettext("true or false answer", "False")),
    ]


def attempt_question_screen(*, attempt: ExamAttempt, position: int) -> QuestionScreen:
    """One question as the trainee sees it, with the question map: two queries whatever
    the number of questions. Http404 for a position the paper does not have."""
    question = (
        AttemptQuestion.objects.select_related("version")
        .filter(attempt_id=attempt.pk, position=position)
        .first()
    )
    if question is None:
        raise Http404
    question_map = [
        MapEntry(position=entry_position, answered=answered, flagged=flagged)
        for entry_position, answered, flagged in AttemptQuestion.objects.filter(
            attempt_id=attempt.pk
        )
        .order_by("position")
        .values_list(
            "position",
            ExpressionWrapper(Q(answer__isnull=False), output_field=BooleanField()),
            "flagged",
        )
    ]
    visible = attempt_answers_visible(attempt=attempt)
    content = question.version.content
    right = set(content.get("answer") or [])
    chosen = set(question.answer or [])
    texts = {option["key"]: option["text"] for option in content.get("options") or []}
    order = question.option_order or list(texts)
    if content["type"] == "true_false":
        options = [
            ScreenOption(
                letter=key,
                key=key,
                text=label,
                chosen=key in chosen,
                is_correct=(key in right) if visible else None,
            )
            for key, label in true_false_choices()
        ]
    else:
        options = [
            ScreenOption(
                letter=OPTION_KEYS[index],
                key=key,
                text=texts[key],
                chosen=key in chosen,
                is_correct=(key in right) if visible else None,
            )
            for index, key in enumerate(order)
            if key in texts
        ]
    sub_questions = [
        {
            "prompt": part["prompt"],
            "points": part["points"],
            **({"reference_points": part["reference_points"]} if visible else {}),
        }
        for part in content.get("sub_questions") or []
    ]
    positions = [entry.position for entry in question_map]
    index = positions.index(position)
    return QuestionScreen(
        attempt=attempt,
        question=question,
        position=position,
        count=len(positions),
        question_type=content["type"],
        stem=content["stem"],
        options=options,
        sub_questions=sub_questions,
        answer=question.answer,
        flagged=question.flagged,
        question_map=question_map,
        seconds_left=attempt_seconds_left(attempt=attempt),
        answers_visible=visible,
        explanation=content.get("explanation", "") if visible else "",
        previous_position=positions[index - 1] if index > 0 else None,
        next_position=positions[index + 1] if index + 1 < len(positions) else None,
    )


@dataclass
class ScoreLine:
    """Points earned of points possible, for a section or a topic."""

    label: str
    score: Decimal = Decimal(0)
    points: Decimal = Decimal(0)
    questions: int = 0
    right: int = 0
    unmarked: int = 0

    @property
    def share(self) -> Decimal | None:
        return self.score / self.points if self.points else None


@dataclass(frozen=True)
class ReviewItem:
    position: int
    question: AttemptQuestion
    content: dict[str, Any]  # answer and explanation included only when visible
    is_correct: bool | None


@dataclass(frozen=True)
class AttemptResult:
    attempt: ExamAttempt
    sections: list[ScoreLine]
    topics: list[ScoreLine]
    weakest_topics: list[ScoreLine]
    answers_visible: bool
    review: list[ReviewItem] = field(default_factory=list)


def _public_content(content: dict[str, Any]) -> dict[str, Any]:
    hidden = dict(content, answer=[], explanation="")
    hidden["sub_questions"] = [
        {"prompt": part["prompt"], "points": part["points"]}
        for part in content.get("sub_questions") or []
    ]
    return hidden


def exam_attempt_result(*, attempt: ExamAttempt) -> AttemptResult:
    """Scores per section and per topic, the weakest topics, and the questions to review
    (with answers where the exam shows them): three queries."""
    sections = list(attempt.exam.sections.order_by("sort_order", "pk"))
    questions = list(
        attempt.questions.select_related("version", "question__topic").order_by("position")
    )
    visible = attempt_answers_visible(attempt=attempt)
    by_section: dict[int, ScoreLine] = {}
    by_topic: dict[str, ScoreLine] = {}
    review = []
    for question in questions:
        content = question.version.content
        index = question.section_index
        if index not in by_section:
            label = str(sections[index]) if index < len(sections) else ""
            by_section[index] = ScoreLine(label=label)
        topic = question.question.topic
        topic_label = str(topic) if topic else pgettext("exam topic", "Other")
        topic_line = by_topic.setdefault(topic_label, ScoreLine(label=topic_label))
        right = (
            question.score is not None
            and question.score == question.points
            and content["type"] != "case"
        )
        for line in (by_section[index], topic_line):
            line.points += question.points
            line.questions += 1
            if question.score is None:
                line.unmarked += 1
            else:
                line.score += question.score
            line.right += right
        review.append(
            ReviewItem(
                position=question.position,
                question=question,
                content=content if visible else _public_content(content),
                is_correct=(question.score == question.points)
                if question.score is not None
                else None,
            )
        )
    topics = sorted(by_topic.values(), key=lambda line: line.label)
    marked_topics = [line for line in topics if not line.unmarked and line.points]
    weakest = sorted(
        (line for line in marked_topics if line.score < line.points),
        key=lambda line: (line.score / line.points, line.label),
    )[:WEAKEST_TOPICS]
    return AttemptResult(
        attempt=attempt,
        sections=[by_section[index] for index in sorted(by_section)],
        topics=topics,
        weakest_topics=weakest,
        answers_visible=visible,
        review=review if attempt.status != Status.IN_PROGRESS else [],
    )


@dataclass(frozen=True)
class ExamSummary:
    exam: Exam
    attempts: list[ExamAttempt]
    in_progress: ExamAttempt | None
    best_score: Decimal | None
    passed: bool
    attempts_left: int | None  # None: no limit


def exams_for_course(*, course: CoursePage, user: User | None) -> list[ExamSummary]:
    """The course's published exams with the trainee's attempts: two queries."""
    exams = list(Exam.objects.filter(course_id=course.pk, is_published=True).order_by("pk"))
    attempts: dict[int, list[ExamAttempt]] = defaultdict(list)
    if user is not None and user.is_authenticated and exams:
        for attempt in ExamAttempt.objects.filter(user_id=user.pk, exam__in=exams).order_by(
            "-number"
        ):
            attempts[attempt.exam_id].append(attempt)
    summaries = []
    for exam in exams:
        mine = attempts[exam.pk]
        scores = [a.score for a in mine if a.status == Status.MARKED and a.score is not None]
        summaries.append(
            ExamSummary(
                exam=exam,
                attempts=mine,
                in_progress=next((a for a in mine if a.status == Status.IN_PROGRESS), None),
                best_score=max(scores) if scores else None,
                passed=any(a.passed for a in mine if a.status == Status.MARKED),
                attempts_left=max(0, exam.attempts_allowed - len(mine))
                if exam.attempts_allowed
                else None,
            )
        )
    return summaries


def wrong_answers_for_user(*, user: User) -> QuerySet[WrongAnswer]:
    """The trainee's open wrong-answer book, the latest mistakes first."""
    return (
        WrongAnswer.objects.filter(user_id=user.pk, cleared_at__isnull=True)
        .select_related("question", "question__topic", "question__bank")
        .order_by("-last_wrong_at", "-pk")
    )


def practice_banks_for_user(*, user: User) -> QuerySet[QuestionBank]:
    """The banks a trainee may practise: those of the published exams of the courses they
    are enrolled in (or completed)."""
    courses = Enrollment.objects.filter(
        user_id=user.pk, status__in=Enrollment.LEARNING_STATUSES
    ).values("course_id")
    return QuestionBank.objects.filter(
        exams__course_id__in=courses, exams__is_published=True
    ).distinct()


def practice_bank_allowed(*, user: User, bank_id: int) -> bool:
    if not user.is_authenticated:
        return False
    return practice_banks_for_user(user=user).filter(pk=bank_id).exists()


def practice_questions(
    *,
    bank: QuestionBank,
    topic: QuestionTopic | None = None,
    user: User | None = None,
    wrong_only: bool = False,
) -> QuerySet[Question]:
    """The bank's questions in use, of a topic and its sub-topics if given; with
    ``wrong_only`` only those open in ``user``'s wrong-answer book."""
    questions = questions_with_content().filter(topic_filter(topic), bank=bank, is_active=True)
    if wrong_only:
        if user is None:
            return questions.none()
        open_entries = WrongAnswer.objects.filter(user_id=user.pk, cleared_at__isnull=True)
        questions = questions.filter(pk__in=open_entries.values("question_id"))
    return questions.select_related("topic").order_by("topic__path", "pk")
