"""Evaluation questionnaires (administrators edit them) and the results pages."""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import DeleteView
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.viewsets.model import ModelViewSet

from academy.roles import is_administrator, is_trainer
from enrollments.admin.views import evaluations
from enrollments.models import EvaluationAnswer, EvaluationQuestionnaire


class QuestionnaireForm(WagtailAdminModelForm):
    """Refuses to delete a question that has answers: the results still read them."""

    def clean(self):
        data = super().clean()
        answered = set(
            EvaluationAnswer.objects.filter(
                question__in=[
                    form.instance.pk
                    for form in self.formsets["questions"].deleted_forms
                    if form.instance.pk
                ]
            ).values_list("question_id", flat=True)
        )
        for form in self.formsets["questions"].deleted_forms:
            if form.instance.pk in answered:
                raise ValidationError(
                    _(
                        "“%(question)s” has answers and cannot be removed; "
                        "add a new question instead."
                    )
                    % {"question": form.instance.text}
                )
        return data


class QuestionnaireDeleteView(DeleteView):
    """A questionnaire that was answered stays: its evaluations are read in the results."""

    def dispatch(self, request, *args, **kwargs):
        questionnaire = get_object_or_404(EvaluationQuestionnaire, pk=unquote(str(kwargs["pk"])))
        if questionnaire.evaluations.exists():
            messages.error(
                request,
                _("“%(name)s” has been answered and cannot be deleted.")
                % {"name": questionnaire.name},
            )
            return redirect(self.index_url_name)
        return super().dispatch(request, *args, **kwargs)


class QuestionnaireViewSet(ModelViewSet):
    model = EvaluationQuestionnaire
    icon = "form"
    menu_label = _("Evaluation questionnaires")
    list_display = [
        "name",
        "course",
        Column(
            "is_default",
            label=_("default questionnaire"),
            accessor=lambda questionnaire: _("Yes") if questionnaire.is_default else _("No"),
        ),
        "created_at",
    ]
    copy_view_enabled = False
    delete_view_class = QuestionnaireDeleteView
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldRowPanel([FieldPanel("course"), FieldPanel("is_default")]),
            InlinePanel(
                "questions",
                label=_("Questions"),
                panels=[
                    FieldRowPanel([FieldPanel("kind"), FieldPanel("aspect")]),
                    FieldPanel("text"),
                    FieldPanel("required"),
                ],
            ),
        ],
        base_form_class=QuestionnaireForm,
    )


class StaffMenuItem(MenuItem):
    def is_shown(self, request):
        return is_administrator(request.user) or is_trainer(request.user)


class EvaluationResultsViewSet(ViewSet):
    """Results per course, session and trainer, and the export of the answers."""

    icon = "pick"
    menu_label = _("Evaluation results")
    url_prefix = "evaluations"
    menu_item_class = StaffMenuItem

    def get_urlpatterns(self):
        return [
            path("", evaluations.results, name="results"),
            path("courses/<int:course_id>/", evaluations.course_results, name="course"),
            path("export/", evaluations.export, name="export"),
        ]


evaluation_results_viewset = EvaluationResultsViewSet("evaluations_admin")
