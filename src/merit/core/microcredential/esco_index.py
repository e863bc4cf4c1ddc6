"""The search index over the ESCO skill labels bundled with Merit (ESCO v1.1.1, https://esco.ec.europa.eu/).

Text is compared folded (:func:`fold`, :func:`words`). The index is built once, when the bundle is built
(``scripts/build-esco-data`` calls :func:`build`), and stored in the bundle in a form that loads in a few
milliseconds (:class:`Index`); building it at run time would take about half a second on every process start.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from itertools import accumulate, pairwise
from typing import Any

_APOSTROPHES = dict.fromkeys(map(ord, "'’ʼ`´"), None)
# Everything but letters and digits separates words; line breaks are kept so that labels folded together can be
# split apart again.
_SEPARATORS = re.compile(r"[^\w\n]+|_+")
# ASCII bytes other than letters, digits and the line break become spaces; apostrophes are dropped (as in fold).
_ASCII_SEPARATORS = bytes(b if chr(b).isalnum() or b == 10 or b >= 128 else 32 for b in range(256))


def fold(text: str) -> str:
    """Text compared without case or accents: NFKD, case folding, combining marks removed, apostrophes removed."""
    if text.isascii():
        return text.lower().translate(_APOSTROPHES)
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    marks = {character for character in set(text) if unicodedata.combining(character)}
    return text.translate(dict.fromkeys(map(ord, marks), None) | _APOSTROPHES)


def words(text: str) -> list[str]:
    """The folded words of a label or query: letters and digits, split at everything else."""
    return _SEPARATORS.sub(" ", fold(text)).split()


def fold_many(labels: list[str]) -> list[str]:
    """``" ".join(words(label))`` between spaces (" operate forklift ") for every label, computed in bulk: most
    labels are ASCII, and those are lowered and split by one bytes translation of all of them together."""
    # Only the ASCII labels are lowered here: the others are folded already, and lowering a case-folded word can
    # change it again (Cherokee letters fold to upper case).
    parts = [label.lower() if label.isascii() else " ".join(words(label)) for label in labels]
    data = "\n".join(parts).encode("utf-8").translate(_ASCII_SEPARATORS, b"'`")
    texts = data.decode("utf-8").split("\n")
    if len(texts) != len(labels):
        # A label with a line break of its own would misalign the split; fold those labels one by one instead.
        texts = [" ".join(words(label)) for label in labels]
    return [f" {' '.join(text.split())} " for text in texts]


def _labels(concepts: list[list[Any]], groups: int) -> tuple[list[str], list[int]]:
    """Every skill's labels in bundle order (its preferred label, then its alternative labels), and for each label
    the index of its skill in ``concepts``."""
    labels: list[str] = []
    skills: list[int] = []
    for i in range(groups, len(concepts)):
        row = concepts[i]
        own = [row[1], *row[2].split("\n")] if row[2] else [row[1]]
        labels.extend(own)
        skills.extend([i] * len(own))
    return labels, skills


def build(concepts: list[list[Any]], groups: int) -> dict[str, Any]:
    """The index of the bundle's skill labels, as the bundle stores it.

    Labels are numbered in ranking order: preferred labels before alternative ones, then shorter before longer
    (folded), then by folded text, by label and by skill (skills are in URI order). ``order`` lists, for each
    number, the label's position in bundle order; ``postings`` lists every folded word, sorted, with the numbers
    of the labels that contain it as differences from the previous number (``word:first,step,step;...``).
    """
    labels, skills = _labels(concepts, groups)
    texts = fold_many(labels)
    preferred = len(concepts) - groups
    alternative = [skills[k - 1] == skills[k] if k else False for k in range(len(labels))]
    order = sorted(range(len(labels)), key=lambda k: (alternative[k], len(texts[k]), texts[k], labels[k], skills[k]))
    postings: dict[str, list[int]] = {}
    for number, k in enumerate(order):
        for word in dict.fromkeys(texts[k].split()):
            postings.setdefault(word, []).append(number)
    encoded = []
    for word in sorted(postings):
        numbers = postings[word]
        steps = [numbers[0], *(b - a for a, b in pairwise(numbers))]
        encoded.append(f"{word}:{','.join(map(str, steps))}")
    return {"preferred": preferred, "order": " ".join(map(str, order)), "postings": ";".join(encoded)}


class Index:
    """The stored index, loaded: label numbers (in ranking order) → label and skill, words → label numbers.

    Postings are decoded the first time a query needs them; folded label texts are computed on demand.
    """

    def __init__(self, concepts: list[list[Any]], groups: int, document: dict[str, Any]) -> None:
        labels, skills = _labels(concepts, groups)
        order = [int(k) for k in document["order"].split()]
        if len(order) != len(labels) or document["preferred"] != len(concepts) - groups:
            raise ValueError("the ESCO search index does not match the bundled labels; rebuild the bundle")
        self.preferred: int = document["preferred"]
        self.labels = [labels[k] for k in order]
        self.skill_of = [skills[k] for k in order]
        self._encoded = {}
        for entry in document["postings"].split(";"):
            word, _, numbers = entry.partition(":")
            self._encoded[word] = numbers
        self.vocabulary = sorted(self._encoded)
        self._postings: dict[str, list[int]] = {}

    def postings(self, word: str) -> list[int]:
        """The numbers, ascending, of the labels that contain ``word`` (folded) as a whole word."""
        found = self._postings.get(word)
        if found is None:
            encoded = self._encoded.get(word)
            found = list(accumulate(map(int, encoded.split(",")))) if encoded else []
            self._postings[word] = found
        return found

    def with_prefix(self, prefix: str) -> frozenset[int]:
        """The labels with a word that starts with ``prefix`` (folded)."""
        start = bisect.bisect_left(self.vocabulary, prefix)
        end = bisect.bisect_left(self.vocabulary, prefix + "\U0010ffff", start)
        return frozenset().union(*(self.postings(word) for word in self.vocabulary[start:end]))

    def text(self, number: int) -> str:
        """A label's folded words between spaces, e.g. " operate forklift "."""
        return f" {' '.join(words(self.labels[number]))} "

    def exact(self, text: str) -> list[int]:
        """The preferred labels whose folded text (as :meth:`text` gives it) is ``text``.

        Preferred labels are numbered by (length, folded text) first, so a binary search finds them.
        """
        key = (len(text), text)
        numbers = range(self.preferred)
        start = bisect.bisect_left(numbers, key, key=lambda n: (len(folded := self.text(n)), folded))
        found = []
        while start < self.preferred and self.text(start) == text:
            found.append(start)
            start += 1
        return found
