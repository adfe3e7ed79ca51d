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
