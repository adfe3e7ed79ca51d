from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from academy.errors import RuleViolation
from enrollments.models import Attendance, AttendanceRule, Enrollment, HourEntry
from enrollments.services.attendance import (
    attendance_hours_for,
    attendance_roll_call_mark,
    session_attendance_lock,
    session_attendance_unlock,
    walk_in_enroll,
)
from tests.academy import factories
from tests.courses import factories as tree
from tests.enrollments import factories as ef

pytestmark = pytest.mark.django_db

S = Attendance.Status


def ledger_net(enrollment, session):
    return HourEntry.objects.filter(enrollment=enrollment, session=session).aggregate(
        total=Sum("hours")
    )["total"] or Decimal("0")


def started(**fields):
    """A session that started an hour ago, so that it accepts marks."""
    return tree.session(starts_at=timezone.now() - timezone.timedelta(hours=1), **fields)


@pytest.fixture
def classroom(taught_course):
    return taught_course, started(course=taught_course, hours="3")


@pytest.mark.parametrize(
    ("status", "hours"),
    [
        (S.PRESENT, Decimal("3.0")),
        (S.LATE, Decimal("1.5")),
        (S.LEFT_EARLY, Decimal("1.5")),
        (S.EXCUSED, Decimal("0")),
        (S.ABSENT, Decimal("0")),
    ],
)
def test_each_status_credits_its_hours(classroom, trainer_user, status, hours):
    course, session = classroom
    enrollment = ef.enrollment(course=course)

    attendance = attendance_roll_call_mark(
        session=session, enrollment_id=enrollment.pk, status=status, user=trainer_user
    )

    assert attendance.hours_credited == hours
    assert ledger_net(enrollment, session) == hours
    entries = HourEntry.objects.filter(enrollment=enrollment)
    assert entries.count() == (1 if hours else 0)
    if hours:
        entry = entries.get()
        assert entry.source == HourEntry.Source.CLASSROOM_SESSION
        assert entry.course_id == course.pk and entry.user_id == enrollment.user_id


def test_shares_follow_the_configured_rule(classroom, home_page):
    _course, session = classroom
    rule = AttendanceRule(late_share=Decimal("0.25"), left_early_share=Decimal("0.75"))

    assert attendance_hours_for(status=S.LATE, session=session, rule=rule) == Decimal("0.8")
    assert attendance_hours_for(status=S.LEFT_EARLY, session=session, rule=rule) == Decimal("2.3")
    assert attendance_hours_for(status=S.PRESENT, session=session, rule=rule) == Decimal("3.0")


def test_site_setting_rule_is_used(classroom, trainer_user, home_page):
    from wagtail.models import Site

    rule = AttendanceRule.for_site(Site.objects.get(is_default_site=True))
    rule.late_share = Decimal("0.2")
    rule.save()
    course, session = classroom
    enrollment = ef.enrollment(course=course)

    attendance_roll_call_mark(
        session=session, enrollment_id=enrollment.pk, status=S.LATE, user=trainer_user
    )

    assert ledger_net(enrollment, session) == Decimal("0.6")


def test_corrections_rewrite_the_ledger_by_appending(classroom, trainer_user):
    course, session = classroom
    enrollment = ef.enrollment(course=course)
    sequence = [S.PRESENT, S.LATE, S.ABSENT, S.ABSENT, S.LEFT_EARLY, S.PRESENT, S.EXCUSED, S.LATE]
    expected = {
        S.PRESENT: Decimal("3"),
        S.LATE: Decimal("1.5"),
        S.LEFT_EARLY: Decimal("1.5"),
        S.EXCUSED: 0,
        S.ABSENT: 0,
    }

    for status in sequence:
        before = {e.pk: e.hours for e in HourEntry.objects.all()}
        attendance_roll_call_mark(
            session=session, enrollment_id=enrollment.pk, status=status, user=trainer_user
        )
        assert ledger_net(enrollment, session) == expected[status]
        # Earlier entries are never edited or deleted.
        after = {e.pk: e.hours for e in HourEntry.objects.all()}
        assert {pk: after[pk] for pk in before} == before

    assert Attendance.objects.get().status == S.LATE
    assert Attendance.objects.count() == 1
    reversals = HourEntry.objects.filter(hours__lt=0)
    assert reversals.exists()
    assert all(entry.corrects_id and entry.corrects.hours == -entry.hours for entry in reversals)
    # One credit per mark that earns hours; the repeated ABSENT wrote nothing.
    assert HourEntry.objects.filter(hours__gt=0).count() == 5
    assert HourEntry.objects.filter(hours__lt=0).count() == 4


