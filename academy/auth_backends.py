from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Q


def user_find_by_login(*, identifier: str):
    """The one account a login name, email address or mobile number names, or None."""
    identifier = identifier.strip()
    if not identifier:
        return None
    candidates = list(
        get_user_model()
        ._default_manager.filter(
            Q(username__iexact=identifier)
            | Q(email__iexact=identifier, email__gt="")
            | Q(phone=identifier, phone__gt="")
        )
        .order_by()[:2]
    )
    return candidates[0] if len(candidates) == 1 else None


def login_account_key(request, credentials) -> str:
    """What login failures are counted against (django-axes): the account's login name
    whether it was typed as email, mobile number or login name, else the text typed."""
    identifier = str((credentials or {}).get("username") or "")
    user = user_find_by_login(identifier=identifier)
    return user.get_username() if user is not None else identifier.strip().lower()


class EmailOrPhoneBackend(ModelBackend):
    """Log in with a username, an email address or a mobile number."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if not username or password is None:
            return None
        user = user_find_by_login(identifier=username)
        if user is None:
            # Run the hasher anyway so timing does not reveal whether the account exists.
            get_user_model()().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


class PhoneCodeBackend(ModelBackend):
    """Log in with a mobile number and the one-time code texted to it.

    Called as ``authenticate(request, username=phone, one_time_password=code)``, so that
    django-axes counts a wrong code as a failed login of that account and Django keeps
    the code out of the failure signal. A refusal's reason is left on
    ``request.phone_code_error`` for the form to show.
    """

    def authenticate(self, request, username=None, one_time_password=None, **kwargs):
        if not username or not one_time_password:
            return None
        from .errors import RuleViolation
        from .models import PhoneCode
        from .services import phone_code_check

        try:
            user = phone_code_check(
                phone=username, purpose=PhoneCode.Purpose.LOGIN, code=one_time_password
            )
        except RuleViolation as error:
            if request is not None:
                request.phone_code_error = error
            return None
        return user if self.user_can_authenticate(user) else None
