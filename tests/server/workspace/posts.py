"""Form posts as a browser sends them, for the designer's tests."""

from __future__ import annotations

from django.http import QueryDict

from merit.server.workspace.designer_form import DesignerForm


def as_post(form: DesignerForm) -> QueryDict:
    """What a browser sends for ``form``: every input by name (lists repeated), text areas with CRLF."""
    post = QueryDict(mutable=True)
    post["language"] = form.language
    post["languages"] = form.other_languages
    for name, value in form.values.items():
        post[name] = value.replace("\n", "\r\n")
    post.setlist("assessment_types", form.assessment_types)
    post["outcomes"] = str(len(form.outcomes))
    for i, outcome in enumerate(form.outcomes):
        for language, text in outcome.text.items():
            post[f"outcome_{i}__{language}"] = text.replace("\n", "\r\n")
        post.setlist(f"outcome_{i}_skill", outcome.skills)
    return post
