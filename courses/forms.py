"""The question editor's form: the question with its options and sub-questions, checked
as a whole by ``question_checks``."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from .models.questions import CHOICE_TYPES, OPTION_KEYS, QuestionType
from .permissions import question_banks_for_user
from .question_checks import OptionDraft, SubQuestionDraft, question_problems


def _live_forms(formset) -> list:
    """The formset's forms that stay, in the order the editor put them."""
    kept = [
        form
        for form in formset.forms
        if form.is_valid()
        and (form.has_changed() or form.instance.pk is not None)
        and not form.cleaned_data.get("DELETE")
    ]
    return sorted(kept, key=lambda form: form.cleaned_data.get("ORDER") or 0)


class QuestionForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.for_user is not None and "bank" in self.fields:
            self.fields["bank"].queryset = question_banks_for_user(self.for_user)
        if "topic" in self.fields:
            self.fields["topic"].queryset = self.fields["topic"].queryset.select_related("bank")

    def clean(self):
        cleaned_data = super().clean()
        question_type = cleaned_data.get("question_type")
        if not question_type:
            return cleaned_data
        topic, bank = cleaned_data.get("topic"), cleaned_data.get("bank")
        if topic is not None and bank is not None and topic.bank_id != bank.pk:
            self.add_error("topic", _("Choose a topic of the question's bank."))
        option_forms = _live_forms(self.formsets["options"])
        part_forms = _live_forms(self.formsets["sub_questions"])
        if question_type in CHOICE_TYPES:
            # Letters follow the order the options are shown in the editor.
            for key, form in zip(OPTION_KEYS, option_forms, strict=False):
                form.instance.key = key
        options = [
            OptionDraft(
                text=form.cleaned_data.get("text") or "",
                is_correct=bool(form.cleaned_data.get("is_correct")),
            )
            for form in option_forms
        ]
        parts = [
            SubQuestionDraft(
                prompt=form.cleaned_data.get("prompt") or "",
                points=form.cleaned_data.get("points"),
                reference_points=form.cleaned_data.get("reference_points") or "",
            )
            for form in part_forms
        ]
        if question_type != QuestionType.CASE and parts:
            self.add_error(None, _("Only a case-analysis question has sub-questions."))
        problems = question_problems(
            question_type=question_type,
            options=options,
            true_false_answer=cleaned_data.get("true_false_answer"),
            sub_questions=parts if question_type == QuestionType.CASE else [],
        )
        if problems:
            self.add_error(None, ValidationError(problems))
        return cleaned_data
