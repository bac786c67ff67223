"""What a member does with films, in a real browser: join and rate films with the stars (mouse and keyboard) until
the home page's picks are theirs, with reasons; the watchlist; a rewatch in the diary; a review written, edited and
deleted."""

import datetime
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import User
from activity.models import DiaryEntry, WatchlistEntry
from recommendations.tests.serving_helpers import build, make_world
from reviews.models import Review
from web.tests.browser.support import log_in, make_site

pytestmark = pytest.mark.browser

POPULAR = "popular with everyone"


@pytest.fixture
def visitor(browser, site_url, console):
    """A second browser where nobody is logged in: what everyone else sees."""
    context = browser.new_context(base_url=site_url)
    page = context.new_page()
    console.watch(page)
    yield page
    context.close()


def star(page, name: str):
    """The star (a half or a whole one) a person clicks for the rating ``name``, say "3.5 stars"."""
    return page.locator(".stars-row label").filter(has=page.get_by_text(name, exact=True))


def controls(page):
    """The film page's box of the member's own controls."""
    return page.get_by_role("complementary", name="You and this film")


def mark_page(page) -> None:
    """Leave a mark on the page as it is now: ``same_page`` tells whether it is still the one loaded (no reload)."""
    page.evaluate("() => { window.sameDocument = true; }")


def same_page(page) -> bool:
    return page.evaluate("() => window.sameDocument === true")


def for_you_cards(page):
    return page.get_by_role("region", name="For you").get_by_role("listitem")


def picks(page) -> list[tuple[str, str]]:
    """(title, reason) of each film in the home page's "For you" section."""
    cards = for_you_cards(page)
    expect(cards.first).to_be_visible()
    return [(card.locator(".film-title").inner_text(), card.locator(".reason").inner_text()) for card in cards.all()]


