"""Saved and deleted rows of a trainee's records move their version
(``academy.learner_version``); connected in ``EnrollmentsConfig.ready``."""

from academy.learner_version import learner_version_bump, learners_epoch_bump
from enrollments.models import Enrollment
from enrollments.models.jobs import BackgroundJob

# Saves of fields the dashboard does not show: a lesson beat's time on task, and a
# background job's own bookkeeping (a certificate's job status, attempts, error, times).
_JOB_FIELDS = frozenset({"job_status", "updated_at", *BackgroundJob.BOOKKEEPING_FIELDS})
_UNSHOWN_FIELDS = {
    "enrollments.LessonProgress": frozenset({"seconds_on_task", "last_beat_at"}),
    "enrollments.Certificate": _JOB_FIELDS,
}


def learner_row_saved(sender, instance, update_fields=None, raw=False, **_signal) -> None:
    """A row of one of the trainee's records was saved."""
    if raw:
        return
    if update_fields and set(update_fields) <= _UNSHOWN_FIELDS.get(sender._meta.label, set()):
        return
    user_id = getattr(instance, "user_id", None)
    if user_id is None and getattr(instance, "enrollment_id", None) is not None:
        enrollment = instance._state.fields_cache.get("enrollment")
        if enrollment is not None:
            user_id = enrollment.user_id
        else:
            user_id = (
                Enrollment.objects.filter(pk=instance.enrollment_id)
                .values_list("user_id", flat=True)
                .first()
            )
    if user_id is None:
        learners_epoch_bump()
    else:
        learner_version_bump(user_id)


def learner_row_deleted(sender, instance, **_signal) -> None:
    """A row was deleted: its enrolment may be going too, so without the user at hand
    every trainee's version moves (deletions are rare)."""
    user_id = getattr(instance, "user_id", None)
    if user_id is None:
        learners_epoch_bump()
    else:
        learner_version_bump(user_id)
