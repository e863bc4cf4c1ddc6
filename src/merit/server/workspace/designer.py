"""The micro-credential designer pages: every Annex I element in one form, the ESCO skill picker, a live
completeness check (the core lint) that blocks publishing, a warning when the micro-credential falls outside the
organisation's accreditation (published then only when the designer confirms it; decision 0022), and a preview as
the learner sees it and as JSON. Saving moves to the micro-credential's own address (a redirect, or
``HX-Redirect`` for htmx).

Every button works without JavaScript (the form posts and the page is drawn again); with htmx the same requests
redraw only the designer, and the completeness check follows typing.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import capfirst, slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from merit.core import texts
from merit.core.errors import MeritError
from merit.core.microcredential import lint_spec, vocab
from merit.core.microcredential.lint import MANDATORY, has_element
from merit.server.accounts.models import Organisation
from merit.server.issuing import services
from merit.server.issuing.models import Specification
from merit.server.registry import wording
from merit.server.registry.services import scope_findings
from merit.server.workspace import units, vocabulary
from merit.server.workspace.access import organisation_for
from merit.server.workspace.designer_form import (
    TEXTS,
    DesignerForm,
    FormError,
    apply_action,
    form_from_post,
    form_from_spec,
    spec_from_form,
)
from merit.server.workspace.lint_messages import say

KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")
ESCO_RESULTS = 8


@login_required
@require_GET
def specifications(request: HttpRequest, slug: str) -> HttpResponse:
    """Every micro-credential of the organisation with its versions, newest first."""
    organisation = organisation_for(request, slug, "view")
    rows: dict[str, list[Specification]] = {}
    for specification in Specification.objects.filter(organisation=organisation).order_by("key", "-version"):
        rows.setdefault(specification.key, []).append(specification)
    context = {"organisation": organisation, "rows": rows, "can_design": _can(request, organisation, "design")}
    return render(request, "workspace/specifications.html", context)


def _can(request: HttpRequest, organisation: Organisation, action: str) -> bool:
    try:
        organisation_for(request, organisation.slug, action)
    except Http404:
        return False
    return True


def _initial(organisation: Organisation) -> DesignerForm:
    """A new micro-credential starts with the organisation's own details as the awarding body."""
    language = (get_language() or "en").split("-")[0]
    body = {
        "name": organisation.name,
        "country": organisation.country,
        "region": organisation.region,
        "url": organisation.homepage,
        "registrationId": organisation.registration_id,
    }
    return form_from_spec({"language": language, "awardingBody": {k: v for k, v in body.items() if v}})


@login_required
@require_http_methods(["GET", "POST"])
def designer(request: HttpRequest, slug: str, key: str | None = None) -> HttpResponse:
    organisation = organisation_for(request, slug, "design")
    latest = services.latest_specification(organisation, key) if key else None
    if key and latest is None:
        raise Http404("no such micro-credential")
    if request.method == "GET":
        form = form_from_spec(latest.data) if latest else _initial(organisation)
        return _page(request, organisation, form, latest, key)
    form = form_from_post(request.POST)
    action = request.POST.get("action", "")
    focus = apply_action(form, action)
    if action in ("save", "publish"):
        return _save(request, organisation, form, latest, key, publish=action == "publish")
    search = None
    if action.startswith("search:"):
        index = action.removeprefix("search:")
        search = (index, request.POST.get(f"esco_q_{index}", ""))
        focus = f"esco_q_{index}"
    return _page(request, organisation, form, latest, key, focus=focus, search=search)


