from .accounts import AccountMerge
from .attendance import Attendance, AttendanceRule, CheckinCodeAttempt, SessionAttendanceState
from .calendar_feed import CalendarFeedToken
from .certificates import (
    Certificate,
    CertificateBundle,
    CertificateEvent,
    CertificateSerialCounter,
    CertificateTemplate,
    HoursRecord,
)
from .enrollment import Enrollment, LessonProgress
from .evaluations import (
    Evaluation,
    EvaluationAnswer,
    EvaluationQuestion,
    EvaluationQuestionnaire,
)
from .exams import AttemptQuestion, ExamAttempt, PracticeAnswer, WrongAnswer
from .exports import AttendanceExport
from .external import ExternalTraining
from .jobs import BackgroundJob
from .ledger import HourEntry
from .notifications import (
    Notification,
    NotificationChannel,
    NotificationDelivery,
    NotificationKind,
    NotificationPreference,
)
from .policy import ContinuingEducationPolicy
from .statistics import SessionFigures, StatisticsRollup, StatisticsRule, TraineeMonthFigures

__all__ = [
    "AccountMerge",
    "AttemptQuestion",
    "Attendance",
    "AttendanceExport",
    "AttendanceRule",
    "BackgroundJob",
    "CalendarFeedToken",
    "Certificate",
    "CertificateBundle",
    "CertificateEvent",
    "CertificateSerialCounter",
    "CertificateTemplate",
    "CheckinCodeAttempt",
    "ContinuingEducationPolicy",
    "Enrollment",
    "Evaluation",
    "EvaluationAnswer",
    "EvaluationQuestion",
    "EvaluationQuestionnaire",
    "ExamAttempt",
    "ExternalTraining",
    "HourEntry",
    "HoursRecord",
    "LessonProgress",
    "Notification",
    "NotificationChannel",
    "NotificationDelivery",
    "NotificationKind",
    "NotificationPreference",
    "PracticeAnswer",
    "SessionAttendanceState",
    "SessionFigures",
    "StatisticsRollup",
    "StatisticsRule",
    "TraineeMonthFigures",
    "WrongAnswer",
]
