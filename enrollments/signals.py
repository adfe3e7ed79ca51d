"""Events other parts of the product listen to.

``enrollment_completed`` is sent once, after the transaction that completed an
enrolment commits, with ``enrollment_id``.
"""

from django.dispatch import Signal

enrollment_completed = Signal()
