"""
``manage.py event_catalog [--markdown | --update FILE]``: the event catalog as
the code and ``config/events.toml`` make it, one event a line: who publishes
it, its version, whether it is private, who consumes it, and what it means
(the first sentence of the event class's docstring). ``docs/architecture.md``
carries the ``--markdown`` table between its ``event-catalog`` markers;
``--update docs/architecture.md`` rewrites it there, and a test keeps the two
the same.
"""

import inspect
import re
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from shop.core import eventcatalog
from shop.core.checks.events import shop_events

MARKDOWN_HEADER = (
    "| event | version | publisher | kind | consumers | meaning |\n|---|---|---|---|---|---|"
)


def _meaning(cls) -> str:
    """The first sentence of the event class's docstring, in Markdown."""
    doc = inspect.getdoc(cls) or ""
    if doc.startswith(f"{cls.__name__}("):  # the dataclass's generated signature
        return ""
    paragraph = " ".join(doc.split("\n\n", 1)[0].split())
    sentence = re.split(r"(?<=[.:;])\s", paragraph, maxsplit=1)[0].rstrip(":;.")
    return sentence.replace("``", "`") + "." if sentence else ""


def rows() -> list[tuple[str, ...]]:
    events = shop_events()
    found = []
    for name, entry in sorted(eventcatalog.entries().items()):
        if name not in events:
            continue
        consumers = ", ".join(
            [f"`{task}`" for task in entry.consumers]
            + [f"`{task}` (on demand)" for task in entry.on_demand]
        )
        consumers = consumers or "none yet"
        kind = "private" if entry.private else "integration"
        meaning = _meaning(events[name]).replace("|", "\\|")
        found.append((f"`{name}`", str(entry.version), entry.publisher, kind, consumers, meaning))
    return found


START, END = "<!-- event-catalog:start -->", "<!-- event-catalog:end -->"
BETWEEN_MARKERS = re.compile(rf"{re.escape(START)}\n.*?{re.escape(END)}", re.S)


def markdown_table() -> str:
    lines = [MARKDOWN_HEADER, *("| " + " | ".join(row) + " |" for row in rows())]
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Print the event catalog: every event, its version, publisher and consumers."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--markdown", action="store_true", help="As a Markdown table.")
        parser.add_argument(
            "--update", metavar="FILE", help="Rewrite the table between the markers in FILE."
        )

    def handle(self, *args, markdown, update, **options):
        if update:
            path = Path(update)
            text = path.read_text()
            if not BETWEEN_MARKERS.search(text):
                raise CommandError(f"{update} has no {START} ... {END} markers.")
            table = f"{START}\n{markdown_table()}\n{END}"
            path.write_text(BETWEEN_MARKERS.sub(lambda _match: table, text))
            self.stdout.write(f"Updated the event catalog in {update}.")
            return
        if markdown:
            self.stdout.write(markdown_table())
            return
        for name, version, _publisher, kind, consumers, _meaning in rows():
            self.stdout.write(
                f"{name.strip('`')} v{version} ({kind}) -> {consumers.replace('`', '')}"
            )
