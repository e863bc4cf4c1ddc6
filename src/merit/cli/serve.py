"""``merit serve``: migrate, seed the demo data on first start, and serve with waitress."""

from __future__ import annotations

import argparse
import atexit
import os
import signal
import sys

from merit.cli.io import UsageError


def run(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "merit.server.settings")
    shown_host = "localhost" if args.host in ("127.0.0.1", "0.0.0.0") else args.host  # noqa: S104
    os.environ.setdefault("MERIT_BASE_URL", f"http://{shown_host}:{args.port}")
    # At most half the threads may wait on other sites at once (decision 0013), so slow peers never take them all.
    os.environ.setdefault("MERIT_FETCH_CONCURRENCY", str(max(1, args.threads // 2)))
    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    from merit.server.accounts.models import Organisation

    if not args.no_demo and not Organisation.objects.exists():
        from merit.server.demo import announce, create_demo_data

        # The passwords and tokens go to a file only its owner reads; on screen only when stdout is a terminal.
        announce(create_demo_data(), settings.HOME, sys.stdout)
    from merit.server.workers import baseurl

    baseurl.record()
    print(f"Merit is running at {settings.BASE_URL}  (API docs: {settings.BASE_URL}/api/docs; data in {settings.HOME})")
    if not args.no_worker:
        from merit.cli.supervise import Supervisor

        # The embedded default runs one background worker (bulk issuance) next to the web server, restarted
        # whenever it dies; it also ends by itself if this process is killed.
        supervisor = Supervisor()
        supervisor.start()
        atexit.register(supervisor.stop)
        # Exit through atexit on SIGTERM too, so the worker never outlives the server.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    from waitress import serve

    from merit.server.wsgi import application

    serve(application, host=args.host, port=args.port, threads=args.threads, ident="merit")
    return 0


def worker(args: argparse.Namespace) -> int:
    """Run background jobs (bulk issuance, e-mail delivery) from the database queue until stopped; a worker that
    dies is replaced by its supervisor, and its tasks are taken up by any worker once its lease expires."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "merit.server.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    from merit.server.workers import baseurl, runner

    try:
        baseurl.configure_worker()
    except baseurl.UnknownBaseUrl as exc:
        raise UsageError(str(exc)) from exc
    runner.run(args.interval)
    return 0
