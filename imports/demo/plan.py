"""What the demo people did, decided before anything is written: deterministic (each part drawn from its own seeded
random.Random) and independent of the database.

Times are counted back from ``now``: the activity spreads over the last two years, denser towards the present, so
that diaries, profiles and the feed look alive whenever the seed first runs.
"""

import datetime
import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from imports.demo import phrases
from imports.demo.catalogue import DemoFilm, FilmKey, demo_films
from imports.demo.people import BLOCKS, PEOPLE, QUIET_MEMBERS, ListSpec, Persona

SEED = "flixreview-demo-1"
SPAN_DAYS = 730
UNRATED_SHARE = 0.12  # films seen but never rated: a watched mark (and now and then an unrated diary entry)
LOGGED_SHARE = 0.7  # rated films logged in the diary on the day
LONG_REVIEW_SHARE = 0.2
WATCHLIST_SIZE = 6
# How strongly taste and fame draw a person to a film (the weights of the draw of the films they have seen).
TASTE_PULL = 1.6
FAME_PULL = 0.8
FOLLOW_SIMILAR = 3
LIST_MIN_ITEMS = 3


@dataclass(frozen=True)
class Viewing:
    """A film a person has seen: rated (a review, with text or not) or only marked watched."""

    user: str
    film: DemoFilm
    at: datetime.datetime
    rating: float | None
    body: str = ""
    logged: bool = False  # a diary entry on the day
    rewatched_at: datetime.datetime | None = None  # a second diary entry, marked as a rewatch
    liked: bool = False


@dataclass(frozen=True)
class Mark:
    user: str
    film: DemoFilm
    at: datetime.datetime


@dataclass(frozen=True)
class PlannedList:
    owner: str
    spec: ListSpec
    at: datetime.datetime
    items: tuple[tuple[DemoFilm, str], ...]  # (film, note) in list order


@dataclass(frozen=True)
class Follow:
    follower: str
    followee: str
    at: datetime.datetime


@dataclass(frozen=True)
class ReviewLike:
    user: str
    author: str
    film: FilmKey
    at: datetime.datetime


@dataclass(frozen=True)
class ListLike:
    user: str
    owner: str
    name: str
    at: datetime.datetime


@dataclass(frozen=True)
class Comment:
    """A comment on the review by (author, film), or on the list by (owner, name)."""

    author: str
    body: str
    at: datetime.datetime
    review: tuple[str, FilmKey] | None = None
    film_list: tuple[str, str] | None = None


@dataclass
class DemoPlan:
    viewings: list[Viewing] = field(default_factory=list)
    watchlist: list[Mark] = field(default_factory=list)
    lists: list[PlannedList] = field(default_factory=list)
    follows: list[Follow] = field(default_factory=list)
    blocks: tuple[tuple[str, str], ...] = ()
    review_likes: list[ReviewLike] = field(default_factory=list)
    list_likes: list[ListLike] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)

    def ratings(self) -> dict[tuple[str, FilmKey], float]:
        return {(v.user, v.film.key): v.rating for v in self.viewings if v.rating is not None}


def demo_plan(
    now: datetime.datetime,
    people: Sequence[Persona] = PEOPLE,
    quiet: Sequence[Persona] = QUIET_MEMBERS,
    films: Sequence[DemoFilm] | None = None,
) -> DemoPlan:
    """Everything the demo people and the quiet members did, up to ``now``. Only the demo people keep a watchlist
    and lists, like and comment; the quiet members rate what they watch and follow."""
    films = demo_films() if films is None else films
    clock = Clock(now)
    plan = DemoPlan(blocks=BLOCKS)
    for person in [*people, *quiet]:
        mine = viewings_of(person, films, clock)
        plan.viewings += mine
        if person.archetype is None:
            plan.watchlist += watchlist_of(person, films, {v.film.key for v in mine}, clock)
            plan.lists += lists_of(person, mine, clock)
    apart = {frozenset(pair) for pair in BLOCKS}
    plan.follows = follows_among(people, apart, clock) + quiet_follows(quiet, people, apart, clock)
    social = Social(plan, [person.username for person in people], apart, clock)
    plan.review_likes = social.review_likes()
    plan.comments = social.review_comments() + social.list_comments()
    plan.list_likes = social.list_likes()
    return plan


