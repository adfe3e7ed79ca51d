from .attendance import Attendance
from .certificates import (
    Certificate,
    CertificateBundle,
    CertificateEvent,
    CertificateSerialCounter,
    CertificateTemplate,
    HoursRecord,
)
from .enrollment import Enrollment, LessonProgress
from .external import ExternalTraining
from .ledger import HourEntry
from .policy import ContinuingEducationPolicy

__all__ = [
    "Attendance",
    "Certificate",
    "CertificateBundle",
    "CertificateEvent",
    "CertificateSerialCounter",
    "CertificateTemplate",
    "ContinuingEducationPolicy",
    "Enrollment",
    "ExternalTraining",
    "HourEntry",
    "HoursRecord",
    "LessonProgress",
]
