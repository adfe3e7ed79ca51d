"""The question bank in the admin (题库): questions with their revisions, for
administrators and for trainers of exam-preparation courses (narrowed to their banks);
banks, topics and the national papers for administrators."""

import django_filters
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets.button import HeaderButton
from wagtail.snippets.views.chooser import ChooseResultsView, ChooseView, SnippetChooserViewSet
from wagtail.snippets.views.snippets import (
    EditView,
    HistoryView,
    IndexView,
    PreviewRevisionView,
    RevisionsCompareView,
    SnippetViewSet,
    SnippetViewSetGroup,
    UsageView,
)

from .forms import QuestionForm
from .models import Difficulty, NationalPaper, Question, QuestionBank, QuestionTopic, QuestionType
from .permissions import question_banks_for_user


class QuestionFilterSet(WagtailFilterSet):
    paper = django_filters.ModelChoiceFilter(
        field_name="bank__paper",
        queryset=NationalPaper.objects.all(),
        label=_("National exam paper"),
    )
    bank = django_filters.ModelChoiceFilter(queryset=QuestionBank.objects.all(), label=_("Bank"))
    topic = django_filters.ModelChoiceFilter(queryset=QuestionTopic.objects.all(), label=_("Topic"))
    question_type = django_filters.ChoiceFilter(
        choices=QuestionType.choices, label=_("Question type")
    )
    difficulty = django_filters.ChoiceFilter(choices=Difficulty.choices, label=_("Difficulty"))

    class Meta:
        model = Question
        fields = ["paper", "bank", "topic", "question_type", "difficulty", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.request is not None:
            banks = question_banks_for_user(self.request.user)
            self.filters["bank"].queryset = banks
            self.filters["topic"].queryset = QuestionTopic.objects.filter(bank__in=banks)
            self.filters["paper"].queryset = NationalPaper.objects.filter(
                banks__in=banks
            ).distinct()


class QuestionScopeMixin:
    """A question outside the user's banks is not found, whatever the view."""

    def get_object(self, *args, **kwargs):
        question = super().get_object(*args, **kwargs)
        if not question_banks_for_user(self.request.user).filter(pk=question.bank_id).exists():
            raise Http404
        return question


class QuestionIndexView(IndexView):
    def get_base_queryset(self):
        banks = question_banks_for_user(self.request.user)
        return super().get_base_queryset().filter(bank__in=banks).select_related("bank", "topic")

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        try:
            url = reverse("questions_admin:banks")
        except NoReverseMatch:
            return buttons
        buttons.append(HeaderButton(_("Import or export questions"), url=url, icon_name="upload"))
        return buttons


class QuestionEditView(QuestionScopeMixin, EditView):
    pass


class QuestionHistoryView(QuestionScopeMixin, HistoryView):
    pass


class QuestionUsageView(QuestionScopeMixin, UsageView):
    pass


class QuestionRevisionView(QuestionScopeMixin, PreviewRevisionView):
    pass


class QuestionRevisionsCompareView(QuestionScopeMixin, RevisionsCompareView):
    pass


class QuestionChooserScopeMixin:
    """The chooser offers only the questions of the user's banks."""

    def get_object_list(self):
        banks = question_banks_for_user(self.request.user)
        return super().get_object_list().filter(bank__in=banks).select_related("bank")


class QuestionChooseView(QuestionChooserScopeMixin, ChooseView):
    pass


class QuestionChooseResultsView(QuestionChooserScopeMixin, ChooseResultsView):
    pass


class QuestionChooserViewSet(SnippetChooserViewSet):
    choose_view_class = QuestionChooseView
    choose_results_view_class = QuestionChooseResultsView


class QuestionViewSet(SnippetViewSet):
    model = Question
    icon = "help"
    menu_label = _("Questions")
    url_namespace = "courses_questions"
    url_prefix = "question-bank/questions"
    index_view_class = QuestionIndexView
    edit_view_class = QuestionEditView
    history_view_class = QuestionHistoryView
    usage_view_class = QuestionUsageView
    revisions_view_class = QuestionRevisionView
    revisions_compare_view_class = QuestionRevisionsCompareView
    chooser_viewset_class = QuestionChooserViewSet
    filterset_class = QuestionFilterSet
    search_fields = ["stem", "explanation"]
    search_backend_name = None
    list_display = [
        "__str__",
        Column("question_type", label=_("Question type"), accessor="get_question_type_display"),
        Column("topic", label=_("Topic")),
        Column("difficulty", label=_("Difficulty"), accessor="get_difficulty_display"),
        "bank",
        "updated_at",
    ]
    list_per_page = 50
    ordering = ["bank", "topic__path", "pk"]
    panels = [
        FieldRowPanel([FieldPanel("bank"), FieldPanel("topic")]),
        FieldRowPanel(
            [FieldPanel("question_type"), FieldPanel("scoring"), FieldPanel("difficulty")]
        ),
        FieldPanel("stem"),
        InlinePanel(
            "options",
            panels=[FieldPanel("text"), FieldPanel("is_correct")],
            heading=_("Options (lettered A, B, C ... in this order)"),
            label=_("Option"),
            max_num=5,
        ),
        FieldPanel("true_false_answer"),
        InlinePanel(
            "sub_questions",
            panels=[FieldPanel("prompt"), FieldPanel("points"), FieldPanel("reference_points")],
            heading=_("Case sub-questions"),
            label=_("Sub-question"),
        ),
        FieldPanel("explanation"),
        FieldPanel("is_active"),
    ]

    def get_edit_handler(self):
        handler = super().get_edit_handler()
        handler.base_form_class = QuestionForm
        return handler


class TopicForm(WagtailAdminModelForm):
    def clean(self):
        cleaned_data = super().clean()
        bank, parent = cleaned_data.get("bank"), cleaned_data.get("parent")
        if parent is not None and bank is not None:
            if parent.bank_id != bank.pk:
                self.add_error("parent", _("Choose a topic of the same bank."))
            elif self.instance.pk and (
                parent.pk == self.instance.pk
                or parent.path.startswith(self.instance.path + QuestionTopic.PATH_SEPARATOR)
            ):
                self.add_error("parent", _("A topic cannot sit below itself."))
        return cleaned_data

    def save(self, commit=True):
        topic = super().save(commit=False)
        old_path = topic.path
        parent = topic.parent
        topic.path = (
            parent.path + QuestionTopic.PATH_SEPARATOR + topic.name if parent else topic.name
        )
        if commit:
            topic.save()
            if old_path and old_path != topic.path:
                prefix = old_path + QuestionTopic.PATH_SEPARATOR
                for child in QuestionTopic.objects.filter(bank=topic.bank, path__startswith=prefix):
                    child.path = topic.path + child.path[len(old_path) :]
                    child.save(update_fields=["path"])
        return topic


class QuestionTopicViewSet(SnippetViewSet):
    model = QuestionTopic
    icon = "list-ul"
    menu_label = _("Topics")
    url_namespace = "courses_topics"
    url_prefix = "question-bank/topics"
    list_display = ["path", "bank"]
    list_filter = ["bank"]
    search_fields = ["path"]
    search_backend_name = None
    ordering = ["bank", "path"]
    panels = [FieldPanel("bank"), FieldPanel("parent"), FieldPanel("name"), FieldPanel("position")]

    def get_edit_handler(self):
        handler = super().get_edit_handler()
        handler.base_form_class = TopicForm
        return handler


class QuestionBankViewSet(SnippetViewSet):
    model = QuestionBank
    icon = "folder-open-inverse"
    menu_label = _("Banks")
    url_namespace = "courses_banks"
    url_prefix = "question-bank/banks"
    list_display = ["name", "paper", "created_at"]
    list_filter = ["paper"]
    search_fields = ["name"]
    search_backend_name = None
    panels = [FieldPanel("name"), FieldPanel("paper"), FieldPanel("description")]


class NationalPaperViewSet(SnippetViewSet):
    model = NationalPaper
    icon = "doc-full"
    menu_label = _("National exam papers")
    url_namespace = "courses_papers"
    url_prefix = "question-bank/papers"
    list_display = ["name", "level", "subject", "total_points", "pass_mark"]
    list_filter = ["level", "subject"]
    panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("subject"), FieldPanel("level"), FieldPanel("is_objective")]),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [
                        FieldPanel("total_points"),
                        FieldPanel("pass_mark"),
                        FieldPanel("duration_minutes"),
                    ]
                ),
                FieldPanel("structure"),
            ],
            heading=_("The national paper"),
        ),
    ]


class QuestionBankViewSetGroup(SnippetViewSetGroup):
    menu_label = _("Question bank (题库)")
    menu_icon = "help"
    menu_order = 230
    items = (QuestionViewSet, QuestionBankViewSet, QuestionTopicViewSet, NationalPaperViewSet)
