"""The course tree's pages: catalogue > curriculum > course > lesson."""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from academy.models import QualificationLevel

# courses.page_context imports the models, so it is imported where it is used.

HOURS_FIELD: dict[str, Any] = {
    "max_digits": 6,
    "decimal_places": 1,
    "validators": [MinValueValidator(0)],
}


class Track(models.TextChoices):
    NEWCOMER = "newcomer", _("Newcomer (初级 / 新人培育)")
    INTERMEDIATE = "intermediate", _("Intermediate (中级)")
    EXAM_PREP = "exam_prep", _("Exam preparation (考前培训)")
    TOPIC = "topic", _("Topic course (专题)")


class ExamPaper(models.TextChoices):
    COMPREHENSIVE = "comprehensive", _("Comprehensive ability (社会工作综合能力)")
    PRACTICE = "practice", _("Practice (社会工作实务)")
    LAW_POLICY = "law_policy", _("Law and policy (社会工作法规与政策)")
    SENIOR_PRACTICE = "senior_practice", _("Senior practice (高级实务)")


class DeliveryMode(models.TextChoices):
    ONLINE = "online", _("Online")
    CLASSROOM = "classroom", _("Classroom")
    BLENDED = "blended", _("Blended")


class EnrollmentState(models.TextChoices):
    OPEN = "open", _("Open for enrolment")
    NOT_YET_OPEN = "not_yet_open", _("Enrolment not yet open")
    CLOSED = "closed", _("Enrolment closed")
    FULL = "full", _("Full")


class CourseCatalogPage(Page):
    """The public list of courses, with filters and search."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["cms_pages.HomePage"]
    subpage_types = ["courses.CurriculumPage"]
    max_count = 1

    class Meta:
        verbose_name = _("course catalogue")

    def route(self, request, path_components):
        """Find the curriculum, course or lesson below in one lookup, not one per level."""
        if path_components:
            page = (
                Page.objects.filter(
                    slug=path_components[-1],
                    depth=self.depth + len(path_components),
                    url_path=self.url_path + "/".join(path_components) + "/",
                    path__startswith=self.path,
                )
                .specific()
                .first()
            )
            if page is not None:
                return page.route(request, [])
        return super().route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        from ..page_context import catalog_page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(catalog_page_context(catalog=self, params=request.GET))
        return context


class CurriculumPage(Page):
    """A track of courses (课程体系), e.g. the newcomer track."""

    track = models.CharField(_("track"), max_length=20, choices=Track.choices)
    code = models.SlugField(
        _("code"), max_length=20, unique=True, help_text=_("Short code used in serial numbers.")
    )
    description = RichTextField(pgettext_lazy("page", "description"), blank=True)
    target_qualification_level = models.CharField(
        _("target qualification level"),
        max_length=20,
        choices=QualificationLevel.choices,
        default=QualificationLevel.NONE,
    )

    search_fields = Page.search_fields + [index.SearchField("description")]
    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("track"), FieldPanel("code")]),
        FieldPanel("target_qualification_level"),
        FieldPanel("description"),
    ]
    parent_page_types = ["courses.CourseCatalogPage"]
    subpage_types = ["courses.CoursePage"]

    class Meta:
        verbose_name = _("curriculum")
        verbose_name_plural = _("curricula")

    def get_context(self, request, *args, **kwargs):
        from ..page_context import curriculum_page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(curriculum_page_context(curriculum=self))
        return context


class CoursePage(Page):
    summary = models.TextField(_("summary"), max_length=500)
    description = RichTextField(pgettext_lazy("page", "description"), blank=True)
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cover image"),
    )
    trainers = ParentalManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="taught_courses",
        verbose_name=_("trainers"),
        limit_choices_to={"groups__name": "Trainer"},
    )
    delivery_mode = models.CharField(
        _("delivery mode"), max_length=20, choices=DeliveryMode.choices
    )
    exam_paper = models.CharField(
        _("exam paper"),
        max_length=20,
        choices=ExamPaper.choices,
        blank=True,
        help_text=_("For exam-preparation courses: the paper this course prepares for."),
    )
    class_hours = models.DecimalField(_("total class-hours"), **HOURS_FIELD)
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    enrollment_opens_at = models.DateTimeField(_("enrolment opens"), null=True, blank=True)
    enrollment_closes_at = models.DateTimeField(_("enrolment closes"), null=True, blank=True)
    requires_approval = models.BooleanField(_("enrolment needs approval"), default=False)
    min_attendance_percent = models.PositiveSmallIntegerField(
        _("minimum attendance (%)"),
        default=0,
        validators=[MaxValueValidator(100)],
        help_text=_("Share of the course's sessions a trainee must attend to complete it."),
    )
    min_hours = models.DecimalField(
        _("minimum class-hours to complete"), default=Decimal("0"), **HOURS_FIELD
    )

    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("description"),
        index.FilterField("delivery_mode"),
    ]
    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("description"),
        FieldPanel("cover_image"),
        FieldPanel("trainers"),
        FieldRowPanel([FieldPanel("delivery_mode"), FieldPanel("exam_paper")]),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("class_hours"), FieldPanel("capacity")]),
                FieldRowPanel(
                    [FieldPanel("enrollment_opens_at"), FieldPanel("enrollment_closes_at")]
                ),
                FieldPanel("requires_approval"),
            ],
            heading=_("Enrolment"),
        ),
        MultiFieldPanel(
            [FieldPanel("min_attendance_percent"), FieldPanel("min_hours")],
            heading=_("Completion rule"),
            help_text=_("Required lessons are marked on each lesson."),
        ),
        InlinePanel("sessions", label=_("Sessions")),
    ]
    parent_page_types = ["courses.CurriculumPage"]
    subpage_types = ["courses.LessonPage"]

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def clean(self):
        super().clean()
        if (
            self.enrollment_opens_at
            and self.enrollment_closes_at
            and self.enrollment_closes_at <= self.enrollment_opens_at
        ):
            raise ValidationError(
                {"enrollment_closes_at": _("Enrolment must close after it opens.")}
            )

    def enrollment_window_open(self, now=None) -> bool:
        now = now or timezone.now()
        if self.enrollment_opens_at and now < self.enrollment_opens_at:
            return False
        return not (self.enrollment_closes_at and now >= self.enrollment_closes_at)

    def enrollment_state(self, now=None) -> EnrollmentState:
        """Where the enrolment window stands; a full course is decided by enrolments."""
        now = now or timezone.now()
        if self.enrollment_opens_at and now < self.enrollment_opens_at:
            return EnrollmentState.NOT_YET_OPEN
        if self.enrollment_closes_at and now >= self.enrollment_closes_at:
            return EnrollmentState.CLOSED
        return EnrollmentState.OPEN

    @property
    def curriculum(self):
        return self.get_parent().specific

    def get_context(self, request, *args, **kwargs):
        """The course; the visitor's enrolment comes from ``{% course_enrollment %}``."""
        from ..page_context import course_page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(course_page_context(course=self))
        return context


