"""The year in figures, counted by hand on a small academy and compared with the report.

March 2025 (previous period: February 2025):

- 入门课 A, classroom, newcomer track, taught by 陈老师: sessions on 5 March (3 h) and
  12 March (2 h); one on 10 February (3 h) and one on 2 April (3 h), outside the period.
  赵一 present twice; 钱二 late, then absent; 孙三 left early; 李四 present, then withdrew;
  周五 present only on 10 February and 2 April.
- 专题课 B, online, topic track, taught by 吴老师: a 1.5-hour lesson published on 3 March
  and a 1-hour one in January; 王六 and 赵一 complete it in March.
- 中级课 C, blended, intermediate track, taught by 陈老师: a 4-hour session on 15 March that
  王六 attends; 王六 completes it on 28 March.
"""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from academy.models import Organization, QualificationLevel
from courses.models import DeliveryMode, LessonPage, Track
from enrollments.models import (
    Attendance,
    Certificate,
    Enrollment,
    Evaluation,
    EvaluationAnswer,
    EvaluationQuestion,
    EvaluationQuestionnaire,
    StatisticsRule,
)
from enrollments.selectors.statistics import (
    StatisticsPeriod,
    statistics_period_month,
    statistics_period_year,
    statistics_report,
)
from tests.academy import factories as people
from tests.courses import factories as tree
from tests.enrollments import factories as ef

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
MARCH = statistics_period_month(year=2025, month=3)
PRESENT = Attendance.Status.PRESENT


def at(month: int, day: int, hour: int = 9) -> datetime:
    return datetime(2025, month, day, hour, 0, tzinfo=SHANGHAI)


