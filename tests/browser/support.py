"""What the browser tests share: Debian's Chromium, the screenshot folder, the axe-core accessibility check, and ORM
work run outside Playwright's event loop."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from django.db import connections

ROOT = Path(__file__).parents[2]
SHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
AXE = ROOT / "interop" / "node_modules" / "axe-core" / "axe.min.js"


def assert_accessible(page: Any, name: str) -> None:
    """No serious or critical WCAG 2.2 AA violation on the page (axe-core, injected into the page)."""
    if not AXE.exists():
        pytest.fail("axe-core is not installed: run 'npm ci --prefix interop'")
    # Evaluated through the DevTools protocol, not added as an inline <script>, which Merit's policy blocks.
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    result = page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa']}})"
    )
    serious = [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} elements)"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], f"{name}: {serious}"


def in_thread(work: Any) -> None:
    """Run ORM work outside Playwright's event loop thread, closing its connection afterwards."""

    def run() -> None:
        try:
            work()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
