"""The courses app's models: the course tree's pages and the courses' sessions."""

from .pages import (
    HOURS_FIELD,
    CourseCatalogPage,
    CoursePage,
    CurriculumPage,
    DeliveryMode,
    EnrollmentState,
    ExamPaper,
    LessonAttachment,
    LessonImage,
    LessonPage,
    Track,
)
from .sessions import ClassSession

__all__ = [
    "HOURS_FIELD",
    "ClassSession",
    "CourseCatalogPage",
    "CoursePage",
    "CurriculumPage",
    "DeliveryMode",
    "EnrollmentState",
    "ExamPaper",
    "LessonAttachment",
    "LessonImage",
    "LessonPage",
    "Track",
]
