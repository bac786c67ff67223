"""Writing the social side of the demo plan through the apps' services, one row at a time: lists and their items
(positions and counts), blocks and follows (the block rules), likes of reviews and lists and comments (counters,
feed events, notifications). Only what is missing is written; each new row then gets its planned date back (these
rows stamp their own creation time), and so do the feed events and, once the transaction has committed, the
notifications made for them.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from comments.models import Comment
from comments.services import comment_create
from feed.models import Event
from follows.models import Block, Follow
from follows.services import block_create, follow_create
from imports.demo.catalogue import FilmKey
from imports.demo.plan import DemoPlan
from imports.demo.writer import Pair, Written, restamp, times_set
from lists.models import FilmList, ListItem, ListLike
from lists.services import item_add, list_create, list_like
from movies.models import Movie
from notifications.models import Notification
from reviews.models import Review, ReviewLike
from reviews.services import review_like

# Notifications older than this are marked read: a member has seen what happened weeks ago.
READ_AFTER = datetime.timedelta(days=14)


class Social:
    def __init__(
        self,
        plan: DemoPlan,
        users: dict[str, User],
        movies: dict[FilmKey, Movie],
        reviews: dict[Pair, Review],
        written: Written,
    ) -> None:
        self.plan, self.users, self.movies, self.reviews, self.written = plan, users, movies, reviews, written
        self.user_ids = [user.pk for user in users.values()]
        self.lists: dict[tuple[str, str], FilmList] = {}

    def write(self) -> None:
        self.write_lists()
        self.write_blocks()
        self.write_follows()
        self.write_review_likes()
        self.write_list_likes()
        self.write_comments()

    def review_of(self, author: str, film: FilmKey) -> Review | None:
        return self.reviews.get((self.users[author].pk, self.movies[film].pk))

    def write_lists(self) -> None:
        existing = {(fl.owner_id, fl.name): fl for fl in FilmList.objects.filter(owner_id__in=self.user_ids)}
        for planned in self.plan.lists:
            owner, spec = self.users[planned.owner], planned.spec
            film_list = existing.get((owner.pk, spec.name))
            if film_list is None:
                film_list = list_create(
                    owner=owner, name=spec.name, description=spec.description, ranked=spec.ranked, public=spec.public
                )
                for film, note in planned.items:
                    item_add(film_list=film_list, movie=self.movies[film.key], note=note)
                FilmList.objects.filter(pk=film_list.pk).update(created_at=planned.at, updated_at=planned.at)
                ListItem.objects.filter(film_list=film_list).update(created_at=planned.at)
                Event.objects.filter(film_list=film_list).update(created_at=planned.at)
                self.written.add("lists", 1)
            self.lists[(planned.owner, spec.name)] = film_list

    def write_blocks(self) -> None:
        for blocker, blocked in self.plan.blocks:
            one, other = self.users[blocker], self.users[blocked]
            if not Block.objects.filter(blocker=one, blocked=other).exists():
                block_create(blocker=one, blocked=other)

    def write_follows(self) -> None:
        existing = set(Follow.objects.filter(follower_id__in=self.user_ids).values_list("follower_id", "followee_id"))
        moments = {}
        for planned in self.plan.follows:
            follower, followee = self.users[planned.follower], self.users[planned.followee]
            if (follower.pk, followee.pk) not in existing:
                follow, created = follow_create(follower=follower, followee=followee)
                if created:
                    moments[follow.pk] = planned.at
        restamp(Follow, moments, ["created_at"])
        self.written.add("follows", len(moments))

    def write_review_likes(self) -> None:
        existing = set(ReviewLike.objects.filter(user_id__in=self.user_ids).values_list("user_id", "review_id"))
        moments: dict[Pair, datetime.datetime] = {}
        for planned in self.plan.review_likes:
            user, review = self.users[planned.user], self.review_of(planned.author, planned.film)
            if review is not None and (user.pk, review.pk) not in existing:
                existing.add((user.pk, review.pk))
                if review_like(user=user, review=review):
                    moments[(user.pk, review.pk)] = _not_before(planned.at, review.created_at)
        likes = ReviewLike.objects.filter(user_id__in=self.user_ids, review_id__in={pk for _, pk in moments})
        by_pk = {like.pk: moments[pair] for like in likes if (pair := (like.user_id, like.review_id)) in moments}
        restamp(ReviewLike, by_pk, ["created_at"])
        events = Event.objects.filter(review_like_id__in=list(by_pk)).values_list("pk", "review_like_id")
        restamp(Event, {pk: by_pk[like_id] for pk, like_id in events}, ["created_at"])
        self.written.add("review likes", len(by_pk))

    def write_list_likes(self) -> None:
        existing = set(ListLike.objects.filter(user_id__in=self.user_ids).values_list("user_id", "film_list_id"))
        moments: dict[Pair, datetime.datetime] = {}
        for planned in self.plan.list_likes:
            user, film_list = self.users[planned.user], self.lists.get((planned.owner, planned.name))
            if film_list is not None and (user.pk, film_list.pk) not in existing:
                existing.add((user.pk, film_list.pk))
                if list_like(user=user, film_list=film_list):
                    moments[(user.pk, film_list.pk)] = planned.at
        likes = ListLike.objects.filter(user_id__in=self.user_ids, film_list_id__in={pk for _, pk in moments})
        by_pk = {like.pk: moments[pair] for like in likes if (pair := (like.user_id, like.film_list_id)) in moments}
        restamp(ListLike, by_pk, ["created_at"])
        self.written.add("list likes", len(by_pk))

    def write_comments(self) -> None:
        columns = ("author_id", "review_id", "film_list_id", "body")
        existing = set(Comment.objects.filter(author_id__in=self.user_ids).values_list(*columns))
        moments = {}
        for planned in self.plan.comments:
            review = self.review_of(*planned.review) if planned.review else None
            film_list = self.lists.get(planned.film_list) if planned.film_list else None
            if review is None and film_list is None:
                continue
            author = self.users[planned.author]
            key = (author.pk, review.pk if review else None, film_list.pk if film_list else None, planned.body)
            if key not in existing:
                existing.add(key)
                comment = comment_create(author=author, body=planned.body, review=review, film_list=film_list)
                moments[comment.pk] = _not_before(planned.at, review.created_at) if review else planned.at
        restamp(Comment, moments, ["created_at", "updated_at"])
        self.written.add("comments", len(moments))


def _not_before(at: datetime.datetime, start: datetime.datetime) -> datetime.datetime:
    """``at``, or just after ``start`` when that is later (a review a database already held, written later than
    the plan has it)."""
    return max(at, min(start + datetime.timedelta(minutes=5), timezone.now()))


def notifications_backdate_on_commit(after_pk: int, user_ids: list[int], now: datetime.datetime) -> None:
    """Once the transaction has committed and the notifications of the new follows, likes and comments exist (they
    are made after the commit), date each as what it reports, and mark the old ones read."""
    transaction.on_commit(lambda: notifications_backdate(after_pk, user_ids, now))


def notifications_backdate(after_pk: int, user_ids: list[int], now: datetime.datetime) -> int:
    """Date the demo people's notifications newer than ``after_pk`` as what each reports; returns how many."""
    notifications = list(Notification.objects.filter(pk__gt=after_pk, recipient_id__in=user_ids))
    if not notifications:
        return 0
    moments = _report_moments(user_ids)
    values: dict[int, list[datetime.datetime | None]] = {}
    for notification in notifications:
        at = moments.get(_reported(notification))
        if at is not None:
            values[notification.pk] = [at, at + datetime.timedelta(hours=6) if now - at > READ_AFTER else None]
    times_set(Notification, ["created_at", "read_at"], values)
    return len(notifications)


