"""What browser tests share: logging in through the real form, axe-core, the console, keyboard focus, test data."""

import json
import os
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from django.urls import reverse

from activity.models import WatchlistEntry
from activity.services import diary_entry_create, movie_mark
from comments.services import comment_create
from follows.services import follow_create
from imports.models import ImportJob
from lists.services import item_add, list_create
from reviews.services import review_like
from tests.factories import DEFAULT_PASSWORD, MovieFactory, ReviewFactory, UserFactory

AXE_PATH = Path(__file__).resolve().parent.parent / "vendor" / "axe.min.js"
# WCAG 2.0, 2.1 and 2.2 at levels A and AA, and axe's best practices (whose failures are mostly moderate: reported,
# not blocking). A violation of impact serious or critical fails the test.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
BLOCKING_IMPACTS = {"serious", "critical"}
WIDTHS = (360, 1280)
# What the dark theme changes: colours only.
COLOUR_RULES = ["color-contrast", "link-in-text-block"]


@cache
def _axe_source() -> str:
    return AXE_PATH.read_text(encoding="utf-8")


def broken_references(page: Any) -> list[str]:
    """Attributes that name an element by id (label for=, aria-describedby, aria-labelledby, aria-controls) where no
    such element is on the page: the help text or label they mean is never announced."""
    return page.evaluate(
        """(attributes) => {
            const broken = [];
            for (const attribute of attributes) {
                for (const el of document.querySelectorAll(`[${attribute}]`)) {
                    if (attribute === "for" && el.tagName !== "LABEL" && el.tagName !== "OUTPUT") continue;
                    for (const id of el.getAttribute(attribute).split(/\\s+/).filter(Boolean)) {
                        const name = `${el.tagName.toLowerCase()}[${attribute}=${id}]`;
                        if (!document.getElementById(id)) broken.push(name);
                    }
                }
            }
            return broken;
        }""",
        ["for", "aria-describedby", "aria-labelledby", "aria-controls", "aria-errormessage"],
    )


