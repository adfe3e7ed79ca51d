from django.db import models


def optional_reference(
    to: str, verbose_name, *, blank: bool = True, help_text=""
) -> models.ForeignKey:
    """A link that may be empty and is emptied when what it points at is deleted.

    Nothing links back (``related_name="+"``): the user who acted, the image or the
    course does not list the records that mention it.
    """
    return models.ForeignKey(
        to,
        on_delete=models.SET_NULL,
        null=True,
        blank=blank,
        related_name="+",
        verbose_name=verbose_name,
        help_text=help_text,
    )
