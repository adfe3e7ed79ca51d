"""Course and session evaluations (课程评估): questionnaires and the trainees' answers."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable

RATING_MIN = 1
RATING_MAX = 5


class EvaluationQuestionnaire(ClusterableModel):
    """The questions a trainee answers after a session or on completing a course.

    A course may have its own; otherwise the academy's default one is asked.
    """

    name = models.CharField(pgettext_lazy("questionnaire", "name"), max_length=200)
    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="evaluation_questionnaires",
        verbose_name=_("course"),
        help_text=_("Leave empty for a questionnaire of the whole academy."),
    )
    is_default = models.BooleanField(
        _("default questionnaire"),
        default=False,
        help_text=_("Asked for every course that has no questionnaire of its own."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("evaluation questionnaire")
        verbose_name_plural = _("evaluation questionnaires")
        ordering = ["-is_default", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="enrollments_one_default_questionnaire",
                violation_error_message=_("There is already a default questionnaire."),
            )
        ]

    def __str__(self):
        return self.name


class EvaluationQuestion(Orderable):
    """One question of a questionnaire: a 1–5 rating of an aspect, or free text."""

    class Kind(models.TextChoices):
        RATING = "rating", _("Rating from 1 to 5")
        TEXT = "text", _("Free text")

    class Aspect(models.TextChoices):
        CONTENT = "content", _("Course content")
        TRAINER = "trainer", _("Trainer")
        ORGANISATION = "organisation", _("Organisation")
        USEFULNESS = "usefulness", _("Usefulness")
        OTHER = "other", _("Other")

    questionnaire = ParentalKey(
        EvaluationQuestionnaire,
        on_delete=models.CASCADE,
        related_name="questions",
        verbose_name=_("questionnaire"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.RATING)
    aspect = models.CharField(
        _("aspect"), max_length=20, choices=Aspect.choices, default=Aspect.OTHER
    )
    text = models.CharField(_("question"), max_length=300)
    required = models.BooleanField(pgettext_lazy("question", "required"), default=True)

    class Meta(Orderable.Meta):
        verbose_name = _("evaluation question")
        verbose_name_plural = _("evaluation questions")

    def __str__(self):
        return self.text


class Evaluation(models.Model):
    """One trainee's evaluation of one session, or of the whole course (no session)."""

    enrollment = models.ForeignKey(
        "enrollments.Enrollment",
        on_delete=models.CASCADE,
        related_name="evaluations",
        verbose_name=_("enrolment"),
    )
    session = models.ForeignKey(
        "courses.ClassSession",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="evaluations",
        verbose_name=_("session"),
        help_text=_("Empty for the evaluation of the whole course, asked on completion."),
    )
    questionnaire = models.ForeignKey(
        EvaluationQuestionnaire,
        on_delete=models.PROTECT,
        related_name="evaluations",
        verbose_name=_("questionnaire"),
    )
    submitted_at = models.DateTimeField(_("submitted"), db_index=True)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "session"],
                condition=models.Q(session__isnull=False),
                name="enrollments_one_evaluation_per_session",
                violation_error_message=_("You have already evaluated this session."),
            ),
            models.UniqueConstraint(
                fields=["enrollment"],
                condition=models.Q(session__isnull=True),
                name="enrollments_one_course_evaluation",
                violation_error_message=_("You have already evaluated this course."),
            ),
        ]
        indexes = [models.Index(fields=["session", "submitted_at"])]

    def __str__(self):
        return f"{self.enrollment} · {self.session or self.enrollment.course.title}"


class EvaluationAnswer(models.Model):
    """The answer to one question of an evaluation: a rating, or text."""

    evaluation = models.ForeignKey(
        Evaluation,
        on_delete=models.CASCADE,
        related_name="answers",
        verbose_name=_("evaluation"),
    )
    question = models.ForeignKey(
        EvaluationQuestion,
        on_delete=models.PROTECT,
        related_name="answers",
        verbose_name=_("question"),
    )
    rating = models.PositiveSmallIntegerField(
        _("rating"),
        null=True,
        blank=True,
        validators=[MinValueValidator(RATING_MIN), MaxValueValidator(RATING_MAX)],
    )
    text = models.TextField(_("answer"), blank=True)

    class Meta:
        verbose_name = _("evaluation answer")
        verbose_name_plural = _("evaluation answers")
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "question"], name="enrollments_one_answer_per_question"
            ),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True)
                | models.Q(rating__gte=RATING_MIN, rating__lte=RATING_MAX),
                name="enrollments_rating_from_1_to_5",
                violation_error_message=_("A rating is a whole number from 1 to 5."),
            ),
        ]
        indexes = [models.Index(fields=["question", "rating"])]

    def __str__(self):
        return f"{self.evaluation} · {self.question}"
