"""One job base for exports, certificate downloads, hours records and certificates.

Fields are renamed, not dropped and added, so no row loses its state or error. The
statuses that meant "the job is done" ("ready" for downloads, "issued" for hours
records) become "done". A certificate keeps its own status (pending, issued,
revoked) and gains the job's: a failed certificate becomes pending with a failed
job, and a re-issue that was asked for becomes a pending (or, after failures, a
failed) job. Everything maps back on the way down.
"""

from django.db import migrations, models
from django.db.models import F, Q

JOB_STATUS_CHOICES = [
    ("pending", "Pending"),
    ("running", "Running"),
    ("done", "Done"),
    ("failed", "Failed"),
]


def job_status_field():
    return models.CharField(
        choices=JOB_STATUS_CHOICES, default="pending", max_length=20, verbose_name="job status"
    )


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
    Certificate.objects.filter(status__in=["issued", "revoked"]).exclude(
        job_status="done"
    ).update(reissue_requested=True)


class Migration(migrations.Migration):
    dependencies = [
        ("enrollments", "0007_checkin_code_attempts"),
    ]

    operations = [
        migrations.RenameField("attendanceexport", "status", "job_status"),
        migrations.RenameField("certificatebundle", "status", "job_status"),
        migrations.RenameField("certificatebundle", "last_error", "error"),
        migrations.RenameField("hoursrecord", "status", "job_status"),
        migrations.RenameField("hoursrecord", "last_error", "error"),
        migrations.RenameField("certificate", "last_error", "error"),
        migrations.AddField("certificate", "job_status", job_status_field()),
        migrations.AddField(
            "certificate",
            "started_at",
            models.DateTimeField(blank=True, null=True, verbose_name="started"),
        ),
        migrations.AddField(
            "certificate",
            "finished_at",
            models.DateTimeField(blank=True, null=True, verbose_name="finished"),
        ),
        migrations.AddField(
            "attendanceexport",
            "attempts",
            models.PositiveSmallIntegerField(default=0, verbose_name="failed attempts"),
        ),
        migrations.AddField(
            "attendanceexport",
            "started_at",
            models.DateTimeField(blank=True, null=True, verbose_name="started"),
        ),
        migrations.AddField(
            "attendanceexport",
            "last_enqueued_at",
            models.DateTimeField(blank=True, null=True, verbose_name="last queued"),
        ),
        migrations.AddField(
            "certificatebundle",
            "attempts",
            models.PositiveSmallIntegerField(default=0, verbose_name="failed attempts"),
        ),
        migrations.AddField(
            "certificatebundle",
            "started_at",
            models.DateTimeField(blank=True, null=True, verbose_name="started"),
        ),
        migrations.AddField(
            "certificatebundle",
            "last_enqueued_at",
            models.DateTimeField(blank=True, null=True, verbose_name="last queued"),
        ),
        migrations.AddField(
            "hoursrecord",
            "started_at",
            models.DateTimeField(blank=True, null=True, verbose_name="started"),
        ),
        migrations.AddField(
            "hoursrecord",
            "finished_at",
            models.DateTimeField(blank=True, null=True, verbose_name="finished"),
        ),
        migrations.AddField(
            "hoursrecord",
            "last_enqueued_at",
            models.DateTimeField(blank=True, null=True, verbose_name="last queued"),
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
        migrations.AlterField("attendanceexport", "job_status", job_status_field()),
        migrations.AlterField("certificatebundle", "job_status", job_status_field()),
        migrations.AlterField("hoursrecord", "job_status", job_status_field()),
        migrations.AlterField(
            "certificatebundle", "error", models.TextField(blank=True, verbose_name="error")
        ),
        migrations.AlterField(
            "hoursrecord", "error", models.TextField(blank=True, verbose_name="error")
        ),
        migrations.AlterField(
            "certificate", "error", models.TextField(blank=True, verbose_name="error")
        ),
    ]
