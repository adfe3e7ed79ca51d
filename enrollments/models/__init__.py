from .enrollment import Enrollment, LessonProgress
from .ledger import HourEntry

__all__ = ["Enrollment", "HourEntry", "LessonProgress"]
