"""Merge matched history rows into a member's reviews, diary, marks and lists.

An import is a merge: what the member already has stays (``overwrite_ratings`` lets the file's ratings win), and a
fact already there is counted as already present, so importing the same file again writes nothing. Rows are written
a chunk at a time with bulk inserts, inside the caller's transaction: imported history sends no feed events or
notifications (a member's years of history would flood their followers' feeds), and the chunk's movies get their
aggregates refreshed once.
"""

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import F
from django.utils import timezone

from accounts.models import User
from activity.models import DiaryEntry, Dismissal, MovieLike, MovieMark, WatchedMark, WatchlistEntry
from core.caching import catalogue_changed
from imports.history.rows import Fact, HistoryRow, ListInfo
from lists.models import MAX_ITEMS, FilmList, ListItem
from lists.services import list_create
from movies.models import Movie
from reviews.models import Review
from reviews.services import movie_aggregates_refresh

REVIEW_NEEDS_RATING = "a review needs a rating, and this film has none here or in the file"
LIST_FULL = f"the list already holds {MAX_ITEMS} films"


@dataclass(frozen=True)
class MatchedRow:
    row: HistoryRow
    movie_id: int


@dataclass
class Outcome:
    """What a chunk did: rows imported, rows whose fact was already there, and rows skipped with their reasons."""

    imported: int = 0
    already_present: int = 0
    skipped: list[tuple[HistoryRow, str]] = field(default_factory=list)
    reviewed_movies: set[int] = field(default_factory=set)

    def count(self, changed: bool) -> None:
        if changed:
            self.imported += 1
        else:
            self.already_present += 1


