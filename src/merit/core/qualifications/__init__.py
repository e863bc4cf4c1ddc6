"""Qualifications as data, their completion rules and a learner's progress (``docs/pathways.md``)."""
