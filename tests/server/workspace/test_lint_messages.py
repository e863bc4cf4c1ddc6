"""The completeness check speaks the reader's language: every code the core lint can give has a message here."""

from __future__ import annotations

import inspect
import json
import re
from pathlib import Path

from django.utils import translation

from merit.core.microcredential import lint, lint_spec
from merit.server.workspace import vocabulary
from merit.server.workspace.lint_messages import MESSAGES, say

EXAMPLE = json.loads((Path(__file__).parents[3] / "examples" / "solar-installation-vocational.json").read_text())


def test_every_lint_code_has_a_message() -> None:
    codes = set(re.findall(r'report\.error\(\s*"([a-z-]+)"', inspect.getsource(lint)))
    assert len(codes) > 10
    assert codes - {"missing"} == set(MESSAGES), "the checklist shows 'missing'; everything else needs a message"


def test_every_mandatory_and_optional_element_has_a_name() -> None:
    assert {path for _name, path in lint.MANDATORY} == set(vocabulary.MANDATORY)
    assert {path for _name, path in lint.OPTIONAL} == set(vocabulary.OPTIONAL)


def test_each_error_has_its_code_and_parameters() -> None:
    data = {**EXAMPLE, "eqfLevel": 9, "iscedField": "1234", "workload": {"ects": 7.25}}
    data["participation"] = {"mode": "by-post"}
    report = lint_spec(data)
    assert len(report.issues) == len(report.errors)
    assert [i.code for i in report.issues] == ["eqf-level", "isced-field", "ects-step", "vocabulary"]
    with translation.override("en"):
        assert [say(i) for i in report.issues][1] == "1234 is not an ISCED-F 2013 field code (for example 0613)."
    with translation.override("sv"):
        swedish = say(report.issues[0])
    assert swedish == "EQF-nivån måste vara ett heltal från 1 till 8."


def test_a_message_with_a_missing_parameter_falls_back_to_english() -> None:
    issue = lint.LintIssue("isced-field", "ISCED-F field 'x' is not an ISCED-F 2013 code", {})
    assert say(issue) == issue.message
    assert say(lint.LintIssue("new-code", "something new", {})) == "something new"