def _rng(*parts: str) -> random.Random:
    """A generator of its own for each part of the plan: adding a person changes nobody else's choices."""
    return random.Random(":".join((SEED, *parts)))


class Clock:
    """Moments in the past, counted back from ``now``."""

    def __init__(self, now: datetime.datetime) -> None:
        self.now = now

    def moment(self, rng: random.Random, newest_days: float = 0.0, oldest_days: float = SPAN_DAYS) -> datetime.datetime:
        """A moment between ``oldest_days`` and ``newest_days`` ago, more often recent than not."""
        days = newest_days + (oldest_days - newest_days) * rng.random() ** 1.6
        return self.now - datetime.timedelta(days=days)

    def after(self, rng: random.Random, start: datetime.datetime, *, soon: bool = True) -> datetime.datetime:
        """A moment between ``start`` and now (for ``soon``, most often in the first days); never in the future."""
        room = max((self.now - start).total_seconds() - 120, 60)
        share = rng.random() ** (4 if soon else 1)
        return min(start + datetime.timedelta(seconds=60 + room * share), self.now)


# --- What each person watched ----------------------------------------------------------------------------------


def rating_for(person: Persona, film: DemoFilm, rng: random.Random) -> float:
    """Their rating, in half stars: the film's standing, moved by their taste, their harshness and the mood of the
    day; a person with a small spread drifts towards three stars."""
    raw = film.standing - 0.8 + 0.7 * person.affinity(film) - person.harshness + rng.gauss(0, 0.6)
    value = 3.0 + person.spread * (raw - 3.0)
    return min(5.0, max(0.5, round(value * 2) / 2))


def seen_by(person: Persona, films: Iterable[DemoFilm], rng: random.Random) -> list[DemoFilm]:
    """The films they have seen: a weighted draw without replacement (their kind of film, and famous films, more
    likely), in catalogue order."""
    keyed = []
    for index, film in enumerate(films):
        pull = TASTE_PULL * person.focus * person.affinity(film) + FAME_PULL * person.fame * (film.standing - 4.0)
        weight = math.exp(pull)
        keyed.append((rng.random() ** (1 / weight), index, film))
    chosen = sorted(keyed, reverse=True)[: person.films]
    return [film for _, _, film in sorted(chosen, key=lambda row: row[1])]


def viewings_of(person: Persona, films: Sequence[DemoFilm], clock: Clock) -> list[Viewing]:
    rng = _rng("viewings", person.username)
    viewings = []
    for film in seen_by(person, films, rng):
        at = clock.moment(rng)
        if rng.random() < UNRATED_SHARE:
            viewings.append(Viewing(person.username, film, at, None, logged=rng.random() < 0.35))
            continue
        rating = rating_for(person, film, rng)
        viewings.append(
            Viewing(
                person.username,
                film,
                at,
                rating,
                body=_body(person, film, rating, rng),
                logged=rng.random() < LOGGED_SHARE,
                rewatched_at=_rewatch(rating, at, rng, clock),
                liked=rating >= 4.5 or (rating >= 4.0 and rng.random() < 0.25),
            )
        )
    return viewings


def _body(person: Persona, film: DemoFilm, rating: float, rng: random.Random) -> str:
    if rng.random() >= person.chattiness:
        return ""
    by_taste = sorted(film.genres, key=lambda genre: (person.tastes.get(genre, 0.0), rng.random()))
    disliked = by_taste[0] if person.tastes.get(by_taste[0], 0.0) <= -0.4 else None
    their_kind = not person.tastes or person.tastes.get(by_taste[-1], 0.0) >= 0.5
    sign_off = rng.choice(person.sign_offs) if person.sign_offs and their_kind and rng.random() < 0.4 else None
    long = rng.random() < LONG_REVIEW_SHARE
    return phrases.review_text(rng, film, rating, (by_taste[-1], disliked), long=long, sign_off=sign_off)


def _rewatch(rating: float, at: datetime.datetime, rng: random.Random, clock: Clock) -> datetime.datetime | None:
    """Now and then a favourite seen long enough ago is watched again."""
    if rating < 4.0 or rng.random() >= 0.15 or clock.now - at < datetime.timedelta(days=60):
        return None
    return clock.after(rng, at + datetime.timedelta(days=30), soon=False)