def test_same_hours_change_writes_no_entry(classroom, trainer_user):
    course, session = classroom
    enrollment = ef.enrollment(course=course)
    attendance_roll_call_mark(
        session=session, enrollment_id=enrollment.pk, status=S.LATE, user=trainer_user
    )
    attendance_roll_call_mark(
        session=session, enrollment_id=enrollment.pk, status=S.LEFT_EARLY, user=trainer_user
    )

    assert HourEntry.objects.count() == 1
    assert Attendance.objects.get().status == S.LEFT_EARLY


def test_locked_session_refuses_changes(classroom, trainer_user, admin_user):
    course, session = classroom
    enrollment = ef.enrollment(course=course)
    attendance_roll_call_mark(
        session=session, enrollment_id=enrollment.pk, status=S.PRESENT, user=trainer_user
    )
    session_attendance_lock(session=session, user=admin_user)
    session.refresh_from_db()

    with pytest.raises(RuleViolation) as marking:
        attendance_roll_call_mark(
            session=session, enrollment_id=enrollment.pk, status=S.ABSENT, user=trainer_user
        )
    assert marking.value.code == "attendance_locked"
    with pytest.raises(RuleViolation) as walking_in:
        walk_in_enroll(session=session, user=trainer_user, phone="13712345678", full_name="王五")
    assert walking_in.value.code == "attendance_locked"

    assert Attendance.objects.get().status == S.PRESENT
    assert ledger_net(enrollment, session) == Decimal("3")

    session_attendance_unlock(session=session, user=admin_user)
    session.refresh_from_db()
    attendance_roll_call_mark(
        session=session, enrollment_id=enrollment.pk, status=S.ABSENT, user=trainer_user
    )
    assert ledger_net(enrollment, session) == 0


def test_only_administrators_lock(classroom, trainer_user):
    _course, session = classroom
    with pytest.raises(PermissionDenied):
        session_attendance_lock(session=session, user=trainer_user)


def test_other_trainer_cannot_mark(classroom):
    course, session = classroom
    enrollment = ef.enrollment(course=course)
    other = factories.trainer()

    with pytest.raises(PermissionDenied):
        attendance_roll_call_mark(
            session=session, enrollment_id=enrollment.pk, status=S.PRESENT, user=other
        )
    assert not Attendance.objects.exists()


def test_cannot_mark_a_trainee_of_another_course(classroom, trainer_user):
    _course, session = classroom
    stranger = ef.enrollment(course=tree.course())
    withdrawn = ef.enrollment(course=session.course, status=Enrollment.Status.WITHDRAWN)

    for enrollment in (stranger, withdrawn):
        with pytest.raises(RuleViolation) as refused:
            attendance_roll_call_mark(
                session=session, enrollment_id=enrollment.pk, status=S.PRESENT, user=trainer_user
            )
        assert refused.value.code == "not_enrolled"
    assert not Attendance.objects.exists()


def test_attendance_feeds_completion(trainer_user, django_capture_on_commit_callbacks):
    course = tree.course(trainers=[trainer_user], min_attendance_percent=50)
    first = started(course=course)
    tree.session(course=course, starts_at=first.starts_at + timezone.timedelta(days=7))
    enrollment = ef.enrollment(course=course)

    with django_capture_on_commit_callbacks(execute=True):
        attendance_roll_call_mark(
            session=first, enrollment_id=enrollment.pk, status=S.PRESENT, user=trainer_user
        )

    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.COMPLETED


def test_walk_in_creates_and_enrols_beyond_capacity(trainer_user, organization):
    course = tree.course(trainers=[trainer_user], capacity=1)
    session = started(course=course)
    ef.enrollment(course=course)

    result = walk_in_enroll(
        session=session,
        user=trainer_user,
        phone="13712345678",
        full_name="王小五",
        organization=organization,
    )

    assert result.created_user and result.created_enrollment
    enrollment = result.enrollment
    assert enrollment.status == Enrollment.Status.ACTIVE
    assert enrollment.source == Enrollment.Source.WALK_IN
    assert enrollment.user.trainee_profile.organization == organization
    assert enrollment.user.groups.filter(name="Trainee").exists()
    assert not enrollment.user.has_usable_password()


