"""Users, organisations and trainee profiles."""

from datetime import date

import factory
from django.contrib.auth import get_user_model

from academy.models import Organization, QualificationLevel, TraineeProfile
from academy.roles import ADMINISTRATOR, TRAINEE, TRAINER

PASSWORD = "correct-horse-battery"


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"第{n}社会工作服务中心")
    kind = Organization.Kind.SOCIAL_WORK
    district = "城东区"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"学员{n}号")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if not create or not extracted:
            return
        from academy.services import user_assign_role

        user_assign_role(user=self, role=extracted)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            instance.save()


class TraineeProfileFactory(factory.django.DjangoModelFactory):
    """A user's one profile: making a second for the same user is an error, not a no-op."""

    class Meta:
        model = TraineeProfile

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    qualification_level = QualificationLevel.ASSISTANT
    registration_date = None


def trainee(
    *,
    organization: Organization | None = None,
    qualification_level: str = QualificationLevel.ASSISTANT,
    registration_date: date | None = None,
    **user_fields,
):
    """A user in the trainee role with a profile; the profile's fields are keywords here."""
    user = UserFactory(role=TRAINEE, **user_fields)
    profile = {"organization": organization} if organization is not None else {}
    TraineeProfileFactory(
        user=user,
        qualification_level=qualification_level,
        registration_date=registration_date,
        **profile,
    )
    return user


def trainer(**user_fields):
    return UserFactory(role=TRAINER, **user_fields)


def administrator(**user_fields):
    return UserFactory(role=ADMINISTRATOR, **user_fields)
