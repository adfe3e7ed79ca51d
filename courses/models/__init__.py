"""The courses app's models: the course tree's pages, the courses' sessions, question
banks and exam definitions."""

from .exams import Exam, ExamFixedQuestion, ExamSection
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
from .questions import (
    CaseSubQuestion,
    Difficulty,
    MultipleChoiceScoring,
    NationalPaper,
    Question,
    QuestionBank,
    QuestionOption,
    QuestionTopic,
    QuestionType,
    QuestionVersion,
)
from .sessions import ClassSession

__all__ = [
    "HOURS_FIELD",
    "CaseSubQuestion",
    "ClassSession",
    "CourseCatalogPage",
    "CoursePage",
    "CurriculumPage",
    "DeliveryMode",
    "Difficulty",
    "EnrollmentState",
    "Exam",
    "ExamFixedQuestion",
    "ExamPaper",
    "ExamSection",
    "LessonAttachment",
    "LessonImage",
    "LessonPage",
    "MultipleChoiceScoring",
    "NationalPaper",
    "Question",
    "QuestionBank",
    "QuestionOption",
    "QuestionTopic",
    "QuestionType",
    "QuestionVersion",
    "Track",
]
