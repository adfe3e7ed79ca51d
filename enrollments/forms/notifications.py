"""A trainee's choice of channel for each kind of notice."""

from django import forms
from django.utils.translation import gettext_lazy as _

from enrollments.models import NotificationChannel, NotificationKind


def preference_field_name(kind: str, channel: str) -> str:
    return f"{kind}__{channel}"


class NotificationPreferencesForm(forms.Form):
    """One tick box per kind of notice and channel, started from the trainee's choices."""

    def __init__(self, *args, preferences: dict[tuple[str, str], bool], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for kind, kind_label in NotificationKind.choices:
            row = []
            for channel, channel_label in NotificationChannel.choices:
                name = preference_field_name(kind, channel)
                self.fields[name] = forms.BooleanField(
                    label=_("%(kind)s by %(channel)s")
                    % {"kind": kind_label, "channel": channel_label},
                    required=False,
                    initial=preferences[(kind, channel)],
                )
                row.append(name)
            self.rows.append((kind_label, row))

    def bound_rows(self):
        return [(label, [self[name] for name in names]) for label, names in self.rows]

    def chosen(self) -> dict[tuple[str, str], bool]:
        return {
            (kind, channel): self.cleaned_data[preference_field_name(kind, channel)]
            for kind in NotificationKind.values
            for channel in NotificationChannel.values
        }
