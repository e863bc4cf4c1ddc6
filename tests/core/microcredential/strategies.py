"""Hypothesis strategies for valid micro-credential specifications (reusable by other tests)."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from merit.core.microcredential import vocab

LANGUAGES = ["en", "sv", "fi", "pl", "nb", "de"]
# Printable text including non-ASCII, quotes and backslashes; tab and newline allowed, other controls not.
TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\u2028\u2029")
    | st.sampled_from("\t\n"),
    min_size=1,
    max_size=60,
).filter(lambda s: s.strip() != "")
ESCO_URIS = sorted(vocab.esco_skill_labels())[:500]


@st.composite
def texts(draw: st.DrawFn, default: str) -> dict[str, str]:
    others = draw(st.lists(st.sampled_from(LANGUAGES), max_size=2, unique=True))
    return {language: draw(TEXT) for language in dict.fromkeys([default, *others])}


@st.composite
def specifications(draw: st.DrawFn) -> dict[str, Any]:
    language = draw(st.sampled_from(LANGUAGES))
    spec: dict[str, Any] = {
        "id": "urn:uuid:" + draw(st.uuids()).hex,
        "language": language,
        "title": draw(texts(language)),
        "awardingBody": {"name": draw(TEXT), "country": draw(st.sampled_from(["SE", "PL", "FI", "NO", "DE"]))},
        "learningOutcomes": draw(
            st.lists(
                st.fixed_dictionaries(
                    {"text": texts(language)},
                    optional={
                        "escoSkills": st.lists(
                            st.sampled_from(ESCO_URIS).map(lambda s: vocab.ESCO_SKILL + s), max_size=3, unique=True
                        )
                    },
                ),
                min_size=1,
                max_size=4,
            )
        ),
        "workload": draw(
            st.one_of(
                st.fixed_dictionaries({"ects": st.integers(1, 60).map(lambda n: n / 2)}),
                st.fixed_dictionaries({"hours": st.integers(1, 2000)}),
                st.fixed_dictionaries({"ects": st.integers(1, 30), "hours": st.integers(1, 900)}),
            )
        ),
        "assessment": {
            "types": draw(st.lists(st.sampled_from(sorted(vocab.ASSESSMENT_TYPES)), min_size=1, unique=True))
        },
        "participation": {"mode": draw(st.sampled_from(sorted(vocab.MODES)))},
        "qualityAssurance": {"type": draw(st.sampled_from(sorted(vocab.QUALITY_ASSURANCE)))},
    }
    if draw(st.booleans()):
        spec["eqfLevel"] = draw(st.integers(1, 8))
    if draw(st.booleans()):
        spec["iscedField"] = draw(st.sampled_from(sorted(vocab.isced_fields())))
    if draw(st.booleans()):
        spec["description"] = draw(texts(language))
    if draw(st.booleans()):
        spec["supervision"] = draw(st.sampled_from(sorted(vocab.SUPERVISION)))
    if draw(st.booleans()):
        spec["prerequisites"] = draw(texts(language))
    if draw(st.booleans()):
        spec["integration"] = {"option": draw(st.sampled_from(sorted(vocab.INTEGRATION)))}
    if draw(st.booleans()):
        spec["grading"] = {"type": "LetterGrade", "allowedValues": ["A", "B", "C"]}
    return spec
