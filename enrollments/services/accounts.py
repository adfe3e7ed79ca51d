"""Merging two accounts of one person: everything the merged account holds moves to the
kept one, in one transaction; the merged account is deactivated and an audit line kept."""

from collections import Counter
from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.db.models import Max, Q
from django.utils.translation import gettext as _

from academy.errors import RuleViolation
from academy.learner_version import learner_version_bump
from academy.models import TraineeProfile, User
from enrollments.models import (
    AccountMerge,
    Attendance,
    Certificate,
    Enrollment,
    Evaluation,
    ExamAttempt,
    HourEntry,
    LessonProgress,
    TraineeMonthFigures,
)
from enrollments.selectors.accounts import relation_label, user_relations
from enrollments.selectors.notifications import notification_unread_forget

# How much an enrolment has achieved, to choose which of two in one course is kept.
_STATUS_RANK: dict[str, int] = {
    Enrollment.Status.COMPLETED: 5,
    Enrollment.Status.ACTIVE: 4,
    Enrollment.Status.PENDING: 3,
    Enrollment.Status.WAITLISTED: 2,
    Enrollment.Status.WITHDRAWN: 1,
    Enrollment.Status.REJECTED: 0,
}
_ENROLLMENT_STATE_FIELDS = (
    "status",
    "source",
    "waitlisted_at",
    "decided_at",
    "decided_by",
    "decision_reason",
    "completed_at",
    "withdrawn_at",
)

Relation = models.ForeignObjectRel
Handler = Callable[[Relation, User, User, Counter], None]


_label = relation_label


def _move(relation: Relation, kept: User, merged: User, counts: Counter) -> None:
    manager = relation.related_model._base_manager
    moved = manager.filter(**{relation.field.name: merged}).update(**{relation.field.name: kept})
    if moved:
        counts[_label(relation)] += moved


def _move_unless_kept_has(*others: str) -> Handler:
    """Move the rows whose other key fields the kept account has no row for; the rest are
    duplicates of the kept account's and are deleted."""

    def handler(relation: Relation, kept: User, merged: User, counts: Counter) -> None:
        manager = relation.related_model._base_manager
        name = relation.field.name
        taken = set(manager.filter(**{name: kept}).values_list(*others))
        for row in manager.filter(**{name: merged}):
            key = tuple(getattr(row, f"{other}_id", getattr(row, other)) for other in others)
            if key in taken:
                row.delete()
                counts[f"{_label(relation)} (duplicate)"] += 1
            else:
                manager.filter(pk=row.pk).update(**{name: kept})
                counts[_label(relation)] += 1

    return handler


def _stay(relation: Relation, kept: User, merged: User, counts: Counter) -> None:
    """Rows that describe the account itself stay with it."""


def _delete(relation: Relation, kept: User, merged: User, counts: Counter) -> None:
    deleted, _by_model = relation.related_model._base_manager.filter(
        **{relation.field.name: merged}
    ).delete()
    if deleted:
        counts[f"{_label(relation)} (deleted)"] += deleted


def _through_many_to_many(relation: Relation, kept: User, merged: User, counts: Counter) -> None:
    """Handled through the table behind it."""


def _profile(relation: Relation, kept: User, merged: User, counts: Counter) -> None:
    """The kept profile takes what it lacks from the merged one."""
    other = TraineeProfile.objects.filter(user=merged).first()
    if other is None:
        return
    profile, _created = TraineeProfile.objects.get_or_create(user=kept)
    changed = []
    for field in (
        "organization",
        "unlisted_organization",
        "qualification_number",
        "registration_date",
    ):
        if not getattr(profile, field) and getattr(other, field):
            setattr(profile, field, getattr(other, field))
            changed.append(field)
    if profile.qualification_level == "none" and other.qualification_level != "none":
        profile.qualification_level = other.qualification_level
        changed.append("qualification_level")
    if profile.organization_id and profile.unlisted_organization:
        profile.unlisted_organization = ""
        changed.append("unlisted_organization")
    if changed:
        profile.save(update_fields=sorted(set(changed)))
        counts[_label(relation)] += 1


