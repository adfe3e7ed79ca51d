import logging
import math
import secrets
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from .errors import RuleViolation
from .learner_version import learners_epoch_bump
from .models import (
    Organization,
    PhoneCode,
    QualificationLevel,
    TraineeProfile,
    User,
    phone_validator,
)
from .roles import ADMINISTRATOR, TRAINEE, TRAINER
from .sms import SmsError, sms_send

logger = logging.getLogger(__name__)


def trainee_account_username(*, email: str = "", phone: str = "") -> str:
    """The login name of a new trainee account: the email address in lower case, or else
    the mobile number. Accounts made under an earlier rule keep their names; people log
    in with their email address or mobile number either way."""
    return email.strip().lower() or phone.strip()


def _account_problems(*, user: User, password: str | None) -> dict[str, list[ValidationError]]:
    """What stops the account being made, keyed by the argument at fault."""
    problems: dict[str, list[ValidationError]] = {}

    def refuse(argument: str, message: str, code: str) -> None:
        problems.setdefault(argument, []).append(RuleViolation(message, code=code))

    if not user.email and not user.phone:
        refuse("phone", _("Give a mobile number or an email address."), "login_required")
    if user.email and User.objects.filter(email__iexact=user.email).exists():
        refuse(
            "email",
            _("An account with this email address already exists. Log in or reset your password."),
            "duplicate_email",
        )
    holder = User.objects.filter(phone=user.phone).first() if user.phone else None
    if holder is not None and not holder.has_usable_password():
        refuse(
            "phone",
            _(
                "An account was made for this mobile number at a class or from a list. "
                "Claim it with a code texted to this phone: your class-hours are in it."
            ),
            "claimable_phone",
        )
    elif holder is not None:
        refuse("phone", _("An account with this mobile number already exists."), "duplicate_phone")
    if not problems and User.objects.filter(username__iexact=user.username).exists():
        refuse(
            "username",
            _("Another account already uses “%(value)s” to log in.") % {"value": user.username},
            "login_taken",
        )
    if password is not None:
        try:
            password_validation.validate_password(password, user)
        except ValidationError as error:
            problems["password"] = error.error_list
    return problems


@transaction.atomic
def trainee_account_create(
    *,
    full_name: str,
    phone: str = "",
    email: str = "",
    organization: Organization | None = None,
    password: str | None = None,
    qualification_level: str = QualificationLevel.NONE,
    qualification_number: str = "",
    registration_date: date | None = None,
    unlisted_organization: str = "",
) -> User:
    """Create a trainee account with its profile and the Trainee role.

    The account logs in by email or phone; without a password it has none until its
    owner claims it by phone (``account_password_set_by_phone``). An organisation not in
    the list is kept as ``unlisted_organization`` for an administrator to map. Refuses
    with a ``RuleViolation`` whose problems are keyed by the argument at fault: a
    duplicate email or phone (pointing to the claim when the phone's account was never
    claimed), a login name already taken, a weak password, or a value the account cannot
    hold.
    """
    email = email.strip().lower()
    phone = phone.strip()
    user = User(
        username=trainee_account_username(email=email, phone=phone),
        full_name=full_name.strip(),
        email=email,
        phone=phone,
    )
    problems = _account_problems(user=user, password=password)
    if problems:
        raise RuleViolation(problems)
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as error:
        raise RuleViolation(error.error_dict) from error
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.save()
    profile = TraineeProfile(
        user=user,
        organization=organization,
        unlisted_organization="" if organization else unlisted_organization.strip(),
        qualification_level=qualification_level,
        qualification_number=qualification_number.strip(),
        registration_date=registration_date,
    )
    try:
        profile.full_clean(exclude=["user"])
    except ValidationError as error:
        raise RuleViolation(error.error_dict) from error
    profile.save()
    user.groups.add(Group.objects.get(name=TRAINEE))
    return user


@transaction.atomic
def user_assign_role(*, user: User, role: str) -> None:
    """Put a user in a role group; trainers and administrators may use the admin."""
    user.groups.add(Group.objects.get(name=role))
    if role == ADMINISTRATOR and not user.is_staff:
        # The django-rq dashboard admits staff users only.
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    if role in (TRAINER, ADMINISTRATOR):
        TraineeProfile.objects.get_or_create(user=user)


