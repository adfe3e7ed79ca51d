from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Q


class EmailOrPhoneBackend(ModelBackend):
    """Log in with a username, an email address or a mobile number."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if not username or password is None:
            return None
        identifier = username.strip()
        user_model = get_user_model()
        candidates = list(
            user_model._default_manager.filter(
                Q(username__iexact=identifier)
                | Q(email__iexact=identifier, email__gt="")
                | Q(phone=identifier, phone__gt="")
            )[:2]
        )
        if len(candidates) != 1:
            # Run the hasher anyway so timing does not reveal whether the account exists.
            user_model().set_password(password)
            return None
        user = candidates[0]
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