def _month_figures(relation: Relation, kept: User, merged: User, counts: Counter) -> None:
    """Monthly figures add up; months only the merged account has move. Their profile
    columns are the kept account's from the next rebuild on."""
    additive = [
        field.name
        for field in TraineeMonthFigures._meta.concrete_fields
        if field.name not in ("id", "user", "month", "organization", "qualification_level")
    ]
    kept_months = {row.month: row for row in TraineeMonthFigures.objects.filter(user=kept)}
    for row in TraineeMonthFigures.objects.filter(user=merged):
        target = kept_months.get(row.month)
        if target is None:
            TraineeMonthFigures.objects.filter(pk=row.pk).update(user=kept)
        else:
            for name in additive:
                setattr(target, name, getattr(target, name) + getattr(row, name))
            target.save(update_fields=additive)
            row.delete()
        counts[_label(relation)] += 1


def _rank(enrollment: Enrollment) -> tuple:
    done = enrollment.lesson_progress.filter(completed_at__isnull=False).count()
    hours = HourEntry.objects.filter(enrollment=enrollment).aggregate(total=models.Sum("hours"))
    return (_STATUS_RANK.get(enrollment.status, 0), done, hours["total"] or 0)


def _fold_enrollment(*, survivor: Enrollment, other: Enrollment, counts: Counter) -> bool:
    """Fold ``other`` (the merged account's enrolment in the same course) into
    ``survivor``; True when nothing is left on ``other`` and it was deleted."""
    if _rank(other) > _rank(survivor):
        for field in _ENROLLMENT_STATE_FIELDS:
            setattr(survivor, field, getattr(other, field))
        survivor.save(update_fields=[*_ENROLLMENT_STATE_FIELDS, "updated_at"])
        counts["enrollments.Enrollment (state taken over)"] += 1

    kept_progress = {row.lesson_id: row for row in survivor.lesson_progress.all()}
    for row in other.lesson_progress.all():
        mine = kept_progress.get(row.lesson_id)
        if mine is None:
            LessonProgress.objects.filter(pk=row.pk).update(enrollment=survivor)
            counts["enrollments.LessonProgress.enrollment"] += 1
            continue
        mine.seconds_on_task = max(mine.seconds_on_task, row.seconds_on_task)
        finished = [value for value in (mine.completed_at, row.completed_at) if value]
        mine.completed_at = min(finished) if finished else None
        mine.save(update_fields=["seconds_on_task", "completed_at"])
        row.delete()
        counts["enrollments.LessonProgress.enrollment (duplicate)"] += 1

    kept_sessions = set(survivor.attendances.values_list("session_id", flat=True))
    for mark in other.attendances.all():
        if mark.session_id in kept_sessions:
            mark.delete()
            counts["enrollments.Attendance.enrollment (duplicate)"] += 1
        else:
            Attendance.objects.filter(pk=mark.pk).update(enrollment=survivor)
            counts["enrollments.Attendance.enrollment"] += 1

    # A credit for a lesson or session the kept enrolment was credited for already is a
    # duplicate: it stays, with its corrections, on the merged account's enrolment.
    survivor_entries = HourEntry.objects.filter(enrollment=survivor)
    credited_lessons = set(
        survivor_entries.filter(source=HourEntry.Source.ONLINE_LESSON, corrects__isnull=True)
        .exclude(lesson=None)
        .values_list("lesson_id", flat=True)
    )
    credited_sessions = set(
        survivor_entries.exclude(session=None).values_list("session_id", flat=True)
    )
    entries = HourEntry.objects.filter(enrollment=other)
    duplicates = set(
        entries.filter(
            Q(source=HourEntry.Source.ONLINE_LESSON, lesson_id__in=credited_lessons)
            | Q(session_id__in=credited_sessions)
        ).values_list("pk", flat=True)
    )
    duplicates |= set(entries.filter(corrects_id__in=duplicates).values_list("pk", flat=True))
    moved = entries.exclude(pk__in=duplicates).update(enrollment=survivor)
    counts["enrollments.HourEntry.enrollment"] += moved
    if duplicates:
        counts["enrollments.HourEntry.enrollment (duplicate, left)"] += len(duplicates)

    moved_attempts = ExamAttempt.objects.filter(enrollment=other).update(enrollment=survivor)
    if moved_attempts:
        counts["enrollments.ExamAttempt.enrollment"] += moved_attempts

    certificate = Certificate.objects.filter(enrollment=other).first()
    if certificate is not None and not Certificate.objects.filter(enrollment=survivor).exists():
        Certificate.objects.filter(pk=certificate.pk).update(enrollment=survivor)
        counts["enrollments.Certificate.enrollment"] += 1

    kept_evaluations = set(survivor.evaluations.values_list("session_id", flat=True))
    for evaluation in Evaluation.objects.filter(enrollment=other):
        if evaluation.session_id not in kept_evaluations:
            Evaluation.objects.filter(pk=evaluation.pk).update(enrollment=survivor)
            counts["enrollments.Evaluation.enrollment"] += 1

    still_used = (
        HourEntry.objects.filter(enrollment=other).exists()
        or Certificate.objects.filter(enrollment=other).exists()
        or Evaluation.objects.filter(enrollment=other).exists()
    )
    if still_used:
        counts["enrollments.Enrollment (left on the merged account)"] += 1
        return False
    other.delete()
    counts["enrollments.Enrollment (folded)"] += 1
    return True


