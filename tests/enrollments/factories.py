"""Enrolments and what they earn: progress, attendance, hour entries, certificates."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from courses.models import ClassSession, CoursePage, DeliveryMode, LessonPage
from enrollments.models import (
    Attendance,
    AttendanceExport,
    BackgroundJob,
    Certificate,
    CertificateBundle,
    Enrollment,
    ExternalTraining,
    HourEntry,
    HoursRecord,
    LessonProgress,
    Notification,
    NotificationDelivery,
    NotificationKind,
)
from tests.academy import factories as people
from tests.courses import factories as tree

PDF = b"%PDF-1.4\n%%EOF\n"


def enrollment(
    *, course: CoursePage, user=None, status: str = Enrollment.Status.ACTIVE, **fields
) -> Enrollment:
    """``user`` (a new trainee by default) in ``course``; other fields as given."""
    return Enrollment.objects.create(
        user=user or people.trainee(), course=course, status=status, **fields
    )


def certified_course(**fields) -> CoursePage:
    """The online newcomer course the certificate tests issue for, in curriculum "n"."""
    fields.setdefault("title", "社会工作伦理与价值观")
    fields.setdefault("code", "n")
    fields.setdefault("delivery_mode", DeliveryMode.ONLINE)
    fields.setdefault("class_hours", Decimal("12"))
    return tree.course(**fields)


def completed_enrollment(
    *, user=None, course: CoursePage | None = None, hours=Decimal("12.5"), year: int = 2026
) -> Enrollment:
    """李晓明 completed 社会工作伦理与价值观 on 30 June ``year``, with ``hours`` online."""
    user = user or people.trainee(full_name="李晓明")
    course = course or certified_course()
    completed_at = datetime(year, 6, 30, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    completed = enrollment(
        course=course, user=user, status=Enrollment.Status.COMPLETED, completed_at=completed_at
    )
    hour_entry(
        user=user,
        enrollment=completed,
        course=course,
        hours=hours,
        date=timezone.localdate(completed_at),
    )
    return completed


def issued_certificate(*, enrollment: Enrollment | None = None) -> Certificate:
    """A certificate issued by the service, for a new completed enrolment by default."""
    from enrollments.services.certificates.issuing import certificate_issue

    enrollment = enrollment or completed_enrollment()
    return certificate_issue(enrollment_id=enrollment.pk)


def hour_entry(*, user, hours, source: str = HourEntry.Source.ONLINE_LESSON, **fields) -> HourEntry:
    return HourEntry.objects.create(user=user, source=source, hours=Decimal(str(hours)), **fields)


def lesson_progress(
    *, enrollment: Enrollment, lesson: LessonPage, completed: bool = True, **fields
) -> LessonProgress:
    if completed:
        fields.setdefault("completed_at", timezone.now())
    return LessonProgress.objects.create(enrollment=enrollment, lesson=lesson, **fields)


def attendance(
    *,
    session: ClassSession,
    enrollment: Enrollment,
    status: str = Attendance.Status.PRESENT,
    method: str = Attendance.Method.ROLL_CALL,
    marked_by=None,
    **fields,
) -> Attendance:
    """A mark recorded by the attendance service, so the hours ledger agrees with it."""
    from enrollments.services.attendance import attendance_set

    return attendance_set(
        session_id=session.pk,
        enrollment=enrollment,
        status=status,
        method=method,
        marked_by=marked_by,
        **fields,
    )


def external_training(
    *, user, title: str = "外部培训", hours="3", day: date = date(2026, 1, 1)
) -> ExternalTraining:
    """External training submitted through the service, with a PDF proof."""
    from enrollments.services.external_training import external_training_submit

    return external_training_submit(
        user=user,
        title=title,
        provider="协会",
        date=day,
        hours=Decimal(str(hours)),
        proof=SimpleUploadedFile("proof.pdf", PDF),
    )


ASPECT_ORDER = ("content", "trainer", "organisation", "usefulness")


def evaluation(*, enrollment: Enrollment, session: ClassSession | None = None, ratings=(), text=""):
    """The trainee's evaluation through the service, on the default questionnaire: ``ratings``
    give content, trainer, organisation and usefulness in that order; ``text`` the comment."""
    from enrollments.models import EvaluationQuestionnaire
    from enrollments.services.evaluations import evaluation_submit

    questions = EvaluationQuestionnaire.objects.get(is_default=True).questions.all()
    by_aspect = {question.aspect: question for question in questions if question.kind == "rating"}
    answers: dict[int, object] = {
        by_aspect[aspect].pk: rating for aspect, rating in zip(ASPECT_ORDER, ratings, strict=True)
    }
    comment = next(question for question in questions if question.kind == "text")
    answers[comment.pk] = text
    return evaluation_submit(
        user=enrollment.user,
        enrollment_id=enrollment.pk,
        session_id=session.pk if session else None,
        answers=answers,
    )


def job_row(model: type[BackgroundJob], **fields) -> BackgroundJob:
    """A row of the job kind ``model``, pending by default, with what its job needs."""
    if model is Certificate:
        return Certificate.objects.create(enrollment=completed_enrollment(), **fields)
    if model is NotificationDelivery:
        notice = Notification.objects.create(
            recipient=people.trainee(),
            kind=NotificationKind.SESSION_REMINDER,
            key="session-reminder:1",
            title="明日上课",
            body="上午九点",
        )
        return NotificationDelivery.objects.create(
            notification=notice, channel="email", address=notice.recipient.email, **fields
        )
    administrator = people.administrator()
    if model is HoursRecord:
        return HoursRecord.objects.create(
            user=completed_enrollment().user,
            requested_by=administrator,
            period_start=date(2024, 1, 1),
            period_end=date(2026, 12, 31),
            **fields,
        )
    if model is CertificateBundle:
        return CertificateBundle.objects.create(
            requested_by=administrator, issued_from=date(2026, 1, 1), **fields
        )
    return AttendanceExport.objects.create(
        requested_by=administrator, format="csv", language="zh-hans", **fields
    )