class Academy:
    """The small academy of the module docstring; attributes name its people and courses."""

    def __init__(self):
        self.social_work = people.OrganizationFactory(
            name="阳光社工", kind=Organization.Kind.SOCIAL_WORK
        )
        self.volunteers = people.OrganizationFactory(
            name="蓝天志愿队", kind=Organization.Kind.VOLUNTEER_TEAM
        )
        self.street = people.OrganizationFactory(
            name="东街街道", kind=Organization.Kind.STREET_OFFICE
        )
        self.chen = people.trainer(full_name="陈老师")
        self.wu = people.trainer(full_name="吴老师")
        self.zhao = people.trainee(
            full_name="赵一",
            organization=self.social_work,
            qualification_level=QualificationLevel.ASSISTANT,
        )
        self.qian = people.trainee(
            full_name="钱二",
            organization=self.volunteers,
            qualification_level=QualificationLevel.INTERMEDIATE,
        )
        self.sun = people.trainee(
            full_name="孙三", organization=self.social_work, qualification_level="none"
        )
        self.li = people.trainee(full_name="李四", organization=self.street)
        self.zhou = people.trainee(full_name="周五", organization=self.street)
        self.wang = people.trainee(
            full_name="王六",
            organization=self.volunteers,
            qualification_level=QualificationLevel.SENIOR,
        )
        self._classroom_course()
        self._online_course()
        self._blended_course()
        self._evaluations()

    def _classroom_course(self):
        self.a = tree.course(
            title="入门课 A",
            track=Track.NEWCOMER,
            trainers=[self.chen],
            min_hours=Decimal("100"),
        )
        first = tree.session(course=self.a, starts_at=at(3, 5), hours="3", trainer=self.chen)
        second = tree.session(course=self.a, starts_at=at(3, 12), hours="2", trainer=self.chen)
        february = tree.session(course=self.a, starts_at=at(2, 10), hours="3", trainer=self.chen)
        april = tree.session(course=self.a, starts_at=at(4, 2), hours="3", trainer=self.chen)
        self.first_session = first
        marks = {
            self.zhao: [(first, PRESENT), (second, PRESENT)],
            self.qian: [(first, Attendance.Status.LATE), (second, Attendance.Status.ABSENT)],
            self.sun: [(first, Attendance.Status.LEFT_EARLY)],
            self.li: [(first, PRESENT)],
            self.zhou: [(february, PRESENT), (april, PRESENT)],
        }
        for trainee, sessions in marks.items():
            enrollment = ef.enrollment(course=self.a, user=trainee)
            for session, status in sessions:
                ef.attendance(session=session, enrollment=enrollment, status=status)
            if trainee is self.zhao:
                self.zhao_in_a = enrollment
        Enrollment.objects.filter(course=self.a, user=self.li).update(
            status=Enrollment.Status.WITHDRAWN, withdrawn_at=at(3, 20)
        )

    def _online_course(self):
        self.b = tree.course(
            title="专题课 B",
            track=Track.TOPIC,
            trainers=[self.wu],
            delivery_mode=DeliveryMode.ONLINE,
        )
        march = tree.lesson(parent=self.b, class_hours=Decimal("1.5"))
        january = tree.lesson(parent=self.b, class_hours=Decimal("1.0"))
        LessonPage.objects.filter(pk=march.pk).update(first_published_at=at(3, 3))
        LessonPage.objects.filter(pk=january.pk).update(first_published_at=at(1, 20))
        self.wang_in_b = self._complete(self.b, self.wang, at(3, 20), "2.5")
        self._complete(self.b, self.zhao, at(3, 25), "2.5")
        Certificate.objects.create(
            enrollment=self.wang_in_b, status=Certificate.Status.ISSUED, issued_at=at(3, 21)
        )

    def _blended_course(self):
        self.c = tree.course(
            title="中级课 C",
            track=Track.INTERMEDIATE,
            trainers=[self.chen],
            delivery_mode=DeliveryMode.BLENDED,
            min_hours=Decimal("100"),
        )
        session = tree.session(course=self.c, starts_at=at(3, 15), hours="4", trainer=self.chen)
        enrollment = ef.enrollment(course=self.c, user=self.wang)
        ef.attendance(session=session, enrollment=enrollment)
        Enrollment.objects.filter(pk=enrollment.pk).update(
            status=Enrollment.Status.COMPLETED, completed_at=at(3, 28)
        )

    def _complete(self, course, user, when, hours) -> Enrollment:
        enrollment = ef.enrollment(
            course=course, user=user, status=Enrollment.Status.COMPLETED, completed_at=when
        )
        ef.hour_entry(
            user=user, hours=hours, course=course, enrollment=enrollment, date=when.date()
        )
        return enrollment

    def _evaluations(self):
        questionnaire = EvaluationQuestionnaire.objects.create(name="评估")
        content, trainer, comment = (
            EvaluationQuestion.objects.create(
                questionnaire=questionnaire, kind=kind, aspect=aspect, text=aspect, sort_order=n
            )
            for n, (kind, aspect) in enumerate(
                [("rating", "content"), ("rating", "trainer"), ("text", "other")]
            )
        )
        of_session = Evaluation.objects.create(
            enrollment=self.zhao_in_a,
            session=self.first_session,
            questionnaire=questionnaire,
            submitted_at=at(3, 5, 12),
        )
        of_course = Evaluation.objects.create(
            enrollment=self.wang_in_b, questionnaire=questionnaire, submitted_at=at(3, 21)
        )
        EvaluationAnswer.objects.bulk_create(
            [
                EvaluationAnswer(evaluation=of_session, question=content, rating=5),
                EvaluationAnswer(evaluation=of_session, question=trainer, rating=3),
                EvaluationAnswer(evaluation=of_session, question=comment, text="很好"),
                EvaluationAnswer(evaluation=of_course, question=content, rating=4),
            ]
        )


@pytest.fixture
def academy():
    return Academy()


@pytest.fixture
def admin(db):
    return people.administrator(full_name="王海燕")


def rule(**fields) -> StatisticsRule:
    return StatisticsRule(**fields)


def rows(report, key):
    return {row.label: row for row in report.table(key).rows}


def test_period_choices_and_the_period_before():
    assert StatisticsPeriod(date(2025, 3, 1), date(2025, 3, 31)) == MARCH
    assert MARCH.previous() == StatisticsPeriod(date(2025, 2, 1), date(2025, 2, 28))
    year = StatisticsPeriod(date(2024, 1, 1), date(2024, 12, 31))
    assert year.previous() == StatisticsPeriod(date(2023, 1, 1), date(2023, 12, 31))
    custom = StatisticsPeriod(date(2025, 3, 10), date(2025, 3, 19))
    assert custom.previous() == StatisticsPeriod(date(2025, 2, 28), date(2025, 3, 9))
    assert len(year.months()) == 12


