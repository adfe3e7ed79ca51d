"""Attendance of a live-online session from a meeting tool's participant list.

Reads Tencent Meeting (腾讯会议) and DingTalk (钉钉) attendance exports, XLSX or CSV
(UTF-8 with or without BOM, or GB18030), as well as a plain list with a name or phone
column and a minutes column. The header row may follow a few title lines. A meeting
tool lists a participant once per join: a person's rows are added up. Rows are matched
with the trainees holding a seat in the session's course by phone, else by name; a
name that several of them share is shown with its candidates for the administrator to
choose. Every row is checked first; nothing is written while any row is bad or any
name is unchosen, unless the administrator asks for the good rows only.

The summed minutes become a status by the attendance rules: from
``import_present_minutes``, or where that is empty ``import_present_percent`` of the
session's length, present (late when the first join came more than ``grace_minutes``
after the start); from ``import_partial_minutes`` or ``import_partial_percent`` left
early (late when the trainee joined late and stayed to the end); below that absent.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from academy.errors import RuleViolation
from academy.models import User
from academy.roles import is_administrator
from courses.models import ClassSession
from enrollments.documents.reading import csv_rows_read, xlsx_rows_read
from enrollments.models import Attendance, AttendanceRule, Enrollment
from enrollments.selectors.attendance import attendance_rule_get
from enrollments.selectors.enrollment import enrollment_seat_holders
from enrollments.services.attendance import attendance_open_check, attendance_set

MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_IMPORT_ROWS = 20000
# Exports put the meeting's title, time and host above the header row.
HEADER_SEARCH_ROWS = 15


def _headers(*names: str) -> set[str]:
    return {_header_key(name) for name in names}


def _header_key(text: str) -> str:
    return re.sub(r"[\s\u3000]+", "", str(text)).lower().replace("（", "(").replace("）", ")")


NAME_HEADERS = _headers(
    "name", "full name", "姓名", "名字", "参会者", "参会人", "用户名", "用户昵称", "成员姓名"
)
PHONE_HEADERS = _headers(
    "phone", "mobile", "mobile phone", "手机", "手机号", "手机号码", "电话", "联系电话"
)
DURATION_HEADERS = _headers(
    "minutes",
    "minutes attended",
    "duration",
    "时长",
    "参会时长",
    "入会时长",
    "在线时长",
    "累计参会时长",
    "分钟",
    "时长(分钟)",
    "参会时长(分钟)",
)
JOIN_HEADERS = _headers("joined", "入会时间", "首次入会时间", "加入时间")
LEAVE_HEADERS = _headers("left", "退会时间", "最后退会时间", "离会时间", "离开时间")

HMS = re.compile(r"^(\d+):([0-5]?\d):([0-5]?\d)$")
NUMBER = re.compile(r"^\d+(\.\d+)?$")
WORDS = re.compile(
    r"^(?:(?P<h>\d+)\s*(?:小时|时|h|hours?))?\s*"
    r"(?:(?P<m>\d+(?:\.\d+)?)\s*(?:分钟|分|min|mins|minutes?))?\s*"
    r"(?:(?P<s>\d+)\s*(?:秒|s|sec|seconds?))?$",
    re.IGNORECASE,
)
DATETIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
)
TIME_FORMATS = ("%H:%M:%S", "%H:%M")


@dataclass
class ImportRow:
    """One trainee's attendance from all their join rows."""

    line: int
    lines: list[int]
    enrollment: Enrollment
    minutes: int
    status: str

    @property
    def status_label(self) -> str:
        return str(Attendance.Status(self.status).label)


@dataclass
class AmbiguousName:
    """A name that several trainees of the course share, and the rows that carry it."""

    name: str
    lines: list[int]
    minutes: int
    candidates: list[Enrollment]


@dataclass
class ImportResult:
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    ambiguous: list[AmbiguousName] = field(default_factory=list)
    written: int = 0

    @property
    def is_clean(self) -> bool:
        return not self.errors and not self.ambiguous


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, timedelta):
        seconds = int(value.total_seconds())
        return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def attendance_sheet_read(*, data: bytes) -> list[list[str]]:
    """The upload as rows of text: an XLSX workbook's first sheet, or CSV text."""
    if len(data) > MAX_IMPORT_BYTES:
        raise RuleViolation(_("The file is larger than 2 MB."), code="too_large")
    if data.startswith(b"PK\x03\x04"):
        rows = xlsx_rows_read(content=data, max_rows=MAX_IMPORT_ROWS)
    elif b"\x00" in data[:4096]:
        raise RuleViolation(_("Upload an XLSX or CSV file."), code="bad_type")
    else:
        rows = csv_rows_read(content=data, encodings=("utf-8-sig", "gb18030"))
    sheet = [[_cell_text(cell) for cell in row] for row in rows[:MAX_IMPORT_ROWS]]
    if not any(any(cell for cell in row) for row in sheet):
        raise RuleViolation(_("The file is empty."), code="empty")
    return sheet


