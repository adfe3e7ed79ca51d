"""Exam definitions: mock exams and course exams, drawn per attempt from a blueprint of
sections or set as a fixed paper."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable

from .questions import (
    POINTS_FIELD,
    Difficulty,
    NationalPaper,
    Question,
    QuestionBank,
    QuestionTopic,
    QuestionType,
)


class Exam(ClusterableModel):
    """An exam of a course: a mock exam to the national structure or a course exam."""

    class Kind(models.TextChoices):
        MOCK = "mock", _("Mock exam (模拟考试)")
        COURSE = "course", _("Course exam")

    class Drawing(models.TextChoices):
        BLUEPRINT = "blueprint", _("Drawn per attempt from the sections")
        FIXED = "fixed", _("A fixed paper chosen by hand")

    class ShowAnswers(models.TextChoices):
        AFTER_SUBMISSION = "after_submission", _("After the attempt is submitted")
        AFTER_CLOSE = "after_close", _("After the exam closes")
        NEVER = "never", _("Never")

    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.CASCADE,
        related_name="exams",
        verbose_name=_("course"),
    )
    title = models.CharField(pgettext_lazy("exam", "title"), max_length=200)
    kind = models.CharField(
        pgettext_lazy("exam", "kind"), max_length=10, choices=Kind.choices, default=Kind.MOCK
    )
    bank = models.ForeignKey(
        QuestionBank,
        on_delete=models.PROTECT,
        related_name="exams",
        verbose_name=_("question bank"),
    )
    paper = models.ForeignKey(
        NationalPaper,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="exams",
        verbose_name=_("national exam paper"),
    )
    drawing = models.CharField(
        _("questions"), max_length=10, choices=Drawing.choices, default=Drawing.BLUEPRINT
    )
    instructions = models.TextField(_("instructions"), blank=True)
    time_limit_minutes = models.PositiveIntegerField(
        _("time limit (minutes)"), null=True, blank=True, help_text=_("Empty: no time limit.")
    )
    pass_mark = models.DecimalField(_("pass mark"), default=Decimal(60), **POINTS_FIELD)
    attempts_allowed = models.PositiveIntegerField(
        _("attempts allowed"), default=0, help_text=_("0 means no limit.")
    )
    show_answers = models.CharField(
        _("answers and explanations shown"),
        max_length=20,
        choices=ShowAnswers.choices,
        default=ShowAnswers.AFTER_SUBMISSION,
    )
    shuffle_questions = models.BooleanField(_("shuffle questions per attempt"), default=True)
    shuffle_options = models.BooleanField(_("shuffle options per attempt"), default=True)
    required_for_completion = models.BooleanField(
        _("passing is required to complete the course"), default=False
    )
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True)
    is_published = models.BooleanField(_("open to trainees"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("exam")
        verbose_name_plural = _("exams")
        ordering = ["course", "title", "pk"]

    def __str__(self):
        return self.title


class ExamSection(Orderable):
    """A part of a blueprint: so many questions of one type, at so many points each,
    optionally from one topic (and its sub-topics) or of one difficulty."""

    exam = ParentalKey(
        Exam, on_delete=models.CASCADE, related_name="sections", verbose_name=_("exam")
    )
    title = models.CharField(pgettext_lazy("section", "title"), max_length=200, blank=True)
    question_type = models.CharField(
        _("question type"), max_length=20, choices=QuestionType.choices
    )
    count = models.PositiveIntegerField(_("number of questions"), validators=[MinValueValidator(1)])
    points = models.DecimalField(_("points per question"), **POINTS_FIELD)
    topic = models.ForeignKey(
        QuestionTopic,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("topic"),
    )
    difficulty = models.PositiveSmallIntegerField(
        _("difficulty"), choices=Difficulty.choices, null=True, blank=True
    )

    class Meta(Orderable.Meta):
        verbose_name = _("exam section")
        verbose_name_plural = _("exam sections")

    def __str__(self):
        return self.title or self.get_question_type_display()


class ExamFixedQuestion(Orderable):
    """A question of a fixed paper, with its points."""

    exam = ParentalKey(
        Exam, on_delete=models.CASCADE, related_name="fixed_questions", verbose_name=_("exam")
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="+", verbose_name=_("question")
    )
    points = models.DecimalField(_("points"), **POINTS_FIELD)

    class Meta(Orderable.Meta):
        verbose_name = _("fixed question")
        verbose_name_plural = _("fixed questions")
        constraints = [
            models.UniqueConstraint(fields=["exam", "question"], name="courses_fixed_question_once")
        ]

    def __str__(self):
        return str(self.question)
