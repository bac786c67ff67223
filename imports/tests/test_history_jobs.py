"""History import jobs through the API and the command: uploads, counts, merges, failures, cancelling, resuming."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from activity.models import DiaryEntry, WatchedMark, WatchlistEntry
from conftest import authenticated_client
from imports.history import services
from imports.history.writer import Merge
from imports.models import ImportJob, UnmatchedRow
from lists.models import FilmList
from reviews.models import Review
from tests.factories import MovieFactory, UserFactory

from .history_files import film, imdb_ratings_csv, letterboxd_zip

pytestmark = pytest.mark.django_db

IMPORTS_URL = "/api/imports/"


def job_url(job_id: int) -> str:
    return f"{IMPORTS_URL}{job_id}/"


def upload(client, data: bytes, name: str = "letterboxd-export.zip", **fields):
    return client.post(IMPORTS_URL, {"file": SimpleUploadedFile(name, data), **fields}, format="multipart")


@pytest.fixture
def films():
    return [
        MovieFactory(title=title, release_date=datetime.date(year, 5, 1))
        for title, year in [("Amélie", 2001), ("Heat", 1995), ("Alien", 1979), ("Arrival", 2016)]
    ]


@pytest.fixture
def export(films) -> bytes:
    amelie, heat, alien, arrival = films
    return letterboxd_zip(
        {
            "ratings.csv": [["2020-01-02", *film(amelie), "4.5"], ["2020-02-03", *film(heat), "3"]],
            "reviews.csv": [
                ["2020-01-02", *film(amelie)[:2], "https://boxd.it/r1", "4.5", "", "Charming.", "", "2020-01-01"]
            ],
            "diary.csv": [
                ["2020-01-02", *film(amelie)[:2], "https://boxd.it/d1", "4.5", "", "", "2020-01-01"],
                ["2021-01-02", *film(amelie)[:2], "https://boxd.it/d2", "5", "Yes", "", "2021-01-01"],
            ],
            "watched.csv": [["2020-01-02", *film(amelie)], ["2019-05-05", *film(alien)]],
            "watchlist.csv": [
                ["2022-01-01", *film(arrival)],
                ["2022-01-01", "No Such Film", "1901", "https://boxd.it/x"],
            ],
            "likes/films.csv": [["2020-01-02", *film(heat)]],
        },
        lists={"Favourites": [["1", *film(alien), ""], ["2", *film(amelie), ""]]},
    )


def history(user) -> dict:
    return {
        "reviews": sorted(Review.objects.filter(user=user).values_list("movie__title", "rating", "body")),
        "diary": sorted(DiaryEntry.objects.filter(user=user).values_list("movie__title", "watched_on", "rewatch")),
        "watched": sorted(WatchedMark.objects.filter(user=user).values_list("movie__title", flat=True)),
        "watchlist": sorted(WatchlistEntry.objects.filter(user=user).values_list("movie__title", flat=True)),
        "lists": sorted(FilmList.objects.filter(owner=user).values_list("name", "item_count")),
    }


def test_a_letterboxd_export_is_imported_with_every_fact_once(user, user_client, export):
    response = upload(user_client, export)

    assert response.status_code == 202, response.content
    body = response.json()
    assert (body["source"], body["status"], body["progress"]) == ("letterboxd", "done", 100)
    assert body["counts"] == {
        "rows": 12,
        "matched": 11,
        "imported": 10,
        "already_present": 1,  # Amélie in watched.csv: logged and reviewed already
        "unmatched": 1,
        "skipped": 0,
    }
    assert history(user) == {
        "reviews": [("Amélie", 4.5, "Charming."), ("Heat", 3.0, "")],
        "diary": [("Amélie", datetime.date(2020, 1, 1), False), ("Amélie", datetime.date(2021, 1, 1), True)],
        "watched": ["Alien"],
        "watchlist": ["Arrival"],
        "lists": [("Favourites", 2)],
    }


def test_importing_the_same_export_again_writes_nothing(user, user_client, export):
    upload(user_client, export)
    before = history(user)

    body = upload(user_client, export).json()

    assert history(user) == before
    assert (body["counts"]["imported"], body["counts"]["already_present"], body["counts"]["unmatched"]) == (0, 11, 1)


def test_the_files_ratings_win_only_when_asked(user, user_client, export, films):
    Review.objects.create(user=user, movie=films[1], rating=1.0)

    upload(user_client, export)
    assert Review.objects.get(user=user, movie=films[1]).rating == 1.0

    upload(user_client, export, overwrite_ratings="true")
    assert Review.objects.get(user=user, movie=films[1]).rating == 3.0


def test_unmatched_rows_come_back_as_a_csv_safe_to_open_in_a_spreadsheet(user_client, films):
    data = letterboxd_zip({"watched.csv": [["2020-01-01", '=HYPERLINK("http://x")', "1999", "https://boxd.it/q"]]})
    job = upload(user_client, data).json()

    response = user_client.get(job["unmatched_url"])

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    assert lines[0] == "file,line,what,status,title,year,key,reason,candidates"
    assert lines[1].startswith("watched.csv,2,watched,unmatched,\"'=HYPERLINK(")


def test_imdb_series_are_skipped_and_ratings_halved(user, user_client, films):
    data = imdb_ratings_csv(
        [
            ("tt0000001", 7, "2020-03-04", "Heat", 1995, "movie"),
            ("tt0306414", 10, "2020-03-04", "The Wire", 2002, "TV Series"),
        ]
    )
    body = upload(user_client, data, name="ratings.csv").json()

    assert body["source"] == "imdb"
    assert (body["counts"]["imported"], body["counts"]["skipped"]) == (1, 1)
    assert list(Review.objects.filter(user=user).values_list("movie__title", "rating")) == [("Heat", 3.5)]
    assert UnmatchedRow.objects.get(status="skipped").reason


@pytest.mark.parametrize(
    "data, name, message",
    [
        (b"\x00\x01\x02binary\xff\xfe", "export.zip", "not a text file"),
        (b"Foo,Bar\n1,2\n", "ratings.csv", "Foo"),
        (b"", "empty.csv", "empty"),
    ],
)
def test_a_file_that_is_not_an_export_is_a_400_naming_the_problem(user_client, data, name, message):
    response = upload(user_client, data, name=name)

    assert response.status_code == 400
    assert message.lower() in str(response.json()).lower()
    assert not ImportJob.objects.exists()


def test_an_upload_over_the_limit_is_refused_before_it_is_read(user_client, monkeypatch, export):
    monkeypatch.setattr("imports.history.serializers.MAX_UPLOAD_BYTES", 100)

    response = upload(user_client, export)

    assert response.status_code == 400
    assert "at most" in response.json()["errors"]["file"][0]


def test_a_source_that_contradicts_the_file_is_refused(user_client, export):
    assert upload(user_client, export, source="imdb").status_code == 400


def test_unknown_fields_and_missing_files_are_400s(user_client, export):
    assert upload(user_client, export, colour="blue").status_code == 400
    assert user_client.post(IMPORTS_URL, {}, format="multipart").status_code == 400


def test_one_import_at_a_time_per_member(user, user_client, export):
    ImportJob.objects.create(user=user, source="letterboxd", file_name="x.zip", data=b"", status="running")

    response = upload(user_client, export)

    assert response.status_code == 409
    assert response.json()["code"] == "import_running"
    other = authenticated_client(UserFactory())
    assert upload(other, export).status_code == 202


# --- who sees what ---


@pytest.fixture
def job(user, user_client, export):
    return ImportJob.objects.get(pk=upload(user_client, export).json()["id"])


@pytest.mark.parametrize("suffix", ["", "unmatched.csv"])
def test_a_job_is_its_owners_alone(job, api_client, user_client, other_client, admin_client, suffix):
    url = job_url(job.pk) + suffix

    assert api_client.get(url).status_code == 401
    assert user_client.get(url).status_code == 200
    assert other_client.get(url).status_code == 404
    assert admin_client.get(url).status_code == 404
    assert api_client.delete(job_url(job.pk)).status_code == 401
    assert other_client.delete(job_url(job.pk)).status_code == 404
    assert admin_client.delete(job_url(job.pk)).status_code == 404
    assert ImportJob.objects.filter(pk=job.pk).exists()


def test_the_list_shows_only_your_jobs_newest_first(
    user, user_client, other_client, job, export, django_assert_num_queries
):
    second = ImportJob.objects.get(pk=upload(user_client, export).json()["id"])

    with django_assert_num_queries(3):  # the member, the count, the page (without the uploads)
        listed = user_client.get(IMPORTS_URL).json()

    assert [row["id"] for row in listed["results"]] == [second.pk, job.pk]
    assert other_client.get(IMPORTS_URL).json()["results"] == []


def test_a_job_reads_in_two_queries_whatever_it_holds(user_client, job, django_assert_num_queries):
    assert job.unmatched == 1
    with django_assert_num_queries(2):  # the member, the job (without the upload)
        body = user_client.get(job_url(job.pk)).json()

    assert body["counts"]["unmatched"] == 1
    assert body["unmatched_url"].endswith(f"/api/imports/{job.pk}/unmatched.csv")


def test_deleting_an_ended_job_forgets_it_and_keeps_what_it_imported(user, user_client, job):
    assert user_client.delete(job_url(job.pk)).status_code == 204

    assert not ImportJob.objects.filter(pk=job.pk).exists()
    assert Review.objects.filter(user=user).count() == 2


def test_deleting_an_active_job_cancels_it(user, user_client):
    active = ImportJob.objects.create(user=user, source="letterboxd", file_name="x.zip", data=b"zip", status="queued")

    assert user_client.delete(job_url(active.pk)).status_code == 204

    active.refresh_from_db()
    assert (active.status, active.data) == ("cancelled", b"")
    assert services.import_job_run(active.pk).status == "cancelled"  # a worker picking it up later does nothing


# --- chunks: failures, cancelling, resuming ---


@pytest.fixture
def small_chunks(settings):
    settings.HISTORY_IMPORT_CHUNK_ROWS = 4


def queued_job(user, data: bytes) -> ImportJob:
    from imports.history.upload import open_upload

    return services.import_job_create(
        user=user, upload=open_upload(data, "export.zip"), data=data, file_name="export.zip", overwrite_ratings=False
    )


def test_a_failure_keeps_the_chunks_before_it_and_nothing_of_its_own(user, export, small_chunks, monkeypatch):
    job = queued_job(user, export)
    real_write, calls = Merge.write, []

    def failing_second_chunk(self, rows):
        calls.append(len(rows))
        if len(calls) == 2:
            real_write(self, rows)  # writes, then fails: the chunk's transaction must take it all back
            raise RuntimeError("disk full")
        return real_write(self, rows)

    monkeypatch.setattr(Merge, "write", failing_second_chunk)
    ended = services.import_job_run(job.pk)

    assert ended.status == "failed"
    assert "RuntimeError" in ended.error
    assert ended.rows_done == 4
    assert ended.data == b""
    assert Review.objects.filter(user=user).count() == 2  # the first chunk: two ratings, a review, a diary row
    assert not DiaryEntry.objects.filter(user=user, rewatch=True).exists()  # second chunk: rolled back


class WorkerKilled(BaseException):
    """Stands in for the process dying: not an Exception, so nothing in the job catches it."""


def test_a_job_resumes_after_its_last_committed_chunk_and_imports_nothing_twice(user, export, small_chunks):
    clean = services.import_job_run(queued_job(UserFactory(username="clean"), export).pk)
    job = queued_job(user, export)

    def die(progress: ImportJob) -> None:
        raise WorkerKilled

    with pytest.raises(WorkerKilled):
        services.import_job_run(job.pk, progress=die)
    crashed = ImportJob.objects.get(pk=job.pk)
    assert (crashed.status, crashed.rows_done) == ("running", 4)

    ended = services.import_job_run(job.pk)

    assert history(user) == history(clean.user)
    counts = ("status", "rows_done", "matched", "imported", "already_present", "unmatched", "skipped")
    assert [getattr(ended, name) for name in counts] == [getattr(clean, name) for name in counts]
    assert UnmatchedRow.objects.filter(job=ended).count() == UnmatchedRow.objects.filter(job=clean).count() == 1


def test_a_second_runner_of_the_same_job_writes_nothing(user, export, small_chunks):
    job = services._claim(queued_job(user, export).pk)
    assert job is not None
    stale = ImportJob.objects.get(pk=job.pk)
    ImportJob.objects.filter(pk=job.pk).update(rows_done=4)  # another runner committed a chunk meanwhile

    assert services._write_chunk(stale, []) is None
    assert ImportJob.objects.get(pk=job.pk).rows_done == 4


def test_cancelling_stops_the_job_at_its_next_chunk(user, export, small_chunks):
    job = queued_job(user, export)

    def cancel_after_first_chunk(progress: ImportJob) -> None:
        services.import_job_cancel(job=progress)

    ended = services.import_job_run(job.pk, progress=cancel_after_first_chunk)

    assert (ended.status, ended.rows_done) == ("cancelled", 4)
    assert Review.objects.filter(user=user).exists()  # what it imported stays


# --- the command ---


def test_the_command_imports_a_file_and_prints_the_summary(user, export, tmp_path):
    path = tmp_path / "letterboxd.zip"
    path.write_bytes(export)
    out = io.StringIO()

    call_command("import_history", str(path), user=user.username, stdout=out)

    assert "letterboxd import" in out.getvalue()
    assert "12 rows; 11 matched, 10 imported, 1 already present, 1 unmatched, 0 skipped" in out.getvalue()
    assert "No Such Film" in out.getvalue()
    assert Review.objects.filter(user=user).count() == 2


def test_the_command_refuses_unknown_users_and_unreadable_files(user, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"Foo,Bar\n1,2\n")
    with pytest.raises(CommandError, match="No user"):
        call_command("import_history", str(bad), user="nobody")
    with pytest.raises(CommandError, match="Foo"):
        call_command("import_history", str(bad), user=user.username)
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_history", str(tmp_path / "missing.zip"), user=user.username)