def test_walk_in_finds_existing_trainee_by_phone(classroom, trainer_user):
    course, session = classroom
    trainee = factories.trainee(phone="13611112222")
    withdrawn = ef.enrollment(course=course, user=trainee, status=Enrollment.Status.WITHDRAWN)

    result = walk_in_enroll(session=session, user=trainer_user, phone="13611112222")

    assert not result.created_user and not result.created_enrollment
    withdrawn.refresh_from_db()
    assert withdrawn.status == Enrollment.Status.ACTIVE


@pytest.mark.parametrize("status", [Enrollment.Status.WITHDRAWN, Enrollment.Status.REJECTED])
def test_walk_in_reopens_an_enrolment_without_its_old_stamps(classroom, trainer_user, status):
    course, session = classroom
    trainee = factories.trainee(phone="13611113333")
    long_ago = timezone.now() - timezone.timedelta(days=30)
    old = ef.enrollment(
        course=course,
        user=trainee,
        status=status,
        source=Enrollment.Source.SELF,
        waitlisted_at=long_ago,
        withdrawn_at=long_ago,
        decided_at=long_ago,
        decided_by=factories.administrator(),
        decision_reason="名额已满",
    )

    result = walk_in_enroll(session=session, user=trainer_user, phone="13611113333")

    old.refresh_from_db()
    assert result.enrollment.pk == old.pk
    assert old.status == Enrollment.Status.ACTIVE
    assert old.source == Enrollment.Source.WALK_IN
    assert old.withdrawn_at is None
    assert old.waitlisted_at is None
    assert old.decision_reason == ""
    assert old.decided_by == trainer_user
    assert old.decided_at > long_ago


def test_walk_in_accepts_a_waiting_application_as_it_came_in(trainer_user):
    course = tree.course(trainers=[trainer_user], capacity=1)
    session = started(course=course)
    ef.enrollment(course=course)
    trainee = factories.trainee(phone="13611114444")
    waiting = ef.enrollment(
        course=course,
        user=trainee,
        status=Enrollment.Status.WAITLISTED,
        waitlisted_at=timezone.now(),
    )

    walk_in_enroll(session=session, user=trainer_user, phone="13611114444")

    waiting.refresh_from_db()
    assert waiting.status == Enrollment.Status.ACTIVE
    assert waiting.source == Enrollment.Source.SELF
    assert waiting.waitlisted_at is None


def test_walk_in_leaves_a_completed_enrolment_alone(classroom, trainer_user):
    course, session = classroom
    trainee = factories.trainee(phone="13611115555")
    completed = ef.enrollment(course=course, user=trainee, status=Enrollment.Status.COMPLETED)

    result = walk_in_enroll(session=session, user=trainer_user, phone="13611115555")

    completed.refresh_from_db()
    assert result.enrollment.status == Enrollment.Status.COMPLETED
    assert completed.decided_by is None


def test_walk_in_account_is_named_by_the_registration_rule(classroom, trainer_user):
    _course, session = classroom

    result = walk_in_enroll(
        session=session, user=trainer_user, phone=" 13712340000 ", full_name="新学员"
    )

    assert result.enrollment.user.username == "13712340000"
    assert result.enrollment.user.phone == "13712340000"


def test_walk_in_refuses_a_phone_someone_else_logs_in_with(classroom, trainer_user):
    _course, session = classroom
    # An account made by the roster under this phone, whose owner later changed it.
    factories.trainee(username="13712349999", phone="13700000001")

    with pytest.raises(RuleViolation) as refused:
        walk_in_enroll(session=session, user=trainer_user, phone="13712349999", full_name="王五")

    assert refused.value.error_dict["username"][0].code == "login_taken"
    assert not Enrollment.objects.exists()


def test_walk_in_unknown_phone_needs_a_name(classroom, trainer_user):
    _course, session = classroom
    with pytest.raises(RuleViolation) as refused:
        walk_in_enroll(session=session, user=trainer_user, phone="13600000000")
    assert refused.value.code == "full_name_required"
    assert not Enrollment.objects.exists()


# Views


def test_trainer_takes_the_roll_through_the_page(client, classroom, trainer_user):
    course, session = classroom
    enrollment = ef.enrollment(course=course, user=factories.trainee(full_name="张三"))
    client.force_login(trainer_user)

    page = client.get(reverse("attendance:roll_call", args=[session.pk]))
    assert page.status_code == 200
    assert "张三" in page.text

    response = client.post(
        reverse("attendance:mark", args=[session.pk]),
        {"enrollment": enrollment.pk, "status": S.LATE},
    )
    assert response.status_code == 302
    assert Attendance.objects.get().status == S.LATE


