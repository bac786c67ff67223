"""The checks themselves: they see what they are meant to see, with the site's Content-Security-Policy intact."""

import pytest

from web.tests.browser.support import (
    assert_accessible,
    assert_no_horizontal_scroll,
    axe_violations,
    broken_references,
)

pytestmark = pytest.mark.browser


def test_axe_runs_under_the_content_security_policy_and_reports_a_violation(page):
    page.goto("/")
    page.evaluate(
        """() => {
            const img = document.createElement("img");
            img.src = "/static/web/favicon.svg";
            document.querySelector("main").append(img);
            const link = document.createElement("a");
            link.href = "/films/";
            document.querySelector("main").append(link);
        }"""
    )

    with pytest.raises(AssertionError) as failure:
        assert_accessible(page, "home with an unlabelled image and link")

    assert "image-alt (critical)" in str(failure.value)
    assert "link-name (serious)" in str(failure.value)
    assert "\n    img: Fix any of the following" in str(failure.value)  # each node, with what to fix
    assert {violation["id"] for violation in axe_violations(page)} >= {"image-alt", "link-name"}


def test_an_inline_script_is_refused_by_the_policy_and_seen_on_the_console(page, console):
    page.goto("/")

    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.inlineRan = true";
            document.body.append(script);
        }"""
    )

    assert page.evaluate("() => window.inlineRan") is None
    assert any("Content Security Policy" in error for error in console.errors), console.errors
    console.expect("Content Security Policy")


def test_sideways_scrolling_is_caught(page):
    page.goto("/")
    page.set_viewport_size({"width": 360, "height": 800})
    page.evaluate(
        """() => {
            const wide = document.createElement("pre");
            wide.textContent = "x".repeat(400);
            document.querySelector("main").append(wide);
        }"""
    )

    with pytest.raises(AssertionError, match="scrolls sideways"):
        assert_no_horizontal_scroll(page)


def test_a_description_that_points_at_nothing_is_caught(page):
    page.goto("/join/")
    assert broken_references(page) == []

    page.evaluate("() => document.getElementById('id_email').setAttribute('aria-describedby', 'id_email_helptext')")

    assert broken_references(page) == ["input[aria-describedby=id_email_helptext]"]
    with pytest.raises(AssertionError, match="references to ids"):
        assert_accessible(page)
