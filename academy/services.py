from django.contrib.auth import password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .errors import RuleViolation
from .models import Organization, QualificationLevel, TraineeProfile, User
from .roles import ADMINISTRATOR, TRAINEE, TRAINER


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
    if user.phone and User.objects.filter(phone=user.phone).exists():
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
) -> User:
    """Create a trainee account with its profile and the Trainee role.

    The account logs in by email or phone; without a password it has none until its
    owner resets it. Refuses with a ``RuleViolation`` whose problems are keyed by the
    argument at fault: a duplicate email or phone, a login name already taken, a weak
    password, or a value the account cannot hold.
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
    TraineeProfile.objects.create(
        user=user, organization=organization, qualification_level=qualification_level
    )
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
