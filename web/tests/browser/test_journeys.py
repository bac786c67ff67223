"""What a person does on the site today, in a real browser: join, log out, log in; the home page for a member; the
keyboard alone; without JavaScript."""

import itertools
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from web.tests.browser.support import assert_accessible, focus_outline, log_in, log_out, make_site

pytestmark = pytest.mark.browser


def test_a_visitor_joins_logs_out_and_logs_back_in(page):
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Join", exact=True).click()
    page.get_by_label("Username").fill("newbie")
    page.get_by_label("Email").fill("newbie@example.com")
    page.get_by_label("Password").fill("a-long-pass-phrase-9")
    page.get_by_role("button", name="Create my account").click()

    expect(page).to_have_url(re.compile(reverse("web:films") + "$"))
    expect(page.locator(".messages")).to_contain_text("Welcome, newbie!")
    log_out(page)
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    log_in(page, "newbie", "a-long-pass-phrase-9")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome back, newbie")


def test_join_shows_the_errors_next_to_the_fields(page, console):
    make_site()
    console.expect("status of 400 (Bad Request)")  # the form comes back with its errors as a 400
    page.goto(reverse("web:register"))
    page.get_by_label("Username").fill("mira")
    page.get_by_label("Email").fill("not-an-email")
    page.get_by_label("Password").fill("123")
    page.get_by_role("button", name="Create my account").click()

    expect(page.locator(".errorlist").first).to_be_visible()
    expect(page.locator("body")).to_contain_text("already exists")
    expect(page.get_by_label("Username")).to_have_value("mira")
    expect(page.get_by_label("Username")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)
    assert_accessible(page, "join with errors")  # each error and help text is tied to its field


def test_a_wrong_password_is_refused_with_a_message(page):
    make_site()
    page.goto(reverse("web:login"))
    page.get_by_label("Username").fill("mira")
    page.get_by_label("Password", exact=True).fill("not-the-password")
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("alert")).to_contain_text("correct username and password")
    expect(page).to_have_url(re.compile(reverse("web:login")))


def test_the_home_page_changes_for_a_member(page):
    site = make_site()
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Keep track of the films you watch")
    expect(page.get_by_role("link", name="Join FlixReview")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Altman at his <em>loosest</em>")  # a review, escaped

    log_in(page, site.member.username)

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome back, mira")
    expect(page.get_by_role("link", name="Join FlixReview")).to_have_count(0)
    expect(page.get_by_role("heading", name="Newest on your watchlist")).to_be_visible()
    expect(page.locator("main")).to_contain_text(site.films[4].title)  # on her watchlist
    expect(page.locator("main")).to_contain_text("otto")  # her friend's activity
    nav = page.get_by_role("navigation", name="Main")
    for name in ("Friends", "Profile", "Notifications", "Settings"):
        expect(nav.get_by_role("link", name=re.compile(name))).to_be_visible()


@pytest.mark.parametrize("width", [360, 1280])
def test_the_skip_link_and_the_menu_are_reached_with_tab_and_show_their_focus(page, width):
    make_site()
    page.set_viewport_size({"width": width, "height": 800})
    page.goto("/")

    page.keyboard.press("Tab")
    skip = focus_outline(page)
    assert skip["text"] == "Skip to content" and skip["visible"], skip
    assert skip["outlineStyle"] != "none" and skip["outlineWidth"] >= 2, skip
    menu = []
    for _ in range(5):
        page.keyboard.press("Tab")
        focused = focus_outline(page)
        assert focused["visible"] and focused["outlineStyle"] != "none" and focused["outlineWidth"] >= 2, focused
        menu.append(focused)
    names = [item["id"] or item["text"] for item in menu]
    assert names == ["★ FlixReview", "Films", "Log in", "Join", "nav-search-input"], names
    for before, after in itertools.pairwise(menu):  # the focus moves as one reads: rightwards, then down
        assert after["top"] >= before["bottom"] - 4 or after["left"] > before["left"], (before, after)

    page.keyboard.press("Shift+Tab")
    assert focus_outline(page)["text"] == "Join"
    page.goto("/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert focus_outline(page)["id"] == "main"
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.querySelector('main').contains(document.activeElement)")


def test_a_member_logs_out_with_the_keyboard(page):
    site = make_site()
    log_in(page, site.member.username)

    page.get_by_role("button", name="Log out").focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    assert focus_outline(page)["text"] == "Log out"
    assert focus_outline(page)["outlineStyle"] != "none"
    page.keyboard.press("Enter")

    expect(page.get_by_role("link", name="Log in")).to_be_visible()


def test_everything_today_works_without_javascript(page_without_js):
    page = page_without_js
    site = make_site()
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Keep track of the films you watch")

    log_in(page, site.member.username)
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome back, mira")
    page.get_by_label("Search films").fill("Tampopo")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/films/\?q=Tampopo"))
    log_out(page)
    expect(page.get_by_role("link", name="Log in")).to_be_visible()

    page.goto(reverse("web:register"))
    page.get_by_label("Username").fill("nojs")
    page.get_by_label("Email").fill("nojs@example.com")
    page.get_by_label("Password").fill("a-long-pass-phrase-9")
    page.get_by_role("button", name="Create my account").click()
    expect(page.locator(".messages")).to_contain_text("Welcome, nojs!")


def test_the_api_docs_load_swagger_ui_under_the_policy(page, console):
    page.goto(reverse("docs"))

    expect(page.locator(".swagger-ui .opblock").first).to_be_visible(timeout=15_000)
    # Swagger UI sets one style attribute, which the policy refuses (harmlessly); no script is refused.
    console.expect("Applying inline style violates")
    assert not [error for error in console.errors if "script" in error.lower()], console.errors
