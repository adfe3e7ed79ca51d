from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from .models import Organization, QualificationLevel, TraineeProfile
from .roles import ADMINISTRATOR, TRAINEE, TRAINER

User = get_user_model()


@transaction.atomic
def trainee_register(
    *,
    full_name: str,
    email: str,
    password: str,
    organization: Organization | None,
    phone: str = "",
    qualification_level: str = QualificationLevel.NONE,
) -> User:
    """Create a trainee account with its profile and the Trainee role."""
    user = User(
        username=email.lower() if email else phone,
        full_name=full_name.strip(),
        email=email.lower(),
        phone=phone,
    )
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    TraineeProfile.objects.create(
        user=user, organization=organization, qualification_level=qualification_level
    )
    user.groups.add(Group.objects.get(name=TRAINEE))
    return user


@transaction.atomic
def user_assign_role(*, user: User, role: str) -> None:
    """Put a user in a role group; trainers and administrators may use the admin."""
    user.groups.add(Group.objects.get(name=role))
    if role == ADMINISTRATOR and not user.is_staff:
        # The django-rq dashboard admits staff users only.
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    if role in (TRAINER, ADMINISTRATOR):
        TraineeProfile.objects.get_or_create(user=user)


@transaction.atomic
def profile_update(*, user: User, full_name: str, phone: str, profile_data: dict) -> TraineeProfile:
    user.full_name = full_name.strip()
    user.phone = phone
    user.full_clean(exclude=["password"])
    user.save(update_fields=["full_name", "phone"])
    profile, _created = TraineeProfile.objects.get_or_create(user=user)
    for field, value in profile_data.items():
        setattr(profile, field, value)
    profile.full_clean()
    profile.save()
    return profile
