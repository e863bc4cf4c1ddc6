"""The competence map: every skill from a learner's credentials, combined and grouped along the ESCO skills
hierarchy (https://esco.ec.europa.eu/en/classification/skill_main), with EQF levels, total ECTS credits and hours,
and a timeline. The numbers come from what the credentials say; nothing is inferred."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from merit.core.microcredential import esco
from merit.server import esco as labels
from merit.server.passport.models import HeldCredential
from merit.server.passport.subjects import counted

OTHER = "other"


@dataclass
class Skill:
    uri: str
    label: str
    credentials: list[str] = field(default_factory=list)
    levels: set[int] = field(default_factory=set)
    lang: str = ""  # The label's language when it is not the page's (an English fallback, say).


@dataclass
class Group:
    """A branch of the ESCO hierarchy (for example S8 "working with machinery and specialised equipment")."""

    key: str
    label: str
    code: str | None
    pillar: str
    skills: list[Skill] = field(default_factory=list)
    lang: str = ""


@dataclass
class CompetenceMap:
    groups: list[Group]
    eqf: list[tuple[int, int]]
    ects: float
    hours: float
    timeline: list[tuple[date, str, str]]
    credentials: int
    skills: int


def _placement(uri: str) -> tuple[str, str, str | None, str]:
    """(key, label, code, pillar) of the branch a skill is shown under: the second level of the ESCO hierarchy
    (the first is the pillar: skills, knowledge, transversal skills, language skills)."""
    path = esco.group_path(uri) if esco.skill(uri) is not None else []
    if len(path) >= 2:
        return path[1].uri, path[1].label, path[1].code, path[0].label
    if path:
        return path[0].uri, path[0].label, path[0].code, path[0].label
    return OTHER, "", None, ""


def _local(uri: str, label: str) -> tuple[str, str]:
    """(label, lang) of an ESCO concept in the reader's language where Merit has it (``merit.server.esco``)."""
    shown = labels.label(uri) if uri != OTHER else None
    return (shown.text, shown.lang) if shown is not None else (label, "")


def build(held: Iterable[HeldCredential]) -> CompetenceMap:
    """The map of the credentials in ``held`` that were issued to the learner (others never count,
    :func:`merit.server.passport.subjects.counted`)."""
    skills: dict[str, Skill] = {}
    levels: Counter[int] = Counter()
    ects = hours = 0.0
    timeline = []
    count = 0
    for item in counted(held):
        count += 1
        if item.eqf_level:
            levels[item.eqf_level] += 1
        ects += item.ects or 0.0
        hours += item.hours or 0.0
        if item.issued_at:
            timeline.append((item.issued_at.date(), item.display_title, item.issuer_name))
        for entry in item.skills:
            skill = skills.setdefault(entry["uri"], Skill(entry["uri"], entry.get("label") or entry["uri"]))
            if item.display_title not in skill.credentials:
                skill.credentials.append(item.display_title)
            if item.eqf_level:
                skill.levels.add(item.eqf_level)
    groups: dict[str, Group] = {}
    for skill in skills.values():
        shown = labels.skill_label(skill.uri, None) if esco.skill(skill.uri) is not None else None
        if shown is not None:
            skill.label, skill.lang = shown.text, shown.lang
        key, label, code, pillar = _placement(skill.uri)
        if key not in groups:
            text, lang = _local(key, label)
            groups[key] = Group(key, text, code, pillar, lang=lang)
        groups[key].skills.append(skill)
    for group in groups.values():
        group.skills.sort(key=lambda s: (-len(s.credentials), s.label))
    ordered = sorted(groups.values(), key=lambda g: (g.key == OTHER, -len(g.skills), g.code or "", g.label))
    return CompetenceMap(
        groups=ordered,
        eqf=[(level, levels[level]) for level in range(1, 9)],
        ects=round(ects, 1),
        hours=round(hours, 1),
        timeline=sorted(timeline),
        credentials=count,
        skills=len(skills),
    )


def by_year(timeline: list[tuple[date, str, str]]) -> list[tuple[int, int]]:
    """How many credentials were issued in each year, every year from the first to the last included."""
    years = Counter(when.year for when, _title, _issuer in timeline)
    if not years:
        return []
    return [(year, years.get(year, 0)) for year in range(min(years), max(years) + 1)]


def pillars(groups: list[Group]) -> dict[str, int]:
    """Skills counted per ESCO pillar, for the map's summary line."""
    counts: defaultdict[str, int] = defaultdict(int)
    for group in groups:
        counts[group.pillar or OTHER] += len(group.skills)
    return dict(counts)
