from .attendance import Attendance, AttendanceRule
from .enrollment import Enrollment, LessonProgress
from .exports import AttendanceExport
from .ledger import HourEntry

__all__ = [
    "Attendance",
    "AttendanceExport",
    "AttendanceRule",
    "Enrollment",
    "HourEntry",
    "LessonProgress",
]
