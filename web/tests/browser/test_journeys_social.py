"""Journeys between members and with one's own things, in a real browser: a second member follows, likes and
comments and the first hears of it; a list made, filled and put in order with the keyboard alone; a Letterboxd
export imported through Settings and followed live until it is done."""

import datetime
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from activity.models import DiaryEntry, WatchlistEntry
from comments.models import Comment
from follows.models import Follow
from imports.history.services import import_job_run
from imports.models import ImportJob
from imports.tests.history_files import film, letterboxd_zip
from lists.models import FilmList
from notifications import services as notification_services
from notifications.models import Notification
from reviews.models import Review, ReviewLike
from web.tests.browser.support import assert_accessible, focus_outline, log_in, make_site

pytestmark = pytest.mark.browser


def said(page, text):
    """A live region (role status) that says ``text``."""
    return page.get_by_role("status").filter(has_text=text)


def nav_badge(page):
    return page.get_by_role("navigation", name="Main").locator("#nav-notifications .badge")


def test_a_member_follows_likes_and_comments_and_the_other_hears_of_it(page, browser, site_url, console):
    site = make_site()
    notification_services.notifications_mark_read(user=site.member, everything=True)  # only today's news is new
    review = Review.objects.get(user=site.member, movie=site.films[1])
    second = browser.new_context(base_url=site_url)
    try:
        june = second.new_page()
        console.watch(june)
        log_in(june, site.other.username)

        june.goto(reverse("web:profile", args=[site.member.username]))
        follow = june.get_by_role("button", name="Follow mira")
        expect(follow).to_have_attribute("aria-pressed", "false")
        followers = june.locator("#follower-count")
        expect(followers).to_have_text("1")
        follow.click()
        expect(june.get_by_role("button", name="Follow mira")).to_have_attribute("aria-pressed", "true")
        expect(followers).to_have_text("2")  # the stats follow, in place
        expect(said(june, "You follow mira.")).to_be_visible()

        reviews = june.get_by_role("region", name="Recent reviews")
        reviews.get_by_role("link", name=site.films[1].title).click()
        expect(june.get_by_role("heading", level=1)).to_contain_text(site.films[1].title)
        mira_review = (
            june.get_by_role("listitem")
            .filter(has_text=review.body)
            .filter(has=june.get_by_role("link", name="mira", exact=True))
        )
        like = mira_review.get_by_role("button", name="Like")
        expect(like).to_have_attribute("aria-pressed", "false")
        like.click()
        expect(mira_review.get_by_role("button", name="Like")).to_have_attribute("aria-pressed", "true")
        expect(mira_review.get_by_text(re.compile(r"^\d+ likes?$"))).to_have_text("2 likes")

        mira_review.get_by_text("Comment", exact=True).click()
        mira_review.get_by_label("Your comment").fill("That scene with the phone, <i>yes</i>.")
        mira_review.get_by_role("button", name="Post comment").click()
        comments = mira_review.get_by_role("list", name="Comments on mira's review")
        expect(comments).to_contain_text("That scene with the phone, <i>yes</i>.")  # as written, not as markup
        expect(comments.get_by_role("link", name="june")).to_be_visible()
    finally:
        second.close()

    assert Follow.objects.filter(follower=site.other, followee=site.member).exists()
    assert ReviewLike.objects.filter(user=site.other, review=review).exists()
    assert Comment.objects.filter(author=site.other, review=review).count() == 1

    log_in(page, site.member.username)
    expect(nav_badge(page)).to_have_text("3 unread")
    page.get_by_role("navigation", name="Main").get_by_role("link", name=re.compile("^Notifications")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    news = page.locator(".notification.unread")
    expect(news).to_have_count(3)
    expect(news.filter(has_text="june followed you.")).to_have_count(1)
    expect(news.filter(has_text=f"june liked your review of {site.films[1].title}.")).to_have_count(1)
    commented = news.filter(has_text=f"june commented on your review of {site.films[1].title}")
    expect(commented).to_contain_text("That scene with the phone")
    expect(commented.get_by_role("link", name="june")).to_have_attribute("href", reverse("web:profile", args=["june"]))
    # Visiting the page does not mark them read: the member does, in place.
    expect(nav_badge(page)).to_have_text("3 unread")
    assert_accessible(page, "notifications, three unread")

    page.get_by_role("button", name="Mark all read").focus()
    page.keyboard.press("Enter")
    expect(nav_badge(page)).to_have_count(0)
    expect(page.locator(".notification.unread")).to_have_count(0)
    expect(said(page, "All your notifications are read.")).to_be_visible()
    # The button goes with the last unread one, in place; the focus moves to the list rather than to nowhere.
    expect(page.get_by_role("button", name="Mark all read")).to_have_count(0)
    expect(page.locator("#notifications-region")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="june").first).to_be_focused()
    assert not Notification.objects.filter(recipient=site.member, read_at__isnull=True).exists()
    page.reload()
    expect(nav_badge(page)).to_have_count(0)
    expect(page.get_by_role("button", name="Mark all read")).to_have_count(0)


