"""Give one MovieLens member (ml_1) a diary, a watchlist, likes, watched marks and "not interested" films for the
load benchmark, then print an access token for them and the Cookie header of a site session. Running it again adds
nothing.

    SQLITE_PATH=bench-results/bench.sqlite3 python scripts/bench_activity.py
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MEMBER = "ml_1"


def main() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client
    from rest_framework_simplejwt.tokens import AccessToken

    from accounts.models import User

    member = User.objects.get(username=MEMBER)
    give_activity(member)
    site = Client()
    site.force_login(member)
    session = site.cookies[settings.SESSION_COOKIE_NAME].value
    print(AccessToken.for_user(member), f"{settings.SESSION_COOKIE_NAME}={session}")


def give_activity(member) -> None:
    from django.db import transaction
    from django.db.models import F

    from activity.models import DiaryEntry, Dismissal, MovieLike, WatchedMark, WatchlistEntry
    from movies.models import Movie
    from reviews.models import Review

    if DiaryEntry.objects.filter(user=member).exists():
        return
    reviews = list(Review.objects.filter(user=member).order_by("created_at"))
    unseen = Movie.objects.exclude(reviews__user=member).order_by("-review_count", "pk")
    unseen = list(unseen.values_list("pk", flat=True))
    with transaction.atomic():
        DiaryEntry.objects.bulk_create(
            DiaryEntry(user=member, movie_id=r.movie_id, watched_on=r.created_at.date(), rating=r.rating, review=r)
            for r in reviews
        )
        liked = [review.movie_id for review in reviews if review.rating >= 4][:40]
        MovieLike.objects.bulk_create(MovieLike(user=member, movie_id=movie_id) for movie_id in liked)
        Movie.objects.filter(pk__in=liked).update(like_count=F("like_count") + 1)
        WatchlistEntry.objects.bulk_create(WatchlistEntry(user=member, movie_id=movie_id) for movie_id in unseen[:80])
        WatchedMark.objects.bulk_create(WatchedMark(user=member, movie_id=movie_id) for movie_id in unseen[80:120])
        Dismissal.objects.bulk_create(Dismissal(user=member, movie_id=movie_id) for movie_id in unseen[120:140])


if __name__ == "__main__":
    main()
