"""The one domain error: a rule of the academy refused what was asked.

Services raise ``RuleViolation`` with a message for people and a short code that
tests and callers can match; views show it as a message and the admin as a form
error. It is a ``ValidationError``, so a form that calls a service can add it as it
is.
"""

from django.core.exceptions import ValidationError


class RuleViolation(ValidationError):
    def __init__(self, message, code: str = "invalid", params=None):
        super().__init__(message, code=code, params=params)

    @property
    def text(self) -> str:
        """The message for people, in the active language."""
        return " ".join(self.messages)