def _reported(notification: Notification) -> tuple[object, ...]:
    """The key of what the notification reports, as _report_moments has it."""
    Kind = Notification.Kind
    if notification.kind == Kind.FOLLOW:
        return (Kind.FOLLOW, notification.actor_id, notification.recipient_id)
    if notification.kind == Kind.REVIEW_LIKE:
        return (Kind.REVIEW_LIKE, notification.actor_id, notification.review_id)
    if notification.kind == Kind.LIST_LIKE:
        return (Kind.LIST_LIKE, notification.actor_id, notification.film_list_id)
    return ("comment", notification.comment_id)


def _report_moments(user_ids: list[int]) -> dict[tuple[object, ...], datetime.datetime]:
    Kind = Notification.Kind
    moments: dict[tuple[object, ...], datetime.datetime] = {}
    for follower, followee, at in Follow.objects.filter(follower_id__in=user_ids).values_list(
        "follower_id", "followee_id", "created_at"
    ):
        moments[(Kind.FOLLOW, follower, followee)] = at
    for user, review, at in ReviewLike.objects.filter(user_id__in=user_ids).values_list(
        "user_id", "review_id", "created_at"
    ):
        moments[(Kind.REVIEW_LIKE, user, review)] = at
    for user, film_list, at in ListLike.objects.filter(user_id__in=user_ids).values_list(
        "user_id", "film_list_id", "created_at"
    ):
        moments[(Kind.LIST_LIKE, user, film_list)] = at
    for comment, at in Comment.objects.filter(author_id__in=user_ids).values_list("pk", "created_at"):
        moments[("comment", comment)] = at
    return moments
