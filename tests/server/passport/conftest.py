"""Fixtures: a college that issues, a verified learner with a passport, and credentials issued to them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from merit.core.microcredential import Learner
from merit.server.accounts.models import Organisation
from merit.server.accounts.services import mark_verified
from merit.server.delivery import services as delivery
from merit.server.issuing import services
from merit.server.issuing.models import IssuedCredential, Specification

ROOT = Path(__file__).parents[3]


def specification_of(organisation: Organisation, example: str, key: str) -> Specification:
    data = json.loads((ROOT / "examples" / f"{example}.json").read_text(encoding="utf-8"))
    draft, _ = services.save_specification(organisation, key, data, actor="test")
    return services.publish_specification(draft, actor="test")


@pytest.fixture
def solar(college: Organisation) -> Specification:
    return specification_of(college, "solar-installation-vocational", "solar")


def learner_client(username: str = "anna@example.se", **options: Any) -> tuple[Any, Client]:
    user = get_user_model().objects.create_user(username, email=username, password="a long and private passphrase")
    mark_verified(user)
    client = Client(**options)
    client.force_login(user)
    return user, client


@pytest.fixture
def anna(db: None) -> tuple[Any, Client]:
    return learner_client()


def issue_to(specification: Specification, email: str, **options: Any) -> tuple[IssuedCredential, str]:
    """Issue ``specification`` to ``email``; returns the record and its claim token."""
    learner = Learner(email=email, name="Anna")
    record = services.issue_from_specification(specification, learner, actor="test", **options)
    return record, delivery.create_link(record, email)
