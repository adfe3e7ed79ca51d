"""Exams in the admin: blueprints with their sections, or fixed papers, and the one-click
national mock exam. Trainers see and edit the exams of the courses they teach;
administrators every exam."""

import django_filters
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.admin.views.generic import CreateView, DeleteView, EditView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permission_policies.base import BasePermissionPolicy

from academy.roles import ADMINISTRATOR, TRAINER, is_trainer

from .exam_blueprints import PaperStructureError, exam_sections_from_paper
from .models import CoursePage, Exam, NationalPaper, Question, QuestionBank, QuestionTopic
from .permissions import user_manages_courses

ACTIONS = ("add", "change", "delete", "view")


def exams_for_staff(user):
    if not user.is_active or user.is_anonymous:
        return Exam.objects.none()
    if user_manages_courses(user):
        return Exam.objects.all()
    return Exam.objects.filter(course__trainers=user)


class ExamPermissionPolicy(BasePermissionPolicy):
    """Administrators manage every exam; a trainer those of the courses they teach."""

    def user_has_permission(self, user, action):
        if action not in ACTIONS or not user.is_active:
            return False
        return user_manages_courses(user) or is_trainer(user)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        if not self.user_has_permission(user, action):
            return False
        return user_manages_courses(user) or instance.course.trainers.filter(pk=user.pk).exists()

    def instances_user_has_permission_for(self, user, action):
        if not self.user_has_permission(user, action):
            return Exam.objects.none()
        return exams_for_staff(user)

    def instances_user_has_any_permission_for(self, user, actions):
        return (
            exams_for_staff(user)
            if self.user_has_any_permission(user, actions)
            else Exam.objects.none()
        )

    def users_with_any_permission(self, actions):
        return (
            get_user_model()
            .objects.filter(is_active=True, groups__name__in=[ADMINISTRATOR, TRAINER])
            .distinct()
        )

    def users_with_permission(self, action):
        return self.users_with_any_permission([action])


def _live_forms(formset):
    return [
        form
        for form in formset.forms
        if form.is_valid() and form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


def _topic_q(topic: QuestionTopic | None) -> Q:
    if topic is None:
        return Q()
    return Q(topic__path=topic.path) | Q(
        topic__path__startswith=topic.path + QuestionTopic.PATH_SEPARATOR, topic__bank=topic.bank
    )


class ExamForm(WagtailAdminModelForm):
    """An exam is saved only if its bank can fill it: every section finds enough questions
    in use (the sections of one type together too), topics and fixed questions come from
    the exam's bank, and it closes after it opens."""

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("The exam must close after it opens."))
        bank = data.get("bank")
        if bank is None:
            return data
        if data.get("drawing") == Exam.Drawing.FIXED:
            self._clean_fixed(bank)
        else:
            self._clean_sections(bank)
        return data

    def _clean_sections(self, bank):
        sections = _live_forms(self.formsets["sections"])
        if not sections:
            raise ValidationError(_("Add at least one section, or choose a fixed paper."))
        in_use = Question.objects.filter(bank=bank, is_active=True)
        asked_by_type: dict[str, int] = {}
        for form in sections:
            section = dict(form.cleaned_data)
            topic = section.get("topic")
            if topic is not None and topic.bank_id != bank.pk:
                form.add_error("topic", _("Choose a topic of the exam's question bank."))
                continue
            matching = in_use.filter(_topic_q(topic), question_type=section["question_type"])
            if section.get("difficulty"):
                matching = matching.filter(difficulty=section["difficulty"])
            available = matching.count()
            if section["count"] > available:
                form.add_error(
                    "count",
                    _("The bank has only %(available)s questions in use that fit this section.")
                    % {"available": available},
                )
            asked_by_type[section["question_type"]] = (
                asked_by_type.get(section["question_type"], 0) + section["count"]
            )
        for question_type, asked in asked_by_type.items():
            available = in_use.filter(question_type=question_type).count()
            if asked > available:
                raise ValidationError(
                    _(
                        "The sections ask for %(asked)s questions of one type but the bank "
                        "has %(available)s in use."
                    )
                    % {"asked": asked, "available": available}
                )

    def _clean_fixed(self, bank):
        fixed = _live_forms(self.formsets["fixed_questions"])
        if not fixed:
            raise ValidationError(_("Choose the questions of the fixed paper."))
        seen: set[int] = set()
        for form in fixed:
            question = form.cleaned_data["question"]
            if question.bank_id != bank.pk:
                form.add_error("question", _("Choose a question of the exam's question bank."))
            elif question.pk in seen:
                form.add_error("question", _("This question is already on the paper."))
            seen.add(question.pk)


