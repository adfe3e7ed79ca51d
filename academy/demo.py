"""Demo people and organisations; safe to run again."""

from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction

from .models import Organization, QualificationLevel, TraineeProfile
from .roles import ADMINISTRATOR, TRAINEE, TRAINER
from .services import user_assign_role

User = get_user_model()

DEMO_PASSWORD = "shegong-demo-2026"  # noqa: S105 - published demo logins

ORGANIZATIONS = [
    ("阳光社会工作服务中心", Organization.Kind.SOCIAL_WORK, "城东区"),
    ("启明社工事务所", Organization.Kind.SOCIAL_WORK, "城西区"),
    ("和美社区志愿服务队", Organization.Kind.VOLUNTEER_TEAM, "城东区"),
    ("东湖街道办事处", Organization.Kind.STREET_OFFICE, "城东区"),
]

# username, full name, email, phone, role, organisation index, qualification, registered
PEOPLE = [
    (
        "admin",
        "王海燕",
        "admin@academy.example",
        "13800000001",
        ADMINISTRATOR,
        None,
        QualificationLevel.SENIOR,
        date(2022, 3, 1),
    ),
    (
        "trainer",
        "陈立群",
        "trainer@academy.example",
        "13800000002",
        TRAINER,
        0,
        QualificationLevel.INTERMEDIATE,
        date(2021, 9, 1),
    ),
    (
        "trainer2",
        "刘思远",
        "trainer2@academy.example",
        "13800000003",
        TRAINER,
        1,
        QualificationLevel.SENIOR,
        date(2020, 6, 1),
    ),
    (
        "trainee",
        "李晓明",
        "trainee@academy.example",
        "13900000001",
        TRAINEE,
        0,
        QualificationLevel.ASSISTANT,
        date(2024, 7, 1),
    ),
    (
        "trainee2",
        "张丽华",
        "trainee2@academy.example",
        "13900000002",
        TRAINEE,
        1,
        QualificationLevel.INTERMEDIATE,
        date(2023, 11, 15),
    ),
    (
        "trainee3",
        "赵建国",
        "trainee3@academy.example",
        "13900000003",
        TRAINEE,
        2,
        QualificationLevel.NONE,
        None,
    ),
    (
        "trainee4",
        "孙梅",
        "trainee4@academy.example",
        "13900000004",
        TRAINEE,
        3,
        QualificationLevel.ASSISTANT,
        date(2025, 1, 10),
    ),
    (
        "trainee5",
        "周雨萱",
        "trainee5@academy.example",
        "13900000005",
        TRAINEE,
        0,
        QualificationLevel.NONE,
        None,
    ),
]

DEMO_LOGINS = [
    ("admin@academy.example", DEMO_PASSWORD, "Administrator"),
    ("trainer@academy.example", DEMO_PASSWORD, "Trainer"),
    ("trainee@academy.example", DEMO_PASSWORD, "Trainee"),
]


@transaction.atomic
def seed_people() -> dict[str, object]:
    organizations = []
    for name, kind, district in ORGANIZATIONS:
        organization, _created = Organization.objects.get_or_create(
            name=name, defaults={"kind": kind, "district": district}
        )
        organizations.append(organization)
    people = {}
    for username, full_name, email, phone, role, org_index, level, registered in PEOPLE:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, full_name=full_name, email=email, phone=phone)
            user.set_password(DEMO_PASSWORD)
            user.save()
        user_assign_role(user=user, role=role)
        TraineeProfile.objects.update_or_create(
            user=user,
            defaults={
                "organization": organizations[org_index] if org_index is not None else None,
                "qualification_level": level,
                "registration_date": registered,
            },
        )
        people[username] = user
    return {"organizations": organizations, "people": people}