def test_headline_figures_counted_by_hand(academy, admin):
    report = statistics_report(user=admin, period=MARCH, rule=rule())
    figures = report.current
    assert figures.courses_run == 3  # A and C held sessions, B had completions
    assert figures.sessions == 3  # 5, 12 and 15 March; not 10 February or 2 April
    assert figures.session_hours == Decimal("9")
    assert figures.lessons == 1  # the lesson published on 3 March, not January's
    assert figures.class_hours == Decimal("10.5")  # 3 + 2 + 4 session hours + 1.5 online
    # 赵一 twice, 钱二 late, 孙三 left early, 李四 (withdrawn later) once, 王六 at C: 6;
    # 钱二's absence and 周五's marks outside March do not count; B's two completions: 2.
    assert figures.person_times == 8
    assert figures.trainees == 5  # 赵一, 钱二, 孙三, 李四, 王六
    assert figures.completions == 3  # B twice, C once
    assert figures.certificates == 1
    # Ledger: 3 + 1.5 (late) + 1.5 (left early) + 3 + 2 + 4 in class; 2.5 + 2.5 online.
    assert figures.hours_classroom == Decimal("15.0")
    assert figures.hours_online == Decimal("5.0")
    assert figures.marks == 7  # four on 5 March, two on 12 March, one on 15 March
    assert figures.attendance_rate == pytest.approx(6 / 7)
    assert figures.satisfaction == pytest.approx(2 / 3)  # 5 and 4 of 5, 3, 4
    previous = report.previous
    assert (previous.sessions, previous.class_hours, previous.person_times) == (1, 3, 1)
    assert previous.courses_run == 1
    by_key = {headline.key: headline for headline in report.headlines}
    assert by_key["person_times"].change == 7
    assert by_key["person_times"].change_percent == pytest.approx(7.0)


def test_the_rules_switch_sessions_for_hours_online_lessons_and_blended_completions(academy, admin):
    as_sessions = statistics_report(
        user=admin, period=MARCH, rule=rule(class_hour_unit="sessions")
    ).current
    assert as_sessions.class_hours == Decimal("4")  # 3 sessions and 1 online lesson
    without_online = statistics_report(
        user=admin, period=MARCH, rule=rule(count_online_lessons=False)
    ).current
    assert without_online.class_hours == Decimal("9")
    with_blended = statistics_report(
        user=admin, period=MARCH, rule=rule(blended_completion="plus_completion")
    ).current
    assert with_blended.person_times == 9  # 王六's completion of blended C counts too


def test_the_rules_are_a_site_setting_read_by_default(academy, admin):
    from wagtail.models import Site

    site = Site.objects.get(is_default_site=True)
    StatisticsRule.objects.update_or_create(site=site, defaults={"class_hour_unit": "sessions"})
    assert statistics_report(user=admin, period=MARCH).current.class_hours == Decimal("4")


def test_tables_by_track_month_and_course(academy, admin):
    report = statistics_report(user=admin, period=MARCH, rule=rule())
    tracks = rows(report, "tracks")
    newcomer = tracks[str(Track.NEWCOMER.label)]
    assert (newcomer.courses_run, newcomer.sessions, newcomer.class_hours) == (1, 2, 5)
    assert newcomer.person_times == 5
    topic = tracks[str(Track.TOPIC.label)]
    assert (topic.class_hours, topic.person_times, topic.completions) == (Decimal("1.5"), 2, 2)
    intermediate = tracks[str(Track.INTERMEDIATE.label)]
    assert (intermediate.class_hours, intermediate.person_times) == (4, 1)
    assert tracks[str(Track.EXAM_PREP.label)].courses_run == 0
    assert sum(row.class_hours for row in tracks.values()) == report.current.class_hours

    (march,) = report.table("months").rows
    assert march.label == "2025-03"
    assert (march.class_hours, march.person_times) == (Decimal("10.5"), 8)
    assert (march.hours_online, march.hours_classroom) == (Decimal("5.0"), Decimal("15.0"))

    courses = rows(report, "courses")
    assert set(courses) == {"入门课 A", "专题课 B", "中级课 C"}
    assert courses["入门课 A"].attendance_rate == pytest.approx(5 / 6)
    assert courses["入门课 A"].satisfaction == pytest.approx(1 / 2)
    assert courses["专题课 B"].satisfaction == 1