class ExamFilterSet(WagtailFilterSet):
    course = django_filters.ModelChoiceFilter(queryset=CoursePage.objects.all(), label=_("Course"))
    bank = django_filters.ModelChoiceFilter(
        queryset=QuestionBank.objects.all(), label=_("Question bank")
    )
    paper = django_filters.ModelChoiceFilter(
        queryset=NationalPaper.objects.all(), label=_("National exam paper")
    )

    class Meta:
        model = Exam
        fields = ["course", "bank", "paper", "kind", "drawing", "is_published"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.request is not None and not user_manages_courses(self.request.user):
            self.filters["course"].queryset = CoursePage.objects.filter(trainers=self.request.user)


class ExamScopeMixin:
    """An exam of a course the user does not teach is not found; a trainer chooses among
    the courses they teach."""

    def get_object(self, queryset=None):
        exam = super().get_object(queryset)
        if not exams_for_staff(self.request.user).filter(pk=exam.pk).exists():
            raise Http404
        return exam

    def get_form(self, *args, **kwargs):
        form = super().get_form(*args, **kwargs)
        if "course" in form.fields and not user_manages_courses(self.request.user):
            form.fields["course"].queryset = CoursePage.objects.filter(trainers=self.request.user)
        return form


class ExamIndexView(IndexView):
    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .filter(pk__in=exams_for_staff(self.request.user).values("pk"))
            .select_related("course", "bank", "paper")
        )


class ExamCreateView(ExamScopeMixin, CreateView):
    pass


class ExamEditView(ExamScopeMixin, EditView):
    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        buttons.append(
            HeaderButton(
                _("Build from the paper's defaults"),
                url=reverse("courses_exams:build_from_paper", args=[self.object.pk]),
                icon_name="list-ul",
            )
        )
        return buttons


class ExamDeleteView(ExamScopeMixin, DeleteView):
    def dispatch(self, request, *args, **kwargs):
        exam = get_object_or_404(exams_for_staff(request.user), pk=kwargs["pk"])
        if exam.attempts.exists():
            messages.error(
                request,
                _("“%(exam)s” has attempts and cannot be deleted; close it instead.")
                % {"exam": exam.title},
            )
            return redirect("courses_exams:edit", exam.pk)
        return super().dispatch(request, *args, **kwargs)


@require_POST
def build_from_paper_view(request, pk):
    """Replace the exam's sections with its national paper's structure."""
    exam = get_object_or_404(exams_for_staff(request.user), pk=pk)
    if not ExamPermissionPolicy(Exam).user_has_permission_for_instance(
        request.user, "change", exam
    ):
        raise PermissionDenied
    try:
        sections = exam_sections_from_paper(exam=exam)
    except PaperStructureError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The exam now has the %(count)s sections of %(paper)s.")
            % {"count": len(sections), "paper": exam.paper},
        )
    return redirect("courses_exams:edit", exam.pk)


class ExamViewSet(ModelViewSet):
    model = Exam
    icon = "tasks"
    menu_label = _("Exams")
    url_prefix = "exams"
    url_namespace = "courses_exams"
    add_to_admin_menu = True
    menu_order = 260
    index_view_class = ExamIndexView
    add_view_class = ExamCreateView
    edit_view_class = ExamEditView
    delete_view_class = ExamDeleteView
    filterset_class = ExamFilterSet
    search_fields = ["title"]
    search_backend_name = None
    copy_view_enabled = False
    inspect_view_enabled = False
    list_display = ["title", "course", "bank", "kind", "drawing", "is_published", "updated_at"]
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldPanel("title"),
                    FieldRowPanel([FieldPanel("course"), FieldPanel("kind")]),
                    FieldRowPanel([FieldPanel("bank"), FieldPanel("paper")]),
                    FieldPanel("instructions"),
                ],
                heading=_("Exam"),
            ),
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("time_limit_minutes"), FieldPanel("pass_mark")]),
                    FieldRowPanel([FieldPanel("attempts_allowed"), FieldPanel("show_answers")]),
                    FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
                    FieldRowPanel([FieldPanel("shuffle_questions"), FieldPanel("shuffle_options")]),
                    FieldRowPanel(
                        [FieldPanel("required_for_completion"), FieldPanel("is_published")]
                    ),
                ],
                heading=_("Rules"),
            ),
            FieldPanel("drawing"),
            InlinePanel(
                "sections",
                label=_("Sections"),
                panels=[
                    FieldPanel("title"),
                    FieldRowPanel(
                        [FieldPanel("question_type"), FieldPanel("count"), FieldPanel("points")]
                    ),
                    FieldRowPanel([FieldPanel("topic"), FieldPanel("difficulty")]),
                ],
            ),
            InlinePanel(
                "fixed_questions",
                label=_("Fixed paper"),
                panels=[FieldPanel("question"), FieldPanel("points")],
            ),
        ],
        base_form_class=ExamForm,
    )

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("<int:pk>/build-from-paper/", build_from_paper_view, name="build_from_paper"),
        ]
