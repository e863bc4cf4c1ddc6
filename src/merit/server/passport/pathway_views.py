"""The passport's pathway pages: the qualifications a learner follows or works toward, the progress toward one (units
done, partly done and missing, the rules in words, the credentials that did not count and why, what would fill the
gap, and a chart with a table beside it), following and unfollowing, and a search for qualifications to follow.
Everything shown is computed from the signed-in learner's own cards (:mod:`.pathways`)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from merit.core.qualifications import rules
from merit.server.passport import pathways
from merit.server.passport.display import other_language, reader_language
from merit.server.qualifications.models import Qualification

SYMBOLS = {"done": "✓", "partial": "◐", "missing": "○"}
WIDTH, COLUMNS, BOX_W, BOX_H, GAP, HEAD = 640, 3, 200, 58, 12, 30


def state_words() -> dict[str, str]:
    return {"done": _("Done"), "partial": _("Partly done"), "missing": _("Missing")}


def rule_words(rule: rules.RuleState, language: str) -> str:
    """A rule in words, with what the learner has and needs."""
    r = rule.rule
    if r.kind == "credits":
        text = _("Units worth at least %(need)s credits: you have %(have)s") % {
            "need": floatformat(rule.need, -1),
            "have": floatformat(rule.have, -1),
        }
    elif r.kind == "choose":
        text = _("%(need)s of these units: you have %(have)s") % {"need": int(rule.need), "have": int(rule.have)}
    elif r.kind == "qualification":
        text = _("The qualification %(iri)s, completed") % {"iri": r.qualification}
    else:
        text = _("All of these units: you have %(have)s of %(need)s") % {
            "need": int(rule.need),
            "have": int(rule.have),
        }
    label = pathways.title(r.label or {}, language)
    return f"{label}: {text}" if label else text


def _unit_name(unit: Any, language: str) -> str:
    name = pathways.title(unit.title, language, unit.iri)
    return f"{unit.code} {name}".strip() if unit.code else name


def _unit_lang(unit: Any, language: str) -> str:
    """The language of the unit's title as shown, when it is not the page's (for a ``lang`` attribute)."""
    return other_language(pathways.title_language(unit.title, language))


def _groups(standing: pathways.Standing, language: str) -> list[dict[str, Any]]:
    """The rules, each with its units and their states (the units of a rule that names none: every unit)."""
    states = {s.unit.iri: s for s in standing.progress.units}
    words = state_words()
    groups = []
    for rule in standing.progress.rules:
        iris = list(rule.rule.units) or (
            [] if rule.rule.kind == "qualification" else [s.unit.iri for s in standing.progress.units]
        )
        units = []
        for iri in iris:
            state = states.get(iri)
            if state is None:
                continue
            by = [standing.cards[k].display_title for k in state.by if k in standing.cards]
            units.append(
                {
                    "iri": iri,
                    "code": state.unit.code,
                    "name": _unit_name(state.unit, language),
                    "lang": _unit_lang(state.unit, language),
                    "state": state.state,
                    "symbol": SYMBOLS[state.state],
                    "word": words[state.state],
                    "by": by,
                    "recognised": state.recognised,
                    "credits": state.unit.credits,
                }
            )
        groups.append({"words": rule_words(rule, language), "met": rule.met, "units": units})
    return groups


def chart(groups: list[dict[str, Any]]) -> dict[str, Any]:
    """Geometry of the pathway chart: each rule a band with its words, its units as boxes, three to a row; done,
    partly done and missing told apart by symbol, word and pattern (never colour alone)."""
    y = 0
    bands = []
    for group in groups:
        band: dict[str, Any] = {"y": y + 18, "words": group["words"], "met": group["met"], "boxes": []}
        y += HEAD
        for index, unit in enumerate(group["units"]):
            row, column = divmod(index, COLUMNS)
            x, top = column * (BOX_W + GAP), y + row * (BOX_H + GAP)
            band["boxes"].append({**unit, "x": x, "y": top, "text_x": x + 10, "line1": top + 22, "line2": top + 44})
        rows = -(-len(group["units"]) // COLUMNS)
        y += rows * (BOX_H + GAP) + GAP
        bands.append(band)
    return {"bands": bands, "width": WIDTH, "height": max(y, 40), "box_w": BOX_W, "box_h": BOX_H}


def qualification_or_404(pk: int) -> Qualification:
    found = Qualification.objects.filter(pk=pk).first()
    if found is None:
        raise Http404("no such qualification")
    return found


@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    language = reader_language()
    text = request.GET.get("q", "")[:200]
    items = [
        {
            "pk": s.row.pk,
            "code": s.row.code,
            "title": pathways.title(s.row.title, language, s.row.iri),
            "followed": s.followed,
            "done": s.done,
            "missing": s.missing,
            "total": len(s.progress.units),
            "complete": s.progress.complete,
        }
        for s in pathways.overview(request.user)  # type: ignore[arg-type]
    ]
    found = [
        {"pk": q.pk, "code": q.code, "title": pathways.title(q.title, language, q.iri), "eqf": q.eqf_level}
        for q in pathways.search(text)
    ]
    context = {"items": items, "q": text, "found": found, "searched": bool(text.strip()), "section": "pathways"}
    return render(request, "passport/pathways.html", context)


@login_required
@require_GET
def pathway(request: HttpRequest, pk: int) -> HttpResponse:
    language = reader_language()
    standing = pathways.detail(request.user, pk)  # type: ignore[arg-type]
    if standing is None:
        raise Http404("no such qualification")
    groups = _groups(standing, language)
    units = {s.unit.iri: s.unit for s in standing.progress.units}
    excluded = [
        {
            "title": held.display_title,
            "pk": held.pk,
            "unit": _unit_name(units[unit], language) if unit in units else "",
            "lang": _unit_lang(units[unit], language) if unit in units else "",
            "code": reason,
            "reason": pathways.reason_text(reason),
        }
        for held, reason, unit in standing.excluded
    ]
    gaps = [
        {
            "name": _unit_name(s.unit, language),
            "lang": _unit_lang(s.unit, language),
            "state": s.state,
            "fillers": standing.fillers.get(s.unit.iri, []),
        }
        for s in standing.progress.units
        if s.state != "done"
    ]
    context = {
        "q": standing.row,
        "title": pathways.title(standing.row.title, language, standing.row.iri),
        "standing": standing,
        "groups": groups,
        "chart": chart(groups),
        "excluded": excluded,
        "gaps": gaps,
        "words": state_words(),
        "section": "pathways",
    }
    return render(request, "passport/pathway.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def follow(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: a confirmation page with a button; POST: follow the qualification."""
    row = qualification_or_404(pk)
    if request.method == "POST":
        if pathways.follow(request.user, row):  # type: ignore[arg-type]
            messages.success(request, _("You now follow this qualification."))
        else:
            messages.info(request, _("You already follow this qualification."))
        return redirect("passport:pathway", pk=row.pk)
    title = pathways.title(row.title, reader_language(), row.iri)
    return render(request, "passport/follow.html", {"q": row, "title": title, "section": "pathways", "on": True})


@login_required
@require_http_methods(["GET", "POST"])
def unfollow(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: a confirmation page with a button; POST: stop following the qualification."""
    row = qualification_or_404(pk)
    if request.method == "POST":
        if pathways.unfollow(request.user, row):  # type: ignore[arg-type]
            messages.success(request, _("You no longer follow this qualification."))
        return redirect("passport:pathways")
    title = pathways.title(row.title, reader_language(), row.iri)
    return render(request, "passport/follow.html", {"q": row, "title": title, "section": "pathways", "on": False})
