"""Certificates, bundles, exports, hours records and proofs have no address: only the
views that check ownership hand them out, in development as in production."""

import importlib
import zipfile
from io import BytesIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.urls import clear_url_caches, reverse

from enrollments.models import Certificate
from enrollments.services.certificates.bundles import certificate_bundle_request
from enrollments.services.certificates.hours_records import hours_record_request
from enrollments.services.exports import attendance_export_request, attendance_export_run
from tests.academy import factories as people
from tests.enrollments import factories as records


@pytest.fixture(params=["dev", "production"])
def urlconf(request, settings):
    """The URLs as ``make run`` (DEBUG on) or a server (DEBUG off) builds them."""
    import academy.urls

    settings.DEBUG = request.param == "dev"
    importlib.reload(academy.urls)
    clear_url_caches()
    yield request.param
    settings.DEBUG = False
    importlib.reload(academy.urls)
    clear_url_caches()


@pytest.fixture
def private_files(trainee_user, admin_user, django_capture_on_commit_callbacks):
    """One file of each private kind, each with the view its owner downloads it from."""
    certificate = records.issued_certificate(
        enrollment=records.completed_enrollment(user=trainee_user)
    )
    with django_capture_on_commit_callbacks(execute=True):
        bundle = certificate_bundle_request(
            actor=admin_user, course_id=certificate.enrollment.course_id
        )
        hours_record = hours_record_request(user=trainee_user, requested_by=trainee_user)
    export = attendance_export_request(
        user=admin_user, export_format="csv", language="zh-hans", filters={}
    )
    attendance_export_run(export_id=export.pk)
    proof = records.external_training(user=trainee_user)
    for job in (bundle, hours_record, export):
        job.refresh_from_db()
    return {
        "certificate": (certificate.pdf, trainee_user, "certificates:download", certificate.pk),
        "bundle": (bundle.file, admin_user, "certificates_admin:bundle_download", bundle.pk),
        "export": (export.file, admin_user, "attendance_admin:download", export.pk),
        "hours record": (
            hours_record.pdf,
            trainee_user,
            "certificates:hours_download",
            hours_record.pk,
        ),
        "proof": (proof.proof, trainee_user, "enrollments:external_training_proof", proof.pk),
    }


KINDS = ["certificate", "bundle", "export", "hours record", "proof"]


def test_private_files_are_kept_outside_the_public_media_folder(private_files, settings):
    private_root = storages["private"].path("")
    for kind in KINDS:
        file = private_files[kind][0]
        assert file.name, kind
        assert file.storage.exists(file.name), kind
        assert file.path.startswith(private_root), kind
        assert not storages["default"].exists(file.name), kind


@pytest.mark.parametrize("kind", KINDS)
def test_no_private_file_is_served_at_a_media_address(client, urlconf, private_files, kind):
    file = private_files[kind][0]
    # Even a stray copy left in the public folder has no address.
    storages["default"].save(file.name, ContentFile(file.open("rb").read()))
    file.close()

    response = client.get(f"/media/{file.name}")

    assert response.status_code == 404


def test_public_images_are_served_by_the_development_server_only(client, urlconf, db):
    storages["default"].save("original_images/seal.png", ContentFile(b"\x89PNG\r\n\x1a\n"))

    response = client.get("/media/original_images/seal.png")

    assert response.status_code == (200 if urlconf == "dev" else 404)
    assert client.get("/media/images/../certificates/x.pdf").status_code == 404


@pytest.mark.parametrize("kind", KINDS)
def test_the_owner_downloads_through_the_view(client, private_files, kind):
    file, owner, view_name, pk = private_files[kind]
    url = reverse(view_name, args=[pk])

    # Logged out, or someone else: sent to log in, or refused.
    assert client.get(url).status_code in (302, 404)
    client.force_login(people.trainee())
    assert client.get(url).status_code in (302, 403, 404)

    client.force_login(owner)
    response = client.get(url)

    assert response.status_code == 200
    with file.open("rb") as handle:
        assert b"".join(response.streaming_content) == handle.read()
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("kind", KINDS)
def test_the_web_server_sends_the_file_when_the_internal_redirect_is_on(
    client, private_files, settings, kind
):
    settings.PRIVATE_MEDIA_ACCEL_REDIRECT = "/private-media/"
    file, owner, view_name, pk = private_files[kind]
    client.force_login(owner)

    response = client.get(reverse(view_name, args=[pk]))

    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/private-media/{file.name}"
    assert response.content == b""
    assert response["Content-Type"].split(";")[0] in (
        "application/pdf",
        "application/zip",
        "text/csv",
    )


def test_the_internal_redirect_refuses_a_missing_file(client, private_files, settings):
    settings.PRIVATE_MEDIA_ACCEL_REDIRECT = "/private-media/"
    file, owner, view_name, pk = private_files["certificate"]
    file.storage.delete(file.name)
    client.force_login(owner)

    assert client.get(reverse(view_name, args=[pk])).status_code == 404


def test_object_storage_downloads_are_signed_addresses_that_expire(client, private_files, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "academy",
                "access_key": "AKIAACADEMYTEST",
                "secret_key": "academy-test-secret",
                "endpoint_url": "https://objects.academy.test",
                "region_name": "cn-north-1",
                "location": "private",
                "querystring_expire": settings.PRIVATE_MEDIA_URL_EXPIRE_SECONDS,
            },
        },
    }
    file, owner, view_name, pk = private_files["certificate"]
    client.force_login(owner)

    response = client.get(reverse(view_name, args=[pk]))

    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(f"https://objects.academy.test/academy/private/{file.name}?")
    assert "X-Amz-Signature=" in location
    assert "X-Amz-Expires=300" in location
    assert "response-content-disposition=attachment" in location


def test_the_bundle_holds_the_certificates_from_private_storage(private_files):
    bundle_file = private_files["bundle"][0]
    with bundle_file.open("rb") as handle:
        names = zipfile.ZipFile(BytesIO(handle.read())).namelist()
    serial = Certificate.objects.get().serial_number
    assert [name for name in names if name.startswith(serial)]


def test_the_migration_moves_existing_private_files_out_of_public_media(db):
    migration = importlib.import_module("enrollments.migrations.0011_private_storage")
    public, private = storages["default"], storages["private"]
    public.save("certificates/2025/GC-2025-N-00001-v1.pdf", ContentFile(b"%PDF-1.4 old"))
    public.save("external-training/abc.png", ContentFile(b"\x89PNG"))
    public.save("original_images/seal.png", ContentFile(b"\x89PNG"))

    migration.private_files_move(None, None)

    assert private.open("certificates/2025/GC-2025-N-00001-v1.pdf").read() == b"%PDF-1.4 old"
    assert private.exists("external-training/abc.png")
    assert not public.exists("certificates/2025/GC-2025-N-00001-v1.pdf")
    assert not public.exists("external-training/abc.png")
    assert public.exists("original_images/seal.png")

    migration.private_files_move_back(None, None)

    assert public.exists("certificates/2025/GC-2025-N-00001-v1.pdf")
    assert not private.exists("certificates/2025/GC-2025-N-00001-v1.pdf")