def _enrollments(relation: Relation, kept: User, merged: User, counts: Counter) -> None:
    """Enrolments move; one in a course the kept account is enrolled in too is folded
    into the kept enrolment, which takes the better state of the two."""
    survivors = {row.course_id: row for row in Enrollment.objects.filter(user=kept)}
    left_behind = []
    for other in Enrollment.objects.filter(user=merged, course_id__in=survivors):
        if not _fold_enrollment(survivor=survivors[other.course_id], other=other, counts=counts):
            left_behind.append(other.pk)
    moved = Enrollment.objects.filter(user=merged).exclude(pk__in=left_behind).update(user=kept)
    counts[_label(relation)] += moved


def _exam_attempts(relation: Relation, kept: User, merged: User, counts: Counter) -> None:
    """Exam attempts move and are numbered after the kept account's own attempts at the
    same exam. Both accounts in the middle of one exam: the merge waits for one to end."""
    attempts = ExamAttempt.objects.filter(user=merged).order_by("exam_id", "number", "pk")
    in_progress = ExamAttempt.Status.IN_PROGRESS
    clash = (
        attempts.filter(status=in_progress)
        .filter(exam__attempts__user=kept, exam__attempts__status=in_progress)
        .select_related("exam")
        .first()
    )
    if clash is not None:
        raise RuleViolation(
            _("Both accounts are taking “%(exam)s” now: merge them once one attempt has ended.")
            % {"exam": clash.exam},
            code="exam_attempt_in_progress",
        )
    last_numbers = dict(
        ExamAttempt.objects.filter(user=kept)
        .values("exam_id")
        .annotate(last=Max("number"))
        .values_list("exam_id", "last")
    )
    for attempt in attempts:
        last_numbers[attempt.exam_id] = last_numbers.get(attempt.exam_id, 0) + 1
        attempt.number = last_numbers[attempt.exam_id]
        attempt.user = kept
        attempt.save(update_fields=["number", "user"])
        counts[_label(relation)] += 1


def _hour_entries(relation: Relation, kept: User, merged: User, counts: Counter) -> None:
    """Hour entries move, but for duplicates left on an enrolment of the merged account.

    The ledger is append-only for corrections of hours; moving an entry between accounts
    changes whose it is, not what it says, so it is an update."""
    moved = HourEntry.objects.filter(user=merged).exclude(enrollment__user=merged).update(user=kept)
    counts[_label(relation)] += moved


