"""The trainee's evaluation form: one field per question of the questionnaire.

Ratings are five big radio buttons, free text a text area. The form checks the shape
of the input; ``services.evaluations.evaluation_submit`` checks the answers and the rules.
"""

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from courses.models import CoursePage
from enrollments.forms.attendance import _period_check as period_check
from enrollments.models import EvaluationQuestion, EvaluationQuestionnaire
from enrollments.models.evaluations import RATING_MAX, RATING_MIN
from enrollments.services.evaluations import TEXT_MAX_LENGTH, evaluation_answer_field


class RatingSelect(forms.RadioSelect):
    template_name = "enrollments/evaluations/rating_widget.html"


class EvaluationForm(forms.Form):
    def __init__(self, *args, questionnaire: EvaluationQuestionnaire, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questionnaire.questions.all())
        for question in self.questions:
            label = _(question.text)
            if question.kind == EvaluationQuestion.Kind.RATING:
                field: forms.Field = forms.TypedChoiceField(
                    label=label,
                    choices=[(value, str(value)) for value in range(RATING_MIN, RATING_MAX + 1)],
                    coerce=int,
                    widget=RatingSelect,
                    required=question.required,
                    help_text=_("1 = very poor, 5 = excellent"),
                )
            else:
                field = forms.CharField(
                    label=label,
                    max_length=TEXT_MAX_LENGTH,
                    required=question.required,
                    widget=forms.Textarea(attrs={"rows": 4}),
                )
            self.fields[evaluation_answer_field(question)] = field

    def answers(self) -> dict[int, object]:
        return {
            question.pk: self.cleaned_data.get(evaluation_answer_field(question))
            for question in self.questions
        }


class EvaluationResultsForm(forms.Form):
    """The period (both days included) and course of the results pages and the export."""

    date_from = forms.DateField(
        label=pgettext_lazy("date range", "From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        label=pgettext_lazy("date range", "To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    course = forms.ModelChoiceField(
        label=gettext_lazy("Course"), queryset=CoursePage.objects.none(), required=False
    )

    def __init__(self, *args, courses: QuerySet[CoursePage], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = courses  # type: ignore[attr-defined]

    def clean(self):
        data = super().clean()
        period_check(data)
        return data

    def scope_filters(self) -> dict:
        data = self.cleaned_data
        return {
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
            "course_id": data["course"].pk if data.get("course") else None,
        }
