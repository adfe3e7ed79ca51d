"""The trainee's exam screens: the 考前练习 home, an exam's start page, one question per
screen with its map, submission and the result with its review, practice by topic and
the wrong-answer book (错题本).

Answers arrive from ``exams.js`` as JSON as they are given, or as a plain form post
when scripts are off; either way the service keeps the deadline, and nothing on these
pages or in their JSON tells the answer while the attempt is in progress.
"""

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from courses.models import Exam, QuestionBank, QuestionTopic
from enrollments.models import AttemptQuestion, ExamAttempt
from enrollments.selectors.exam_screens import (
    EXAM_ENROLMENT_STATUSES,
    exams_home_for_user,
    question_display,
)
from enrollments.selectors.exams import (
    attempt_question_screen,
    exam_attempt_for_user,
    exam_attempt_result,
    practice_bank_allowed,
    practice_questions,
    wrong_answers_for_user,
)
from enrollments.services.exams import (
    ExamAnswerInvalid,
    ExamAttemptClosed,
    ExamNotAvailable,
    exam_attempt_answer,
    exam_attempt_flag,
    exam_attempt_start,
    exam_attempt_submit,
    practice_answer,
)

IN_PROGRESS = ExamAttempt.Status.IN_PROGRESS


def _error_text(error: Exception) -> str:
    return getattr(error, "text", "") or str(error)


def _exam_for_trainee(user, exam_id: int) -> Exam:
    """A published exam of a course the trainee studies; 404 for any other."""
    return get_object_or_404(
        Exam.objects.filter(
            is_published=True,
            course__enrollments__user=user,
            course__enrollments__status__in=EXAM_ENROLMENT_STATUSES,
        )
        .distinct()
        .select_related("course", "paper"),
        pk=exam_id,
    )


def _question_url(attempt: ExamAttempt, position: int) -> str:
    return reverse("exams:question", args=[attempt.pk, position])


def _is_late(attempt: ExamAttempt) -> bool:
    return attempt.deadline_at is not None and attempt.deadline_at <= timezone.now()


def _finish_if_late(attempt: ExamAttempt) -> ExamAttempt:
    """An attempt whose time ran out is submitted now, as the scheduler would."""
    if attempt.status == IN_PROGRESS and _is_late(attempt):
        return exam_attempt_submit(attempt_id=attempt.pk, expired=True)
    return attempt


def _parse_answer(request: HttpRequest, content_type: str, sub_questions: int) -> Any:
    """The answer of a JSON body ``{"answer": ...}`` or of a form post."""
    if request.content_type == "application/json":
        try:
            body = json.loads(request.body or b"{}")
        except ValueError as error:
            raise ExamAnswerInvalid(_("The answer could not be read.")) from error
        if not isinstance(body, dict):
            raise ExamAnswerInvalid(_("The answer could not be read."))
        return body.get("answer")
    if content_type == "case":
        return [request.POST.get(f"answer_{index}", "") for index in range(sub_questions)]
    chosen = request.POST.getlist("answer")
    return sorted(chosen) if chosen else None


@login_required
@require_GET
def exams_home(request):
    """考前练习: the trainee's exams, practice banks and wrong-answer book."""
    return render(request, "enrollments/exams/home.html", exams_home_for_user(user=request.user))


@login_required
@require_GET
def exam_detail(request, exam_id: int):
    exam = _exam_for_trainee(request.user, exam_id)
    attempts = list(ExamAttempt.objects.filter(exam=exam, user=request.user).order_by("-number"))
    in_progress = next((a for a in attempts if a.status == IN_PROGRESS), None)
    used = len(attempts)
    return render(
        request,
        "enrollments/exams/exam_detail.html",
        {
            "exam": exam,
            "attempts": attempts,
            "in_progress": in_progress,
            "attempts_left": None
            if not exam.attempts_allowed
            else max(0, exam.attempts_allowed - used),
            "sections": list(exam.sections.all()),
            "fixed_count": exam.fixed_questions.count()
            if exam.drawing == Exam.Drawing.FIXED
            else None,
        },
    )


@login_required
@require_POST
def exam_start(request, exam_id: int):
    exam = _exam_for_trainee(request.user, exam_id)
    try:
        attempt = exam_attempt_start(user=request.user, exam=exam)
    except ExamNotAvailable as error:
        messages.error(request, _error_text(error))
        return redirect("exams:exam", exam.pk)
    return redirect("exams:attempt", attempt.pk)


@login_required
@require_GET
def attempt_resume(request, attempt_id: int):
    """Where the attempt was left: its last question, or its result once submitted."""
    attempt = _finish_if_late(exam_attempt_for_user(user=request.user, attempt_id=attempt_id))
    if attempt.status != IN_PROGRESS:
        return redirect("exams:result", attempt.pk)
    return redirect(_question_url(attempt, max(1, attempt.last_position or 1)))