def attendance_duration_seconds(*, text: str) -> int | None:
    """Seconds from ``01:02:03``, minutes (``62``, ``62.5``) or words (``62分钟``,
    ``1小时2分3秒``); None when the text is none of these."""
    text = text.strip()
    if NUMBER.match(text):
        return int(Decimal(text) * 60)
    if clock := HMS.match(text):
        hours, minutes, seconds = (int(part) for part in clock.groups())
        return hours * 3600 + minutes * 60 + seconds
    words = WORDS.match(text)
    if words and any(words.groups()):
        parts = [Decimal(words.group(unit) or 0) for unit in ("h", "m", "s")]
        return int(parts[0] * 3600 + parts[1] * 60 + parts[2])
    return None


def _moment(text: str, day: date) -> datetime | None:
    """A join or leave time; a time of day alone is on the session's day."""
    for pattern in DATETIME_FORMATS:
        try:
            return timezone.make_aware(datetime.strptime(text, pattern))
        except ValueError:
            continue
    for pattern in TIME_FORMATS:
        try:
            moment = datetime.combine(day, datetime.strptime(text, pattern).time())
        except ValueError:
            continue
        return timezone.make_aware(moment)
    return None


def _phone_key(text: str) -> str:
    digits = re.sub(r"[\s\-()（）]", "", text)
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits


def _mask_fits(mask: str, phone: str) -> bool:
    """Whether a phone shown as ``138****1234`` can be ``phone``."""
    phone = _phone_key(phone)
    return len(mask) == len(phone) and all(m in ("*", p) for m, p in zip(mask, phone, strict=True))


