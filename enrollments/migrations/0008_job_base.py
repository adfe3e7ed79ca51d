"""One job base for exports, certificate downloads, hours records and certificates.

Fields are renamed, not dropped and added, so no row loses its state or error. The
statuses that meant "the job is done" ("ready" for downloads, "issued" for hours
records) become "done". A certificate keeps its own status (pending, issued,
revoked) and gains the job's: a failed certificate becomes pending with a failed
job, and a re-issue that was asked for becomes a pending (or, after failures, a
failed) job. Everything maps back on the way down.
"""

from functools import partial

from django.db import migrations, models
from django.db.models import F, Q

JOB_STATUS_CHOICES = [
    ("pending", "Pending"),
    ("running", "Running"),
    ("done", "Done"),
    ("failed", "Failed"),
]

# The job base's fields, as each model ends up with them.
JOB_FIELDS = {
    "job_status": partial(
        models.CharField,
        choices=JOB_STATUS_CHOICES,
        default="pending",
        max_length=20,
        verbose_name="job status",
    ),
    "error": partial(models.TextField, blank=True, verbose_name="error"),
    "attempts": partial(
        models.PositiveSmallIntegerField, default=0, verbose_name="failed attempts"
    ),
    "started_at": partial(models.DateTimeField, blank=True, null=True, verbose_name="started"),
    "finished_at": partial(models.DateTimeField, blank=True, null=True, verbose_name="finished"),
    "last_enqueued_at": partial(
        models.DateTimeField, blank=True, null=True, verbose_name="last queued"
    ),
}

# (model, old name, job base name): renamed first, given the job base's definition last.
RENAMED = [
    ("attendanceexport", "status", "job_status"),
    ("certificatebundle", "status", "job_status"),
    ("certificatebundle", "last_error", "error"),
    ("hoursrecord", "status", "job_status"),
    ("hoursrecord", "last_error", "error"),
    ("certificate", "last_error", "error"),
]

ADDED = {
    "certificate": ["job_status", "started_at", "finished_at"],
    "attendanceexport": ["attempts", "started_at", "last_enqueued_at"],
    "certificatebundle": ["attempts", "started_at", "last_enqueued_at"],
    "hoursrecord": ["started_at", "finished_at", "last_enqueued_at"],
}


def to_job_states(apps, schema_editor):
    CertificateBundle = apps.get_model("enrollments", "CertificateBundle")
    HoursRecord = apps.get_model("enrollments", "HoursRecord")
    Certificate = apps.get_model("enrollments", "Certificate")

    CertificateBundle.objects.filter(job_status="ready").update(job_status="done")
    HoursRecord.objects.filter(job_status="issued").update(
        job_status="done", finished_at=F("issued_at")
    )

    Certificate.objects.filter(status="failed").update(status="pending", job_status="failed")
    drawn = Q(status__in=["issued", "revoked"])
    Certificate.objects.filter(drawn, reissue_requested=False).update(job_status="done")
    Certificate.objects.filter(drawn, reissue_requested=True, attempts=0).update(
        job_status="pending"
    )
    Certificate.objects.filter(drawn, reissue_requested=True, attempts__gt=0).update(
        job_status="failed"
    )


def from_job_states(apps, schema_editor):
    CertificateBundle = apps.get_model("enrollments", "CertificateBundle")
    HoursRecord = apps.get_model("enrollments", "HoursRecord")
    Certificate = apps.get_model("enrollments", "Certificate")

    CertificateBundle.objects.filter(job_status="done").update(job_status="ready")
    HoursRecord.objects.filter(job_status="done").update(job_status="issued")
    HoursRecord.objects.filter(job_status="running").update(job_status="pending")

    Certificate.objects.filter(status="pending", job_status="failed").update(status="failed")
    Certificate.objects.filter(status__in=["issued", "revoked"]).exclude(job_status="done").update(
        reissue_requested=True
    )


class Migration(migrations.Migration):
    dependencies = [
        ("enrollments", "0007_checkin_code_attempts"),
    ]

    operations = [
        *(migrations.RenameField(model, old, new) for model, old, new in RENAMED),
        *(
            migrations.AddField(model, name, JOB_FIELDS[name]())
            for model, names in ADDED.items()
            for name in names
        ),
        migrations.RunPython(to_job_states, from_job_states),
        migrations.RemoveField("certificate", "reissue_requested"),
        migrations.AlterField(
            "certificate",
            "status",
            models.CharField(
                choices=[("pending", "Pending"), ("issued", "Issued"), ("revoked", "Revoked")],
                default="pending",
                max_length=20,
                verbose_name="status",
            ),
        ),
        *(migrations.AlterField(model, new, JOB_FIELDS[new]()) for model, _old, new in RENAMED),
    ]
