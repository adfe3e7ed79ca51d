"""Question banks (题库): the national exam's papers, banks of questions per paper, a
topic tree per bank, and frozen versions of questions for the attempts that use them."""

import hashlib
import json
from decimal import Decimal
from typing import Any

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable, RevisionMixin
from wagtail.search import index

from academy.models import QualificationLevel

from .pages import ExamPaper

POINTS_FIELD: dict[str, Any] = {
    "max_digits": 6,
    "decimal_places": 1,
    "validators": [MinValueValidator(0)],
}


class QuestionType(models.TextChoices):
    SINGLE = "single", _("Single choice (单选)")
    MULTIPLE = "multiple", _("Multiple choice (多选)")
    TRUE_FALSE = "true_false", _("True or false (判断)")
    CASE = "case", _("Case analysis (案例分析)")


class MultipleChoiceScoring(models.TextChoices):
    # Any wrong option chosen scores 0; otherwise each right option chosen scores 0.5.
    NATIONAL = "national", _("National exam rule (0.5 per right option, 0 for any wrong one)")
    ALL_OR_NOTHING = "all_or_nothing", _("All or nothing")


class Difficulty(models.IntegerChoices):
    EASY = 1, pgettext_lazy("difficulty", "Easy")
    MEDIUM = 2, pgettext_lazy("difficulty", "Medium")
    HARD = 3, pgettext_lazy("difficulty", "Hard")


class NationalPaper(models.Model):  # type: ignore[django-manager-missing]
    """One paper of the national social-work exam at one level, with the structure of
    its paper as editable defaults (the one-click mock exam is built from them)."""

    subject = models.CharField(_("subject"), max_length=20, choices=ExamPaper.choices)
    level = models.CharField(
        _("qualification level"), max_length=20, choices=QualificationLevel.choices
    )
    name = models.CharField(pgettext_lazy("paper", "name"), max_length=100)
    is_objective = models.BooleanField(
        _("objective paper"),
        default=True,
        help_text=_("Objective papers are marked automatically; subjective ones by trainers."),
    )
    structure = models.JSONField(
        _("paper structure"),
        default=list,
        blank=True,
        help_text=_(
            "The sections of the national paper: question type, count and points per "
            "question, for example "
            '[{"question_type": "single", "count": 60, "points": "1"}].'
        ),
    )
    total_points = models.DecimalField(_("total points"), default=Decimal(100), **POINTS_FIELD)
    pass_mark = models.DecimalField(_("pass mark"), default=Decimal(60), **POINTS_FIELD)
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), default=150)

    class Meta:
        verbose_name = _("national exam paper")
        verbose_name_plural = _("national exam papers")
        ordering = ["level", "subject"]
        constraints = [
            models.UniqueConstraint(fields=["subject", "level"], name="courses_paper_per_level")
        ]

    def __str__(self):
        return self.name


