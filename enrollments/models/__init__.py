from .attendance import Attendance
from .enrollment import Enrollment, LessonProgress
from .external import ExternalTraining
from .ledger import HourEntry
from .policy import ContinuingEducationPolicy

__all__ = [
    "Attendance",
    "ContinuingEducationPolicy",
    "Enrollment",
    "ExternalTraining",
    "HourEntry",
    "LessonProgress",
]
