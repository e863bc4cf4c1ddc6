"""The registry in Django admin, for the registry authority: applications and accreditations are read here and
changed only through the registry services (so every decision is signed, published and logged)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest

from merit.server.registry import services
from merit.server.registry.models import (
    Accreditation,
    Application,
    Authority,
    Decision,
    IssuingGrant,
    QualityAssuranceBody,
)


@admin.register(Authority)
class AuthorityAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("organisation", "created_at")


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("organisation", "authority", "state", "eqf_min", "eqf_max", "created_at", "decided_by")
    list_filter = ("state", "authority")
    readonly_fields = tuple(f.name for f in Application._meta.fields)
    actions = ("approve",)

    @admin.action(description="Approve with the scope applied for")
    def approve(self, request: HttpRequest, queryset: QuerySet[Application]) -> None:
        for application in queryset:
            try:
                services.approve(application, user=request.user)  # type: ignore[arg-type]
            except services.RegistryRefusal as exc:
                self.message_user(request, f"{application.organisation}: {exc.message}", messages.ERROR)


@admin.register(Accreditation)
class AccreditationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("organisation", "authority", "state", "eqf_min", "eqf_max", "valid_from", "valid_until")
    list_filter = ("state", "authority")
    readonly_fields = tuple(f.name for f in Accreditation._meta.fields)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("at", "action", "actor", "application", "accreditation")
    readonly_fields = tuple(f.name for f in Decision._meta.fields)


@admin.register(IssuingGrant)
class IssuingGrantAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("creator", "specification_key", "grantee", "valid_until", "revoked_at")


@admin.register(QualityAssuranceBody)
class QualityAssuranceBodyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "framework", "country", "authority", "recognised_at")
    list_filter = ("authority", "framework")
    # As Django 6 will; no warning. A class attribute, as Django reads it.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}  # noqa: RUF012