def test_tables_by_organisation_and_qualification(academy, admin):
    report = statistics_report(user=admin, period=MARCH, rule=rule())
    kinds = rows(report, "organisation_kinds")
    social_work = kinds[str(Organization.Kind.SOCIAL_WORK.label)]
    assert (social_work.trainees, social_work.person_times) == (2, 4)  # 赵一 3, 孙三 1
    volunteers = kinds[str(Organization.Kind.VOLUNTEER_TEAM.label)]
    assert (volunteers.trainees, volunteers.person_times) == (2, 3)  # 钱二 1, 王六 2
    street = kinds[str(Organization.Kind.STREET_OFFICE.label)]
    assert (street.trainees, street.person_times) == (1, 1)  # 李四; 周五 not in March
    assert volunteers.hours_earned == Decimal("8.0")  # 钱二 1.5, 王六 4 + 2.5
    organisations = rows(report, "organisations")
    assert list(organisations)[0] == "阳光社工"
    assert organisations["阳光社工"].completions == 1
    levels = rows(report, "qualification_levels")
    assert levels[str(QualificationLevel.SENIOR.label)].person_times == 2
    assert levels[str(QualificationLevel.ASSISTANT.label)].person_times == 4  # 赵一, 李四


def test_trainers_teaching(academy, admin):
    trainers = rows(statistics_report(user=admin, period=MARCH, rule=rule()), "trainers")
    chen = trainers["陈老师"]
    assert (chen.sessions, chen.class_hours, chen.person_times) == (3, 9, 6)
    assert chen.satisfaction == pytest.approx(1 / 2)  # the session's 5 and 3
    assert chen.average_rating == pytest.approx(4.0)
    wu = trainers["吴老师"]  # the course evaluation of B goes to B's trainer
    assert (wu.sessions, wu.satisfaction) == (0, 1)


def test_a_trainer_reads_only_their_own_courses(academy):
    report = statistics_report(user=academy.wu, period=MARCH, rule=rule())
    figures = report.current
    assert (figures.courses_run, figures.class_hours, figures.person_times) == (
        1,
        Decimal("1.5"),
        2,
    )
    assert set(rows(report, "courses")) == {"专题课 B"}
    assert figures.hours_classroom == 0
    assert figures.trainees == 2
    chen = statistics_report(user=academy.chen, period=MARCH, rule=rule())
    assert set(rows(chen, "courses")) == {"入门课 A", "中级课 C"}
    assert chen.current.person_times == 6


def test_a_trainee_reads_nothing(academy):
    assert statistics_report(user=academy.zhao, period=MARCH, rule=rule()).current.sessions == 0


# The admin page and its downloads -----------------------------------------------------


MARCH_QUERY = {"kind": "month", "year": "2025", "month": "3"}


def test_the_page_shows_the_figures_and_charts(client, academy, admin):
    client.force_login(admin)
    response = client.get(reverse("statistics_admin:index"), MARCH_QUERY)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html and "<title" in html
    assert 'style="' not in html.split("<main", 1)[-1].split("</main>")[0]
    assert "<script>" not in html.split("<main", 1)[-1].split("</main>")[0]
    assert response.context["report"].current.person_times == 8
    assert "入门课 A" in html


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"kind": "month", "year": "2025"}, "month"),
        ({"kind": "quarter", "year": "2025", "quarter": "5"}, "quarter"),
        ({"kind": "custom", "date_from": "2025-03-10", "date_to": "2025-03-01"}, None),
        ({"kind": "custom", "date_from": "2010-01-01", "date_to": "2025-03-01"}, None),
        ({"kind": "year", "year": "abc"}, "year"),
    ],
)
def test_a_bad_period_is_refused_with_a_message(client, admin, query, field):
    client.force_login(admin)
    response = client.get(reverse("statistics_admin:index"), query)
    assert response.status_code == 200
    form = response.context["form"]
    assert response.context["report"] is None
    assert form.errors[field or "__all__"]


def test_the_page_without_a_period_shows_this_year(client, admin):
    client.force_login(admin)
    response = client.get(reverse("statistics_admin:index"))
    report = response.context["report"]
    assert report.period.first_day == date(date.today().year, 1, 1)
    assert "<title>培训统计" in response.content.decode()


def test_the_reports_menu_holds_the_page(client, admin):
    client.force_login(admin)
    response = client.get(reverse("wagtailadmin_home"))
    assert reverse("statistics_admin:index") in response.content.decode()


