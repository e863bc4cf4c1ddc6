"""The registry in Django admin, for the installation's operators (staff) only: the authority's members decide in
the registry pages (``review.py``), so every decision is signed, published and logged through the services. Here
applications, accreditations and decisions are read-only, and nothing of the registry's record can be deleted: an
accreditation is withdrawn, never deleted."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString

from merit.server.registry.models import (
    Accreditation,
    Application,
    Authority,
    Decision,
    IssuingGrant,
    QualityAssuranceBody,
)

SCOPE_FIELDS = ("eqf_min", "eqf_max", "isced_fields", "credential_types", "regions")


def pretty(value: Any) -> SafeString:
    """JSON as an operator reads it: indented, escaped, in a <pre>."""
    return format_html("<pre>{}</pre>", json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True))


class ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    """Shown, never added, changed or deleted here."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ScopeShown(ReadOnly):
    """The scope fields as one readable block instead of raw JSON lists."""

    @admin.display(description="scope")
    def scope(self, obj: Application | Accreditation) -> SafeString:
        return pretty({name: getattr(obj, name) for name in SCOPE_FIELDS})

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        names = [f.name for f in self.model._meta.fields if f.name not in SCOPE_FIELDS and f.name != "id"]
        return [*names, "scope"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return self.get_fields(request, obj)


@admin.register(Authority)
class AuthorityAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("organisation", "created_at")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Application)
class ApplicationAdmin(ScopeShown):
    list_display = ("__str__", "organisation", "authority", "state", "created_at", "decided_by")
    list_filter = ("state", "authority")


@admin.register(Accreditation)
class AccreditationAdmin(ScopeShown):
    list_display = ("__str__", "organisation", "authority", "state", "valid_from", "valid_until", "withdrawn_at")
    list_filter = ("state", "authority")


@admin.register(Decision)
class DecisionAdmin(ReadOnly):
    list_display = ("at", "action", "actor", "application", "accreditation")
    list_filter = ("action",)


@admin.register(IssuingGrant)
class IssuingGrantAdmin(ReadOnly):
    list_display = ("__str__", "creator", "specification_key", "grantee", "valid_until", "revoked_at")


@admin.register(QualityAssuranceBody)
class QualityAssuranceBodyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "framework", "country", "authority", "recognised_at")
    list_filter = ("authority", "framework")
    # As Django 6 will; no warning. A class attribute, as Django reads it.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}  # noqa: RUF012