# Every relation to the user model and what a merge does with it. A relation missing here
# stops the merge (and a test), so that a new model's rows are never forgotten.
RELATION_HANDLERS: dict[str, Handler] = {
    "academy.User_groups.user": _move_unless_kept_has("group"),
    "academy.User_user_permissions.user": _move_unless_kept_has("permission"),
    "academy.TraineeProfile.user": _profile,
    "courses.CoursePage_trainers.user": _move_unless_kept_has("coursepage"),
    "courses.CoursePage.trainers": _through_many_to_many,
    "courses.ClassSession.trainer": _move,
    "enrollments.AccountMerge.kept": _stay,
    "enrollments.AccountMerge.merged": _stay,
    "enrollments.AccountMerge.actor": _stay,
    "enrollments.Attendance.marked_by": _move,
    "enrollments.SessionAttendanceState.locked_by": _move,
    "enrollments.CheckinCodeAttempt.user": _delete,
    "enrollments.CertificateEvent.actor": _move,
    "enrollments.CertificateBundle.requested_by": _move,
    "enrollments.HoursRecord.user": _move,
    "enrollments.HoursRecord.requested_by": _move,
    "enrollments.Enrollment.user": _enrollments,
    "enrollments.Enrollment.decided_by": _move,
    "enrollments.AttendanceExport.requested_by": _move,
    "enrollments.ExternalTraining.user": _move,
    "enrollments.ExternalTraining.decided_by": _move,
    "enrollments.HourEntry.user": _hour_entries,
    "enrollments.HourEntry.recorded_by": _move,
    "enrollments.TraineeMonthFigures.user": _month_figures,
    "enrollments.Notification.recipient": _move_unless_kept_has("key"),
    "enrollments.NotificationPreference.user": _move_unless_kept_has("kind", "channel"),
    # A personal calendar link of the deactivated account would stop working anyway.
    "enrollments.CalendarFeedToken.user": _delete,
    "enrollments.ExamAttempt.user": _exam_attempts,
    "enrollments.AttemptQuestion.marked_by": _move,
    "enrollments.PracticeAnswer.user": _move,
    # One entry per question in the wrong-answer book: the kept account's stays.
    "enrollments.WrongAnswer.user": _move_unless_kept_has("question"),
    # The change history says who held and who changed each row at the time; a merge
    # is recorded by its own line and never rewrites it.
    **{
        f"enrollments.Historical{model}.{field}": _stay
        for model, fields in (
            ("Attendance", ("history_user", "marked_by")),
            ("SessionAttendanceState", ("history_user", "locked_by")),
            ("HourEntry", ("history_user", "user", "recorded_by")),
            ("Enrollment", ("history_user", "user", "decided_by")),
            ("Certificate", ("history_user",)),
        )
        for field in fields
    },
    "wagtailusers.UserProfile.user": _stay,
    "wagtaildocs.Document.uploaded_by_user": _move,
    "wagtailimages.Image.uploaded_by_user": _move,
    "wagtailadmin.EditingSession.user": _delete,
    "wagtailadmin.FormState.user": _delete,
    "wagtailcore.APIToken.user": _delete,
    "wagtailcore.ModelLogEntry.user": _move,
    "wagtailcore.Revision.user": _move,
    "wagtailcore.UploadedFile.uploaded_by_user": _move,
    "wagtailcore.WorkflowState.requested_by": _move,
    "wagtailcore.TaskState.finished_by": _move,
    "wagtailcore.Page.locked_by": _move,
    "wagtailcore.Page.owner": _move,
    "wagtailcore.PageLogEntry.user": _move,
    "wagtailcore.Comment.user": _move,
    "wagtailcore.Comment.resolved_by": _move,
    "wagtailcore.CommentReply.user": _move,
    "wagtailcore.PageSubscription.user": _move_unless_kept_has("page"),
    "admin.LogEntry.user": _move,
}
# Enrolments go first, so that hour entries know which enrolments stayed behind.
_ORDER = ["enrollments.Enrollment.user"]


@transaction.atomic
def account_merge(*, kept: User, merged: User, actor: User) -> AccountMerge:
    """Move everything ``merged`` holds to ``kept`` (enrolments, progress, attendance,
    hour entries, certificates with their serial numbers, external training, figures,
    and what the person did as trainer or administrator), deactivate ``merged`` and
    record the merge. Both enrolled in one course: the better enrolment's state is kept
    and the other's progress, attendance and hours move to it, duplicates dropped.
    """
    if kept.pk == merged.pk:
        raise RuleViolation(_("Choose two different accounts."), code="same_account")
    locked = {
        user.pk: user
        for user in User.objects.select_for_update().filter(pk__in=[kept.pk, merged.pk])
    }
    kept, merged = locked[kept.pk], locked[merged.pk]
    if not merged.is_active:
        raise RuleViolation(
            _("The account to merge is deactivated already; it may have been merged."),
            code="merged_inactive",
        )
    if not kept.is_active:
        raise RuleViolation(_("The account to keep is deactivated."), code="kept_inactive")
    relations = {_label(relation): relation for relation in user_relations()}
    unknown = sorted(set(relations) - set(RELATION_HANDLERS))
    if unknown:
        raise ImproperlyConfigured(
            f"account_merge does not know what to do with {', '.join(unknown)}."
        )
    counts: Counter = Counter()
    for label in sorted(relations, key=lambda name: (name not in _ORDER, name)):
        RELATION_HANDLERS[label](relations[label], kept, merged, counts)

    taken_over = []
    for field in ("phone", "email"):
        if not getattr(kept, field) and getattr(merged, field):
            setattr(kept, field, getattr(merged, field))
            setattr(merged, field, "")
            taken_over.append(field)
    merged.is_active = False
    merged.save(update_fields=["is_active", "phone", "email"])
    if taken_over:
        kept.save(update_fields=taken_over)
    notification_unread_forget(kept.pk, merged.pk)
    learner_version_bump(kept.pk, merged.pk)
    return AccountMerge.objects.create(
        kept=kept, merged=merged, actor=actor, counts=dict(sorted(counts.items()))
    )
