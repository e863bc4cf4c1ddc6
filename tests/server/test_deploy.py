"""The production path of ``docs/deploy.md``, run for real: secrets from the environment, ``migrate`` and
``collectstatic`` with ``django-admin``, and a WSGI server (waitress) serving ``merit.server.wsgi:application``
behind an HTTPS proxy. On PostgreSQL (``DATABASE_URL``) it uses a scratch database of its own."""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

HOST = "credentials.example.org"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fetch(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Host": HOST, "X-Forwarded-Proto": "https", **headers})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def test_production_set_up_serves_merit(tmp_path: Path, database: str) -> None:
    home = tmp_path / "merit-home"
    env: dict[str, Any] = {
        **{k: v for k, v in os.environ.items() if not k.startswith("MERIT_")},
        "DJANGO_SETTINGS_MODULE": "merit.server.settings",
        "DATABASE_URL": database,
        "MERIT_SECRET_KEY": secrets.token_urlsafe(50),
        "MERIT_KEY_ENCRYPTION_KEY": secrets.token_urlsafe(32),
        "MERIT_BASE_URL": f"https://{HOST}",
        "MERIT_ALLOWED_HOSTS": HOST,
        "MERIT_HOME": str(home),
    }
    admin = [sys.executable, "-m", "django"]
    subprocess.run([*admin, "migrate", "--noinput", "-v", "0"], env=env, check=True, timeout=300)
    subprocess.run([*admin, "collectstatic", "--noinput", "-v", "0"], env=env, check=True, timeout=120)
    seed = (
        "import django; django.setup()\n"
        "from merit.server.issuing.services import create_organisation\n"
        "create_organisation(slug='agency', name='Skolverket (test)', country='SE')\n"
    )
    subprocess.run([sys.executable, "-c", seed], env=env, check=True, timeout=60)
    assert sorted(p.name for p in home.iterdir()) == ["static"], "secrets come from the environment, not files"
    assert (home / "static" / "merit" / "htmx-2.0.11.min.js.gz").exists(), "compressed static files"

    port = free_port()
    log = (tmp_path / "waitress.log").open("wb")
    server = subprocess.Popen(
        [
            *[sys.executable, "-m", "waitress", "--listen", f"127.0.0.1:{port}"],
            # As docs/deploy.md says: waitress drops X-Forwarded-Proto unless it comes from a trusted proxy.
            *["--trusted-proxy", "127.0.0.1", "--trusted-proxy-headers", "x-forwarded-proto"],
            "merit.server.wsgi:application",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        status, headers, body = fetch(f"{base}/accounts/login/")
        assert status == 200
        assert b'name="csrfmiddlewaretoken"' in body
        cookie = headers.get("set-cookie", "")
        assert "csrftoken=" in cookie
        assert "Secure" in cookie, "cookies are secure behind the HTTPS proxy"
        assert headers.get("strict-transport-security") == "max-age=31536000", "HSTS over https"
        assert "script-src 'self'" in headers.get("content-security-policy", "")

        status, headers, body = fetch(f"{base}/orgs/agency/did.json")
        assert status == 200
        assert json.loads(body)["id"] == "did:web:credentials.example.org:orgs:agency"
        assert "etag" in headers

        status, headers, body = fetch(f"{base}/static/merit/htmx-2.0.11.min.js", **{"Accept-Encoding": "gzip"})
        assert status == 200
        assert headers.get("content-encoding") == "gzip"
        assert "max-age" in headers.get("cache-control", "")
        assert "default-src 'self'" in headers.get("content-security-policy", ""), "static files too"

        status, headers, body = fetch(f"{base}/credentials/issue")
        assert status in (401, 405)
        status, _headers, body = fetch(f"{base}/accounts/login/", Host="evil.example")
        assert status == 400, "unknown hosts are refused"
        assert b"Traceback" not in body, "no debug pages in production"
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()