@dataclass
class Merge:
    """One chunk's merge for one member."""

    user: User
    overwrite_ratings: bool = False
    # A FlixReview export's watched marks are the member's own explicit facts: kept even where a review or diary
    # entry already makes the film count as watched (another service's watched list only repeats its diary).
    explicit_marks: bool = False
    outcome: Outcome = field(default_factory=Outcome)

    def write(self, rows: Sequence[MatchedRow]) -> Outcome:
        writers: dict[Fact, Callable[[list[MatchedRow]], None]] = {
            Fact.RATING: self.reviews,
            Fact.REVIEW: self.reviews,
            Fact.DIARY: self.diary,
            Fact.WATCHED: self.watched,
            Fact.WATCHLIST: self.watchlist,
            Fact.LIKE: self.likes,
            Fact.NOT_INTERESTED: self.not_interested,
            Fact.LIST_ITEM: self.list_items,
        }
        for fact in Fact:
            group = [matched for matched in rows if matched.row.fact == fact]
            if group:
                writers[fact](group)
        if self.outcome.reviewed_movies:
            movie_aggregates_refresh(self.outcome.reviewed_movies)
        if self.outcome.imported:
            catalogue_changed()
        return self.outcome

    def moment(self, value: datetime.date | datetime.datetime | None) -> datetime.datetime:
        """A row's date as an aware datetime: a bare date is taken as noon in the member's time zone, so that it
        shows as the same day wherever they read it."""
        if value is None:
            return timezone.now()
        if isinstance(value, datetime.datetime):
            return value if timezone.is_aware(value) else value.replace(tzinfo=datetime.UTC)
        return datetime.datetime.combine(value, datetime.time(12), tzinfo=ZoneInfo(self.user.time_zone))

    # --- reviews ---

    def reviews(self, group: list[MatchedRow]) -> None:
        movie_ids = {matched.movie_id for matched in group}
        existing = {r.movie_id: r for r in Review.objects.filter(user=self.user, movie_id__in=movie_ids)}
        new: dict[int, Review] = {}
        changed: dict[int, Review] = {}
        for matched in group:
            review = existing.get(matched.movie_id)
            if review is None:
                self.review_add(matched, new)
            elif self.review_merge(review, matched.row):
                changed[review.pk] = review
                self.outcome.count(True)
            else:
                self.outcome.count(False)
        Review.objects.bulk_create(new.values())
        Review.objects.bulk_update(changed.values(), ["rating", "body", "updated_at"])
        self.outcome.reviewed_movies.update(new, (review.movie_id for review in changed.values()))

    def review_add(self, matched: MatchedRow, new: dict[int, Review]) -> None:
        row, pending = matched.row, new.get(matched.movie_id)
        if pending is not None:  # the same film twice in one chunk: the later row fills in what it can
            self.outcome.count(self.review_merge(pending, row))
        elif row.rating is None:
            self.outcome.skipped.append((row, REVIEW_NEEDS_RATING))
        else:
            moment = self.moment(row.date)
            new[matched.movie_id] = Review(
                user=self.user,
                movie_id=matched.movie_id,
                rating=row.rating,
                body=row.review,
                created_at=moment,
                updated_at=moment,
            )
            self.outcome.count(True)

    def review_merge(self, review: Review, row: HistoryRow) -> bool:
        """Fill in what the review lacks from ``row``; its rating changes only with overwrite_ratings."""
        changed = False
        if row.review and not review.body:
            review.body, changed = row.review, True
        if self.overwrite_ratings and row.rating is not None and row.rating != review.rating:
            review.rating, changed = row.rating, True
        if changed:
            review.updated_at = timezone.now()
        return changed

    # --- diary ---

    def diary(self, group: list[MatchedRow]) -> None:
        movie_ids = {matched.movie_id for matched in group}
        logged = set(
            DiaryEntry.objects.filter(user=self.user, movie_id__in=movie_ids).values_list("movie_id", "watched_on")
        )
        reviews = self.reviews_for([matched for matched in group if matched.row.rating is not None])
        entries = []
        for matched in group:
            row = matched.row
            watched_on = row.watched_on or (row.date.date() if isinstance(row.date, datetime.datetime) else row.date)
            if watched_on is None or (matched.movie_id, watched_on) in logged:
                self.outcome.count(False)
                continue
            logged.add((matched.movie_id, watched_on))
            review = reviews.get(matched.movie_id) if row.rating is not None else None
            entries.append(
                DiaryEntry(
                    user=self.user,
                    movie_id=matched.movie_id,
                    watched_on=watched_on,
                    rewatch=row.rewatch,
                    rating=row.rating,
                    review_id=review,
                )
            )
            self.outcome.count(True)
        DiaryEntry.objects.bulk_create(entries)

    def reviews_for(self, rated: list[MatchedRow]) -> dict[int, int]:
        """{movie id: the member's review id} for rated diary rows, creating the review from the row's rating
        (dated on the day watched) where the member has none, as logging a rated viewing does."""
        movie_ids = {matched.movie_id for matched in rated}
        reviews = dict(Review.objects.filter(user=self.user, movie_id__in=movie_ids).values_list("movie_id", "pk"))
        new: dict[int, Review] = {}
        for matched in rated:
            assert matched.row.rating is not None
            if matched.movie_id not in reviews and matched.movie_id not in new:
                moment = self.moment(matched.row.watched_on or matched.row.date)
                new[matched.movie_id] = Review(
                    user=self.user,
                    movie_id=matched.movie_id,
                    rating=matched.row.rating,
                    created_at=moment,
                    updated_at=moment,
                )
        Review.objects.bulk_create(new.values())
        self.outcome.reviewed_movies.update(new)
        if new:
            reviews.update(Review.objects.filter(user=self.user, movie_id__in=new).values_list("movie_id", "pk"))
        return reviews

    # --- marks ---

    def watched(self, group: list[MatchedRow]) -> None:
        """A watched mark, unless the film already counts as watched (reviewed, logged or marked)."""
        if self.explicit_marks:
            self.marks(WatchedMark, group)
            return
        movie_ids = {matched.movie_id for matched in group}
        seen = set(Review.objects.filter(user=self.user, movie_id__in=movie_ids).values_list("movie_id", flat=True))
        seen |= set(
            DiaryEntry.objects.filter(user=self.user, movie_id__in=movie_ids).values_list("movie_id", flat=True)
        )
        self.marks(WatchedMark, group, present=seen)

    def watchlist(self, group: list[MatchedRow]) -> None:
        self.marks(WatchlistEntry, group)

    def not_interested(self, group: list[MatchedRow]) -> None:
        self.marks(Dismissal, group)

    def likes(self, group: list[MatchedRow]) -> None:
        added = self.marks(MovieLike, group)
        Movie.objects.filter(pk__in=added).update(like_count=F("like_count") + 1)

    def marks(self, model: type[MovieMark], group: list[MatchedRow], present: set[int] | None = None) -> list[int]:
        """Put the mark on each film that lacks it; the films newly marked."""
        movie_ids = {matched.movie_id for matched in group}
        present = (present or set()) | set(
            model.objects.filter(user=self.user, movie_id__in=movie_ids).values_list("movie_id", flat=True)
        )
        added: dict[int, MovieMark] = {}
        for matched in group:
            fresh = matched.movie_id not in present and matched.movie_id not in added
            if fresh:
                added[matched.movie_id] = model(
                    user=self.user, movie_id=matched.movie_id, created_at=self.moment(matched.row.date)
                )
            self.outcome.count(fresh)
        model.objects.bulk_create(added.values())
        return list(added)

    # --- lists ---

    def list_items(self, group: list[MatchedRow]) -> None:
        by_list: dict[ListInfo, list[MatchedRow]] = {}
        for matched in group:
            assert matched.row.film_list is not None
            by_list.setdefault(matched.row.film_list, []).append(matched)
        for info, items in by_list.items():
            self.list_fill(self.list_for(info), items)

    def list_for(self, info: ListInfo) -> FilmList:
        """The member's list of that name (locked, as every list write takes it), made when there is none."""
        film_list = FilmList.objects.select_for_update().filter(owner=self.user, name=info.name).order_by("pk").first()
        if film_list is None:
            film_list = list_create(
                owner=self.user, name=info.name, description=info.description, ranked=info.ranked, public=info.public
            )
        return film_list

    def list_fill(self, film_list: FilmList, items: list[MatchedRow]) -> None:
        """Append the films the list lacks, in the file's order, after its last position."""
        present = set(ListItem.objects.filter(film_list=film_list).values_list("movie_id", flat=True))
        new: list[ListItem] = []
        for matched in sorted(items, key=lambda m: (m.row.position or 0, m.row.line)):
            if matched.movie_id in present:
                self.outcome.count(False)
            elif film_list.item_count + len(new) >= MAX_ITEMS:
                self.outcome.skipped.append((matched.row, LIST_FULL))
            else:
                present.add(matched.movie_id)
                position = film_list.item_count + len(new) + 1
                new.append(
                    ListItem(film_list=film_list, movie_id=matched.movie_id, note=matched.row.note, position=position)
                )
                self.outcome.count(True)
        if new:
            ListItem.objects.bulk_create(new)
            FilmList.objects.filter(pk=film_list.pk).update(
                item_count=F("item_count") + len(new), updated_at=timezone.now()
            )
