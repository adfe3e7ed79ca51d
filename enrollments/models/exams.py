"""Exam attempts, their questions and answers, practice answers and the wrong-answer
book (错题本)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from courses.models.questions import POINTS_FIELD


class ExamAttempt(models.Model):
    """One trainee's sitting of an exam, with the paper drawn for it from `seed`."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        # Submitted with case answers still to be marked by a trainer.
        AWAITING_MARKING = "awaiting_marking", _("Awaiting marking")
        MARKED = "marked", pgettext_lazy("attempt", "Marked")

    exam = models.ForeignKey(
        "courses.Exam", on_delete=models.PROTECT, related_name="attempts", verbose_name=_("exam")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="exam_attempts",
        verbose_name=_("trainee"),
    )
    enrollment = models.ForeignKey(
        "enrollments.Enrollment",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="exam_attempts",
        verbose_name=_("enrolment"),
    )
    number = models.PositiveIntegerField(_("attempt number"))
    seed = models.BigIntegerField(_("drawing seed"))
    status = models.CharField(
        pgettext_lazy("attempt", "status"),
        max_length=20,
        choices=Status.choices,
        default=Status.IN_PROGRESS,
    )
    started_at = models.DateTimeField(_("started"))
    deadline_at = models.DateTimeField(_("deadline"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    expired = models.BooleanField(
        _("submitted at the deadline"),
        default=False,
        help_text=_("Submitted by the scheduler when its time ran out."),
    )
    marked_at = models.DateTimeField(_("marked"), null=True, blank=True)
    total_points = models.DecimalField(_("total points"), **POINTS_FIELD)
    score = models.DecimalField(_("score"), null=True, blank=True, **POINTS_FIELD)
    passed = models.BooleanField(_("passed"), null=True)
    last_position = models.PositiveIntegerField(_("last question seen"), default=0)

    class Meta:
        verbose_name = _("exam attempt")
        verbose_name_plural = _("exam attempts")
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["exam", "user"],
                condition=models.Q(status="in_progress"),
                name="enrollments_one_attempt_in_progress",
                violation_error_message=_("This exam is already in progress."),
            ),
            models.UniqueConstraint(
                fields=["exam", "user", "number"], name="enrollments_attempt_number"
            ),
        ]
        indexes = [
            models.Index(
                fields=["deadline_at"],
                condition=models.Q(status="in_progress"),
                name="enrollments_attempt_deadline",
            ),
            models.Index(fields=["exam", "status"], name="enrollments_attempt_status"),
        ]

    def __str__(self):
        return f"{self.exam} #{self.number} ({self.user})"


class AttemptQuestion(models.Model):
    """A question of an attempt's paper: its frozen version, points, the order its options
    are shown in, and the trainee's answer and mark."""

    attempt = models.ForeignKey(
        ExamAttempt, on_delete=models.CASCADE, related_name="questions", verbose_name=_("attempt")
    )
    position = models.PositiveIntegerField(_("position"))
    section_index = models.PositiveIntegerField(_("section"), default=0)
    question = models.ForeignKey(
        "courses.Question", on_delete=models.PROTECT, related_name="+", verbose_name=_("question")
    )
    version = models.ForeignKey(
        "courses.QuestionVersion",
        on_delete=models.PROTECT,
        related_name="attempt_questions",
        verbose_name=_("question version"),
    )
    points = models.DecimalField(_("points"), **POINTS_FIELD)
    option_order = models.JSONField(_("option order"), default=list, blank=True)
    # Single and multiple choice: the option keys chosen; true or false: ["T"] or ["F"];
    # case analysis: one text per sub-question.
    answer = models.JSONField(_("answer"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    flagged = models.BooleanField(_("flagged for review"), default=False)
    score = models.DecimalField(_("score"), null=True, blank=True, **POINTS_FIELD)
    # Case analysis: per sub-question, the points given for each reference point.
    marks = models.JSONField(_("marks"), null=True, blank=True)
    marker_comment = models.TextField(_("marker's comment"), blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("marked by"),
    )
    marked_at = models.DateTimeField(_("marked"), null=True, blank=True)

    class Meta:
        verbose_name = _("attempt question")
        verbose_name_plural = _("attempt questions")
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "position"], name="enrollments_attempt_position"
            ),
            models.UniqueConstraint(
                fields=["attempt", "question"], name="enrollments_attempt_question_once"
            ),
        ]
        indexes = [models.Index(fields=["question"], name="enrollments_attemptq_question")]

    def __str__(self):
        return f"{self.attempt} Q{self.position}"


class PracticeAnswer(models.Model):
    """An answer given in practice (练习), kept for the trainee's own history."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="practice_answers",
        verbose_name=_("trainee"),
    )
    question = models.ForeignKey(
        "courses.Question", on_delete=models.CASCADE, related_name="+", verbose_name=_("question")
    )
    answer = models.JSONField(_("answer"))
    is_correct = models.BooleanField(_("right"))
    answered_at = models.DateTimeField(_("answered"), auto_now_add=True)

    class Meta:
        verbose_name = _("practice answer")
        verbose_name_plural = _("practice answers")
        ordering = ["-answered_at", "-pk"]
        indexes = [models.Index(fields=["user", "question"], name="enrollments_practice_user_q")]

    def __str__(self):
        return f"{self.user} {self.question_id}"


class WrongAnswer(models.Model):
    """An entry of a trainee's wrong-answer book: a question they got wrong, kept until
    they answer it right twice in a row."""

    CLEARED_AFTER_RIGHT_IN_A_ROW = 2

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="wrong_answers",
        verbose_name=_("trainee"),
    )
    question = models.ForeignKey(
        "courses.Question", on_delete=models.CASCADE, related_name="+", verbose_name=_("question")
    )
    times_wrong = models.PositiveIntegerField(_("times wrong"), default=1)
    right_in_a_row = models.PositiveIntegerField(_("right in a row"), default=0)
    last_wrong_at = models.DateTimeField(_("last wrong"))
    cleared_at = models.DateTimeField(_("cleared"), null=True, blank=True)

    class Meta:
        verbose_name = _("wrong answer")
        verbose_name_plural = _("wrong-answer book")
        ordering = ["-last_wrong_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "question"], name="enrollments_wrong_once")
        ]
        indexes = [
            models.Index(
                fields=["user"],
                condition=models.Q(cleared_at__isnull=True),
                name="enrollments_wrong_open",
            )
        ]

    def __str__(self):
        return f"{self.user} {self.question_id}"