@login_required
@require_GET
def attempt_question(request, attempt_id: int, position: int):
    """One question of the attempt, with the map of all of them."""
    attempt = _finish_if_late(exam_attempt_for_user(user=request.user, attempt_id=attempt_id))
    if attempt.status != IN_PROGRESS:
        messages.info(request, _("This attempt has been submitted."))
        return redirect("exams:result", attempt.pk)
    screen = attempt_question_screen(attempt=attempt, position=position)
    item = screen.question
    return render(
        request,
        "enrollments/exams/question.html",
        {
            "attempt": attempt,
            "exam": attempt.exam,
            "screen": screen,
            "item": item,
            "question": question_display(
                content=item.version.content, answer=item.answer, option_order=item.option_order
            ),
            "answered_count": sum(1 for entry in screen.question_map if entry.answered),
            "previous_url": _question_url(attempt, screen.previous_position)
            if screen.previous_position
            else "",
            "next_url": _question_url(attempt, screen.next_position)
            if screen.next_position
            else "",
            "answer_url": reverse("exams:answer", args=[attempt.pk, position]),
            "flag_url": reverse("exams:flag", args=[attempt.pk, position]),
            "submit_url": reverse("exams:submit", args=[attempt.pk]),
            "result_url": reverse("exams:result", args=[attempt.pk]),
            "server_now": timezone.now(),
        },
    )


def _wants_json(request: HttpRequest) -> bool:
    return request.content_type == "application/json" or "application/json" in request.headers.get(
        "Accept", ""
    )


def _closed_response(request, attempt: ExamAttempt, error: Exception) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse(
            {
                "saved": False,
                "closed": True,
                "error": _error_text(error),
                "result_url": reverse("exams:result", args=[attempt.pk]),
            },
            status=409,
        )
    messages.error(request, _error_text(error))
    return redirect("exams:result", attempt.pk)


@login_required
@require_POST
def attempt_answer(request, attempt_id: int, position: int):
    """Save one answer; JSON for the page's script, a redirect for a plain form."""
    attempt = exam_attempt_for_user(user=request.user, attempt_id=attempt_id)
    item = get_object_or_404(
        AttemptQuestion.objects.select_related("version"), attempt=attempt, position=position
    )
    content = item.version.content
    try:
        answer = _parse_answer(request, content["type"], len(content.get("sub_questions", [])))
        item = exam_attempt_answer(
            attempt=attempt, user=request.user, position=position, answer=answer
        )
    except ExamAttemptClosed as error:
        _finish_if_late(attempt)
        return _closed_response(request, attempt, error)
    except (ExamAnswerInvalid, ValueError) as error:
        if _wants_json(request):
            return JsonResponse({"saved": False, "error": _error_text(error)}, status=400)
        messages.error(request, _error_text(error))
        return redirect(_question_url(attempt, position))
    if _wants_json(request):
        return JsonResponse(
            {
                "saved": True,
                "position": item.position,
                "answered": item.answer is not None,
                "answered_at": item.answered_at.isoformat() if item.answered_at else None,
            }
        )
    go = request.POST.get("go", "")
    if go == "submit":
        return redirect("exams:submit", attempt.pk)
    if go.isdigit():
        return redirect(_question_url(attempt, int(go)))
    messages.success(request, _("Answer saved."))
    return redirect(_question_url(attempt, position))


@login_required
@require_POST
def attempt_flag(request, attempt_id: int, position: int):
    attempt = exam_attempt_for_user(user=request.user, attempt_id=attempt_id)
    if request.content_type == "application/json":
        try:
            flagged = bool(json.loads(request.body or b"{}").get("flagged"))
        except (ValueError, AttributeError):
            return JsonResponse({"error": _("The request could not be read.")}, status=400)
    else:
        flagged = request.POST.get("flagged") == "1"
    try:
        item = exam_attempt_flag(
            attempt=attempt, user=request.user, position=position, flagged=flagged
        )
    except ExamAttemptClosed as error:
        return _closed_response(request, attempt, error)
    if _wants_json(request):
        return JsonResponse({"position": item.position, "flagged": item.flagged})
    return redirect(_question_url(attempt, position))


