"""Every page at 360 px and 1280 px, in the light and the dark theme: no serious or critical axe-core violation
(WCAG 2 A/AA), no sideways scrolling on a phone, no console error (so no Content-Security-Policy violation)."""

import pytest
from django.urls import URLPattern, URLResolver

from web import urls as web_urls
from web.tests.browser.pages import NOT_PAGES, PAGES, SitePage
from web.tests.browser.support import (
    COLOUR_RULES,
    WIDTHS,
    assert_accessible,
    assert_no_horizontal_scroll,
    log_in,
    make_site,
)

pytestmark = pytest.mark.browser


def _route_names(patterns: list) -> set[str]:
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            names |= _route_names(pattern.url_patterns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(pattern.name)
    return names


def test_every_route_of_the_site_is_listed():
    listed = {page.url_name for page in PAGES} | NOT_PAGES
    missing = _route_names(web_urls.urlpatterns) - listed

    assert not missing, f"add these web: routes to PAGES or NOT_PAGES in web/tests/browser/pages.py: {sorted(missing)}"


@pytest.mark.parametrize("site_page", PAGES, ids=lambda site_page: site_page.name)
def test_the_page_is_accessible_at_both_widths_and_in_both_themes(page, console, site_page: SitePage):
    if site_page.url_name and site_page.url_name not in _route_names(web_urls.urlpatterns):
        pytest.skip(f"web:{site_page.url_name} is not on this tree yet")
    site = make_site()
    if site_page.member:
        log_in(page, site.member.username)
    if site_page.status == 404:
        console.expect("404 (Not Found)")

    response = page.goto(site_page.path(site))

    assert response.status == site_page.status
    assert page.title().endswith(" · FlixReview"), page.title()
    assert page.locator(".brand").inner_text() == "★ FlixReview"
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        assert_no_horizontal_scroll(page, f"{site_page.name} at {width} px")
        assert_accessible(page, f"{site_page.name} at {width} px")
    page.emulate_media(color_scheme="dark")
    assert_accessible(page, f"{site_page.name} at {WIDTHS[-1]} px, dark theme", rules=COLOUR_RULES)
