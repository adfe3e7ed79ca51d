"""Private files move to their own storage, which has no URL.

Every file already written under the private folders (current and earlier
certificate PDFs, ZIP bundles, exports, hours records, proofs) is moved from the
default storage to the private one; going back moves them the other way.
"""

import academy.storage
import enrollments.models.external
from django.core.files.storage import storages
from django.db import migrations, models

PRIVATE_FOLDERS = [
    "certificates",
    "certificate-bundles",
    "exports/attendance",
    "hours-records",
    "external-training",
]


def _file_names(storage, folder):
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{folder}/{name}"
    for name in folders:
        yield from _file_names(storage, f"{folder}/{name}")


def _move(source, target):
    for folder in PRIVATE_FOLDERS:
        for name in list(_file_names(source, folder)):
            if not target.exists(name):
                with source.open(name, "rb") as handle:
                    target.save(name, handle)
            source.delete(name)


def private_files_move(apps, schema_editor):
    _move(storages["default"], storages["private"])


def private_files_move_back(apps, schema_editor):
    _move(storages["private"], storages["default"])


class Migration(migrations.Migration):

    dependencies = [
        ('enrollments', '0010_session_attendance_state'),
    ]

    operations = [
        migrations.AlterField(
            model_name='attendanceexport',
            name='file',
            field=models.FileField(blank=True, storage=academy.storage.private_storage, upload_to='exports/attendance/', verbose_name='file'),
        ),
        migrations.AlterField(
            model_name='certificate',
            name='pdf',
            field=models.FileField(blank=True, storage=academy.storage.private_storage, upload_to='certificates/%Y/', verbose_name='PDF'),
        ),
        migrations.AlterField(
            model_name='certificatebundle',
            name='file',
            field=models.FileField(blank=True, storage=academy.storage.private_storage, upload_to='certificate-bundles/', verbose_name='ZIP file'),
        ),
        migrations.AlterField(
            model_name='externaltraining',
            name='proof',
            field=models.FileField(storage=academy.storage.private_storage, upload_to=enrollments.models.external.external_training_proof_path, verbose_name='proof'),
        ),
        migrations.AlterField(
            model_name='hoursrecord',
            name='pdf',
            field=models.FileField(blank=True, storage=academy.storage.private_storage, upload_to='hours-records/%Y/', verbose_name='PDF'),
        ),
        migrations.RunPython(private_files_move, private_files_move_back),
    ]