def attendance_import_status(
    *,
    minutes: int,
    session: ClassSession,
    rule: AttendanceRule,
    first_join: datetime | None = None,
    last_leave: datetime | None = None,
) -> str:
    length = max(int((session.ends_at - session.starts_at).total_seconds() // 60), 1)

    def reached(fixed_minutes: int | None, percent: int) -> bool:
        if fixed_minutes is not None:
            return minutes >= fixed_minutes
        return minutes * 100 >= percent * length

    grace = timedelta(minutes=rule.grace_minutes)
    joined_late = first_join is not None and first_join > session.starts_at + grace
    stayed = last_leave is None or last_leave >= session.ends_at - grace
    if reached(rule.import_present_minutes, rule.import_present_percent):
        return Attendance.Status.LATE if joined_late else Attendance.Status.PRESENT
    if reached(rule.import_partial_minutes, rule.import_partial_percent):
        return Attendance.Status.LATE if joined_late and stayed else Attendance.Status.LEFT_EARLY
    return Attendance.Status.ABSENT


@dataclass
class _Presence:
    lines: list[int] = field(default_factory=list)
    seconds: int = 0
    first_join: datetime | None = None
    last_leave: datetime | None = None

    def add(self, *, line: int, seconds: int, joined, left) -> None:
        self.lines.append(line)
        self.seconds += seconds
        self._stretch(joined=joined, left=left)

    def merge(self, other: "_Presence") -> None:
        self.lines.extend(other.lines)
        self.seconds += other.seconds
        self._stretch(joined=other.first_join, left=other.last_leave)

    def _stretch(self, *, joined, left) -> None:
        if joined and (self.first_join is None or joined < self.first_join):
            self.first_join = joined
        if left and (self.last_leave is None or left > self.last_leave):
            self.last_leave = left


def _header_row(sheet: list[list[str]]) -> tuple[int, dict[str, int]]:
    """The header's index and the columns it names; refused when no row names them."""
    kinds = {
        "name": NAME_HEADERS,
        "phone": PHONE_HEADERS,
        "duration": DURATION_HEADERS,
        "join": JOIN_HEADERS,
        "leave": LEAVE_HEADERS,
    }
    for index, row in enumerate(sheet[:HEADER_SEARCH_ROWS]):
        columns: dict[str, int] = {}
        for position, cell in enumerate(row):
            key = _header_key(cell)
            for kind, names in kinds.items():
                if key in names and kind not in columns:
                    columns[kind] = position
        timed = "duration" in columns or ("join" in columns and "leave" in columns)
        if timed and ("name" in columns or "phone" in columns):
            return index, columns
    raise RuleViolation(
        _(
            "No row names the columns: a name or phone column (姓名 / 用户昵称 / 手机号) and "
            "a duration column (参会时长), or join and leave times."
        ),
        code="missing_columns",
    )


def attendance_import_session_check(*, session: ClassSession, now: datetime | None = None) -> None:
    """Refuse a session that cannot take an import: not live online, or not open yet."""
    if session.kind != ClassSession.Kind.LIVE_ONLINE:
        raise RuleViolation(_("Only live-online sessions can be imported."), code="not_live_online")
    attendance_open_check(session=session, now=now or timezone.now(), rule=attendance_rule_get())


def attendance_import_check(
    *, session: ClassSession, sheet: list[list[str]], choices: dict[str, int] | None = None
) -> ImportResult:
    """Check every row; the result lists each trainee's summed attendance, each shared
    name with its candidates, and each bad row's line and reason. Reads only.

    ``choices`` maps a shared name to the enrolment the administrator chose for it.
    """
    header, columns = _header_row(sheet)
    choices = choices or {}
    rule = attendance_rule_get()
    day = timezone.localdate(session.starts_at)
    enrollments = list(enrollment_seat_holders(course_id=session.course_id))
    by_phone = {_phone_key(e.user.phone): e for e in enrollments if e.user.phone}
    by_name: dict[str, list[Enrollment]] = {}
    for e in enrollments:
        by_name.setdefault(e.user.full_name.strip(), []).append(e)

    result = ImportResult()
    presence: dict[int, _Presence] = {}
    shared: dict[str, _Presence] = {}
    for line, cells in enumerate(sheet[header + 1 :], start=header + 2):
        if not any(cells):
            continue

        def cell(kind, cells=cells):
            index = columns.get(kind)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        problems = []
        joined = left = None
        for kind in ("join", "leave"):
            text = cell(kind)
            moment = _moment(text, day) if text else None
            if text and moment is None:
                problems.append(_("“%s” is not a date and time.") % text)
            if kind == "join":
                joined = moment
            else:
                left = moment
        duration = cell("duration")
        seconds = attendance_duration_seconds(text=duration) if duration else None
        if duration and seconds is None:
            problems.append(_("The duration “%s” is not hh:mm:ss, minutes or “xx分钟”.") % duration)
        elif not duration:
            if joined and left and left >= joined:
                seconds = int((left - joined).total_seconds())
            else:
                problems.append(_("The row has no duration."))
        phone, name = _phone_key(cell("phone")), cell("name")
        enrollment = None
        if "*" in phone:
            fitting = [e for e in by_name.get(name, []) if _mask_fits(phone, e.user.phone)]
            if not fitting:
                problems.append(
                    _(
                        "No trainee enrolled in this course is called “%(name)s” "
                        "with a phone like %(phone)s."
                    )
                    % {"name": name, "phone": phone}
                )
            elif len(fitting) == 1:
                enrollment = fitting[0]
        elif phone:
            enrollment = by_phone.get(phone)
            if enrollment is None:
                problems.append(_("No trainee enrolled in this course has the phone %s.") % phone)
        elif name:
            matches = by_name.get(name, [])
            if not matches:
                problems.append(_("No trainee enrolled in this course is called %s.") % name)
            elif len(matches) == 1:
                enrollment = matches[0]
        else:
            problems.append(_("The row has neither a name nor a phone."))
        if problems:
            result.errors.extend((line, problem) for problem in problems)
            continue
        if enrollment is not None:
            target = presence.setdefault(enrollment.pk, _Presence())
        else:
            target = shared.setdefault(name, _Presence())
        target.add(line=line, seconds=seconds or 0, joined=joined, left=left)

    for name, rows in shared.items():
        candidates = by_name[name]
        chosen = next((e for e in candidates if e.pk == choices.get(name)), None)
        if chosen is None:
            result.ambiguous.append(
                AmbiguousName(
                    name=name, lines=rows.lines, minutes=rows.seconds // 60, candidates=candidates
                )
            )
            continue
        presence.setdefault(chosen.pk, _Presence()).merge(rows)

    seated = {e.pk: e for e in enrollments}
    for enrollment_id, rows in presence.items():
        minutes = rows.seconds // 60
        lines = sorted(rows.lines)
        status = attendance_import_status(
            minutes=minutes,
            session=session,
            rule=rule,
            first_join=rows.first_join,
            last_leave=rows.last_leave,
        )
        result.rows.append(
            ImportRow(
                line=lines[0],
                lines=lines,
                enrollment=seated[enrollment_id],
                minutes=minutes,
                status=status,
            )
        )
    result.rows.sort(key=lambda row: row.line)
    result.errors.sort(key=lambda error: error[0])
    return result


def attendance_import(
    *,
    session: ClassSession,
    sheet: list[list[str]],
    user: User,
    choices: dict[str, int] | None = None,
    only_good_rows: bool = False,
) -> ImportResult:
    """Import a participant list. With any bad row or unchosen shared name nothing is
    written, unless ``only_good_rows`` is set; either way every problem is reported.
    A session whose attendance has not opened is refused before the rows are read."""
    if not is_administrator(user):
        raise PermissionDenied
    rule = attendance_rule_get()
    now = timezone.now()
    attendance_import_session_check(session=session, now=now)
    result = attendance_import_check(session=session, sheet=sheet, choices=choices)
    if not result.is_clean and not only_good_rows:
        return result
    with transaction.atomic():
        for row in result.rows:
            attendance_set(
                session_id=session.pk,
                enrollment=row.enrollment,
                status=row.status,
                method=Attendance.Method.IMPORT,
                marked_by=user,
                minutes_attended=row.minutes,
                rule=rule,
                now=now,
            )
    result.written = len(result.rows)
    return result
