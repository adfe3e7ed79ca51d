"""Exams: drawing papers, sitting attempts, marking, practice and the wrong-answer book.

``scoring`` holds the pure marking rules; ``drawing`` the papers drawn from blueprints;
``attempts`` starting, answering, submitting, finalising and expiring attempts;
``practice`` practice answers and the wrong-answer book."""

from .attempts import (
    ExamAttemptClosed,
    ExamNotAvailable,
    exam_attempt_answer,
    exam_attempt_finalise,
    exam_attempt_flag,
    exam_attempt_start,
    exam_attempt_submit,
    exam_attempts_expire,
)
from .drawing import (
    DrawnQuestion,
    ExamDrawingError,
    exam_paper_draw,
    question_version_current,
    question_versions_current,
)
from .practice import PracticeResult, practice_answer, wrong_answer_record, wrong_answers_record
from .scoring import ExamAnswerInvalid, answer_is_correct, answer_normalise, answer_score

__all__ = [
    "DrawnQuestion",
    "ExamAnswerInvalid",
    "ExamAttemptClosed",
    "ExamDrawingError",
    "ExamNotAvailable",
    "PracticeResult",
    "answer_is_correct",
    "answer_normalise",
    "answer_score",
    "exam_attempt_answer",
    "exam_attempt_finalise",
    "exam_attempt_flag",
    "exam_attempt_start",
    "exam_attempt_submit",
    "exam_attempts_expire",
    "exam_paper_draw",
    "practice_answer",
    "question_version_current",
    "question_versions_current",
    "wrong_answer_record",
    "wrong_answers_record",
]
