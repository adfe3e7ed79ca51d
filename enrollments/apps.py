from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.utils.translation import gettext_lazy as _


def _session_saving(sender, instance, raw=False, **kwargs):
    """Publishing a course page saves its sessions: tell trainees what changed."""
    if raw or instance.pk is None:
        return
    from enrollments.services.notifications.events import (
        SESSION_NOTICE_FIELDS,
        session_changed_notify,
    )

    before = sender.objects.filter(pk=instance.pk).values(*SESSION_NOTICE_FIELDS).first()
    if before is not None:
        session_changed_notify(session=instance, before=before)


def _session_deleting(sender, instance, **kwargs):
    """A session removed from a published course is cancelled for its trainees."""
    from enrollments.services.notifications.events import session_cancelled_notify

    session_cancelled_notify(session=instance)


class EnrollmentsConfig(AppConfig):
    name = "enrollments"
    verbose_name = _("Enrolments")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from courses.models import ClassSession

        pre_save.connect(_session_saving, sender=ClassSession, dispatch_uid="session_notices")
        pre_delete.connect(_session_deleting, sender=ClassSession, dispatch_uid="session_cancel")
        from enrollments.models import ContinuingEducationPolicy
        from enrollments.selectors.hours import ce_policy_cache_forget

        for signal in (post_save, post_delete):
            signal.connect(
                ce_policy_cache_forget, sender=ContinuingEducationPolicy, dispatch_uid="ce-policy"
            )
        from enrollments.models import Notification
        from enrollments.selectors.notifications import notification_changed

        for signal in (post_save, post_delete):
            signal.connect(notification_changed, sender=Notification, dispatch_uid="unread")
        from academy.learner_version import learners_epoch_bump
        from academy.models import Organization, TraineeProfile
        from enrollments.models import (
            Attendance,
            CalendarFeedToken,
            Certificate,
            Enrollment,
            Evaluation,
            HourEntry,
            LessonProgress,
        )
        from enrollments.selectors.learner_version import learner_row_deleted, learner_row_saved

        for model in (
            Enrollment,
            LessonProgress,
            Attendance,
            HourEntry,
            Certificate,
            Evaluation,
            TraineeProfile,
            CalendarFeedToken,
        ):
            label = model._meta.label
            post_save.connect(learner_row_saved, sender=model, dispatch_uid=f"lv-s-{label}")
            post_delete.connect(learner_row_deleted, sender=model, dispatch_uid=f"lv-d-{label}")
        for model in (Organization, ContinuingEducationPolicy):
            label = model._meta.label
            post_save.connect(learners_epoch_bump, sender=model, dispatch_uid=f"le-s-{label}")
            post_delete.connect(learners_epoch_bump, sender=model, dispatch_uid=f"le-d-{label}")
