"""A worker signs under the address the web server serves: ``MERIT_BASE_URL``, or the one the web server
recorded; with neither, or with a different one, it refuses to start rather than sign for ``localhost``."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from django.conf import LazySettings

from merit.server.bulk import services as bulk
from merit.server.bulk.models import IssuanceJob
from merit.server.issuing import services
from merit.server.issuing.models import IssuedCredential
from merit.server.issuing.services import create_organisation
from merit.server.workers import baseurl
from merit.server.workers.models import Installation
from tests.server.workers.processes import start_worker

ROOT = Path(__file__).parents[3]


@pytest.mark.django_db(transaction=True)
def test_a_worker_without_a_base_url_refuses_to_start_when_none_is_recorded(tmp_path: Path) -> None:
    log = tmp_path / "worker.log"
    process = start_worker(log, drop=("MERIT_BASE_URL",))
    assert process.wait(60) == 64
    assert "merit worker: set MERIT_BASE_URL" in log.read_text()


@pytest.mark.django_db(transaction=True)
def test_a_worker_without_a_base_url_signs_under_the_recorded_one(tmp_path: Path) -> None:
    baseurl.record()  # What merit serve and the WSGI application do when they start.
    assert Installation.objects.get().base_url == "https://merit.test"
    college = create_organisation(slug="college", name="Yrkeshögskolan Norr", country="SE")
    data = json.loads((ROOT / "examples" / "solar-installation-vocational.json").read_text())
    spec = services.publish_specification(services.save_specification(college, "s", data, actor="t")[0], actor="t")
    job, _, _ = bulk.create_job(spec, "l.csv", b"email,name\na@example.se,A\nb@example.se,B\n", actor="test")
    log = tmp_path / "worker.log"
    process = start_worker(log, drop=("MERIT_BASE_URL",))
    try:
        deadline = time.monotonic() + 60
        while IssuanceJob.objects.get(pk=job.pk).state != "done":
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
    finally:
        process.kill()
        process.wait()
    statuses = [r.document["credentialStatus"] for r in IssuedCredential.objects.all()]
    entries = [entry for status in statuses for entry in (status if isinstance(status, list) else [status])]
    urls = {entry["statusListCredential"] for entry in entries}
    assert urls
    assert all(url.startswith("https://merit.test/status/") for url in urls), urls


@pytest.mark.django_db
def test_a_worker_whose_base_url_differs_from_the_recorded_one_refuses(
    settings: LazySettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    Installation.objects.create(base_url="https://credentials.example.org")
    monkeypatch.setenv("MERIT_BASE_URL", "http://localhost:8000")
    settings.BASE_URL = "http://localhost:8000"
    with pytest.raises(baseurl.UnknownBaseUrl, match=r"the web server serves https://credentials\.example\.org"):
        baseurl.configure_worker()
    monkeypatch.delenv("MERIT_BASE_URL")
    assert baseurl.configure_worker() == "https://credentials.example.org"
    assert settings.BASE_URL == "https://credentials.example.org"


@pytest.mark.django_db
def test_the_web_server_records_only_an_address_it_was_given(
    settings: LazySettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MERIT_BASE_URL")
    baseurl.record()
    assert not Installation.objects.exists()
    monkeypatch.setenv("MERIT_BASE_URL", "https://a.example")
    settings.BASE_URL = "https://a.example"
    baseurl.record()
    settings.BASE_URL = "https://b.example"
    baseurl.record()
    assert list(Installation.objects.values_list("base_url", flat=True)) == ["https://b.example"]
