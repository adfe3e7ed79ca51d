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
from .ledger import HourEntry

__all__ = [
    "Attendance",
    "Certificate",
    "CertificateBundle",
    "CertificateEvent",
    "CertificateSerialCounter",
    "CertificateTemplate",
    "Enrollment",
    "HourEntry",
    "HoursRecord",
    "LessonProgress",
]