def _save(
    request: HttpRequest,
    organisation: Organisation,
    form: DesignerForm,
    latest: Specification | None,
    key: str | None,
    *,
    publish: bool,
) -> HttpResponse:
    data = spec_from_form(form)
    if key is None:
        key = request.POST.get("key", "").strip() or slugify(next(iter(data.get("title", {}).values()), ""))[:100]
        if not KEY.match(key):
            form.errors.append(FormError("key", _("Use lower-case letters, digits and hyphens, such as solar-pv.")))
        elif services.latest_specification(organisation, key) is not None:
            form.errors.append(FormError("key", _("Another micro-credential already uses this short name.")))
    if form.errors:
        messages.error(request, _("Nothing was saved: correct the marked fields first."))
        return _page(request, organisation, form, latest, None if latest is None else key, key_value=key)
    actor = request.user.get_username()
    unchanged = latest is not None and latest.state == Specification.State.PUBLISHED and latest.data == data
    if unchanged and latest is not None:
        # Publishing what is already published changes nothing: say so (it used to try again and fail).
        if publish:
            messages.info(
                request, _("Version %(version)s is already published; nothing changed.") % {"version": latest.version}
            )
        else:
            messages.info(request, _("Nothing changed since the published version."))
    else:
        if latest is None or latest.state == Specification.State.DRAFT or latest.data != data:
            latest, _report = services.save_specification(organisation, key, data, actor=actor)
        outside = scope_findings(organisation, data) if publish else []
        if outside and request.POST.get("publish_outside_scope") != "yes":
            messages.error(
                request,
                _(
                    "Saved as draft version %(version)s, but not published: %(why)s To publish it all the same, tick "
                    "“Publish it anyway” beside the button."
                )
                % {"version": latest.version, "why": wording.warning(outside)},
            )
        elif publish:
            try:
                services.publish_specification(latest, actor=actor)
            except MeritError:
                messages.error(request, _("Saved as a draft, but not published: mandatory elements are missing."))
            else:
                messages.success(request, _("Version %(version)s is published.") % {"version": latest.version})
                if outside:
                    services.audit(organisation, actor, "specification.published-outside-scope", key)
                    messages.info(request, capfirst(wording.warning(outside)))
        else:
            messages.success(request, _("Saved as draft version %(version)s.") % {"version": latest.version})
    url = reverse("workspace:designer", args=[organisation.slug, key])
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


@login_required
@require_POST
def check(request: HttpRequest, slug: str) -> HttpResponse:
    """The completeness check and preview for the form as typed so far (htmx)."""
    organisation = organisation_for(request, slug, "design")
    form = form_from_post(request.POST)
    context = _context(organisation, form, confirmed=request.POST.get("publish_outside_scope") == "yes")
    return render(request, "workspace/designer_check.html", context)


@login_required
@require_GET
def esco_search(request: HttpRequest, slug: str) -> HttpResponse:
    """ESCO skills matching what is typed, as buttons that add a skill to one learning outcome (htmx)."""
    organisation = organisation_for(request, slug, "design")
    index = request.GET.get("outcome", "0")
    if not index.isdigit():
        raise Http404("no such learning outcome")
    query = request.GET.get(f"esco_q_{index}", "")
    context = {"organisation": organisation, "index": index, "query": query, "results": _esco(query)}
    return render(request, "workspace/designer_esco.html", context)


def _esco(query: str) -> list[dict[str, str]]:
    """ESCO skills matching ``query``, in the reader's language where ESCO labels for it are imported."""
    from merit.server import esco

    return esco.search(query, ESCO_RESULTS)


def _chosen_skill(uri: str) -> tuple[str, str, str]:
    """(URI, label, lang) of a chosen skill: its ESCO label in the reader's language where imported, else English
    (``lang="en"`` on another page's language)."""
    from merit.server import esco

    shown = esco.label(uri)
    return (uri, shown.text, shown.lang) if shown is not None else (uri, vocab.esco_label(uri) or uri, "")


def _page(
    request: HttpRequest,
    organisation: Organisation,
    form: DesignerForm,
    latest: Specification | None,
    key: str | None,
    *,
    focus: str | None = None,
    search: tuple[str, str] | None = None,
    key_value: str | None = None,
) -> HttpResponse:
    context = _context(organisation, form, confirmed=request.POST.get("publish_outside_scope") == "yes", key=key)
    context.update(
        {
            "specification": latest,
            "key": key,
            "key_value": key_value if key_value is not None else request.POST.get("key", ""),
            "focus": focus,
            "search": search,
            "search_results": _esco(search[1]) if search else [],
            "choices": _choices(),
            "already_published": latest is not None
            and latest.state == Specification.State.PUBLISHED
            and latest.data == context["data"],
            "unit_rows": units.rows(organisation, key, units.reader_language()) if key else [],
        }
    )
    template = "workspace/designer_form.html" if request.headers.get("HX-Request") else "workspace/designer.html"
    return render(request, template, context)


def _choices() -> dict[str, Any]:
    return {
        "assessment": vocabulary.ASSESSMENT_TYPES,
        "modes": vocabulary.MODES,
        "settings": vocabulary.SETTINGS,
        "quality": vocabulary.QUALITY_ASSURANCE,
        "supervision": vocabulary.SUPERVISION,
        "integration": vocabulary.INTEGRATION,
        "grading": vocabulary.GRADING,
        "eqf": vocabulary.eqf_levels(),
        "isced": vocabulary.isced_choices(),
    }


