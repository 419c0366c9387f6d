"""The browser console of the pages a test opened, and what in it says a policy refused."""

import re
from dataclasses import dataclass, field

from playwright.sync_api import Page

# Chromium's words when the Content-Security-Policy (or its report-only twin)
# refuses something, and when the Permissions-Policy header names a feature
# it does not know or refuses one a page asked for.
POLICY_VIOLATION = re.compile(
    r"Content Security Policy|Content-Security-Policy|Permissions-Policy|permissions policy",
    re.IGNORECASE,
)


@dataclass
class BrowserConsole:
    messages: list[str] = field(default_factory=list)

    def listen_to(self, page: Page) -> None:
        page.on("console", lambda message: self.messages.append(f"{page.url}: {message.text}"))

    def take_policy_violations(self) -> list[str]:
        """The messages that report a refusal by a policy, removed from the console."""
        refused = [message for message in self.messages if POLICY_VIOLATION.search(message)]
        self.messages = [message for message in self.messages if message not in refused]
        return refused
