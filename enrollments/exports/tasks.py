from django_tasks import task


@task()
def attendance_export_run_task(export_id: int) -> None:
    from enrollments.services.exports import attendance_export_run

    attendance_export_run(export_id=export_id)