@login_required
def attempt_submit(request, attempt_id: int):
    """GET: what is still unanswered or flagged; POST: hand the paper in."""
    attempt = _finish_if_late(exam_attempt_for_user(user=request.user, attempt_id=attempt_id))
    if attempt.status != IN_PROGRESS:
        return redirect("exams:result", attempt.pk)
    if request.method == "POST":
        exam_attempt_submit(attempt_id=attempt.pk)
        messages.success(request, _("Your paper has been handed in."))
        return redirect("exams:result", attempt.pk)
    rows = list(
        AttemptQuestion.objects.filter(attempt=attempt)
        .order_by("position")
        .values("position", "answer", "flagged")
    )
    return render(
        request,
        "enrollments/exams/submit.html",
        {
            "attempt": attempt,
            "exam": attempt.exam,
            "count": len(rows),
            "unanswered": [row["position"] for row in rows if row["answer"] is None],
            "flagged": [row["position"] for row in rows if row["flagged"]],
            "server_now": timezone.now(),
        },
    )


@login_required
@require_GET
def attempt_result(request, attempt_id: int):
    """The score, per section and per topic, the weakest topics, and the review."""
    attempt = _finish_if_late(exam_attempt_for_user(user=request.user, attempt_id=attempt_id))
    if attempt.status == IN_PROGRESS:
        return redirect("exams:attempt", attempt.pk)
    result = exam_attempt_result(attempt=attempt)
    wrong_only = request.GET.get("wrong") == "1"
    review = [
        {
            "item": entry,
            "question": question_display(
                content=entry.content,
                answer=entry.question.answer,
                option_order=entry.question.option_order,
                reviewing=result.answers_visible,
            ),
        }
        for entry in result.review
        if not wrong_only or entry.is_correct is False
    ]
    return render(
        request,
        "enrollments/exams/result.html",
        {
            "attempt": attempt,
            "exam": attempt.exam,
            "result": result,
            "review": review,
            "wrong_only": wrong_only,
            "wrong_count": sum(1 for entry in result.review if entry.is_correct is False),
            "statuses": ExamAttempt.Status,
        },
    )


def _practice_bank(request, bank_id: int) -> QuestionBank:
    if not practice_bank_allowed(user=request.user, bank_id=bank_id):
        raise Http404
    return get_object_or_404(QuestionBank, pk=bank_id)


def _practice_topic(request, bank) -> QuestionTopic | None:
    topic_id = request.GET.get("topic") or request.POST.get("topic")
    if not topic_id or not str(topic_id).isdigit():
        return None
    return get_object_or_404(QuestionTopic, pk=int(topic_id), bank=bank)


@login_required
def practice(request, bank_id: int):
    """Practice one question at a time, by topic or from the wrong-answer book, with the
    explanation straight after each answer."""
    bank = _practice_bank(request, bank_id)
    topic = _practice_topic(request, bank)
    wrong_only = (request.GET.get("wrong") or request.POST.get("wrong")) == "1"
    questions = practice_questions(bank=bank, topic=topic, user=request.user, wrong_only=wrong_only)
    question_ids = list(questions.values_list("pk", flat=True))
    count = len(question_ids)
    try:
        index = max(0, min(int(request.GET.get("i") or request.POST.get("i") or 0), count - 1))
    except ValueError:
        index = 0
    result = None
    question = None
    answer = None
    if count:
        question = questions.get(pk=question_ids[index])
    if request.method == "POST" and question is not None:
        content = question.content()
        try:
            answer = _parse_answer(request, content["type"], len(content["sub_questions"]))
            result = practice_answer(user=request.user, question=question, answer=answer)
            answer = result.answer
        except (ExamAnswerInvalid, ValueError) as error:
            messages.error(request, _error_text(error))
    next_index = index + 1 if index + 1 < count else None
    # A question cleared from the book leaves the list: the next one takes its place.
    cleared = (
        result is not None
        and question is not None
        and wrong_only
        and not questions.filter(pk=question.pk).exists()
    )
    if cleared:
        next_index = index if index < count - 1 else None
    display = None
    if question is not None:
        display = question_display(
            content=result.content if result else question.content(),
            answer=answer,
            reviewing=result is not None,
        )
    query = {"wrong": "1"} if wrong_only else ({"topic": topic.pk} if topic else {})
    return render(
        request,
        "enrollments/exams/practice.html",
        {
            "bank": bank,
            "topic": topic,
            "topics": list(bank.topics.order_by("path")),
            "wrong_only": wrong_only,
            "question": display,
            "question_id": question.pk if question else None,
            "index": index,
            "number": index + 1,
            "count": count,
            "result": result,
            "query": query,
            "next_index": next_index,
        },
    )


@login_required
@require_GET
def wrong_answers(request):
    """The wrong-answer book: every question still in it, by bank and topic."""
    entries = list(wrong_answers_for_user(user=request.user))
    banks: dict[int, dict[str, Any]] = {}
    for entry in entries:
        bank = entry.question.bank
        banks.setdefault(bank.pk, {"bank": bank, "entries": []})["entries"].append(entry)
    return render(
        request,
        "enrollments/exams/wrong_answers.html",
        {"entries": entries, "banks": list(banks.values())},
    )