class LessonPage(Page):
    body = models.TextField(
        _("body (Markdown)"),
        blank=True,
        help_text=_(
            "Markdown: headings, lists, tables, fenced code and footnotes. "
            "Show an image from the Images panel with ![caption](image:1), "
            "where 1 is its position in the panel."
        ),
    )
    class_hours = models.DecimalField(_("class-hours"), default=Decimal("1.0"), **HOURS_FIELD)
    estimated_minutes = models.PositiveIntegerField(_("estimated minutes"), default=45)
    min_study_minutes = models.PositiveIntegerField(
        _("minimum study minutes"),
        default=0,
        help_text=_("Time on task needed before the lesson can be marked done."),
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    is_required = models.BooleanField(_("required for completion"), default=True)
    video_url = models.URLField(
        _("video link"), blank=True, validators=[URLValidator(schemes=["http", "https"])]
    )

    search_fields = Page.search_fields + [index.SearchField("body")]
    content_panels = Page.content_panels + [
        FieldPanel("body"),
        FieldRowPanel(
            [
                FieldPanel("class_hours"),
                FieldPanel("estimated_minutes"),
                FieldPanel("min_study_minutes"),
            ]
        ),
        FieldRowPanel([FieldPanel("sort_order"), FieldPanel("is_required")]),
        FieldPanel("video_url"),
        InlinePanel("attachments", label=_("Attachments")),
        InlinePanel("images", label=_("Images")),
    ]
    parent_page_types = ["courses.CoursePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    def get_context(self, request, *args, **kwargs):
        """The lesson; the visitor's progress comes from ``{% lesson_progress %}``."""
        from ..page_context import lesson_page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(lesson_page_context(lesson=self))
        return context


class LessonAttachment(Orderable):
    lesson = ParentalKey(LessonPage, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        "wagtaildocs.Document", on_delete=models.CASCADE, related_name="+", verbose_name=_("file")
    )
    title = models.CharField(_("title"), max_length=200, blank=True)

    panels = [FieldPanel("document"), FieldPanel("title")]

    class Meta(Orderable.Meta):
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")


class LessonImage(Orderable):
    lesson = ParentalKey(LessonPage, on_delete=models.CASCADE, related_name="images")
    image = models.ForeignKey(
        "wagtailimages.Image", on_delete=models.CASCADE, related_name="+", verbose_name=_("image")
    )
    caption = models.CharField(_("caption"), max_length=200, blank=True)

    panels = [FieldPanel("image"), FieldPanel("caption")]

    class Meta(Orderable.Meta):
        verbose_name = _("image")
        verbose_name_plural = _("images")