@pytest.mark.parametrize(
    "name", ["statistics_admin:index", "statistics_admin:xlsx", "statistics_admin:pdf"]
)
def test_a_trainee_cannot_reach_any_of_it(client, academy, name):
    """Wagtail refuses the admin to a trainee: the login page, as for every admin page."""
    from urllib.parse import quote

    client.force_login(academy.zhao)
    url = reverse(name)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"{reverse('wagtailadmin_login')}?next={quote(url)}"


def test_a_logged_in_non_staff_user_is_refused_by_the_view_itself(rf, academy):
    from django.core.exceptions import PermissionDenied

    from enrollments.admin.views.statistics import statistics_index

    request = rf.get(reverse("statistics_admin:index"), MARCH_QUERY)
    request.user = academy.zhao
    with pytest.raises(PermissionDenied):
        statistics_index(request)


def test_a_trainer_sees_only_their_courses_on_the_page(client, academy):
    client.force_login(academy.wu)
    response = client.get(reverse("statistics_admin:index"), MARCH_QUERY)
    assert response.status_code == 200
    html = response.content.decode()
    assert "专题课 B" in html and "入门课 A" not in html


def _run(program: str, *arguments: str, package: str) -> str:
    import shutil
    import subprocess

    from tests.system_tools import require_system_tool

    require_system_tool(program, package=package)
    command = [shutil.which(program) or program, *arguments]
    result = subprocess.run(  # noqa: S603 - a system tool on files the test wrote
        command, capture_output=True, text=True, check=True, timeout=180
    )
    return result.stdout


def test_the_pdf_states_the_academy_period_and_figures(client, academy, admin, tmp_path):
    client.force_login(admin)
    response = client.get(reverse("statistics_admin:pdf"), MARCH_QUERY)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "statistics.pdf"
    path.write_bytes(response.content)
    text = _run("pdftotext", "-layout", str(path), "-", package="poppler-utils")
    assert "年度培训工作统计" in text
    assert "社工学院" in text
    assert "2025-03-01 – 2025-03-31" in text
    for line, figure in (("开展课程", "3"), ("培训课时", "10.5"), ("人次", "8")):
        assert any(line in row and figure in row.split() for row in text.splitlines()), line


def test_the_xlsx_has_a_sheet_per_table_with_formats(client, academy, admin):
    from io import BytesIO

    from openpyxl import load_workbook

    client.force_login(admin)
    response = client.get(reverse("statistics_admin:xlsx"), MARCH_QUERY)
    assert response.status_code == 200
    workbook = load_workbook(BytesIO(b"".join(response.streaming_content)))
    assert len(workbook.sheetnames) == 8
    summary = workbook.worksheets[0]
    values = {row[0].value: row[1] for row in summary.iter_rows(min_row=2)}
    assert values["培训课时"].value == 10.5
    assert values["培训课时"].number_format == "0.0"
    assert values["满意度"].number_format == "0.0%"
    courses = workbook.worksheets[3]
    assert courses.freeze_panes == "A2"
    assert courses.auto_filter.ref.startswith("A1:")
    assert courses.column_dimensions["A"].width >= 10


def test_the_xlsx_shows_no_hash_cells_in_libreoffice(client, academy, admin, tmp_path):
    """LibreOffice prints ### where a number does not fit its column: none may."""
    client.force_login(admin)
    response = client.get(reverse("statistics_admin:xlsx"), MARCH_QUERY)
    path = tmp_path / "statistics.xlsx"
    path.write_bytes(b"".join(response.streaming_content))
    _run(
        "soffice",
        f"-env:UserInstallation=file://{tmp_path}/profile",
        "--headless",
        "--convert-to",
        "pdf",
        "--outdir",
        str(tmp_path),
        str(path),
        package="libreoffice-calc-nogui",
    )
    text = _run("pdftotext", str(tmp_path / "statistics.pdf"), "-", package="poppler-utils")
    assert "10.5" in text
    assert "###" not in text


def _grow(academy, *, copies: int):
    """More of everything: courses with sessions, trainees with marks, completions."""
    for number in range(copies):
        course = tree.course(
            title=f"加开课 {number}", track=Track.EXAM_PREP, trainers=[academy.chen]
        )
        session = tree.session(
            course=course, starts_at=at(3, 20 + number % 5), trainer=academy.chen
        )
        for _ in range(3):
            trainee = people.trainee(organization=people.OrganizationFactory())
            enrollment = ef.enrollment(course=course, user=trainee)
            ef.attendance(session=session, enrollment=enrollment)


