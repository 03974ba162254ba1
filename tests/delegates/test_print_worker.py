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
