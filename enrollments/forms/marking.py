from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _


class CaseMarkingForm(forms.Form):
    """One number field per reference point of each sub-question, and a comment."""

    comment = forms.CharField(
        label=_("Comment for the trainee"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, content: dict, marks=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.parts = []
        for i, part in enumerate(content.get("sub_questions") or []):
            names = []
            for j, point in enumerate(part.get("reference_points") or []):
                name = f"mark_{i}_{j}"
                maximum = Decimal(point["points"])
                initial = None
                if marks and i < len(marks) and j < len(marks[i]):
                    initial = marks[i][j]
                self.fields[name] = forms.DecimalField(
                    label=point["text"],
                    min_value=0,
                    max_value=maximum,
                    decimal_places=1,
                    initial=initial,
                    help_text=_("of %(points)s") % {"points": point["points"]},
                )
                names.append(name)
            self.parts.append({"part": part, "names": names})

    def part_rows(self):
        return [
            {"part": entry["part"], "fields": [self[name] for name in entry["names"]]}
            for entry in self.parts
        ]

    def marks(self) -> list[list[str]]:
        return [[str(self.cleaned_data[name]) for name in entry["names"]] for entry in self.parts]