def axe_results(page: Any, rules: list[str] | None = None) -> dict[str, list[dict[str, Any]]]:
    """axe-core's violations and its "needs review" findings (incomplete) on the page as it is now: every rule of
    AXE_TAGS, or only ``rules``.

    axe is evaluated through the DevTools protocol, which the page's Content-Security-Policy does not govern: a
    <script> tag (Playwright's add_script_tag) would be inline script, which the policy rightly refuses.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    run_only = {"type": "rule", "values": rules} if rules else {"type": "tag", "values": AXE_TAGS}
    return page.evaluate(
        """(runOnly) => axe.run(document, {runOnly, resultTypes: ["violations", "incomplete"]})
            .then((results) => ({violations: results.violations, incomplete: results.incomplete}))""",
        run_only,
    )


def axe_violations(page: Any) -> list[dict[str, Any]]:
    return axe_results(page)["violations"]


def describe_violations(violations: list[dict[str, Any]], nodes_each: int = 5) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}  <{violation['helpUrl']}>")
        for node in violation["nodes"][:nodes_each]:
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    {' '.join(map(str, node['target']))}: {summary[:300]}")
        if len(violation["nodes"]) > nodes_each:
            lines.append(f"    ... and {len(violation['nodes']) - nodes_each} more")
    return "\n".join(lines)


def assert_accessible(page: Any, where: str = "", rules: list[str] | None = None) -> list[dict[str, Any]]:
    """Fail on any serious or critical axe-core violation (WCAG 2 A/AA), or an id reference to nothing; return the
    milder violations.

    With AXE_REPORT=path set, every violation (any impact) and every finding axe leaves for a person to review is
    appended there as a JSON line.
    """
    results = axe_results(page, rules)
    violations = results["violations"]
    where = where or page.url
    if report := os.environ.get("AXE_REPORT"):
        _report(Path(report), where, violations, results["incomplete"])
    broken = broken_references(page)
    assert not broken, f"references to ids that are not on {where}: {broken}"
    blocking = [violation for violation in violations if violation["impact"] in BLOCKING_IMPACTS]
    assert not blocking, f"axe: {len(blocking)} serious or critical violation(s) on {where}:\n" + describe_violations(
        blocking
    )
    return violations


def _report(path: Path, where: str, violations: list[dict], incomplete: list[dict]) -> None:
    with path.open("a", encoding="utf-8") as out:
        for kind, findings in (("violation", violations), ("needs review", incomplete)):
            for finding in findings:
                nodes = [" ".join(map(str, node["target"])) for node in finding["nodes"]]
                row = {"where": where, "kind": kind, "id": finding["id"], "impact": finding["impact"], "nodes": nodes}
                out.write(json.dumps(row) + "\n")


def assert_no_horizontal_scroll(page: Any, where: str = "") -> None:
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    wide = page.evaluate(
        """() => [...document.querySelectorAll("body *")]
            .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
            .slice(0, 5).map((el) => el.tagName.toLowerCase() + (el.className ? "." + el.className : ""))"""
    )
    assert widths[0] <= widths[1], f"{where or page.url} scrolls sideways ({widths[0]} > {widths[1]} px): {wide}"


def focus_outline(page: Any) -> dict[str, Any]:
    """What has the keyboard focus, and the outline the browser draws around it."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const style = getComputedStyle(el);
            const box = el.getBoundingClientRect();
            return {
                tag: el.tagName.toLowerCase(),
                text: (el.innerText || el.getAttribute("aria-label") || el.name || "").trim(),
                id: el.id, outlineStyle: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth),
                visible: box.width > 0 && box.height > 0 && box.bottom > 0 && box.top < window.innerHeight,
                top: box.top, left: box.left, bottom: box.bottom,
            };
        }"""
    )


@dataclass
class ConsoleLog:
    """Console errors and uncaught exceptions of the pages watched. A Content-Security-Policy violation (an inline
    script or style, a foreign host) is a console error in Chromium."""

    errors: list[str] = field(default_factory=list)
    expected: list[str] = field(default_factory=list)

    def watch(self, page: Any) -> None:
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.errors.append(f"uncaught {error}"))

    def _on_console(self, message: Any) -> None:
        if message.type == "error":
            self.errors.append(f"{message.text} (at {message.location.get('url', '?')})")

    def expect(self, text: str) -> None:
        """Allow the errors that contain ``text`` (say, the failed load of a page that is meant to be a 404)."""
        self.expected.append(text)

    def unexpected(self) -> list[str]:
        return [error for error in self.errors if not any(text in error for text in self.expected)]

    def assert_clean(self) -> None:
        errors = self.unexpected()
        assert not errors, "console errors:\n" + "\n".join(f"- {error}" for error in errors)


def log_in(page: Any, username: str, password: str = DEFAULT_PASSWORD) -> None:
    """Log in through the real form, as a person would; ends on the page the form sends the member to."""
    page.goto(reverse("web:login"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: reverse("web:login") not in url)


def log_out(page: Any) -> None:
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state()


def make_site() -> SimpleNamespace:
    """A small, lived-in site: a member (mira) and a friend (otto) who follow each other, films with genres, ratings
    and reviews, diary entries, watchlists, a list, comments, a finished history import and notifications for the
    member. Every password is DEFAULT_PASSWORD."""
    member = UserFactory(username="mira", bio="Slow cinema & <b>noir</b>.")
    friend = UserFactory(username="otto")
    other = UserFactory(username="june")
    films = [
        MovieFactory(title=title, genres=genres)
        for title, genres in [
            ("The Long Goodbye", ["Crime", "Drama"]),
            ("Paris, Texas", ["Drama"]),
            ("Tampopo", ["Comedy"]),
            ("Stalker", ["Science Fiction", "Drama"]),
            ("Ikiru", ["Drama"]),
            ("A Very Long Film Title That Has To Wrap Somewhere On A Small Phone Screen", ["Comedy"]),
        ]
    ]
    film = films[0]
    reviews = [
        ReviewFactory(user=friend, movie=film, rating=4.5, body="Altman at his <em>loosest</em>. Marlowe's cat!"),
        ReviewFactory(user=other, movie=film, rating=3, body="Fine."),
        ReviewFactory(user=member, movie=films[1], rating=5, body="The peep-show scene."),
        ReviewFactory(user=friend, movie=films[2], rating=4, body=""),
    ]
    follow_create(follower=member, followee=friend)
    follow_create(follower=friend, followee=member)
    review_like(user=friend, review=reviews[2])
    diary_entry_create(user=friend, movie=films[3], rating=5, review_body="Three men in a room.")
    diary_entry_create(user=member, movie=films[1], rating=5)
    movie_mark(model=WatchlistEntry, user=member, movie=films[4])
    movie_mark(model=WatchlistEntry, user=friend, movie=films[5])
    film_list = list_create(owner=member, name="Rainy Sundays", description="Films for a grey afternoon.")
    for movie in films[:3]:
        item_add(film_list=film_list, movie=movie)
    comment_create(author=member, review=reviews[0], body="The <i>cat</i> steals it.")
    comment_create(author=friend, film_list=film_list, body="Add Tampopo!")
    import_job = ImportJob.objects.create(
        user=member, source="letterboxd", file_name="letterboxd.zip", status="done", rows=3, rows_done=3, imported=2
    )
    return SimpleNamespace(
        member=member,
        friend=friend,
        other=other,
        films=films,
        film=film,
        genre=film.genres.order_by("name").first(),
        review=reviews[0],
        film_list=film_list,
        import_job=import_job,
    )