def list_titles(page):
    return page.get_by_role("region", name="Films").get_by_role("listitem").locator(".film-title")


def test_a_member_makes_a_list_fills_it_and_orders_it_with_the_keyboard(page):
    site = make_site()
    log_in(page, site.member.username)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Profile").click()
    page.get_by_role("link", name="Make a list").click()
    page.get_by_label("Name").fill("Slow Sundays")
    page.get_by_label("Description").fill("Long takes & <b>patience</b>.")
    page.get_by_label("Ranked").check()
    page.get_by_role("button", name="Make the list").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Slow Sundays")
    expect(page.locator(".list-description")).to_have_text("Long takes & <b>patience</b>.")
    film_list = FilmList.objects.get(owner=site.member, name="Slow Sundays")
    assert film_list.ranked and film_list.description == "Long takes & <b>patience</b>."

    stalker, ikiru, tampopo = site.films[3], site.films[4], site.films[2]
    for movie in (stalker, ikiru, tampopo):
        page.get_by_label("Search the catalogue").fill(movie.title)
        page.get_by_label("Search the catalogue").press("Enter")
        page.get_by_role("button", name=f"Add {movie.title}").click()
        expect(said(page, f"{movie.title} is added to the list.")).to_be_visible()
    expect(list_titles(page)).to_have_text([stalker.title, ikiru.title, tampopo.title])

    # Tampopo to the top, with the keyboard alone: focus its Up button, press Enter, then Space. Each key comes as
    # soon as the focus is back, before htmx settles (made slow here, as on a busy phone): the control in focus
    # must already move the film in place, not post the plain form and load a new page.
    page.evaluate("() => { htmx.config.defaultSettleDelay = 2000; window.sameListPage = true; }")
    up = page.get_by_role("button", name=f"Move {tampopo.title} up")
    up.focus()
    page.keyboard.press("Enter")
    expect(list_titles(page)).to_have_text([stalker.title, tampopo.title, ikiru.title])
    expect(said(page, f"{tampopo.title} moved to position 2 of 3.")).to_be_visible()
    expect(page.get_by_role("button", name=f"Move {tampopo.title} up")).to_be_focused()  # ready to go on
    outline = focus_outline(page)
    assert outline["visible"] and outline["outlineStyle"] != "none", outline
    page.keyboard.press("Space")
    expect(list_titles(page)).to_have_text([tampopo.title, stalker.title, ikiru.title])
    # At the top its Up button is disabled: the focus goes to its Down button, not to the page's start.
    expect(page.get_by_role("button", name=f"Move {tampopo.title} up")).to_be_disabled()
    expect(page.get_by_role("button", name=f"Move {tampopo.title} down")).to_be_focused()
    expect(page.get_by_role("region", name="Films").locator(".item-rank")).to_have_text(["1", "2", "3"])

    # And back down one, from where the focus is.
    page.keyboard.press("Enter")
    expect(list_titles(page)).to_have_text([stalker.title, tampopo.title, ikiru.title])
    expect(page.get_by_role("button", name=f"Move {tampopo.title} down")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(page.get_by_role("button", name=f"Move {tampopo.title} up")).to_be_focused()
    page.keyboard.press("Enter")
    expect(list_titles(page)).to_have_text([tampopo.title, stalker.title, ikiru.title])
    assert page.evaluate("() => window.sameListPage") is True  # every move was made in place

    ordered = list(film_list.items.order_by("position").values_list("movie__title", "position"))
    assert ordered == [(tampopo.title, 1), (stalker.title, 2), (ikiru.title, 3)]
    page.reload()
    expect(list_titles(page)).to_have_text([tampopo.title, stalker.title, ikiru.title])
    assert_accessible(page, "a ranked list, its owner's controls")


def letterboxd_export(site, tmp_path):
    """A Letterboxd export ZIP on disk: three diary entries, a rating of a film the catalogue does not have, and a
    film on the watchlist: five rows."""
    stalker, ikiru, tampopo, goodbye = site.films[3], site.films[4], site.films[2], site.films[0]
    data = letterboxd_zip(
        {
            "diary.csv": [
                ["2024-03-02", *film(stalker), "4.5", "", "", "2024-03-02"],
                ["2024-03-09", *film(ikiru), "5", "", "", "2024-03-09"],
                ["2024-04-01", *film(tampopo), "4", "Yes", "", "2024-04-01"],
            ],
            "ratings.csv": [["2024-04-02", "A Film Nobody Made", "1901", "https://boxd.it/nobody", "2"]],
            "watchlist.csv": [["2024-04-03", *film(goodbye)]],
        }
    )
    path = tmp_path / "letterboxd-export.zip"
    path.write_bytes(data)
    return path


def upload_through_settings(page, path):
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    page.get_by_role("navigation", name="Settings").get_by_role("link", name="Import your history").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import your history")
    page.get_by_label("Your export file").set_input_files(path)
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Import of {path.name}")


def import_counts(page):
    counts = page.locator(".import-counts")
    return {
        name: counts.locator("div").filter(has=page.get_by_text(name, exact=True)).locator("dd")
        for name in ("Films found", "Imported", "Already there", "Not found", "Left out")
    }


def test_an_import_waits_for_a_worker_and_the_page_follows_it_chunk_by_chunk(page, settings, monkeypatch, tmp_path):
    """With a broker the upload only queues the job; the job page polls and shows each chunk the worker commits."""
    site = make_site()
    settings.HISTORY_IMPORT_CHUNK_ROWS = 2
    queue = []
    monkeypatch.setattr("web.account.import_views.history_import_enqueue", queue.append)
    # The page's polls reach the site only while this test waits in a Playwright call (the route handler runs
    # then), never while the "worker" below writes to the database the live server shares.
    page.route(re.compile(r"/settings/import/\d+/progress/"), lambda route: route.continue_())
    log_in(page, site.member.username)

    upload_through_settings(page, letterboxd_export(site, tmp_path))

    (job,) = queue
    state, progress = page.locator(".import-state"), page.get_by_role("progressbar")
    expect(state).to_contain_text("Queued")
    expect(state).to_contain_text("Waiting for its turn")
    expect(page.get_by_text("0 of 5 rows read (0%).")).to_be_visible()
    expect(page.get_by_role("button", name="Cancel the import")).to_be_visible()
    expect(page.get_by_role("heading", name="Rows to review")).to_have_count(0)

    seen, failures = [], []

    def on_chunk(running):  # the worker, after each chunk it commits: the page catches up by itself
        try:
            expect(page.get_by_text(f"{running.rows_done} of 5 rows read ({running.progress}%).")).to_be_visible()
            expect(progress).to_have_attribute("value", str(running.progress))
            expect(state).to_contain_text("Running")
            expect(state).to_contain_text("Reading your file")
            expect(import_counts(page)["Imported"]).to_have_text(str(running.imported))
            expect(said(page, "Import running.")).to_have_count(1)  # the live region tells that it started
            expect(page.get_by_role("button", name="Cancel the import")).to_be_visible()
        except AssertionError as failure:
            failures.append(failure)  # the job records what its callback raises as its own failure: keep it
            raise
        seen.append(running.rows_done)

    done = import_job_run(job.pk, progress=on_chunk)

    if failures:
        raise failures[0]
    assert seen == [2, 4, 5]
    assert done.status == "done" and (done.imported, done.unmatched) == (4, 1)
    expect(state).to_contain_text("Done")
    expect(state).to_contain_text("Every row is read.")
    expect(page.get_by_text("5 of 5 rows read (100%).")).to_be_visible()
    expect(progress).to_have_attribute("value", "100")
    counts = import_counts(page)
    expect(counts["Imported"]).to_have_text("4")
    expect(counts["Not found"]).to_have_text("1")
    expect(said(page, "Import done: 4 imported, 0 already there, 1 unmatched, 0 skipped.")).to_have_count(1)
    expect(page.locator("#import-status[hx-trigger]")).to_have_count(0)  # an ended job is no longer polled
    expect(page.get_by_role("button", name="Cancel the import")).to_have_count(0)  # the buttons follow
    expect(page.get_by_role("link", name="Import another file")).to_be_visible()
    unmatched = page.get_by_role("table", name="Rows not imported")
    expect(unmatched.get_by_role("row").filter(has_text="A Film Nobody Made")).to_contain_text("ratings.csv")
    assert_accessible(page, "an import, followed to its end")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Profile").click()
    page.get_by_role("navigation", name="mira's pages").get_by_role("link", name="Diary").click()
    march = page.get_by_role("region", name="March 2024")
    expect(march.get_by_role("link")).to_have_text([site.films[4].title, site.films[3].title])
    expect(
        page.get_by_role("region", name="April 2024").get_by_role("row").filter(has_text=site.films[2].title)
    ).to_contain_text("Rewatch")
    diary = DiaryEntry.objects.filter(user=site.member, watched_on__lt=datetime.date(2024, 5, 1))
    assert list(diary.order_by("watched_on").values_list("movie__title", "watched_on")) == [
        (site.films[3].title, datetime.date(2024, 3, 2)),
        (site.films[4].title, datetime.date(2024, 3, 9)),
        (site.films[2].title, datetime.date(2024, 4, 1)),
    ]
    assert WatchlistEntry.objects.filter(user=site.member, movie=site.films[0]).exists()


def test_on_the_embedded_defaults_the_member_lands_on_the_finished_import(page, tmp_path):
    """Without a broker the job runs inside the upload: the job page is its end, and polls nothing."""
    site = make_site()
    log_in(page, site.member.username)

    upload_through_settings(page, letterboxd_export(site, tmp_path))

    job = ImportJob.objects.filter(user=site.member).latest("id")
    assert (job.status, job.rows_done, job.imported, job.unmatched) == ("done", 5, 4, 1)
    expect(page.locator(".import-state")).to_contain_text("Done")
    expect(page.get_by_text("5 of 5 rows read (100%).")).to_be_visible()
    expect(import_counts(page)["Imported"]).to_have_text("4")
    expect(page.locator("#import-status[hx-trigger]")).to_have_count(0)
    expect(page.get_by_role("table", name="Rows not imported")).to_contain_text("A Film Nobody Made")
    page.get_by_role("link", name="Your imports").click()
    imports = page.get_by_role("listitem").filter(has=page.get_by_role("link", name="letterboxd-export.zip"))
    expect(imports).to_contain_text("5 of 5 rows read: 4 imported")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Profile").click()
    expect(page.get_by_role("region", name="Recently watched")).to_contain_text(site.films[2].title)
