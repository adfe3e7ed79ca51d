from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.cache import cache
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

phone_validator = RegexValidator(
    regex=r"^1[3-9]\d{9}$",
    message=_("Enter an 11-digit mainland mobile number, for example 13800138000."),
)


class AcademyUserManager(UserManager["User"]):
    def get_by_natural_key(self, username):
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


# The plugin cannot resolve ClassSession.trainer's reverse manager: Wagtail's Orderable is untyped.
class User(AbstractUser):  # type: ignore[django-manager-missing]
    """A person who uses the site: trainee, trainer or administrator."""

    # The stubs cannot express removing an inherited field.
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    full_name = models.CharField(_("full name"), max_length=100)
    email = models.EmailField(_("email address"), blank=True)
    phone = models.CharField(
        _("mobile phone"), max_length=11, blank=True, validators=[phone_validator]
    )

    objects: ClassVar[AcademyUserManager] = AcademyUserManager()

    REQUIRED_FIELDS = ["email", "full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["full_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="academy_user_email_unique",
                violation_error_message=_("A user with this email address already exists."),
            ),
            models.UniqueConstraint(
                "phone",
                condition=~models.Q(phone=""),
                name="academy_user_phone_unique",
                violation_error_message=_("A user with this mobile number already exists."),
            ),
        ]

    def __str__(self):
        return self.full_name or self.username

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name


class Organization(models.Model):
    """A social-work organisation, volunteer team or street office that trainees belong to."""

    class Kind(models.TextChoices):
        SOCIAL_WORK = "social_work", _("Social-work organisation")
        VOLUNTEER_TEAM = "volunteer_team", _("Volunteer team")
        STREET_OFFICE = "street_office", _("Street office")
        OTHER = "other", _("Other")

    name = models.CharField(pgettext_lazy("organisation", "name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    district = models.CharField(_("district"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self):
        return self.name


class QualificationLevel(models.TextChoices):
    NONE = "none", _("None")
    ASSISTANT = "assistant", _("Assistant social worker (助理社会工作师)")
    INTERMEDIATE = "intermediate", _("Social worker (社会工作师)")
    SENIOR = "senior", _("Senior social worker (高级社会工作师)")


class TraineeProfile(models.Model):
    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="trainee_profile", verbose_name=_("user")
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="trainees",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
    )
    qualification_level = models.CharField(
        _("qualification level"),
        max_length=20,
        choices=QualificationLevel.choices,
        default=QualificationLevel.NONE,
    )
    qualification_number = models.CharField(
        _("qualification certificate number"), max_length=50, blank=True
    )
    registration_date = models.DateField(
        _("registration date"),
        null=True,
        blank=True,
        help_text=_(
            "Date of registration as a social worker; starts the continuing-education cycle."
        ),
    )
    unlisted_organization = models.CharField(
        _("unlisted organisation"),
        max_length=200,
        blank=True,
        help_text=_(
            "The organisation the trainee typed because it was not in the list; an "
            "administrator maps it to a listed one."
        ),
    )

    class Meta:
        verbose_name = _("trainee profile")
        verbose_name_plural = _("trainee profiles")

    def __str__(self):
        return str(self.user)


class PhoneCode(models.Model):
    """A one-time code sent by SMS to log in, reset a password or claim an account.

    Only a keyed hash of the code is kept. The rows also count the codes sent, so every
    web process applies the same limits per phone and per client address.
    """

    class Purpose(models.TextChoices):
        LOGIN = "login", _("Log in")
        RESET = "reset", _("Reset the password")
        CLAIM = "claim", _("Claim an account")

    phone = models.CharField(_("mobile phone"), max_length=11)
    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices)
    code_hash = models.CharField(_("code hash"), max_length=128)
    client_address = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    created_at = models.DateTimeField(_("sent"))
    expires_at = models.DateTimeField(_("expires"))
    attempts = models.PositiveSmallIntegerField(_("wrong tries"), default=0)
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        verbose_name = _("phone code")
        verbose_name_plural = _("phone codes")
        indexes = [
            models.Index(fields=["phone", "created_at"]),
            models.Index(fields=["client_address", "created_at"]),
        ]

    def __str__(self):
        return f"{self.phone} · {self.get_purpose_display()}"


@register_setting(icon="site")
class AcademySettings(BaseSiteSetting):
    academy_name = models.CharField(_("academy name"), max_length=200, default="社工学院")
    contact_phone = models.CharField(_("contact phone"), max_length=50, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    footer_text = models.TextField(_("footer text"), blank=True)

    @classmethod
    def for_site(cls, site):
        """The site's settings from the cache (dropped when they are saved), else the row."""
        key = academy_settings_cache_key(site.pk)
        found = cache.get(key)
        if found is None:
            found = super().for_site(site)
            cache.set(key, found, timeout=None)
        return found

    class Meta:
        verbose_name = _("academy settings")


def academy_settings_cache_key(site_id) -> str:
    return f"academy:settings:{site_id}"
