"""The job-base migration keeps every row's state, error and attempts, both ways."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from enrollments.models import Enrollment
from tests.academy import factories
from tests.enrollments import factories as ef
from tests.migrations import latest, migrate

BEFORE = [("enrollments", "0007_checkin_code_attempts")]
AFTER = [("enrollments", "0008_job_base")]
ISSUED_AT = datetime(2026, 6, 30, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_old_statuses_map_to_the_job_vocabulary_and_back():
    page = ef.certified_course()
    admin = factories.administrator()
    enrollment_ids = [
        ef.enrollment(course=page, status=Enrollment.Status.COMPLETED).pk for _ in range(6)
    ]
    # (old status, re-issue requested, attempts, last error) -> (status, job status)
    certificates = {
        ("pending", False, 0, ""): ("pending", "pending"),
        ("failed", False, 2, "OSError: disk full"): ("pending", "failed"),
        ("issued", False, 0, ""): ("issued", "done"),
        ("revoked", False, 0, ""): ("revoked", "done"),
        ("issued", True, 0, ""): ("issued", "pending"),
        ("revoked", True, 1, "OSError: font"): ("revoked", "failed"),
    }
    try:
        old = migrate(BEFORE)
        Certificate = old.get_model("enrollments", "Certificate")
        for enrollment_id, (status, reissue, attempts, error) in zip(
            enrollment_ids, certificates, strict=True
        ):
            Certificate.objects.create(
                enrollment_id=enrollment_id,
                status=status,
                reissue_requested=reissue,
                attempts=attempts,
                last_error=error,
                version=0 if status in ("pending", "failed") else 1,
            )
        Bundle = old.get_model("enrollments", "CertificateBundle")
        for status in ("pending", "running", "ready", "failed"):
            Bundle.objects.create(requested_by_id=admin.pk, status=status, last_error=status)
        HoursRecord = old.get_model("enrollments", "HoursRecord")
        for status in ("pending", "issued", "failed"):
            HoursRecord.objects.create(
                user_id=admin.pk,
                period_start="2024-01-01",
                period_end="2026-12-31",
                status=status,
                attempts=1 if status == "failed" else 0,
                last_error="ValueError: x" if status == "failed" else "",
                issued_at=ISSUED_AT if status == "issued" else None,
            )
        Export = old.get_model("enrollments", "AttendanceExport")
        for status in ("pending", "running", "done", "failed"):
            Export.objects.create(
                requested_by_id=admin.pk, format="csv", language="zh-hans", status=status
            )

        new = migrate(AFTER)
        Certificate = new.get_model("enrollments", "Certificate")
        assert {
            (c.status, c.job_status, c.attempts, c.error)
            for c in Certificate.objects.order_by("pk")
        } == {
            (status, job_status, attempts, error)
            for (_old, _reissue, attempts, error), (status, job_status) in certificates.items()
        }
        Bundle = new.get_model("enrollments", "CertificateBundle")
        assert sorted(Bundle.objects.values_list("error", "job_status")) == [
            ("failed", "failed"),
            ("pending", "pending"),
            ("ready", "done"),
            ("running", "running"),
        ]
        HoursRecord = new.get_model("enrollments", "HoursRecord")
        assert sorted(HoursRecord.objects.values_list("job_status", "error", "finished_at")) == [
            ("done", "", ISSUED_AT),
            ("failed", "ValueError: x", None),
            ("pending", "", None),
        ]
        Export = new.get_model("enrollments", "AttendanceExport")
        assert sorted(Export.objects.values_list("job_status", flat=True)) == [
            "done",
            "failed",
            "pending",
            "running",
        ]

        old = migrate(BEFORE)
        Certificate = old.get_model("enrollments", "Certificate")
        assert {
            (c.status, c.reissue_requested, c.attempts, c.last_error)
            for c in Certificate.objects.all()
        } == set(certificates)
        Bundle = old.get_model("enrollments", "CertificateBundle")
        assert sorted(Bundle.objects.values_list("status", flat=True)) == [
            "failed",
            "pending",
            "ready",
            "running",
        ]
        HoursRecord = old.get_model("enrollments", "HoursRecord")
        assert sorted(HoursRecord.objects.values_list("status", flat=True)) == [
            "failed",
            "issued",
            "pending",
        ]
    finally:
        migrate(latest())
