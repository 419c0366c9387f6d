"""
The mail the shop sent, read from Django's file-based backend: each
connection writes a file, each message in it is followed by a line of 79
dashes. A message not yet followed by its line is still being written and
is left for the next read.
"""

import email
import re
import time
from dataclasses import dataclass
from email.policy import default as default_policy
from pathlib import Path

SEPARATOR = b"\n" + b"-" * 79 + b"\n"


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    text: str

    def link(self, path_prefix: str) -> str:
        """The first link in the mail whose path starts with ``path_prefix``."""
        found = re.search(rf"https?://[^/\s]+({re.escape(path_prefix)}\S*)", self.text)
        if not found:
            raise AssertionError(f"No link to {path_prefix} in {self.subject!r}:\n{self.text}")
        return found.group(1)


@dataclass(frozen=True)
class Mailbox:
    directory: Path

    def all(self) -> list[Mail]:
        mails = []
        for path in sorted(self.directory.glob("*.log")):
            *complete, _unfinished = path.read_bytes().split(SEPARATOR)
            mails.extend(_parse(raw) for raw in complete if raw.strip())
        return mails

    def to(self, address: str) -> list[Mail]:
        return [mail for mail in self.all() if mail.to == address]

    def wait_for(self, address: str, subject_contains: str, timeout: float = 10.0) -> Mail:
        """The first mail to ``address`` whose subject contains the text; waits for it."""
        deadline = time.monotonic() + timeout
        while True:
            found = [m for m in self.to(address) if subject_contains in m.subject]
            if found:
                return found[0]
            if time.monotonic() > deadline:
                subjects = [m.subject for m in self.to(address)]
                raise AssertionError(
                    f"No mail to {address} about {subject_contains!r}; it got {subjects}"
                )
            time.sleep(0.1)


def _parse(raw: bytes) -> Mail:
    message = email.message_from_bytes(raw.strip() + b"\n", policy=default_policy)
    body = message.get_body(preferencelist=("plain",))
    return Mail(
        to=str(message["To"]),
        subject=str(message["Subject"]),
        text=body.get_content() if body else "",
    )