def _page_queries(client, django_assert_num_queries, expected=None):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(reverse("statistics_admin:index"), MARCH_QUERY)
    if expected is None:
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("statistics_admin:index"), MARCH_QUERY)
        return len(queries)
    with django_assert_num_queries(expected):
        client.get(reverse("statistics_admin:index"), MARCH_QUERY)
    return expected


def test_the_page_issues_the_same_queries_whatever_the_data(
    client, academy, admin, django_assert_num_queries
):
    client.force_login(admin)
    small = _page_queries(client, django_assert_num_queries)
    _grow(academy, copies=6)
    _page_queries(client, django_assert_num_queries, expected=small)
    assert small < 80  # about forty for the figures, the rest is the admin's own page


# The monthly figures kept per trainee ------------------------------------------------------


def _figures(report) -> list:
    def plain(row):
        values = {name: getattr(row, name) for name in row.__dataclass_fields__ if name != "extra"}
        return values | {"person_times": row.person_times, "extra": dict(row.extra)}

    return [plain(report.current), plain(report.previous)] + [
        [plain(row) for row in table.rows] for table in report.tables
    ]


@pytest.mark.parametrize(
    "period, fields",
    [
        (MARCH, {}),
        (statistics_period_year(year=2025), {}),
        (MARCH, {"blended_completion": StatisticsRule.BlendedCompletion.PLUS_COMPLETION}),
        (MARCH, {"class_hour_unit": StatisticsRule.ClassHourUnit.SESSIONS}),
    ],
)
def test_the_kept_monthly_figures_give_the_report_the_records_give(academy, admin, period, fields):
    from enrollments.services.statistics import statistics_rollup_refresh

    counted = statistics_report(user=admin, period=period, rule=rule(**fields))
    assert counted.as_of is None
    assert statistics_rollup_refresh() > 0
    kept = statistics_report(user=admin, period=period, rule=rule(**fields))
    assert kept.as_of is not None
    assert _figures(kept) == _figures(counted)
    assert kept.current.person_times == counted.current.person_times > 0


def test_the_kept_figures_answer_only_when_fresh_whole_and_for_all_courses(
    academy, admin, settings
):
    from datetime import timedelta

    from django.utils import timezone

    from enrollments.models import StatisticsRollup
    from enrollments.services.statistics import statistics_rollup_refresh

    statistics_rollup_refresh()
    assert statistics_report(user=admin, period=MARCH, rule=rule()).as_of is not None
    # Days that cut a month, and a trainer's own courses, are counted from the records.
    part = StatisticsPeriod(date(2025, 3, 3), date(2025, 3, 31))
    assert statistics_report(user=admin, period=part, rule=rule()).as_of is None
    assert statistics_report(user=academy.chen, period=MARCH, rule=rule()).as_of is None
    # Older than the maximum age: counted from the records, which a change since shows.
    StatisticsRollup.objects.update(
        refreshed_at=timezone.now()
        - timedelta(seconds=settings.STATISTICS_ROLLUP_MAX_AGE_SECONDS + 1)
    )
    assert statistics_report(user=admin, period=MARCH, rule=rule()).as_of is None


def test_the_scheduler_rebuilds_the_kept_figures(settings):
    from django_rq.cron import DjangoCronScheduler

    from enrollments.tasks import statistics_rollup_task

    scheduler = DjangoCronScheduler()
    scheduler.load_config_from_file("enrollments.cron")
    [cron_job] = [job for job in scheduler.get_jobs() if job.name == "statistics_rollup"]
    assert cron_job.func is statistics_rollup_task.func
    assert cron_job.interval == settings.STATISTICS_ROLLUP_INTERVAL_SECONDS


def test_the_command_rebuilds_the_kept_figures(academy):
    from io import StringIO

    from django.core.management import call_command

    from enrollments.models import StatisticsRollup, TraineeMonthFigures

    stdout = StringIO()
    call_command("refresh_statistics", stdout=stdout)
    assert StatisticsRollup.objects.get().rows == TraineeMonthFigures.objects.count() > 0
    assert str(TraineeMonthFigures.objects.count()) in stdout.getvalue()