@transaction.atomic
def profile_update(*, user: User, full_name: str, phone: str, profile_data: dict) -> TraineeProfile:
    user.full_name = full_name.strip()
    user.phone = phone
    profile, _created = TraineeProfile.objects.get_or_create(user=user)
    for field, value in profile_data.items():
        setattr(profile, field, value)
    if profile.organization_id is not None:
        profile.unlisted_organization = ""
    try:
        user.full_clean(exclude=["password"])
        profile.full_clean()
    except ValidationError as error:
        raise RuleViolation(error.error_dict) from error
    user.save(update_fields=["full_name", "phone"])
    profile.save()
    return profile


def login_lockout_reset(*, username: str) -> int:
    """Forget every failed login of the account, from any address, so it may log in again
    at once; returns how many records of failures were removed."""
    from axes.utils import reset

    return reset(username=username)


def _phone_code_hash(*, phone: str, purpose: str, code: str) -> str:
    return salted_hmac(
        "academy.phone_code", f"{phone}:{purpose}:{code}", algorithm="sha256"
    ).hexdigest()


def _phone_code_account(*, phone: str, purpose: str) -> User | None:
    """The account a code for ``purpose`` may open: any active account with the number
    for a login or a password reset; for a claim, one whose owner never set a password."""
    user = User.objects.filter(phone=phone, phone__gt="", is_active=True).first()
    if user is None:
        return None
    if purpose == PhoneCode.Purpose.CLAIM and user.has_usable_password():
        return None
    return user


def _phone_checked(phone: str) -> str:
    phone = phone.strip()
    try:
        phone_validator(phone)
    except ValidationError as error:
        raise RuleViolation({"phone": error.error_list}) from error
    return phone


