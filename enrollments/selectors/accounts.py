"""What merging two accounts would move, read before it is confirmed."""

from dataclasses import dataclass

from django.db import models

from academy.models import User
from courses.models import CoursePage
from enrollments.models import AccountMerge, Enrollment


def user_relations() -> list[models.ForeignObjectRel]:
    """Every relation from any model to the user model, hidden ones (``related_name="+"``)
    and the tables behind many-to-many fields included."""
    return [
        field
        for field in User._meta.get_fields(include_hidden=True)
        if field.auto_created and not field.concrete and isinstance(field, models.ForeignObjectRel)
    ]


def relation_label(relation: models.ForeignObjectRel) -> str:
    return f"{relation.related_model._meta.label}.{relation.field.name}"


@dataclass(frozen=True)
class MergeRowCount:
    label: str
    model_name: str
    field_name: str
    rows: int


@dataclass(frozen=True)
class AccountMergePreview:
    rows: list[MergeRowCount]
    shared_courses: list[CoursePage]


def account_merge_preview(*, kept: User, merged: User) -> AccountMergePreview:
    """The rows that point at ``merged``, per relation, and the courses both accounts are
    enrolled in (their enrolments are folded into one)."""
    rows = []
    for relation in user_relations():
        if relation.many_to_many:
            continue
        count = (
            relation.related_model._base_manager.filter(**{relation.field.name: merged})
            .order_by()
            .count()
        )
        if count:
            rows.append(
                MergeRowCount(
                    label=relation_label(relation),
                    model_name=str(relation.related_model._meta.verbose_name_plural),
                    field_name=str(relation.field.verbose_name),
                    rows=count,
                )
            )
    shared = CoursePage.objects.filter(
        pk__in=Enrollment.objects.filter(user=merged).values("course_id"),
    ).filter(pk__in=Enrollment.objects.filter(user=kept).values("course_id"))
    return AccountMergePreview(
        rows=sorted(rows, key=lambda row: row.label), shared_courses=list(shared.order_by("title"))
    )


def account_merge_list(*, limit: int = 20):
    return AccountMerge.objects.select_related("kept", "merged", "actor")[:limit]
