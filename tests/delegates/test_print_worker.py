"""Bulk badge printing in a real Celery worker (PostgreSQL + Redis): the job runs after commit."""

import time

import pytest
from django.urls import reverse

from delegates.models import BadgePrintJob
from tests.delegates.conftest import approved_registration, pdf_qr_codes, pdf_text
from tests.services import require_postgres, require_redis
from tests.worker import publishing_to, queue_name, worker_factory  # noqa: F401  (fixture)

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_worker_prints_the_selected_badges_into_one_pdf(
    client,
    organizer,
    worker_factory,  # noqa: F811  (the fixture imported above)
    settings,
    smtp_sink,
):
    require_postgres()
    url = require_redis()
    people = [approved_registration(name=f"Printed Person {i}") for i in range(30)]
    queue = queue_name()
    with publishing_to(url, queue):
        worker_factory(
            broker_url=url,
            smtp_port=smtp_sink.port,
            queue=queue,
            env={"MEDIA_ROOT": str(settings.MEDIA_ROOT)},
        )
        client.force_login(organizer)
        response = client.post(
            reverse("admin:delegates_registration_changelist"),
            {"action": "print_badges_selected", "_selected_action": [p.pk for p in people]},
        )
        assert response.status_code == 302
        job = BadgePrintJob.objects.get()
        deadline = time.monotonic() + 60
        while job.status not in ("done", "failed") and time.monotonic() < deadline:
            time.sleep(0.3)
            job.refresh_from_db()
    assert (job.status, job.done, job.total, job.error) == ("done", 30, 30, "")
    page = client.get(response["Location"]).content.decode()
    assert "30 of 30 badges" in page and "Download the PDF" in page
    download = client.get(reverse("admin:delegates_badgeprintjob_download", args=[job.pk]))
    pdf = b"".join(download.streaming_content)
    assert len(pdf_qr_codes(pdf)) == 30
    assert "PrintedPerson29" in pdf_text(pdf)


def wait_for_job(job, statuses=("done", "failed"), timeout=90):
    deadline = time.monotonic() + timeout
    while job.status not in statuses and time.monotonic() < deadline:
        time.sleep(0.1)
        job.refresh_from_db()
    return job


def pdf_pages(client, job) -> int:
    from io import BytesIO

    from pypdf import PdfReader

    download = client.get(reverse("admin:delegates_badgeprintjob_download", args=[job.pk]))
    return len(PdfReader(BytesIO(b"".join(download.streaming_content))).pages)


def test_broker_down_print_action_answers_200_and_the_job_runs_when_it_returns(
    client,
    organizer,
    worker_factory,  # noqa: F811
    settings,
    smtp_sink,
):
    from delegates.tasks import sweep_badge_print_jobs
    from tests.worker import RedisServer

    require_postgres()
    people = [approved_registration(name=f"Offline Person {i}") for i in range(3)]
    redis = RedisServer().start()
    queue = queue_name()
    try:
        redis.stop()
        with publishing_to(redis.url, queue):
            client.force_login(organizer)
            response = client.post(
                reverse("admin:delegates_registration_changelist"),
                {"action": "print_badges_selected", "_selected_action": [p.pk for p in people]},
                follow=True,
            )
            assert response.status_code == 200  # the job is saved, not a 500
            job = BadgePrintJob.objects.get()
            assert job.status == "queued"

            redis.start()
            worker_factory(
                broker_url=redis.url,
                smtp_port=smtp_sink.port,
                queue=queue,
                env={"MEDIA_ROOT": str(settings.MEDIA_ROOT), "BADGE_PRINT_STUCK_AFTER": "0.5"},
            )
            time.sleep(0.6)  # older than the sweep's grace period
            assert BadgePrintJob.objects.get().status == "queued"  # only the sweep sends it
            sweep_badge_print_jobs.delay()  # what beat does every minute
            job = wait_for_job(job)
    finally:
        redis.stop()
    assert (job.status, job.done, job.attempts, job.error) == ("done", 3, 1, "")
    assert pdf_pages(client, job) == 3


def test_job_left_running_by_a_killed_worker_is_started_again_by_the_sweep(
    client,
    organizer,
    worker_factory,  # noqa: F811
    settings,
    smtp_sink,
):
    from delegates.tasks import sweep_badge_print_jobs

    require_postgres()
    url = require_redis()
    people = [approved_registration(name=f"Crash Person {i}") for i in range(60)]
    queue = queue_name()
    env = {"MEDIA_ROOT": str(settings.MEDIA_ROOT)}
    with publishing_to(url, queue):
        first = worker_factory(
            broker_url=url, smtp_port=smtp_sink.port, queue=queue, concurrency=1, env=env
        )
        client.force_login(organizer)
        client.post(
            reverse("admin:delegates_registration_changelist"),
            {"action": "print_badges_selected", "_selected_action": [p.pk for p in people]},
        )
        job = wait_for_job(BadgePrintJob.objects.get(), statuses=("running", "done", "failed"))
        assert job.status == "running"
        first.kill()  # mid-job, as an OOM kill or a lost host would
        time.sleep(1.5)
        job.refresh_from_db()
        assert (job.status, job.attempts) == ("running", 1)  # nobody else will touch it

        worker_factory(
            broker_url=url,
            smtp_port=smtp_sink.port,
            queue=queue,
            env={**env, "BADGE_PRINT_STUCK_AFTER": "1"},
        )
        sweep_badge_print_jobs.delay()
        job = wait_for_job(job)
    assert (job.status, job.done, job.total, job.attempts, job.error) == ("done", 60, 60, 2, "")
    assert pdf_pages(client, job) == 60
