"""The e-mail backend of the embedded default: each message in a file of its own (``MERIT_HOME/mail``), named
``<time>-<random>.eml`` so that it opens in a mail program. Django's file backend writes every message sent
through one connection into one file, and a bulk job sends its messages through one connection."""

from __future__ import annotations

import os
import secrets
from collections.abc import Sequence
from datetime import datetime

from django.core.mail import EmailMessage
from django.core.mail.backends.filebased import EmailBackend as FileBackend


class EmailBackend(FileBackend):
    def write_message(self, message: EmailMessage) -> None:
        self.stream.write(message.message().as_bytes() + b"\n")

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        sent = 0
        with self._lock:
            for message in email_messages:
                name = f"{datetime.now().strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(6)}.eml"
                path = os.path.join(self.file_path, name)
                try:
                    with open(path, "xb") as self.stream:
                        self.write_message(message)
                except Exception:
                    if not self.fail_silently:
                        raise
                    continue
                finally:
                    self.stream = None
                sent += 1
        return sent

    def open(self) -> bool:
        return False  # Each message opens its own file.

    def close(self) -> None:
        self.stream = None
