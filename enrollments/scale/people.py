"""Organisations, trainers and trainees with their roles and profiles."""

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.utils import timezone

from academy.models import Organization, QualificationLevel, TraineeProfile

from .bulk import first_free_id, rows_insert
from .sizes import PREFIX, Scale

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯"
    "邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢"
)
GIVEN = "晓明丽华建国梅雨萱思远立群海燕秀英桂兰志强文静子涵浩然欣怡佳琪宇轩俊杰雅婷嘉怡梓萱诗涵"
DISTRICTS = [
    "城东区",
    "城西区",
    "城南区",
    "城北区",
    "江滨区",
    "高新区",
    "湖畔区",
    "开发区",
    "山前区",
]
ORG_WORDS = [
    "阳光",
    "启明",
    "和美",
    "同心",
    "暖阳",
    "春晖",
    "晨曦",
    "善行",
    "安康",
    "融爱",
    "彩虹",
    "新航",
    "益众",
    "厚德",
    "惠民",
    "乐龄",
    "向日葵",
    "青禾",
    "明德",
    "仁和",
    "众和",
    "博爱",
    "恒心",
    "睦邻",
    "携手",
    "助航",
]
ORG_KINDS = [
    (Organization.Kind.SOCIAL_WORK, "社会工作服务中心"),
    (Organization.Kind.SOCIAL_WORK, "社工事务所"),
    (Organization.Kind.VOLUNTEER_TEAM, "志愿服务队"),
    (Organization.Kind.STREET_OFFICE, "街道社工站"),
]


def _person_name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def organizations_insert(*, scale: Scale) -> list[int]:
    first = first_free_id(Organization)
    rows = []
    for index in range(scale.organizations):
        district = DISTRICTS[index % len(DISTRICTS)]
        word = ORG_WORDS[(index // len(DISTRICTS)) % len(ORG_WORDS)]
        kind, suffix = ORG_KINDS[index % len(ORG_KINDS)]
        rows.append((first + index, f"{district}{word}{suffix}{index + 1:03d}", kind, district))
    rows_insert(Organization, ["id", "name", "kind", "district"], rows)
    return [row[0] for row in rows]


def users_insert(
    *, count: int, role: str, label: str, phone_prefix: str, rng, now, organizations: list[int]
) -> list[int]:
    User = get_user_model()
    first = first_free_id(User)
    password = make_password(None)
    ids = list(range(first, first + count))
    rows_insert(
        User,
        [
            "id",
            "password",
            "is_superuser",
            "username",
            "email",
            "is_staff",
            "is_active",
            "date_joined",
            "full_name",
            "phone",
        ],
        (
            (
                user_id,
                password,
                False,
                f"{PREFIX}{label}-{number:06d}",
                f"{PREFIX}{label}-{number:06d}@academy.example",
                False,
                True,
                now - timedelta(days=rng.randrange(30, 1500)),
                _person_name(rng),
                f"{phone_prefix}{number:08d}",
            )
            for number, user_id in enumerate(ids, start=1)
        ),
    )
    group_id = Group.objects.get(name=role).pk
    first_link = first_free_id(User.groups.through)
    rows_insert(
        User.groups.through,
        ["id", "user_id", "group_id"],
        ((first_link + index, user_id, group_id) for index, user_id in enumerate(ids)),
    )
    levels = [level for level, _label in QualificationLevel.choices]
    first_profile = first_free_id(TraineeProfile)
    today = timezone.localdate(now)
    rows_insert(
        TraineeProfile,
        [
            "id",
            "user_id",
            "organization_id",
            "qualification_level",
            "qualification_number",
            "registration_date",
            "unlisted_organization",
        ],
        (
            (
                first_profile + index,
                user_id,
                organizations[index % len(organizations)] if organizations else None,
                level,
                f"ZS{user_id:010d}" if level != QualificationLevel.NONE else "",
                today - timedelta(days=rng.randrange(100, 3000))
                if level != QualificationLevel.NONE
                else None,
                "",
            )
            for index, user_id in enumerate(ids)
            for level in [levels[(user_id * 7) % len(levels)]]
        ),
    )
    return ids
