"""Question files in the admin: the template, a bank's export, and the import of a file
into a bank, checked before anything is written (the roster import's steps)."""

import uuid

from django.contrib import messages
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from academy.errors import RuleViolation
from courses.permissions import question_banks_for_user
from courses.question_files import question_rows_check, question_rows_import
from enrollments.admin.views.downloads import xlsx_download
from enrollments.documents.reading import UploadedSheet
from enrollments.forms.questions import QuestionFileForm
from enrollments.services.question_files import (
    question_bank_csv_stream,
    question_bank_xlsx_write,
    question_file_read,
    question_template_write,
)

SESSION_PREFIX = "courses_question_file_"


def _bank(request, bank_id):
    """A bank the user edits; any other is not found."""
    return get_object_or_404(question_banks_for_user(request.user), pk=bank_id)


def _render(request, template, title, context):
    context = {"page_title": title, "header_title": title, "header_icon": "upload", **context}
    return TemplateResponse(request, template, context)


def question_banks(request):
    banks = question_banks_for_user(request.user).select_related("paper")
    if not banks.exists():
        raise Http404
    return _render(
        request,
        "enrollments/admin/questions/banks.html",
        _("Import or export questions"),
        {"banks": banks},
    )


def question_template(request):
    if not question_banks_for_user(request.user).exists():
        raise Http404
    return xlsx_download("question-template.xlsx", question_template_write)


def question_bank_export(request, bank_id, file_format):
    bank = _bank(request, bank_id)
    filename = f"question-bank-{bank.pk}"
    if file_format == "xlsx":
        return xlsx_download(f"{filename}.xlsx", question_bank_xlsx_write, bank=bank)
    if file_format == "csv":
        response = StreamingHttpResponse(
            question_bank_csv_stream(bank=bank), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return response
    raise Http404


@require_http_methods(["GET", "POST"])
def question_import_upload(request, bank_id):
    bank = _bank(request, bank_id)
    form = QuestionFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            sheet = question_file_read(upload=form.cleaned_data["questions"])
        except RuleViolation as error:
            form.add_error("questions", error)
        else:
            token = uuid.uuid4().hex
            request.session[SESSION_PREFIX + token] = {
                "bank_id": bank.pk,
                "user_id": request.user.pk,
                "sheet": sheet.as_data(),
            }
            return redirect("questions_admin:import_preview", bank.pk, token)
    return _render(
        request,
        "enrollments/admin/questions/import_upload.html",
        _("Import questions: %(bank)s") % {"bank": bank.name},
        {"bank": bank, "form": form},
    )


@require_http_methods(["GET", "POST"])
def question_import_preview(request, bank_id, token):
    bank = _bank(request, bank_id)
    key = SESSION_PREFIX + token
    stored = request.session.get(key)
    if not stored or stored["bank_id"] != bank.pk or stored["user_id"] != request.user.pk:
        messages.error(request, _("That upload has expired; upload the file again."))
        return redirect("questions_admin:import_upload", bank.pk)
    sheet = UploadedSheet.from_data(stored["sheet"])
    if request.method == "POST":
        try:
            result = question_rows_import(
                bank=bank,
                headers=sheet.headers,
                rows=sheet.rows,
                user=request.user,
                good_questions_only=request.POST.get("mode") == "good_questions",
            )
        except RuleViolation as error:
            messages.error(request, error.text)
            return redirect("questions_admin:import_preview", bank.pk, token)
        del request.session[key]
        messages.success(
            request,
            _("%(created)d questions imported into %(bank)s; %(topics)d new topics.")
            % {"created": result.created, "bank": bank.name, "topics": result.topics_created},
        )
        return redirect(reverse("courses_questions:list") + f"?bank={bank.pk}")
    report = question_rows_check(bank=bank, headers=sheet.headers, rows=sheet.rows)
    return _render(
        request,
        "enrollments/admin/questions/import_preview.html",
        _("Check the questions: %(bank)s") % {"bank": bank.name},
        {"bank": bank, "report": report, "row_count": len(sheet.rows)},
    )