def watchlist_of(person: Persona, films: Sequence[DemoFilm], seen: set[FilmKey], clock: Clock) -> list[Mark]:
    """A handful of unseen films they mean to get to: famous ones, their kind of film more likely."""
    rng = _rng("watchlist", person.username)
    unseen = [film for film in films if film.key not in seen]
    ranked = sorted(unseen, key=lambda film: -(0.7 * person.affinity(film) + film.standing + rng.gauss(0, 0.3)))
    return [Mark(person.username, film, clock.moment(rng, 1, 300)) for film in ranked[:WATCHLIST_SIZE]]


def lists_of(person: Persona, viewings: Sequence[Viewing], clock: Clock) -> list[PlannedList]:
    """Their lists, each made at some moment of the last year and a half of the films they had rated well by then
    that fit it (or, when too few had, soon after the last of all that fit)."""
    rng = _rng("lists", person.username)
    planned = []
    for spec in person.lists:
        at = clock.moment(rng, 1, 540)
        fitting = [v for v in viewings if v.rating is not None and v.rating >= 3.5 and spec.admits(v.film)]
        if len([v for v in fitting if v.at < at]) >= min(spec.size, len(fitting)) // 2 + LIST_MIN_ITEMS:
            fitting = [v for v in fitting if v.at < at]
        elif fitting:
            at = clock.after(rng, max(v.at for v in fitting))
        best = sorted(fitting, key=lambda v: (-(v.rating or 0), -v.film.standing, v.film.title))[: spec.size]
        if len(best) < LIST_MIN_ITEMS:
            continue
        if not spec.ranked:
            best.sort(key=lambda v: (v.film.year, v.film.title))
        notes = [note.format(title=v.film.title) for note, v in zip(spec.notes, best, strict=False)]
        items = tuple((v.film, notes[index] if index < len(notes) else "") for index, v in enumerate(best))
        planned.append(PlannedList(person.username, spec, at, items))
    return planned


# --- Between people ------------------------------------------------------------------------------------------


def taste_similarity(one: Persona, other: Persona) -> float:
    """Cosine of the two taste vectors (genres, then leanings on age and origin); 0 for a person without any."""
    keys = sorted(set(one.tastes) | set(other.tastes))

    def vector(person: Persona) -> list[float]:
        return [person.tastes.get(key, 0.0) for key in keys] + [person.classic, person.recent, person.world]

    a, b = vector(one), vector(other)
    norm = math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(x * x for x in b))
    return sum(x * y for x, y in zip(a, b, strict=True)) / norm if norm else 0.0


def follows_among(people: Sequence[Persona], apart: set[frozenset[str]], clock: Clock) -> list[Follow]:
    """Each follows the people closest to their taste, plus someone different; the completist follows widely."""
    follows = []
    for person in people:
        rng = _rng("follows", person.username)
        others = [o for o in people if o.username != person.username and {person.username, o.username} not in apart]
        if not person.tastes:
            chosen = rng.sample(others, k=min(7, len(others)))
        else:
            others.sort(key=lambda other: -taste_similarity(person, other))
            chosen = others[:FOLLOW_SIMILAR] + rng.sample(
                others[FOLLOW_SIMILAR:], k=min(1, len(others) - FOLLOW_SIMILAR)
            )
        follows += [Follow(person.username, other.username, clock.moment(rng, 200, SPAN_DAYS)) for other in chosen]
    return follows


def quiet_follows(
    quiet: Sequence[Persona], people: Sequence[Persona], apart: set[frozenset[str]], clock: Clock
) -> list[Follow]:
    """Each quiet member follows the demo person whose taste they share, and now and then the next closest."""
    follows = []
    for member in quiet:
        rng = _rng("follows", member.username)
        others = [p for p in people if p.username != member.archetype]
        others.sort(key=lambda other: -taste_similarity(member, other))
        chosen = [member.archetype, *([others[0].username] if others and rng.random() < 0.5 else [])]
        for followee in chosen:
            if followee is not None and frozenset((member.username, followee)) not in apart:
                follows.append(Follow(member.username, followee, clock.moment(rng, 30, SPAN_DAYS)))
    return follows


