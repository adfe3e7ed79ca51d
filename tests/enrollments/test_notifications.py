"""Notices: each kind reaches the right people once, on the channels they allowed."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from academy.models import QualificationLevel
from courses.models import ClassSession, CoursePage
from enrollments.models import (
    ExternalTraining,
    Notification,
    NotificationChannel,
    NotificationDelivery,
    NotificationKind,
)
from enrollments.services.enrollment import (
    enrollment_admit_from_waitlist,
    enrollment_approve,
    enrollment_enrol,
    enrollment_reject,
    enrollment_withdraw,
)
from enrollments.services.external_training import (
    external_training_approve,
    external_training_reject,
    external_training_submit,
)
from enrollments.services.notifications import (
    notification_preferences_save,
    notification_send,
)
from enrollments.services.notifications.scheduled import (
    ce_cycle_reminders_send,
    session_reminders_send,
)
from tests.academy import factories
from tests.courses import factories as tree
from tests.enrollments import factories as ef

pytestmark = pytest.mark.django_db
Kind = NotificationKind
SHANGHAI = ZoneInfo("Asia/Shanghai")


def kinds_of(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def channels_of(user) -> set[str]:
    return set(
        NotificationDelivery.objects.filter(notification__recipient=user).values_list(
            "channel", flat=True
        )
    )


def test_a_notice_is_made_once_per_key_and_sent_on_the_default_channels(
    django_capture_on_commit_callbacks, sms_outbox
):
    trainee = factories.trainee(email="li@example.com", phone="13800138000")

    with django_capture_on_commit_callbacks(execute=True):
        first = notification_send(
            recipient=trainee,
            kind=Kind.SESSION_REMINDER,
            key="session-reminder:1",
            title="明日上课",
            body="上午九点",
            link="/learning/",
        )
    with django_capture_on_commit_callbacks(execute=True):
        again = notification_send(
            recipient=trainee,
            kind=Kind.SESSION_REMINDER,
            key="session-reminder:1",
            title="明日上课",
            body="上午九点",
        )

    assert again.pk == first.pk
    assert Notification.objects.count() == 1
    assert [message.to for message in mail.outbox] == [["li@example.com"]]
    assert mail.outbox[0].subject == "明日上课"
    assert "http://127.0.0.1:8000/learning/" in mail.outbox[0].body
    assert [(message.phone, message.text) for message in sms_outbox] == [
        ("13800138000", "明日上课：上午九点")
    ]
    deliveries = NotificationDelivery.objects.order_by("channel")
    assert [(d.channel, d.job_status, d.address) for d in deliveries] == [
        ("email", "done", "li@example.com"),
        ("sms", "done", "13800138000"),
    ]


def test_opted_out_channels_and_missing_addresses_send_nothing(
    django_capture_on_commit_callbacks, sms_outbox
):
    trainee = factories.trainee(email="", phone="13800138001")
    other = factories.trainee()
    notification_preferences_save(
        user=trainee, preferences={(Kind.SESSION_REMINDER, NotificationChannel.SMS): False}
    )

    with django_capture_on_commit_callbacks(execute=True):
        notification_send(
            recipient=trainee, kind=Kind.SESSION_REMINDER, key="k", title="t", body="b"
        )
        notification_send(recipient=other, kind=Kind.SESSION_REMINDER, key="k", title="t", body="b")

    # In the site always; no e-mail address, and text messages turned off.
    assert Notification.objects.filter(recipient=trainee).count() == 1
    assert channels_of(trainee) == set()
    assert channels_of(other) == {"email", "sms"}
    assert [message.phone for message in sms_outbox] == [other.phone]


def test_approval_and_rejection_tell_the_applicant(
    admin_user, django_capture_on_commit_callbacks, sms_outbox
):
    course = tree.course(requires_approval=True, title="儿童保护实务")
    accepted, refused = factories.trainee(), factories.trainee()
    first = enrollment_enrol(user=accepted, course=course)
    second = enrollment_enrol(user=refused, course=course)

    with django_capture_on_commit_callbacks(execute=True):
        enrollment_approve(enrollment_id=first.pk, actor=admin_user)
        enrollment_reject(enrollment_id=second.pk, actor=admin_user, reason="名额已满")

    assert kinds_of(accepted) == [Kind.ENROLLMENT_APPROVED]
    assert channels_of(accepted) == {"email", "sms"}
    assert kinds_of(refused) == [Kind.ENROLLMENT_REJECTED]
    # A refusal goes by e-mail, not by text message, unless the trainee asks for it.
    assert channels_of(refused) == {"email"}
    refusal = Notification.objects.get(recipient=refused)
    assert "儿童保护实务" in refusal.title and "名额已满" in refusal.body
    assert [message.phone for message in sms_outbox] == [accepted.phone]
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [accepted.email, refused.email]
    )


def test_moving_up_from_the_waiting_list_is_told_to_the_trainee_who_moved(
    admin_user, django_capture_on_commit_callbacks
):
    course = tree.course(capacity=1)
    holder, waiting_user, later = factories.trainee(), factories.trainee(), factories.trainee()
    seat = enrollment_enrol(user=holder, course=course)
    enrollment_enrol(user=waiting_user, course=course)
    enrollment_enrol(user=later, course=course, now=timezone.now() + timedelta(minutes=1))

    with django_capture_on_commit_callbacks(execute=True):
        enrollment_withdraw(enrollment=seat, user=holder)

    assert kinds_of(waiting_user) == [Kind.WAITLIST_PROMOTED]
    assert kinds_of(holder) == [] and kinds_of(later) == []
    assert "已报名成功" in Notification.objects.get(recipient=waiting_user).body

    course.capacity = 3
    course.save_revision().publish()
    later_enrollment = later.enrollments.get()
    with django_capture_on_commit_callbacks(execute=True):
        enrollment_admit_from_waitlist(enrollment_id=later_enrollment.pk, actor=admin_user)
    assert kinds_of(later) == [Kind.WAITLIST_PROMOTED]
    assert len(mail.outbox) == 2


def test_external_training_review_is_told_once_by_email(
    admin_user, django_capture_on_commit_callbacks, sms_outbox
):
    trainee = factories.trainee()
    proof = SimpleUploadedFile("proof.pdf", ef.PDF, content_type="application/pdf")
    approved = external_training_submit(
        user=trainee,
        title="督导培训",
        provider="市社工协会",
        date=date(2026, 5, 1),
        hours=Decimal("6"),
        proof=proof,
    )
    rejected = ef.external_training(user=trainee)

    with django_capture_on_commit_callbacks(execute=True):
        external_training_approve(training_id=approved.pk, actor=admin_user)
        external_training_reject(training_id=rejected.pk, actor=admin_user, reason="证明不清晰")

    notices = Notification.objects.filter(recipient=trainee).order_by("pk")
    assert [n.kind for n in notices] == [Kind.EXTERNAL_TRAINING_REVIEWED] * 2
    assert "督导培训" in notices[0].title and "6" in notices[0].body
    assert "证明不清晰" in notices[1].body
    assert len(mail.outbox) == 2 and sms_outbox == []
    assert ExternalTraining.objects.filter(status=ExternalTraining.Status.APPROVED).count() == 1


def test_an_issued_certificate_is_a_notice_with_its_email(django_capture_on_commit_callbacks):
    from enrollments.services.certificates import issuing

    enrollment = ef.completed_enrollment()
    with django_capture_on_commit_callbacks(execute=True):
        issuing.certificate_issue(enrollment_id=enrollment.pk)

    notice = Notification.objects.get(recipient=enrollment.user)
    assert notice.kind == Kind.CERTIFICATE_ISSUED
    assert notice.link == "/certificates/"
    assert channels_of(enrollment.user) == {"email"}
    assert len(mail.outbox) == 1 and mail.outbox[0].subject == notice.title


def _tomorrow_at(hour: int) -> datetime:
    tomorrow = timezone.localdate() + timedelta(days=1)
    return datetime(tomorrow.year, tomorrow.month, tomorrow.day, hour, tzinfo=SHANGHAI)


def test_session_reminders_go_to_enrolled_trainees_once(
    django_capture_on_commit_callbacks, sms_outbox
):
    course = tree.course(title="社区矫正")
    tomorrow = tree.session(course=course, title="第一次课", starts_at=_tomorrow_at(9))
    tree.session(course=course, title="后天的课", starts_at=_tomorrow_at(9) + timedelta(days=1))
    enrolled = ef.enrollment(course=course)
    quiet = ef.enrollment(course=course)
    ef.enrollment(course=course, status="withdrawn")
    ef.enrollment(course=course, status="waitlisted")
    notification_preferences_save(
        user=quiet.user,
        preferences={
            (Kind.SESSION_REMINDER, NotificationChannel.SMS): False,
            (Kind.SESSION_REMINDER, NotificationChannel.EMAIL): False,
        },
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert session_reminders_send() == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert session_reminders_send() == 0

    notices = Notification.objects.all()
    assert sorted(n.recipient_id for n in notices) == sorted([enrolled.user_id, quiet.user_id])
    notice = notices.get(recipient=enrolled.user)
    assert notice.kind == Kind.SESSION_REMINDER
    assert notice.key == f"session-reminder:{tomorrow.pk}:{_tomorrow_at(9).date().isoformat()}"
    assert "第一次课" in notice.title
    assert "社会工作服务大楼 301 教室" in notice.body and "09:00" in notice.body
    assert "签到" in notice.body
    assert [m.phone for m in sms_outbox] == [enrolled.user.phone]
    assert [m.to for m in mail.outbox] == [[enrolled.user.email]]


def test_a_live_session_reminder_gives_the_meeting_link(django_capture_on_commit_callbacks):
    course = tree.course()
    tree.session(
        course=course,
        starts_at=_tomorrow_at(19),
        kind=ClassSession.Kind.LIVE_ONLINE,
        place="",
        meeting_url="https://meeting.example/abc",
    )
    trainee = ef.enrollment(course=course).user

    with django_capture_on_commit_callbacks(execute=True):
        session_reminders_send()

    assert "https://meeting.example/abc" in Notification.objects.get(recipient=trainee).body


def _fresh_course(course: CoursePage) -> CoursePage:
    return CoursePage.objects.get(pk=course.pk)


def test_publishing_a_changed_session_tells_its_trainees_once(
    django_capture_on_commit_callbacks, sms_outbox
):
    course = tree.course()
    session = tree.session(course=course, days_ahead=5)
    tree.session(course=course, days_ahead=6, title="不变的课")
    trainee = ef.enrollment(course=course).user
    ef.enrollment(course=course, status="withdrawn")

    page = _fresh_course(course)
    sessions = list(page.sessions.all())
    sessions[0].place = "区社工中心 2 楼"
    page.sessions = sessions
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    with django_capture_on_commit_callbacks(execute=True):
        _fresh_course(course).save_revision().publish()

    notice = Notification.objects.get()
    assert notice.recipient == trainee and notice.kind == Kind.SESSION_CHANGED
    assert session.title in notice.title and "区社工中心 2 楼" in notice.body
    assert len(sms_outbox) == 1 and len(mail.outbox) == 1


def test_removing_an_upcoming_session_cancels_it_for_its_trainees(
    django_capture_on_commit_callbacks,
):
    course = tree.course()
    tree.session(course=course, days_ahead=5, title="取消的课")
    kept = tree.session(course=course, days_ahead=6)
    trainee = ef.enrollment(course=course).user

    page = _fresh_course(course)
    page.sessions = [s for s in page.sessions.all() if s.pk == kept.pk]
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()

    notice = Notification.objects.get()
    assert notice.recipient == trainee and notice.kind == Kind.SESSION_CANCELLED
    assert "取消的课" in notice.title
    assert ClassSession.objects.filter(course=course).count() == 1


def _ce_trainee(*, cycle_ends: date, hours: str):
    """An assistant (72 hours in 3 years) whose cycle ends on ``cycle_ends``."""
    registered = cycle_ends.replace(year=cycle_ends.year - 3) + timedelta(days=1)
    user = factories.trainee(
        qualification_level=QualificationLevel.ASSISTANT, registration_date=registered
    )
    ef.hour_entry(
        user=user, hours=Decimal(hours), source="attendance", date=registered + timedelta(days=30)
    )
    return user


def test_ce_cycle_reminders_at_six_and_two_months_while_hours_are_short(
    django_capture_on_commit_callbacks,
):
    today = date(2026, 12, 3)
    short = _ce_trainee(cycle_ends=date(2027, 5, 31), hours="42")
    done = _ce_trainee(cycle_ends=date(2027, 5, 31), hours="72")
    far = _ce_trainee(cycle_ends=date(2027, 8, 31), hours="10")

    with django_capture_on_commit_callbacks(execute=True):
        assert ce_cycle_reminders_send(today=today) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert ce_cycle_reminders_send(today=today + timedelta(days=1)) == 0

    notice = Notification.objects.get()
    assert notice.recipient == short and notice.kind == Kind.CE_CYCLE_REMINDER
    assert notice.key == "ce-cycle:2027-05-31:6m"
    assert "30" in notice.body and "72" in notice.body
    assert kinds_of(done) == [] and kinds_of(far) == []

    with django_capture_on_commit_callbacks(execute=True):
        assert ce_cycle_reminders_send(today=date(2027, 4, 1)) == 2
    assert set(Notification.objects.values_list("recipient_id", "key")) == {
        (short.pk, "ce-cycle:2027-05-31:6m"),
        (short.pk, "ce-cycle:2027-05-31:2m"),
        (far.pk, "ce-cycle:2027-08-31:6m"),
    }
    assert len(mail.outbox) == 3


def test_the_scheduler_runs_both_reminders_at_their_intervals(settings):
    from django_rq.cron import DjangoCronScheduler

    from enrollments.tasks import ce_cycle_reminders_task, session_reminders_task

    scheduler = DjangoCronScheduler()
    scheduler.load_config_from_file("enrollments.cron")
    jobs = {job.name: job for job in scheduler.get_jobs()}
    assert jobs["session_reminders"].func is session_reminders_task.func
    assert jobs["session_reminders"].interval == settings.SESSION_REMINDER_INTERVAL_SECONDS
    assert jobs["ce_cycle_reminders"].func is ce_cycle_reminders_task.func
    assert jobs["ce_cycle_reminders"].interval == settings.CE_CYCLE_REMINDER_INTERVAL_SECONDS
