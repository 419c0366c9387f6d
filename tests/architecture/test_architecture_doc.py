"""
docs/architecture.md is the page a newcomer reads after the README: its event
catalog is the code's, every service has a README that names its interface
and events, and nothing in the repository points outside it.
"""

import importlib
import re
import subprocess
from pathlib import Path

import pytest

from shop.core import eventcatalog
from shop.core.management.commands.event_catalog import markdown_table
from shop.core.registry import service_labels

ROOT = Path(__file__).resolve().parents[2]
ARCHITECTURE = ROOT / "docs" / "architecture.md"


def test_the_event_catalog_in_the_architecture_page_is_the_codes():
    text = ARCHITECTURE.read_text()
    table = re.search(
        r"<!-- event-catalog:start -->\n(.*?)\n<!-- event-catalog:end -->", text, re.S
    )

    assert table, "docs/architecture.md lost its event-catalog markers"
    assert table.group(1) == markdown_table(), (
        "Regenerate it: python manage.py event_catalog --update docs/architecture.md"
    )


@pytest.mark.parametrize("service", service_labels())
def test_each_service_says_what_it_offers_publishes_and_consumes_in_its_readme(service):
    readme = (ROOT / "shop" / service / "README.md").read_text()
    public = importlib.import_module(f"shop.{service}.public")
    functions = [name for name in public.__all__ if callable(getattr(public, name))]
    offered = [name for name in functions if not isinstance(getattr(public, name), type)]
    declared = [entry for entry in eventcatalog.entries().values() if not entry.runtime]
    published = [entry.name for entry in declared if entry.publisher == service]
    consumed = [
        task for entry in declared for task in entry.consumers if task.startswith(f"{service}.")
    ]

    missing = [
        name
        for name in [*offered, *published, *consumed]
        if name not in readme and name.split(".", 1)[-1] not in readme
    ]
    assert missing == [], f"shop/{service}/README.md does not mention {missing}"


def test_nothing_in_the_repository_points_outside_it():
    tracked = subprocess.run(
        ["git", "ls-files", "*.md", "*.py", "*.ini", "*.toml", "Makefile", ".ci/*"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    outside = "../" + "shared"  # spelled apart so that this file does not match itself
    pointing_out = [
        path
        for path in tracked
        if (ROOT / path).is_file() and outside in (ROOT / path).read_text(errors="ignore")
    ]

    assert pointing_out == []


def test_the_readme_sends_the_reader_to_the_architecture_page():
    assert "docs/architecture.md" in (ROOT / "README.md").read_text()
