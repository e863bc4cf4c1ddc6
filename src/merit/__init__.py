"""Merit: an open micro-credential platform (EU micro-credentials as Open Badges 3.0 / W3C VC 2.0)."""

__version__ = "0.1.0.dev0"
