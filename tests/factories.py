import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

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
    class Meta:
        model = TraineeProfile
        django_get_or_create = ("user",)

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    qualification_level = QualificationLevel.ASSISTANT


def trainee(**kwargs):
    user = UserFactory(**kwargs)
    user.groups.add(Group.objects.get(name=TRAINEE))
    TraineeProfileFactory(user=user)
    return user


def trainer(**kwargs):
    return UserFactory(role=TRAINER, **kwargs)


def administrator(**kwargs):
    return UserFactory(role=ADMINISTRATOR, **kwargs)
