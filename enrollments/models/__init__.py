from .attendance import Attendance
from .enrollment import Enrollment, LessonProgress
from .ledger import HourEntry

__all__ = ["Attendance", "Enrollment", "HourEntry", "LessonProgress"]