def test_other_trainer_and_trainee_are_refused(client, classroom):
    course, session = classroom
    enrollment = ef.enrollment(course=course)
    urls = [
        reverse("attendance:roll_call", args=[session.pk]),
        reverse("attendance:checkin_screen", args=[session.pk]),
        reverse("attendance:signin_sheet", args=[session.pk]),
        reverse("attendance:walk_in", args=[session.pk]),
    ]
    for user in (factories.trainer(), enrollment.user):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 403, url
        response = client.post(
            reverse("attendance:mark", args=[session.pk]),
            {"enrollment": enrollment.pk, "status": S.PRESENT},
        )
        assert response.status_code == 403
    assert not Attendance.objects.exists()
    assert client.get(reverse("attendance:roll_call", args=[999999])).status_code == 404


def test_anonymous_is_sent_to_log_in(client, classroom):
    _course, session = classroom
    response = client.get(reverse("attendance:roll_call", args=[session.pk]))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_session_trainer_not_on_course_may_take_roll(client):
    session_trainer = factories.trainer()
    session = tree.session(trainer=session_trainer)
    client.force_login(session_trainer)
    assert client.get(reverse("attendance:roll_call", args=[session.pk])).status_code == 200


def test_session_list_shows_only_own_courses(client, trainer_user):
    mine = tree.session(course=tree.course(trainers=[trainer_user], title="我的课程"))
    tree.session(course=tree.course(title="别人的课程"))
    client.force_login(trainer_user)

    page = client.get(reverse("attendance:sessions"))

    assert "我的课程" in page.text and "别人的课程" not in page.text
    assert reverse("attendance:roll_call", args=[mine.pk]) in page.text


def test_locked_session_mark_via_page_is_refused(client, classroom, trainer_user, admin_user):
    course, session = classroom
    enrollment = ef.enrollment(course=course)
    session_attendance_lock(session=session, user=admin_user)
    client.force_login(trainer_user)

    response = client.post(
        reverse("attendance:mark", args=[session.pk]),
        {"enrollment": enrollment.pk, "status": S.PRESENT},
        follow=True,
    )

    assert "已锁定" in response.text
    assert not Attendance.objects.exists()


def test_walk_in_page_enrols(client, classroom, trainer_user, organization):
    _course, session = classroom
    client.force_login(trainer_user)

    search = client.get(reverse("attendance:walk_in", args=[session.pk]), {"phone": "13755556666"})
    assert search.status_code == 200
    response = client.post(
        reverse("attendance:walk_in", args=[session.pk]),
        {"phone": "13755556666", "full_name": "赵六", "organization": organization.pk},
    )

    assert response.status_code == 302
    assert Enrollment.objects.get(user__phone="13755556666").source == Enrollment.Source.WALK_IN


def test_walk_in_page_shows_the_services_refusal_on_the_form(client, classroom, trainer_user):
    _course, session = classroom
    client.force_login(trainer_user)
    client.cookies["academy_language"] = "en"

    response = client.post(
        reverse("attendance:walk_in", args=[session.pk]), {"phone": "13755557777"}
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "No one has this mobile number; enter their full name."
    ]
    assert not Enrollment.objects.exists()


@pytest.mark.parametrize("size", [3, 30])
def test_roll_call_page_queries_do_not_grow(
    client, classroom, trainer_user, django_assert_max_num_queries, size
):
    course, session = classroom
    for index in range(size):
        enrollment = ef.enrollment(course=course)
        if index % 2:
            ef.attendance(session=session, enrollment=enrollment, status=S.PRESENT)
    client.force_login(trainer_user)

    # 20, and one for the unread count of the notification bell.
    with django_assert_max_num_queries(21):
        response = client.get(reverse("attendance:roll_call", args=[session.pk]))
    assert response.text.count('class="att-trainee"') == size


def test_demo_attendance_is_idempotent(trainer_user):
    from enrollments.demo.attendance import seed_attendance

    assert seed_attendance() == 0
    course = tree.course(trainers=[trainer_user])
    tree.session(course=course, starts_at=timezone.now() - timezone.timedelta(hours=1))
    for _index in range(3):
        ef.enrollment(course=course)

    assert seed_attendance() == 3
    counts = (Attendance.objects.count(), HourEntry.objects.count())
    assert seed_attendance() == 0
    assert (Attendance.objects.count(), HourEntry.objects.count()) == counts