def _context(
    organisation: Organisation, form: DesignerForm, *, confirmed: bool = False, key: str | None = None
) -> dict[str, Any]:
    data = spec_from_form(form)
    report = lint_spec(data)
    missing = set(report.missing)
    checklist = []
    for name, path in MANDATORY:
        label, field = vocabulary.MANDATORY[path]
        anchor = f"{field}__{form.language}" if field in ("title", "outcome_0") else field
        checklist.append({"label": label, "done": name not in missing, "anchor": anchor})
    errors = [say(issue) for issue in report.issues if issue.code != "missing"]
    suggestions = [str(label) for path, label in vocabulary.OPTIONAL.items() if not has_element(data, path)]
    preview = services.preview_credential(organisation, data, key) if report.ok and not form.errors else None
    outside = scope_findings(organisation, data)
    return {
        "organisation": organisation,
        "form": form,
        "data": data,
        "report": report,
        "ok": report.ok and not form.errors,
        "checklist": checklist,
        "done": sum(1 for item in checklist if item["done"]),
        "errors": errors,
        "suggestions": suggestions,
        "outside": [wording.finding_text(finding) for finding in outside],
        "outside_many": len(outside) > 1,
        "outside_confirmed": confirmed,
        "form_errors": form.errors,
        "field_errors": {e.field: e.message for e in form.errors},
        "texts": {
            prefix: [(lang, f"{prefix}__{lang}", form.value(f"{prefix}__{lang}")) for lang in form.languages]
            for prefix in TEXTS
        },
        "outcomes": [
            {
                "index": i,
                "texts": [(lang, f"outcome_{i}__{lang}", outcome.text.get(lang, "")) for lang in form.languages],
                "skills": [_chosen_skill(uri) for uri in outcome.skills],
            }
            for i, outcome in enumerate(form.outcomes)
        ],
        "card": _card(data, form.language),
        "preview_json": json.dumps(preview, indent=2, ensure_ascii=False) if preview else None,
        "spec_json": json.dumps(data, indent=2, ensure_ascii=False),
    }


def _text(value: Any, language: str) -> str:
    """Text in the reader's language, else the specification's default, else any it has."""
    return texts.pick(value, [get_language(), language])[0] or ""


def _card(data: dict[str, Any], language: str) -> dict[str, Any]:
    """What the learner sees of the micro-credential (the preview card), in the reader's language."""
    body = data.get("awardingBody", {})
    workload = data.get("workload", {})
    quality = data.get("qualityAssurance", {})
    participation = data.get("participation", {})
    integration = data.get("integration", {})
    isced = data.get("iscedField")
    assessment = data.get("assessment", {})
    return {
        "title": _text(data.get("title"), language),
        "description": _text(data.get("description"), language),
        "issuer": body.get("name", ""),
        "country": body.get("country", ""),
        "outcomes": [
            {
                "text": _text(o.get("text"), language),
                "skills": [vocab.esco_label(s) or s for s in o.get("escoSkills", [])],
            }
            for o in data.get("learningOutcomes", [])
        ],
        "ects": workload.get("ects"),
        "hours": workload.get("hours"),
        "eqf": data.get("eqfLevel"),
        "field": vocabulary.isced_label(isced) if isinstance(isced, str) else "",
        "assessment": [
            vocabulary.label(vocabulary.ASSESSMENT_TYPES, t) for t in data.get("assessment", {}).get("types", [])
        ],
        "assessment_description": _text(assessment.get("description"), language),
        "mode": vocabulary.label(vocabulary.MODES, participation.get("mode")),
        "setting": vocabulary.label(vocabulary.SETTINGS, participation.get("setting")),
        "quality": vocabulary.label(vocabulary.QUALITY_ASSURANCE, quality.get("type")),
        "quality_body": quality.get("body", ""),
        "prerequisites": _text(data.get("prerequisites"), language),
        "supervision": vocabulary.label(vocabulary.SUPERVISION, data.get("supervision")),
        "integration": vocabulary.label(vocabulary.INTEGRATION, integration.get("option")),
        "integration_description": _text(integration.get("description"), language),
        "further": data.get("furtherInformation", ""),
    }
