"""The year in figures in the admin: the page, its XLSX and its printable PDF.

Administrators read every course; a trainer reads the courses they teach (the
selectors narrow the figures); anyone else is refused.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from academy.models import AcademySettings
from enrollments.admin.charts import column_chart, share_chart
from enrollments.admin.views.downloads import xlsx_download
from enrollments.documents.statistics import statistics_pdf, statistics_xlsx_write
from enrollments.forms.statistics import StatisticsPeriodForm
from enrollments.models import StatisticsRule
from enrollments.selectors.statistics import statistics_report, statistics_visible


def statistics_reader_required(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not statistics_visible(user=request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _report(request):
    form = StatisticsPeriodForm(request.GET or None)
    report = (
        statistics_report(
            user=request.user,
            period=form.cleaned_data["period"],
            rule=StatisticsRule.for_request(request),
        )
        if form.is_valid()
        else None
    )
    return form, report


def _charts(report) -> list:
    months = report.table("months").rows
    by_month = _("One bar per month of the period, the same figures as the table by month.")
    tracks = report.table("tracks").rows
    return [
        column_chart(
            title=_("Class-hours delivered by month"),
            description=by_month,
            rows=months,
            value="class_hours",
            css_class="stats-chart--hours",
        ),
        column_chart(
            title=_("Person-times by month"),
            description=by_month,
            rows=months,
            value="person_times",
            css_class="stats-chart--people",
        ),
        share_chart(
            title=_("Share of person-times by track"),
            description=_(
                "Each track's share of the period's person-times, as in the table by track."
            ),
            rows=tracks,
            value="person_times",
            css_class="stats-chart--tracks",
        ),
    ]


@statistics_reader_required
def statistics_index(request):
    form, report = _report(request)
    context = {
        "page_title": _("Training statistics"),
        "header_icon": "table",
        "form": form,
        "report": report,
        "charts": _charts(report) if report else [],
        "query_string": form.query_string() if report else "",
    }
    return TemplateResponse(request, "enrollments/statistics/index.html", context)


def _filename(report, extension: str) -> str:
    period = report.period
    return f"statistics-{period.first_day:%Y%m%d}-{period.last_day:%Y%m%d}.{extension}"


@statistics_reader_required
def statistics_xlsx(request):
    form, report = _report(request)
    if report is None:
        return statistics_index(request)
    return xlsx_download(_filename(report, "xlsx"), statistics_xlsx_write, report=report)


@statistics_reader_required
def statistics_pdf_download(request):
    form, report = _report(request)
    if report is None:
        return statistics_index(request)
    academy = AcademySettings.for_request(request)
    response = HttpResponse(
        statistics_pdf(report=report, academy_name=academy.academy_name),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(report, "pdf")}"'
    return response
