"""The marking queue: case answers waiting for the course's trainers, marked per
reference point."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from academy.errors import RuleViolation
from academy.forms import form_add_rule_violation
from enrollments.forms.marking import CaseMarkingForm
from enrollments.selectors.exam_marking import case_answer_for_marker, case_answers_to_mark
from enrollments.services.exams.marking import attempt_question_mark_case

QUEUE_PAGE_SIZE = 200


def marking_queue(request):
    answers = case_answers_to_mark(user=request.user)[:QUEUE_PAGE_SIZE]
    title = _("Case answers to mark")
    return TemplateResponse(
        request,
        "enrollments/admin/marking/queue.html",
        {"page_title": title, "header_title": title, "header_icon": "edit", "answers": answers},
    )


@require_http_methods(["GET", "POST"])
def marking_answer(request, attempt_question_id):
    answer = case_answer_for_marker(user=request.user, attempt_question_id=attempt_question_id)
    if answer is None:
        raise Http404
    content = answer.version.content
    form = CaseMarkingForm(
        request.POST or None,
        content=content,
        marks=answer.marks,
        initial={"comment": answer.marker_comment},
    )
    if request.method == "POST" and form.is_valid():
        try:
            attempt_question_mark_case(
                attempt_question=answer,
                marker=request.user,
                marks=form.marks(),
                comment=form.cleaned_data["comment"],
            )
        except RuleViolation as error:
            form_add_rule_violation(form, error)
        else:
            messages.success(request, _("Mark saved."))
            return redirect("marking_admin:queue")
    texts = answer.answer if isinstance(answer.answer, list) else []
    parts = [
        {**row, "answer": texts[index] if index < len(texts) else ""}
        for index, row in enumerate(form.part_rows())
    ]
    title = _("Mark a case answer")
    return TemplateResponse(
        request,
        "enrollments/admin/marking/answer.html",
        {
            "page_title": title,
            "header_title": title,
            "header_icon": "edit",
            "answer": answer,
            "content": content,
            "form": form,
            "parts": parts,
        },
    )
