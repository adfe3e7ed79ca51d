"""Notices to trainees: in the site always, by e-mail and text message as each one chose.

``sending`` holds the one service that makes a notice (``notification_send``) and the
delivery jobs; ``events`` the notices of enrolment decisions, external training,
certificates and session changes; ``scheduled`` the reminders the workers' scheduler runs.
"""

from .sending import (
    NOTIFICATION_DELIVERY_JOB,
    notification_deliver,
    notification_delivery_record_failure,
    notification_preferences_save,
    notification_send,
    notifications_mark_read,
)

__all__ = [
    "NOTIFICATION_DELIVERY_JOB",
    "notification_deliver",
    "notification_delivery_record_failure",
    "notification_preferences_save",
    "notification_send",
    "notifications_mark_read",
]