class Social:
    """Likes and comments: people react to the reviews and lists of those they follow, and now and then of anyone;
    whether a comment agrees depends on the commenter's own rating of the film."""

    def __init__(self, plan: DemoPlan, people: Sequence[str], apart: set[frozenset[str]], clock: Clock) -> None:
        self.plan, self.people, self.apart, self.clock = plan, sorted(people), apart, clock
        self.ratings = plan.ratings()
        self.following = {(f.follower, f.followee) for f in plan.follows}
        written = (v for v in plan.viewings if v.body and v.user in self.people)
        self.reviews = sorted(written, key=lambda v: (v.at, v.user, v.film.key))

    def others(self, user: str) -> list[str]:
        return [p for p in self.people if p != user and frozenset((p, user)) not in self.apart]

    def review_likes(self) -> list[ReviewLike]:
        likes = []
        for review in self.reviews:
            rng = _rng("review-likes", review.user, review.film.title)
            for person in self.others(review.user):
                own = self.ratings.get((person, review.film.key))
                chance = 0.02 + 0.16 * ((person, review.user) in self.following)
                chance += 0.06 * (own is not None and abs(own - (review.rating or 0)) <= 0.5)
                if rng.random() < chance:
                    at = self.clock.after(rng, review.at)
                    likes.append(ReviewLike(person, review.user, review.film.key, at))
        return likes

    def review_comments(self) -> list[Comment]:
        """A conversation under some reviews, recent ones more often: a comment, perhaps a second, perhaps the
        author's reply."""
        comments = []
        for review in self.reviews:
            rng = _rng("review-comments", review.user, review.film.title)
            recent = self.clock.now - review.at < datetime.timedelta(days=120)
            if rng.random() >= 0.1 + 0.15 * recent:
                continue
            pool = self._commenters(review, rng)
            commenters = rng.sample(pool, k=min(len(pool), 2 if rng.random() < 0.25 else 1))
            comments += self._thread(review, commenters, rng)
        return comments

    def _commenters(self, review: Viewing, rng: random.Random) -> list[str]:
        """Followers of the author, most often those who have rated the film themselves; else anyone."""
        others = self.others(review.user)
        followers = [p for p in others if (p, review.user) in self.following]
        seen = [p for p in followers if (p, review.film.key) in self.ratings]
        return (seen if seen and rng.random() < 0.7 else followers) or others

    def _thread(self, review: Viewing, commenters: list[str], rng: random.Random) -> list[Comment]:
        about = (review.user, review.film.key)
        thread, at = [], review.at
        for commenter in commenters:
            tone = phrases.comment_tone(self.ratings.get((commenter, review.film.key)), review.rating or 0)
            at = self.clock.after(rng, at)
            thread.append(Comment(commenter, phrases.comment_text(rng, tone), at, review=about))
            if rng.random() < 0.5:
                at = self.clock.after(rng, at)
                thread.append(Comment(review.user, phrases.reply_text(rng, tone), at, review=about))
        return thread

    def list_comments(self) -> list[Comment]:
        comments = []
        for planned in (p for p in self.plan.lists if p.spec.public):
            rng = _rng("list-comments", planned.owner, planned.spec.name)
            about, at = (planned.owner, planned.spec.name), planned.at
            titles = [film.title for film, _ in planned.items]
            for commenter in rng.sample(self.others(planned.owner), k=rng.randint(1, 2)):
                title = rng.choice(titles)
                other = self._favourite_outside(commenter, titles, rng)
                at = self.clock.after(rng, at)
                comment, reply = phrases.list_comment_text(rng, title, other)
                comments.append(Comment(commenter, comment, at, film_list=about))
                if rng.random() < 0.5:
                    at = self.clock.after(rng, at)
                    comments.append(Comment(planned.owner, reply, at, film_list=about))
        return comments

    def _favourite_outside(self, person: str, titles: list[str], rng: random.Random) -> str:
        favourites = [v.film.title for v in self.plan.viewings if v.user == person and (v.rating or 0) >= 4.5]
        choices = [title for title in favourites if title not in titles] or ["a Buster Keaton film"]
        return rng.choice(choices)

    def list_likes(self) -> list[ListLike]:
        likes = []
        for planned in (p for p in self.plan.lists if p.spec.public):
            rng = _rng("list-likes", planned.owner, planned.spec.name)
            for person in self.others(planned.owner):
                if rng.random() < 0.15 + 0.3 * ((person, planned.owner) in self.following):
                    likes.append(ListLike(person, planned.owner, planned.spec.name, self.clock.after(rng, planned.at)))
        return likes