def phone_code_send(*, phone: str, purpose: str, client_address: str | None) -> None:
    """Text a one-time code to ``phone`` for ``purpose`` (a ``PhoneCode.Purpose``).

    Refuses with a ``RuleViolation`` (code ``throttled``) while the number or the client
    address has had its share of codes. For a login or a reset the code is sent only when
    an account has the number, and the caller answers the same either way; a claim is
    refused when no unclaimed account has it. Only a hash of the code is stored.
    """
    phone = _phone_checked(phone)
    now = timezone.now()
    hour_ago = now - timedelta(hours=1)
    sent = PhoneCode.objects.filter(phone=phone, created_at__gte=hour_ago)
    interval = settings.ACADEMY_PHONE_CODE_INTERVAL
    last = sent.order_by("-created_at").values_list("created_at", flat=True).first()
    if last is not None and last > now - interval:
        wait = math.ceil((last + interval - now).total_seconds())
        raise RuleViolation(
            _("A code was just sent to this number. Ask for another in %(seconds)s seconds.")
            % {"seconds": wait},
            code="throttled",
        )
    too_many = _("Too many codes were asked for in the last hour. Try again later.")
    if sent.count() >= settings.ACADEMY_PHONE_CODE_PER_PHONE_PER_HOUR:
        raise RuleViolation(too_many, code="throttled")
    if (
        client_address
        and PhoneCode.objects.filter(client_address=client_address, created_at__gte=hour_ago)
        .order_by()
        .count()
        >= settings.ACADEMY_PHONE_CODE_PER_ADDRESS_PER_HOUR
    ):
        raise RuleViolation(too_many, code="throttled")
    user = _phone_code_account(phone=phone, purpose=purpose)
    if user is None and purpose == PhoneCode.Purpose.CLAIM:
        raise RuleViolation(
            {
                "phone": [
                    RuleViolation(
                        _(
                            "No account waiting to be claimed has this number. If you set a "
                            "password before, log in or reset your password by phone."
                        ),
                        code="nothing_to_claim",
                    )
                ]
            }
        )
    code = f"{secrets.randbelow(10**6):06d}"
    PhoneCode.objects.create(
        phone=phone,
        purpose=purpose,
        code_hash=_phone_code_hash(phone=phone, purpose=purpose, code=code),
        client_address=client_address or None,
        created_at=now,
        expires_at=now + settings.ACADEMY_PHONE_CODE_TTL,
    )
    if user is None:
        return
    minutes = int(settings.ACADEMY_PHONE_CODE_TTL.total_seconds() // 60)
    try:
        sms_send(
            phone=phone,
            text=_("Your code is %(code)s, valid for %(minutes)s minutes. Never tell it to anyone.")
            % {"code": code, "minutes": minutes},
            template="phone_code",
            params=(code, str(minutes)),
        )
    except SmsError as error:
        # The provider's reason, never the message: it carries the code.
        logger.error("SMS provider refused a %s code: %s", purpose, error)
        raise RuleViolation(
            _("The text message could not be sent. Try again in a few minutes."),
            code="sms_failed",
        ) from error


def phone_code_check(*, phone: str, purpose: str, code: str) -> User:
    """The account that the latest code sent to ``phone`` for ``purpose`` opens; the code
    is used up. A wrong code counts a try; after the last allowed try, or once the code
    has expired, the person must ask for a new one. Refuses with a ``RuleViolation``
    under ``code``; wrong tries are counted even when the caller's transaction rolls back
    only if the caller does not wrap this call in one."""
    phone = phone.strip()
    now = timezone.now()
    entry = (
        PhoneCode.objects.filter(phone=phone, purpose=purpose, used_at__isnull=True)
        .order_by("-created_at")
        .first()
    )

    def refuse(message: str, reason: str) -> RuleViolation:
        return RuleViolation({"code": [RuleViolation(message, code=reason)]})

    if entry is None or entry.expires_at <= now:
        raise refuse(_("The code has expired or was never sent. Ask for a new one."), "expired")
    if entry.attempts >= settings.ACADEMY_PHONE_CODE_MAX_TRIES:
        raise refuse(_("Too many wrong codes. Ask for a new one."), "too_many_tries")
    expected = _phone_code_hash(phone=phone, purpose=purpose, code=code.strip())
    if not constant_time_compare(expected, entry.code_hash):
        PhoneCode.objects.filter(pk=entry.pk).update(attempts=F("attempts") + 1)
        raise refuse(_("The code is not right."), "wrong_code")
    if not PhoneCode.objects.filter(pk=entry.pk, used_at__isnull=True).update(used_at=now):
        raise refuse(_("The code has expired or was never sent. Ask for a new one."), "expired")
    user = _phone_code_account(phone=phone, purpose=purpose)
    if user is None:
        raise refuse(_("No account can be opened with this code."), "no_account")
    return user


def _password_problems(*, user: User, password: str) -> list[ValidationError]:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        return error.error_list
    return []


def account_password_set_by_phone(
    *, phone: str, purpose: str, code: str, password: str, email: str = ""
) -> User:
    """Set the password of the account a phone code opens, and return it: a password reset
    (``PhoneCode.Purpose.RESET``), or the claim of an account made for its owner at a class
    or from a roster (``CLAIM``), which may also give an email address. The account stays
    the same one, with all its records. The password and email are checked before the code
    is used up."""
    phone = _phone_checked(phone)
    email = email.strip().lower()
    candidate = _phone_code_account(phone=phone, purpose=purpose)
    problems: dict[str, list[ValidationError]] = {}
    if candidate is not None:
        if password_problems := _password_problems(user=candidate, password=password):
            problems["password"] = password_problems
        if email and User.objects.filter(email__iexact=email).exclude(pk=candidate.pk).exists():
            problems["email"] = [
                RuleViolation(
                    _("Another account already uses this email address."),
                    code="duplicate_email",
                )
            ]
    if problems:
        raise RuleViolation(problems)
    user = phone_code_check(phone=phone, purpose=purpose, code=code)
    with transaction.atomic():
        user.set_password(password)
        fields = ["password"]
        if email and purpose == PhoneCode.Purpose.CLAIM:
            user.email = email
            fields.append("email")
        user.save(update_fields=fields)
    return user


@transaction.atomic
def organization_map_unlisted(*, name: str, organization: Organization) -> int:
    """Put every trainee who typed ``name`` as an unlisted organisation (whatever its case
    or surrounding spaces) in ``organization``; returns how many profiles changed."""
    name = name.strip()
    if not name:
        return 0
    moved = TraineeProfile.objects.filter(
        organization__isnull=True, unlisted_organization__iexact=name
    ).update(organization=organization, unlisted_organization="")
    learners_epoch_bump()
    return moved