class QuestionBank(models.Model):  # type: ignore[django-manager-missing]
    """The questions of one paper (or of a course's own quizzes when it has no paper)."""

    name = models.CharField(pgettext_lazy("question bank", "name"), max_length=200)
    paper = models.ForeignKey(
        NationalPaper,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="banks",
        verbose_name=_("national exam paper"),
    )
    description = models.TextField(pgettext_lazy("question bank", "description"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("question bank")
        verbose_name_plural = _("question banks")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name


class QuestionTopic(models.Model):  # type: ignore[django-manager-missing]
    """A chapter or knowledge point of a bank; topics form a tree through `parent`."""

    bank = models.ForeignKey(
        QuestionBank, on_delete=models.CASCADE, related_name="topics", verbose_name=_("bank")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent topic"),
    )
    name = models.CharField(pgettext_lazy("topic", "name"), max_length=200)
    path = models.CharField(
        _("topic path"),
        max_length=1000,
        editable=False,
        help_text=_('The names from the top of the tree, joined by " / ".'),
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    PATH_SEPARATOR = " / "

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["bank", "path"]
        constraints = [
            models.UniqueConstraint(fields=["bank", "path"], name="courses_topic_path_per_bank")
        ]

    def __str__(self):
        return self.path or self.name


class Question(RevisionMixin, index.Indexed, ClusterableModel):
    """A question as its editors see it. Attempts never read it directly: they hold a
    `QuestionVersion`, a frozen copy, so editing a question never changes an answered one."""

    bank = models.ForeignKey(
        QuestionBank, on_delete=models.PROTECT, related_name="questions", verbose_name=_("bank")
    )
    topic = models.ForeignKey(
        QuestionTopic,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questions",
        verbose_name=_("topic"),
    )
    question_type = models.CharField(
        _("question type"), max_length=20, choices=QuestionType.choices
    )
    scoring = models.CharField(
        _("multiple-choice scoring"),
        max_length=20,
        choices=MultipleChoiceScoring.choices,
        default=MultipleChoiceScoring.NATIONAL,
    )
    difficulty = models.PositiveSmallIntegerField(
        _("difficulty"), choices=Difficulty.choices, default=Difficulty.MEDIUM
    )
    stem = models.TextField(
        _("question text"), help_text=_("For case analysis: the case the sub-questions ask about.")
    )
    true_false_answer = models.BooleanField(
        _("statement is true"),
        null=True,
        blank=True,
        help_text=_("For true-or-false questions only."),
    )
    explanation = models.TextField(_("explanation (解析)"), blank=True)
    is_active = models.BooleanField(
        _("in use"), default=True, help_text=_("Retired questions are never drawn again.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    search_fields = [
        index.SearchField("stem"),
        index.SearchField("explanation"),
        index.FilterField("bank"),
        index.FilterField("topic"),
        index.FilterField("question_type"),
        index.FilterField("difficulty"),
    ]

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["bank", "topic", "pk"]
        indexes = [models.Index(fields=["bank", "question_type", "is_active"])]

    def __str__(self):
        return self.stem[:60]

    def content(self) -> dict[str, Any]:
        """What an attempt freezes: the text, options, answer and explanation as now saved.

        Options and sub-questions are read from the cluster, so an unsaved edit in the
        admin gives the content it would save."""
        options = [
            {"key": option.key, "text": option.text}
            for option in sorted(self.options.all(), key=lambda option: option.sort_order or 0)
        ]
        answer: list[str]
        if self.question_type == QuestionType.TRUE_FALSE:
            answer = ["T" if self.true_false_answer else "F"]
        else:
            answer = sorted(option.key for option in self.options.all() if option.is_correct)
        sub_questions = [
            {
                "prompt": part.prompt,
                "points": str(part.points),
                "reference_points": part.reference_point_list(),
            }
            for part in sorted(self.sub_questions.all(), key=lambda part: part.sort_order or 0)
        ]
        return {
            "type": str(self.question_type),
            "scoring": str(self.scoring),
            "stem": self.stem,
            "options": options if self.question_type in CHOICE_TYPES else [],
            "answer": answer if self.question_type != QuestionType.CASE else [],
            "explanation": self.explanation,
            "sub_questions": sub_questions if self.question_type == QuestionType.CASE else [],
        }


CHOICE_TYPES = (QuestionType.SINGLE, QuestionType.MULTIPLE)
OPTION_KEYS = "ABCDEFGH"


class QuestionOption(Orderable):
    """One option of a single- or multiple-choice question, lettered in order (A, B, ...)."""

    question = ParentalKey(
        Question, on_delete=models.CASCADE, related_name="options", verbose_name=_("question")
    )
    key = models.CharField(_("letter"), max_length=1)
    text = models.TextField(_("option text"))
    is_correct = models.BooleanField(_("right answer"), default=False)

    class Meta(Orderable.Meta):
        verbose_name = _("option")
        verbose_name_plural = _("options")

    def __str__(self):
        return f"{self.key}. {self.text}"


class CaseSubQuestion(Orderable):
    """An open sub-question of a case, marked by trainers against its reference points."""

    question = ParentalKey(
        Question,
        on_delete=models.CASCADE,
        related_name="sub_questions",
        verbose_name=_("question"),
    )
    prompt = models.TextField(_("sub-question"))
    points = models.DecimalField(_("points"), **POINTS_FIELD)
    reference_points = models.TextField(
        _("reference points (答题要点)"),
        help_text=_('One point per line, as "point|points", for example "建立专业关系|2".'),
    )

    class Meta(Orderable.Meta):
        verbose_name = _("case sub-question")
        verbose_name_plural = _("case sub-questions")

    def __str__(self):
        return self.prompt[:60]

    def reference_point_list(self) -> list[dict[str, str]]:
        points = []
        for line in self.reference_points.splitlines():
            if not line.strip():
                continue
            text, _separator, value = line.rpartition("|")
            if not _separator:
                text, value = line, "0"
            points.append({"text": text.strip(), "points": value.strip() or "0"})
        return points


class QuestionVersion(models.Model):
    """A frozen copy of a question's content, made when an attempt first draws it.

    Versions are numbered per question and never change; a question edited after it was
    drawn gets a new version the next time it is drawn."""

    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="versions", verbose_name=_("question")
    )
    number = models.PositiveIntegerField(_("version"))
    content = models.JSONField(_("content"))
    content_hash = models.CharField(_("content hash"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("question version")
        verbose_name_plural = _("question versions")
        ordering = ["question", "number"]
        constraints = [
            models.UniqueConstraint(fields=["question", "number"], name="courses_version_number"),
            models.UniqueConstraint(
                fields=["question", "content_hash"], name="courses_version_content"
            ),
        ]

    def __str__(self):
        return f"{self.question} v{self.number}"

    @staticmethod
    def hash_content(content: dict[str, Any]) -> str:
        encoded = json.dumps(content, sort_keys=True, ensure_ascii=False).encode()
        return hashlib.sha256(encoded).hexdigest()