def test_a_new_member_rates_five_films_and_gets_picks_with_reasons(page):
    world = make_world(per_cluster=6, fans=10)
    build()  # last night's build: the new member's ratings count as soon as they are saved

    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Join", exact=True).click()
    page.get_by_label("Username").fill("rosa")
    page.get_by_label("Email").fill("rosa@example.com")
    page.get_by_label("Password").fill("a-long-pass-phrase-9")
    page.get_by_role("button", name="Create my account").click()
    expect(page.locator(".messages")).to_contain_text("Welcome, rosa!")
    rosa = User.objects.get(username="rosa")

    page.get_by_role("link", name="FlixReview").click()
    before = picks(page)
    assert before and all(reason == POPULAR for _, reason in before), before

    rated = world.space[:5]
    mouse_ratings = {rated[0]: "4 stars", rated[1]: "4.5 stars", rated[2]: "5 stars", rated[3]: "3.5 stars"}
    for film, rating in mouse_ratings.items():
        page.goto(reverse("web:film", args=[film.pk]))
        expect(page.get_by_text("Not rated yet.")).to_be_visible()
        star(page, rating).click()
        expect(controls(page).get_by_role("status")).to_have_text(f"You rated {film.title} {rating}.")
        expect(page.get_by_text(f"You rated it {rating.removesuffix(' stars')} star")).to_be_visible()
        expect(page.get_by_role("radio", name=rating, exact=True)).to_be_checked()

    # The fifth by keyboard alone: back from "Like" into the stars (the last one takes the focus), then left.
    page.goto(reverse("web:film", args=[rated[4].pk]))
    controls(page).get_by_role("button", name="Like").focus()
    page.keyboard.press("Shift+Tab")
    expect(page.get_by_role("radio", name="5 stars", exact=True)).to_be_focused()
    page.keyboard.press("ArrowLeft")
    expect(page.get_by_text("You rated it 4.5 stars.")).to_be_visible()
    # The stars came back from the server; the focus stays on the chosen one, and the arrows go on working.
    expect(page.get_by_role("radio", name="4.5 stars", exact=True)).to_be_focused()
    page.keyboard.press("ArrowLeft")
    expect(page.get_by_text("You rated it 4 stars.")).to_be_visible()
    expect(page.get_by_role("radio", name="4 stars", exact=True)).to_be_checked()
    # Cleared with the keyboard too: the focus waits on the news, a step after the stars.
    page.keyboard.press("Tab")
    expect(controls(page).get_by_role("button", name="Clear rating")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Not rated yet.")).to_be_focused()
    assert not Review.objects.filter(user=rosa, movie=rated[4]).exists()
    page.keyboard.press("Shift+Tab")
    expect(page.get_by_role("radio", name="5 stars", exact=True)).to_be_focused()
    page.keyboard.press("ArrowLeft")
    expect(page.get_by_text("You rated it 4.5 stars.")).to_be_visible()

    saved = dict(Review.objects.filter(user=rosa).values_list("movie_id", "rating"))
    assert saved == {rated[0].pk: 4, rated[1].pk: 4.5, rated[2].pk: 5, rated[3].pk: 3.5, rated[4].pk: 4.5}

    page.get_by_role("link", name="FlixReview").click()
    after = picks(page)
    titles = {film.title for film in rated}
    assert [title for title, _ in after] != [title for title, _ in before]
    assert not titles & {title for title, _ in after}, after  # what she rated is not suggested again
    personal = [(title, reason) for title, reason in after if reason != POPULAR]
    assert personal, after
    for title, reason in personal:
        match = re.fullmatch(r"because you liked (.+?)(?: and (.+))?", reason)
        assert match, (title, reason)
        assert {name for name in match.groups() if name} <= titles, (title, reason)
    # The other films of the kind she rated come first.
    assert {title for title, _ in personal[:1]} <= {film.title for film in world.space[5:]}, after


def test_a_member_puts_a_film_on_the_watchlist_and_takes_it_off_again(page):
    site = make_site()
    stalker, ikiru = site.films[3], site.films[4]  # Ikiru is on her watchlist already
    log_in(page, site.member.username)
    page.goto(reverse("web:film", args=[stalker.pk]))
    watchlist = controls(page).get_by_role("button", name="Watchlist")
    expect(watchlist).to_have_attribute("aria-pressed", "false")

    mark_page(page)
    watchlist.click()
    expect(controls(page).get_by_role("status")).to_have_text("Stalker is on your watchlist.")
    expect(watchlist).to_have_attribute("aria-pressed", "true")
    assert same_page(page)
    assert WatchlistEntry.objects.filter(user=site.member, movie=stalker).exists()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Profile").click()
    page.get_by_role("navigation", name="mira's pages").get_by_role("link", name="Watchlist").click()
    shelf = page.get_by_role("main")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your watchlist")
    expect(shelf.get_by_role("link", name="Stalker")).to_be_visible()
    expect(shelf.get_by_role("link", name="Ikiru")).to_be_visible()

    shelf.get_by_role("link", name="Stalker").click()
    expect(watchlist).to_have_attribute("aria-pressed", "true")
    mark_page(page)
    watchlist.click()
    expect(controls(page).get_by_role("status")).to_have_text("Stalker is off your watchlist.")
    expect(watchlist).to_have_attribute("aria-pressed", "false")
    assert same_page(page)
    assert not WatchlistEntry.objects.filter(user=site.member, movie=stalker).exists()

    page.goto(reverse("web:watchlist", args=[site.member.username]))
    expect(page.get_by_text("1 film, the most recently added first.")).to_be_visible()
    expect(page.get_by_role("main").get_by_role("link", name="Stalker")).to_have_count(0)

    # Ikiru, taken off on the watchlist page itself: its card gives way to a note, which takes the focus.
    mark_page(page)
    page.get_by_role("button", name="Remove Ikiru from your watchlist").click()
    note = page.get_by_role("main").get_by_role("listitem").filter(has_text="Ikiru is off your watchlist.")
    expect(note).to_be_visible()
    expect(note.locator("[data-autofocus]")).to_be_focused()
    expect(page.get_by_role("main").get_by_role("link", name="Ikiru")).to_have_count(0)
    assert same_page(page)
    assert not WatchlistEntry.objects.filter(user=site.member, movie=ikiru).exists()
    page.reload()
    expect(page.get_by_text("The watchlist is empty.")).to_be_visible()


def test_a_member_logs_a_rewatch_on_a_date_and_finds_it_in_the_diary(page):
    site = make_site()
    tampopo = site.films[2]
    log_in(page, site.member.username)
    page.goto(reverse("web:film", args=[tampopo.pk]))
    expect(controls(page)).to_contain_text("You have not logged this film yet.")

    mark_page(page)
    controls(page).get_by_text("Log a viewing").click()
    page.get_by_label("Date watched").fill("2023-11-05")
    rewatch = page.get_by_label("I had seen it before (a rewatch)")
    expect(rewatch).not_to_be_checked()
    rewatch.check()
    page.get_by_label("Rating (optional)").select_option(label="3.5 stars")
    page.get_by_role("button", name="Log it").click()

    expect(controls(page).get_by_role("status")).to_have_text("Logged Tampopo on 5 November 2023.")
    expect(controls(page)).to_contain_text("You have watched this film.")
    # The form closes again; the focus, not lost with the button, is on what opens it.
    expect(controls(page).get_by_text("Log a viewing")).to_be_focused()
    expect(controls(page)).to_contain_text("You rated it 3.5 stars.")
    assert same_page(page)
    entry = DiaryEntry.objects.get(user=site.member, movie=tampopo)
    assert (entry.watched_on, entry.rewatch, entry.rating) == (datetime.date(2023, 11, 5), True, 3.5)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Profile").click()
    page.get_by_role("navigation", name="mira's pages").get_by_role("link", name="Diary").click()
    november = page.get_by_role("region", name="November 2023")
    row = november.get_by_role("row").filter(has=page.get_by_role("link", name="Tampopo"))
    expect(row).to_have_count(1)
    expect(row.locator("time")).to_have_attribute("datetime", "2023-11-05")
    expect(row).to_contain_text("Rewatch")
    expect(row).to_contain_text("3.5 of 5 stars")
    # Her other viewing (this month's, not a rewatch) stays in its own month, without the marker.
    other = page.get_by_role("row").filter(has=page.get_by_role("link", name="Paris, Texas"))
    expect(other).to_have_count(1)
    expect(november.get_by_role("link", name="Paris, Texas")).to_have_count(0)
    expect(other).not_to_contain_text("Rewatch")


def test_a_member_writes_edits_and_deletes_a_review(page, visitor):
    site = make_site()
    film = site.film  # The Long Goodbye: otto and june reviewed it; mira has not
    first = "Marlowe & the cat </textarea><em>not emphasis</em>"
    second = "Better the second time: <b>the</b> ending."

    def visitor_sees_mira():
        visitor.goto(reverse("web:film", args=[film.pk]))
        expect(visitor.get_by_role("heading", name="Reviews")).to_be_visible()
        # The review whose heading names mira (she also commented on otto's).
        return (
            visitor.locator("#film-reviews")
            .get_by_role("listitem")
            .filter(has=visitor.locator("header").get_by_role("link", name="mira", exact=True))
        )

    log_in(page, site.member.username)
    page.goto(reverse("web:film", args=[film.pk]))
    mark_page(page)
    page.get_by_label("Rating", exact=True).select_option(label="3.5 stars")
    page.get_by_label("What did you think?").fill(first)
    page.get_by_role("button", name="Post review").click()

    expect(controls(page).get_by_role("status")).to_have_text("Your review of The Long Goodbye is posted.")
    expect(page.get_by_label("Your words")).to_have_value(first)  # as text: nothing of it became markup
    expect(page.locator("#film-review em")).to_have_count(0)
    expect(controls(page)).to_contain_text("You rated it 3.5 stars.")
    expect(page.get_by_role("button", name="Delete review")).to_be_visible()
    assert same_page(page)
    assert Review.objects.get(user=site.member, movie=film).body == first
    review = visitor_sees_mira()
    expect(review.locator(".review-body")).to_have_text(first)
    expect(review.locator("em")).to_have_count(0)
    expect(review).to_contain_text("3.5 of 5 stars")

    page.get_by_label("Your words").fill(second)
    page.get_by_role("button", name="Save review").click()
    expect(controls(page).get_by_role("status")).to_have_text("Your review is saved.")
    expect(page.get_by_label("Your words")).to_have_value(second)
    assert same_page(page)
    assert Review.objects.get(user=site.member, movie=film).body == second
    review = visitor_sees_mira()
    expect(review.locator(".review-body")).to_have_text(second)
    expect(review.locator("b")).to_have_count(0)

    # Delete asks first: "Cancel" keeps the review.
    review_id = Review.objects.get(user=site.member, movie=film).pk
    delete_url = reverse("web:review-delete", args=[review_id])
    deletions, asked = [], []
    page.on("request", lambda request: deletions.append(review_id) if request.url.endswith(delete_url) else None)

    def answer(dialog, accept: bool) -> None:
        asked.append(dialog.message)
        if accept:
            dialog.accept()
        else:
            dialog.dismiss()

    page.once("dialog", lambda dialog: answer(dialog, accept=False))
    page.get_by_role("button", name="Delete review").click()
    assert asked == ["Delete your review and rating of The Long Goodbye?"]
    expect(page.get_by_role("button", name="Delete review")).to_be_visible()
    assert Review.objects.filter(user=site.member, movie=film).exists()

    page.once("dialog", lambda dialog: answer(dialog, accept=True))
    page.get_by_role("button", name="Delete review").click()
    expect(controls(page).get_by_role("status")).to_have_text("Your review is deleted.")
    expect(page.get_by_label("What did you think?")).to_have_value("")
    expect(page.get_by_role("button", name="Post review")).to_be_visible()
    expect(page.get_by_role("button", name="Delete review")).to_have_count(0)
    expect(page.get_by_role("heading", name="Your review")).to_be_focused()  # not lost with the button
    expect(controls(page)).to_contain_text("Not rated yet.")
    assert same_page(page) and len(asked) == 2
    assert not Review.objects.filter(user=site.member, movie=film).exists()
    expect(visitor_sees_mira()).to_have_count(0)
    expect(visitor.locator("#film-reviews")).to_contain_text("2 reviews")
    assert deletions == [review_id]  # one request: the answer "Cancel" sent none
