"""The members' pages obey the Content-Security-Policy by construction: no inline script, style or handler."""

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "web"
OURS = [
    *sorted((TEMPLATES / "people").glob("*.html")),
    TEMPLATES / "partials" / "feed_items.html",
    TEMPLATES / "partials" / "notifications_link.html",
]


@pytest.mark.parametrize("path", OURS, ids=lambda path: path.name)
def test_no_inline_script_style_or_event_handler(path):
    text = path.read_text(encoding="utf-8")

    assert "<script" not in text
    assert "<style" not in text
    assert not re.search(r"\sstyle=", text)
    assert not re.search(r"\son[a-z]+=", text)
