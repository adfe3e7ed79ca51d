"""Bulk enrolment from a roster file (XLSX or CSV): read, check every row, then import.

A roster has the columns full name, mobile phone, email and organisation (the
headers may be in Chinese or English); each row needs a mobile number or an
email address. Checking reports every bad row with its spreadsheet row number;
importing writes nothing unless the rows given to it are clean, in one
transaction.
"""

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from academy.errors import RuleViolation
from academy.models import Organization, TraineeProfile, User, phone_validator
from academy.services import trainee_account_create, trainee_account_username
from courses.models import CoursePage
from enrollments.documents.reading import UploadedSheet, xlsx_rows_read
from enrollments.documents.spreadsheets import ColumnKind, xlsx_write
from enrollments.models import Enrollment
from enrollments.services.enrollment import enrollment_enrol

ROSTER_MAX_BYTES = 2 * 1024 * 1024
ROSTER_MAX_ROWS = 5000
COLUMNS = ("full_name", "phone", "email", "organization")
HEADER_ALIASES = {
    "full_name": {"full name", "name", "姓名"},
    "phone": {"phone", "mobile", "mobile phone", "手机", "手机号", "手机号码"},
    "email": {"email", "e-mail", "email address", "邮箱", "电子邮箱"},
    "organization": {"organisation", "organization", "机构", "单位", "所在机构"},
}


def column_label(*, column: str) -> str:
    return {
        "full_name": _("full name"),
        "phone": _("mobile phone"),
        "email": _("email"),
        "organization": _("organisation"),
    }[column]


TEMPLATE_KINDS = [ColumnKind.NAME, ColumnKind.PHONE, ColumnKind.TEXT, ColumnKind.ORGANISATION]


def roster_template_write(*, output) -> int:
    """An empty roster to fill in: the column headers ``roster_read`` expects, in the
    active language. Returns the number of data rows (none)."""
    return xlsx_write(
        output,
        title=_("Roster"),
        headers=[column_label(column=column) for column in COLUMNS],
        rows=[],
        kinds=TEMPLATE_KINDS,
    )


@dataclass
class RosterProblem:
    row: int
    message: str


@dataclass
class RosterReport:
    problems: list[RosterProblem] = field(default_factory=list)
    good_rows: list[dict] = field(default_factory=list)
    file_problem: bool = False

    @property
    def is_clean(self) -> bool:
        return not self.problems

    @property
    def can_import_good_rows(self) -> bool:
        return not self.file_problem and bool(self.good_rows)

    @property
    def bad_row_numbers(self) -> list[int]:
        return sorted({p.row for p in self.problems})


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def roster_read(*, upload: UploadedFile) -> UploadedSheet:
    """Read an uploaded CSV (UTF-8, with or without BOM) or XLSX file into rows of text."""
    if upload.size is not None and upload.size > ROSTER_MAX_BYTES:
        raise RuleViolation(_("The roster file must be 2 MB or smaller."), code="too_large")
    name = (upload.name or "").lower()
    upload.seek(0)
    content = upload.read()
    if name.endswith(".xlsx") and content.startswith(b"PK\x03\x04"):
        raw_rows = xlsx_rows_read(content=content, max_rows=ROSTER_MAX_ROWS + 2)
    elif name.endswith(".csv") and b"\x00" not in content[:1024]:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise RuleViolation(
                _("Save the CSV file with UTF-8 encoding."), code="bad_encoding"
            ) from error
        raw_rows = list(csv.reader(io.StringIO(text)))
    else:
        raise RuleViolation(_("Upload the roster as an XLSX or CSV file."), code="bad_type")
    if not raw_rows:
        raise RuleViolation(_("The roster file is empty."), code="empty")
    headers = [_cell_text(cell) for cell in raw_rows[0]]
    rows = []
    for number, cells in enumerate(raw_rows[1:], start=2):
        texts = [_cell_text(cell) for cell in cells]
        if any(texts):
            rows.append((number, texts))
    if len(rows) > ROSTER_MAX_ROWS:
        raise RuleViolation(
            _("A roster can have at most %(count)d rows.") % {"count": ROSTER_MAX_ROWS},
            code="too_many_rows",
        )
    return UploadedSheet(headers=headers, rows=rows)


def _column_positions(headers: list[str]) -> dict[str, int]:
    positions = {}
    for index, header in enumerate(headers):
        key = header.strip().lower()
        for column, aliases in HEADER_ALIASES.items():
            if key in aliases and column not in positions:
                positions[column] = index
    return positions


