"""Questions as spreadsheet rows: the import's check and write, and the export.

The layout (one header row of these Chinese column names, one row per question, a case
analysis followed by one 小题 row per sub-question) is the template administrators
download. Checking reports every bad row with its spreadsheet row number and writes
nothing; importing takes a sheet that checks clean, or only its good questions when
asked, in one transaction. Exporting a bank gives rows that import back unchanged.

Reading and writing the files themselves (XLSX, CSV in UTF-8 or GB18030) is done by the
spreadsheet readers and writers of the admin; this module sees rows of text.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from academy.errors import RuleViolation

from .models.questions import (
    OPTION_KEYS,
    CaseSubQuestion,
    Difficulty,
    MultipleChoiceScoring,
    Question,
    QuestionBank,
    QuestionOption,
    QuestionTopic,
    QuestionType,
)
from .question_checks import (
    OptionDraft,
    SubQuestionDraft,
    question_problems,
    sub_question_problems,
)

HEADERS = (
    "题型",
    "知识点",
    "难度",
    "题干",
    "选项A",
    "选项B",
    "选项C",
    "选项D",
    "选项E",
    "答案",
    "解析",
    "分值",
    "参考要点",
)
OPTION_COLUMNS = ("选项A", "选项B", "选项C", "选项D", "选项E")
SUB_QUESTION = "小题"
# (question type, scoring) by the 题型 cell; the first label of a pair is the one exported.
TYPE_LABELS = {
    "单选": (QuestionType.SINGLE, MultipleChoiceScoring.NATIONAL),
    "多选": (QuestionType.MULTIPLE, MultipleChoiceScoring.NATIONAL),
    "多选（全对得分）": (QuestionType.MULTIPLE, MultipleChoiceScoring.ALL_OR_NOTHING),
    "多选(全对得分)": (QuestionType.MULTIPLE, MultipleChoiceScoring.ALL_OR_NOTHING),
    "判断": (QuestionType.TRUE_FALSE, MultipleChoiceScoring.NATIONAL),
    "案例分析": (QuestionType.CASE, MultipleChoiceScoring.NATIONAL),
}
DIFFICULTY_LABELS = {"易": Difficulty.EASY, "中": Difficulty.MEDIUM, "难": Difficulty.HARD}
TRUE_LABELS = {"对", "正确", "√", "T", "TRUE"}
FALSE_LABELS = {"错", "错误", "×", "F", "FALSE"}
ANSWER_SEPARATORS = re.compile(r"[\s,，、;；]+")
QUESTION_FILE_MAX_ROWS = 5000


def _type_label(question_type: str, scoring: str) -> str:
    for label, kind in TYPE_LABELS.items():
        if kind == (question_type, scoring) or (
            question_type != QuestionType.MULTIPLE and kind[0] == question_type
        ):
            return label
    raise ValueError(question_type)


def _difficulty_label(value: int) -> str:
    return next(label for label, level in DIFFICULTY_LABELS.items() if level == value)


def _points_text(value: Decimal) -> str:
    return format(value.normalize(), "f")


@dataclass
class QuestionDraft:
    """One question as read from its rows, ready to be written."""

    row: int
    question_type: str
    scoring: str
    topic_path: str
    difficulty: int
    stem: str
    explanation: str
    options: list[OptionDraft] = field(default_factory=list)
    true_false_answer: bool | None = None
    sub_questions: list[SubQuestionDraft] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)

    @property
    def type_label(self) -> str:
        return str(QuestionType(self.question_type).label)


@dataclass
class QuestionProblem:
    row: int
    message: str


@dataclass
class QuestionFileReport:
    problems: list[QuestionProblem] = field(default_factory=list)
    good_questions: list[QuestionDraft] = field(default_factory=list)
    file_problem: bool = False
    question_count: int = 0

    @property
    def is_clean(self) -> bool:
        return not self.problems

    @property
    def can_import_good_questions(self) -> bool:
        return not self.file_problem and bool(self.good_questions)


def _unquote(text: str) -> str:
    """A CSV export puts an apostrophe before text a spreadsheet would run as a formula;
    it is taken off again here."""
    if text.startswith("'") and text[1:2] in {"=", "+", "-", "@", "|", "%"}:
        return text[1:]
    return text


def topic_path_normalise(text: str) -> str:
    parts = [part.strip() for part in text.replace("／", "/").split("/")]
    return QuestionTopic.PATH_SEPARATOR.join(part for part in parts if part)


def question_rows_check(
    *, bank: QuestionBank, headers: list[str], rows: list[tuple[int, list[str]]]
) -> QuestionFileReport:
    """Check every row; report each problem with its row number. Reads only."""
    report = QuestionFileReport()
    positions = {}
    for index, header in enumerate(headers):
        name = header.strip()
        if name in HEADERS and name not in positions:
            positions[name] = index
    for name in HEADERS:
        if name not in positions:
            report.file_problem = True
            report.problems.append(
                QuestionProblem(row=1, message=_("Missing column: %(column)s.") % {"column": name})
            )
    if report.file_problem:
        return report

    def cell(cells: list[str], name: str) -> str:
        index = positions[name]
        return _unquote(cells[index].strip()) if index < len(cells) else ""

    existing = {
        stem.strip() for stem in Question.objects.filter(bank=bank).values_list("stem", flat=True)
    }
    seen: dict[str, int] = {}
    drafts: list[tuple[QuestionDraft, list[QuestionProblem]]] = []
    current_case: tuple[QuestionDraft, list[QuestionProblem]] | None = None
    for number, cells in rows:
        label = cell(cells, "题型")
        if label == SUB_QUESTION:
            if current_case is None:
                report.problems.append(
                    QuestionProblem(
                        row=number, message=_("A 小题 row must follow its 案例分析 row.")
                    )
                )
                continue
            _sub_question_read(case=current_case, number=number, cells=cells, cell=cell)
            continue
        draft_problems: list[QuestionProblem] = []
        draft = _question_read(number=number, cells=cells, cell=cell, problems=draft_problems)
        current_case = None
        if draft is None:
            report.problems.extend(draft_problems)
            continue
        stem = draft.stem
        if stem:
            if stem in existing:
                draft_problems.append(
                    QuestionProblem(
                        row=number, message=_("The bank already has a question with this text.")
                    )
                )
            elif stem in seen:
                draft_problems.append(
                    QuestionProblem(
                        row=number,
                        message=_("The same question text is on row %(row)d.")
                        % {"row": seen[stem]},
                    )
                )
            else:
                seen[stem] = number
        drafts.append((draft, draft_problems))
        if draft.question_type == QuestionType.CASE:
            current_case = (draft, draft_problems)
    for draft, draft_problems in drafts:
        if not any(problem.row == draft.row for problem in draft_problems):
            messages = question_problems(
                question_type=draft.question_type,
                options=draft.options,
                true_false_answer=draft.true_false_answer,
                sub_questions=draft.sub_questions,
                check_sub_questions=False,
            )
            draft_problems.extend(QuestionProblem(row=draft.row, message=m) for m in messages)
        report.problems.extend(draft_problems)
        if not draft_problems:
            report.good_questions.append(draft)
    report.question_count = len(drafts)
    report.problems.sort(key=lambda problem: problem.row)
    return report


def _question_read(*, number, cells, cell, problems) -> QuestionDraft | None:
    label = cell(cells, "题型")
    kind = TYPE_LABELS.get(label)
    if kind is None:
        problems.append(
            QuestionProblem(
                row=number,
                message=_("Unknown question type “%(value)s”.") % {"value": label}
                if label
                else _("The question type (题型) is missing."),
            )
        )
        return None
    question_type, scoring = kind
    difficulty_text = cell(cells, "难度")
    difficulty = DIFFICULTY_LABELS.get(difficulty_text or "中")
    if difficulty is None:
        problems.append(
            QuestionProblem(
                row=number,
                message=_("Unknown difficulty “%(value)s”: use 易, 中 or 难.")
                % {"value": difficulty_text},
            )
        )
        difficulty = Difficulty.MEDIUM
    stem = cell(cells, "题干")
    if not stem:
        problems.append(QuestionProblem(row=number, message=_("The question text is missing.")))
    draft = QuestionDraft(
        row=number,
        question_type=question_type,
        scoring=scoring,
        topic_path=topic_path_normalise(cell(cells, "知识点")),
        difficulty=difficulty,
        stem=stem,
        explanation=cell(cells, "解析"),
        rows=[number],
    )
    option_texts = [cell(cells, name) for name in OPTION_COLUMNS]
    answer = cell(cells, "答案")
    if question_type in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        last = max((i for i, text in enumerate(option_texts) if text), default=-1)
        if any(not text for text in option_texts[: last + 1]):
            problems.append(QuestionProblem(row=number, message=_("An option is left empty.")))
        letters = list(ANSWER_SEPARATORS.sub("", answer).upper())
        if not letters:
            problems.append(QuestionProblem(row=number, message=_("The answer (答案) is missing.")))
        given = {OPTION_KEYS[i] for i, text in enumerate(option_texts) if text}
        outside = [letter for letter in letters if letter not in given]
        if outside:
            problems.append(
                QuestionProblem(
                    row=number,
                    message=_("The answer “%(value)s” is not among the options.")
                    % {"value": answer},
                )
            )
        if len(set(letters)) != len(letters):
            problems.append(
                QuestionProblem(row=number, message=_("The answer names an option twice."))
            )
        draft.options = [
            OptionDraft(text=text, is_correct=OPTION_KEYS[i] in letters)
            for i, text in enumerate(option_texts[: last + 1])
        ]
    else:
        if any(option_texts):
            problems.append(
                QuestionProblem(row=number, message=_("This type of question has no options."))
            )
        if question_type == QuestionType.TRUE_FALSE:
            value = answer.upper()
            if value in TRUE_LABELS:
                draft.true_false_answer = True
            elif value in FALSE_LABELS:
                draft.true_false_answer = False
            else:
                problems.append(
                    QuestionProblem(
                        row=number,
                        message=_("The answer (答案) is missing: write 对 or 错.")
                        if not answer
                        else _("The answer “%(value)s” is not 对 or 错.") % {"value": answer},
                    )
                )
        elif answer:
            problems.append(
                QuestionProblem(
                    row=number,
                    message=_("A case analysis has no answer; its 小题 rows carry the points."),
                )
            )
    if question_type != QuestionType.CASE and (cell(cells, "分值") or cell(cells, "参考要点")):
        problems.append(
            QuestionProblem(
                row=number,
                message=_(
                    "Points and reference points belong on 小题 rows; an objective "
                    "question's points come from the exam."
                ),
            )
        )
    return draft


def _sub_question_read(*, case, number, cells, cell) -> None:
    draft, problems = case
    draft.rows.append(number)
    points_text = cell(cells, "分值")
    points: Decimal | None = None
    points_readable = True
    if points_text:
        try:
            points = Decimal(points_text)
        except InvalidOperation:
            points_readable = False
            problems.append(
                QuestionProblem(
                    row=number,
                    message=_("The points “%(value)s” are not a number.") % {"value": points_text},
                )
            )
    if any(cell(cells, name) for name in OPTION_COLUMNS) or cell(cells, "答案"):
        problems.append(
            QuestionProblem(row=number, message=_("A sub-question has no options and no answer."))
        )
    part = SubQuestionDraft(
        prompt=cell(cells, "题干"),
        points=points,
        reference_points=cell(cells, "参考要点"),
    )
    draft.sub_questions.append(part)
    if points_readable:
        problems.extend(
            QuestionProblem(row=number, message=message)
            for message in sub_question_problems(number=len(draft.sub_questions), part=part)
        )
    # The case has one explanation; a sub-question's own is kept below it.
    if explanation := cell(cells, "解析"):
        draft.explanation = "\n".join(text for text in (draft.explanation, explanation) if text)


@dataclass
class QuestionImportResult:
    created: int = 0
    topics_created: int = 0


def question_rows_import(
    *,
    bank: QuestionBank,
    headers: list[str],
    rows: list[tuple[int, list[str]]],
    user=None,
    good_questions_only: bool = False,
) -> QuestionImportResult:
    """Write the checked questions into the bank in one transaction: all of them, or only
    the good ones when asked. The rows are checked again first, so what is written is what
    the rules allow now."""
    report = question_rows_check(bank=bank, headers=headers, rows=rows)
    if not report.is_clean and not (good_questions_only and report.can_import_good_questions):
        raise RuleViolation(
            _("The file has problems; nothing was imported."), code="question_file_problems"
        )
    result = QuestionImportResult()
    with transaction.atomic():
        topics = {topic.path: topic for topic in QuestionTopic.objects.filter(bank=bank)}
        topics_before = len(topics)
        for draft in report.good_questions:
            topic = None
            if draft.topic_path:
                topic = _topic_get_or_create(bank=bank, path=draft.topic_path, topics=topics)
            question = Question(
                bank=bank,
                topic=topic,
                question_type=draft.question_type,
                scoring=draft.scoring,
                difficulty=draft.difficulty,
                stem=draft.stem,
                explanation=draft.explanation,
                true_false_answer=draft.true_false_answer,
            )
            question.options = [
                QuestionOption(key=OPTION_KEYS[i], text=option.text, is_correct=option.is_correct)
                for i, option in enumerate(draft.options)
            ]
            question.sub_questions = [
                CaseSubQuestion(
                    prompt=part.prompt,
                    points=part.points,
                    reference_points=part.reference_points,
                )
                for part in draft.sub_questions
            ]
            question.save()
            question.save_revision(user=user, log_action=True)
            result.created += 1
        result.topics_created = len(topics) - topics_before
    return result


def _topic_get_or_create(
    *, bank: QuestionBank, path: str, topics: dict[str, QuestionTopic]
) -> QuestionTopic:
    parent = None
    names = path.split(QuestionTopic.PATH_SEPARATOR)
    for depth in range(1, len(names) + 1):
        prefix = QuestionTopic.PATH_SEPARATOR.join(names[:depth])
        topic = topics.get(prefix)
        if topic is None:
            topic = QuestionTopic.objects.create(
                bank=bank,
                parent=parent,
                name=names[depth - 1],
                path=prefix,
                position=len(topics),
            )
            topics[prefix] = topic
        parent = topic
    return parent  # type: ignore[return-value]


def question_rows_export(*, bank: QuestionBank) -> Iterator[list[str]]:
    """The bank's questions as rows of the import's layout (no header row)."""
    questions = (
        Question.objects.filter(bank=bank)
        .select_related("topic")
        .prefetch_related("options", "sub_questions")
        .order_by("pk")
    )
    for question in questions.iterator(chunk_size=500):
        options = sorted(question.options.all(), key=lambda option: option.sort_order or 0)
        texts = [option.text for option in options][: len(OPTION_COLUMNS)]
        texts += [""] * (len(OPTION_COLUMNS) - len(texts))
        if question.question_type == QuestionType.TRUE_FALSE:
            answer = "对" if question.true_false_answer else "错"
        else:
            answer = "".join(option.key for option in options if option.is_correct)
        yield [
            _type_label(question.question_type, question.scoring),
            question.topic.path if question.topic else "",
            _difficulty_label(question.difficulty),
            question.stem,
            *texts,
            answer,
            question.explanation,
            "",
            "",
        ]
        if question.question_type != QuestionType.CASE:
            continue
        for part in sorted(question.sub_questions.all(), key=lambda p: p.sort_order or 0):
            yield [
                SUB_QUESTION,
                "",
                "",
                part.prompt,
                *[""] * len(OPTION_COLUMNS),
                "",
                "",
                _points_text(part.points),
                part.reference_points,
            ]
