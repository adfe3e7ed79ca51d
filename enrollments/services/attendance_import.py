"""Attendance of a live-online session from a meeting tool's participant list.

The CSV has a name or phone column and a minutes column. Every row is checked
first; nothing is written while any row is bad unless the administrator asks
for the good rows only. Minutes become a status by the attendance rules: from
``import_present_percent`` of the session's length present, from
``import_partial_percent`` left early, below that absent.
"""

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from academy.errors import RuleViolation
from academy.models import User
from academy.roles import is_administrator
from courses.models import ClassSession
from enrollments.models import Attendance, AttendanceRule, Enrollment
from enrollments.selectors.attendance import attendance_rule_get
from enrollments.selectors.enrollment import enrollment_seat_holders
from enrollments.services.attendance import attendance_open_check, attendance_set

MAX_IMPORT_BYTES = 2 * 1024 * 1024
NAME_HEADERS = {"name", "full name", "姓名", "名字", "参会者", "用户名"}
PHONE_HEADERS = {"phone", "mobile", "mobile phone", "手机", "手机号", "手机号码", "电话"}
MINUTES_HEADERS = {
    "minutes",
    "minutes attended",
    "duration",
    "时长",
    "参会时长",
    "分钟",
    "时长(分钟)",
}


@dataclass
class ImportRow:
    line: int
    enrollment: Enrollment
    minutes: int
    status: str


@dataclass
class ImportResult:
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    written: int = 0


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise RuleViolation(_("The file is not a UTF-8 or GB18030 text file."), code="bad_encoding")


def attendance_import_status(*, minutes: int, session: ClassSession, rule: AttendanceRule) -> str:
    length = max(int((session.ends_at - session.starts_at).total_seconds() // 60), 1)
    if minutes * 100 >= rule.import_present_percent * length:
        return Attendance.Status.PRESENT
    if minutes * 100 >= rule.import_partial_percent * length:
        return Attendance.Status.LEFT_EARLY
    return Attendance.Status.ABSENT


def attendance_import_parse(*, session: ClassSession, data: bytes) -> ImportResult:
    """Check every row; the result lists the good rows and each bad row's line and reason."""
    if len(data) > MAX_IMPORT_BYTES:
        raise RuleViolation(_("The file is larger than 2 MB."), code="too_large")
    if b"\x00" in data[:4096]:
        raise RuleViolation(_("Upload a CSV file (comma-separated text)."), code="bad_type")
    reader = csv.reader(io.StringIO(_decode(data)))
    header = next(reader, None)
    if not header:
        raise RuleViolation(_("The file is empty."), code="empty")
    columns = [cell.strip().lower() for cell in header]

    def find(names):
        return next((i for i, name in enumerate(columns) if name in names), None)

    name_col, phone_col, minutes_col = (
        find(NAME_HEADERS),
        find(PHONE_HEADERS),
        find(MINUTES_HEADERS),
    )
    if minutes_col is None or (name_col is None and phone_col is None):
        raise RuleViolation(
            _("The first row must name the columns: name or phone, and minutes."),
            code="missing_columns",
        )
    rule = attendance_rule_get()
    enrollments = list(enrollment_seat_holders(course_id=session.course_id))
    by_phone = {e.user.phone: e for e in enrollments if e.user.phone}
    by_name: dict[str, list[Enrollment]] = {}
    for e in enrollments:
        by_name.setdefault(e.user.full_name.strip(), []).append(e)

    result = ImportResult()
    seen: dict[int, int] = {}
    for line, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue

        def cell(index, cells=cells):
            return cells[index].strip() if index is not None and index < len(cells) else ""

        phone, name, minutes_text = cell(phone_col), cell(name_col), cell(minutes_col)
        try:
            minutes = int(float(minutes_text))
            if minutes < 0:
                raise ValueError
        except ValueError:
            result.errors.append(
                (line, _("Minutes attended must be a whole number: “%s”.") % minutes_text)
            )
            continue
        if phone:
            enrollment = by_phone.get(phone)
            if enrollment is None:
                result.errors.append(
                    (line, _("No trainee enrolled in this course has the phone %s.") % phone)
                )
                continue
        elif name:
            matches = by_name.get(name, [])
            if not matches:
                result.errors.append(
                    (line, _("No trainee enrolled in this course is called %s.") % name)
                )
                continue
            if len(matches) > 1:
                result.errors.append(
                    (line, _("Several enrolled trainees are called %s; use the phone.") % name)
                )
                continue
            enrollment = matches[0]
        else:
            result.errors.append((line, _("The row has neither a name nor a phone.")))
            continue
        if enrollment.pk in seen:
            result.errors.append(
                (line, _("This trainee is already on line %d.") % seen[enrollment.pk])
            )
            continue
        seen[enrollment.pk] = line
        status = attendance_import_status(minutes=minutes, session=session, rule=rule)
        result.rows.append(
            ImportRow(line=line, enrollment=enrollment, minutes=minutes, status=status)
        )
    return result


def attendance_import(
    *, session: ClassSession, data: bytes, user: User, only_good_rows: bool = False
) -> ImportResult:
    """Import a participant list. With any bad row nothing is written, unless
    ``only_good_rows`` is set; either way every bad row is reported. A session whose
    attendance has not opened is refused before the file is read."""
    if not is_administrator(user):
        raise PermissionDenied
    if session.kind != ClassSession.Kind.LIVE_ONLINE:
        raise RuleViolation(_("Only live-online sessions can be imported."), code="not_live_online")
    rule = attendance_rule_get()
    now = timezone.now()
    attendance_open_check(session=session, now=now, rule=rule)
    result = attendance_import_parse(session=session, data=data)
    if result.errors and not only_good_rows:
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