def roster_check(*, sheet: UploadedSheet) -> RosterReport:
    """Check every row; report each problem with its row number. Reads only."""
    report = RosterReport()
    positions = _column_positions(sheet.headers)
    for column in COLUMNS:
        if column not in positions:
            report.file_problem = True
            report.problems.append(
                RosterProblem(
                    row=1,
                    message=_("Missing column: %(column)s.")
                    % {"column": column_label(column=column)},
                )
            )

    def cell(cells, column):
        index = positions.get(column)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    parsed = [
        (number, {column: cell(cells, column) for column in COLUMNS})
        for number, cells in sheet.rows
    ]
    names = {row["organization"] for _n, row in parsed if row["organization"]}
    organizations = {o.name: o.pk for o in Organization.objects.filter(name__in=names)}
    phones = {row["phone"] for _n, row in parsed if row["phone"]}
    emails = {row["email"].lower() for _n, row in parsed if row["email"]}
    by_phone = {u.phone: u for u in User.objects.filter(phone__in=phones)} if phones else {}
    by_email = {}
    if emails:
        for account in User.objects.filter(email__in=emails):
            by_email[account.email.lower()] = account
    logins = {
        trainee_account_username(email=row["email"], phone=row["phone"]) for _n, row in parsed
    }
    taken_logins = {
        u.username.lower(): u for u in User.objects.filter(username__in=[x for x in logins if x])
    }

    seen_phone: dict[str, int] = {}
    seen_email: dict[str, int] = {}
    for number, row in parsed:
        problems = []
        phone, email = row["phone"], row["email"].lower()
        if not row["full_name"]:
            problems.append(_("Full name is missing."))
        if not phone and not email:
            problems.append(_("Give a mobile number or an email address."))
        if phone:
            try:
                phone_validator(phone)
            except ValidationError:
                problems.append(_("Mobile number “%(value)s” is not valid.") % {"value": phone})
        if email:
            try:
                validate_email(email)
            except ValidationError:
                problems.append(_("Email address “%(value)s” is not valid.") % {"value": email})
        if not row["organization"]:
            problems.append(_("Organisation is missing."))
        elif row["organization"] not in organizations:
            problems.append(_("Unknown organisation “%(value)s”.") % {"value": row["organization"]})
        duplicate_of = seen_phone.get(phone) if phone else None
        duplicate_of = duplicate_of or (seen_email.get(email) if email else None)
        if duplicate_of:
            problems.append(_("Duplicate of row %(row)d.") % {"row": duplicate_of})
        if phone:
            seen_phone.setdefault(phone, number)
        if email:
            seen_email.setdefault(email, number)
        user_by_phone = by_phone.get(phone) if phone else None
        user_by_email = by_email.get(email) if email else None
        if user_by_phone and user_by_email and user_by_phone.pk != user_by_email.pk:
            problems.append(
                _("The mobile number and the email address belong to different people.")
            )
        user = user_by_phone or user_by_email
        if user is None:
            login = trainee_account_username(email=email, phone=phone)
            if login and login.lower() in taken_logins:
                problems.append(
                    _("Another account already uses “%(value)s” to log in.") % {"value": login}
                )
        for message in problems:
            report.problems.append(RosterProblem(row=number, message=message))
        if not problems:
            report.good_rows.append(
                {
                    "row": number,
                    "full_name": row["full_name"],
                    "phone": phone,
                    "email": email,
                    "organization_id": organizations[row["organization"]],
                    "user_id": user.pk if user else None,
                }
            )
    return report


@dataclass
class RosterResult:
    created: int = 0
    matched: int = 0
    enrolled: int = 0
    waitlisted: int = 0
    already_enrolled: int = 0


def roster_import(
    *, course: CoursePage, sheet: UploadedSheet, actor: User, good_rows_only: bool = False
) -> RosterResult:
    """Import the roster in one transaction: all rows, or only the good ones when asked.

    The sheet is checked again first, so what is written is what the rules allow now.
    Unknown trainees get an account as at registration, without a password.
    """
    report = roster_check(sheet=sheet)
    if not report.is_clean and not (good_rows_only and report.can_import_good_rows):
        raise RuleViolation(
            _("The roster has problems; nothing was imported."), code="roster_problems"
        )
    result = RosterResult()
    organizations = Organization.objects.in_bulk(
        {row["organization_id"] for row in report.good_rows}
    )
    with transaction.atomic():
        for row in report.good_rows:
            organization = organizations[row["organization_id"]]
            if row["user_id"]:
                user = User.objects.get(pk=row["user_id"])
                TraineeProfile.objects.get_or_create(
                    user=user, defaults={"organization": organization}
                )
                result.matched += 1
            else:
                user = _account_create(row=row, organization=organization)
                result.created += 1
            try:
                enrollment = enrollment_enrol(
                    user=user, course=course, source=Enrollment.Source.ROSTER, actor=actor
                )
            except RuleViolation:
                result.already_enrolled += 1
                continue
            if enrollment.status == Enrollment.Status.WAITLISTED:
                result.waitlisted += 1
            else:
                result.enrolled += 1
    return result


def _account_create(*, row: dict, organization: Organization) -> User:
    try:
        return trainee_account_create(
            full_name=row["full_name"],
            phone=row["phone"],
            email=row["email"],
            organization=organization,
        )
    except RuleViolation as error:
        # Someone made the account between the check and the import.
        raise RuleViolation(
            _("Row %(row)d: %(problem)s") % {"row": row["row"], "problem": error.text},
            code="row_refused",
        ) from error
