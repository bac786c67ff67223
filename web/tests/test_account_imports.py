"""Importing your history through the site (upload, refusals, the job's live progress, the rows to review, cancel
and forget) and exporting it; jobs are their owner's alone, as in the API."""

import datetime
import io
import zipfile

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import authenticated_client
from imports.history import services
from imports.history.export import CSV_NAME, JSON_NAME
from imports.models import ImportJob, UnmatchedRow
from imports.tasks import TaskQueueUnavailable
from imports.tests.history_files import film, imdb_ratings_csv, letterboxd_zip
from reviews.models import Review
from tests.factories import MovieFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def owner(db):
    return UserFactory()


@pytest.fixture
def member_client(client, owner):
    client.force_login(owner)
    return client


@pytest.fixture
def films():
    return [
        MovieFactory(title=title, release_date=datetime.date(year, 5, 1))
        for title, year in [("Amélie", 2001), ("Heat", 1995), ("Alien", 1979)]
    ]


@pytest.fixture
def export(films) -> bytes:
    amelie, heat, alien = films
    return letterboxd_zip(
        {
            "ratings.csv": [
                ["2020-01-02", *film(amelie), "4.5"],
                ["2020-02-03", *film(heat), "3"],
                ["2020-02-04", "No <b>Such</b> Film", "1901", "https://boxd.it/x", "2"],
            ],
            "watchlist.csv": [["2022-01-01", *film(alien)]],
        }
    )


def upload(client, data: bytes, name: str = "letterboxd-export.zip", **fields):
    return client.post(reverse("web:import"), {"file": SimpleUploadedFile(name, data), **fields})


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def make_job(user, status: str = "done", **fields) -> ImportJob:
    defaults = {"source": "letterboxd", "file_name": "export.zip", "rows": 10, "rows_done": 4}
    return ImportJob.objects.create(user=user, status=status, **{**defaults, **fields})


def unmatched_row(job: ImportJob, number: int, **fields) -> UnmatchedRow:
    defaults = {"file": "ratings.csv", "line": number + 2, "fact": "rating", "title": f"Lost {number}", "year": 1950}
    return UnmatchedRow.objects.create(job=job, reason="not in the catalogue", **{**defaults, **fields})


# --- a real import --------------------------------------------------------------------------------------------


def test_an_import_through_the_site_lands_reviews_and_shows_its_counts(member_client, owner, export):
    response = upload(member_client, export)

    job = ImportJob.objects.get(user=owner)
    assert response.status_code == 302
    assert response["Location"] == reverse("web:import-job", args=[job.pk])
    assert sorted(Review.objects.filter(user=owner).values_list("movie__title", "rating")) == [
        ("Amélie", 4.5),
        ("Heat", 3.0),
    ]
    page = member_client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert job.status == "done"
    assert '<progress max="100" value="100"' in html
    assert "<dt>Imported</dt><dd>3</dd>" in html and "<dt>Not found</dt><dd>1</dd>" in html
    assert "4 of 4 rows read (100%)" in html
    assert "hx-trigger" not in html  # an ended job is not polled
    assert "No &lt;b&gt;Such&lt;/b&gt; Film" in html and "<b>Such</b>" not in html
    assert reverse("web:import-unmatched", args=[job.pk]) in html


def test_an_import_keeps_the_members_ratings_unless_asked(member_client, owner, films, export):
    amelie = films[0]
    ReviewFactory(user=owner, movie=amelie, rating=1.0)

    upload(member_client, export)
    assert Review.objects.get(user=owner, movie=amelie).rating == 1.0

    ImportJob.objects.filter(user=owner).delete()
    upload(member_client, export, overwrite_ratings="on")
    assert Review.objects.get(user=owner, movie=amelie).rating == 4.5


def test_an_imdb_file_can_be_named_as_such(member_client, owner, films):
    heat = films[1]
    heat.imdb_id = "tt0113277"
    heat.save()
    data = imdb_ratings_csv([("tt0113277", 8, "2020-01-01", "Heat", 1995, "Movie")])

    response = upload(member_client, data, name="ratings.csv", source="imdb")

    assert response.status_code == 302
    assert ImportJob.objects.get(user=owner).source == "imdb"
    assert Review.objects.get(user=owner).movie == heat


def test_unmatched_rows_are_listed_with_candidate_films_linked(member_client, owner):
    first, second = (MovieFactory(title="Heat", release_date=datetime.date(1995, 1, day)) for day in (1, 2))
    data = letterboxd_zip({"ratings.csv": [["2020-01-01", "Heat", "1995", "https://boxd.it/h", "4"]]})

    job_url = upload(member_client, data)["Location"]
    html = member_client.get(job_url).content.decode()

    row = UnmatchedRow.objects.get(job__user=owner)
    assert row.candidates  # two films fit: the member picks
    assert '<td data-label="File">ratings.csv</td>' in html
    assert f'<a href="{reverse("web:film", args=[first.pk])}">Heat (1995)</a>' in html
    assert f'<a href="{reverse("web:film", args=[second.pk])}">Heat (1995)</a>' in html
    assert row.reason in html


# --- refusals -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "name", "fields", "message"),
    [
        (b"", "empty.csv", {}, "The submitted file is empty."),
        (b"   \n", "blank.csv", {}, "This file cannot be imported: blank.csv is empty."),
        (b"foo,bar\n1,2\n", "odd.csv", {}, "This file cannot be imported: odd.csv: unknown columns: foo, bar"),
        (b"PK\x03\x04 broken", "broken.zip", {}, "This file cannot be imported: broken.zip is not a readable ZIP"),
        (b"\x00\x01\x02binary", "photo.csv", {}, "is not a text file"),
        (None, "letterboxd.zip", {"source": "imdb"}, "holds no IMDb export files"),
        (None, "letterboxd.zip", {"source": "myspace"}, "Select a valid choice."),
    ],
)
def test_a_file_that_cannot_be_imported_is_refused_on_the_form(
    member_client, owner, export, data, name, fields, message
):
    response = upload(member_client, export if data is None else data, name=name, **fields)

    assert response.status_code == 400
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not ImportJob.objects.filter(user=owner).exists()


def test_no_file_is_refused(member_client, owner):
    response = member_client.post(reverse("web:import"), {})

    assert response.status_code == 400
    assert response.context["form"].errors["file"] == ["This field is required."]


def test_an_upload_over_the_limit_is_refused(member_client, owner, monkeypatch):
    monkeypatch.setattr("imports.history.serializers.MAX_UPLOAD_BYTES", 10)

    response = upload(member_client, b"Const,Your Rating\n", name="big.csv")

    assert response.status_code == 400
    assert "uploads are at most" in str(response.context["form"].errors["file"])


def test_a_second_import_while_one_runs_is_refused_with_a_link_to_it(member_client, owner, export):
    running = make_job(owner, status="running", file_name="first.zip")

    response = upload(member_client, export)

    html = response.content.decode()
    assert response.status_code == 400
    assert "An import of yours is still running: wait for it to finish, or cancel it." in html
    assert f'href="{reverse("web:import-job", args=[running.pk])}"' in html
    assert ImportJob.objects.filter(user=owner).count() == 1


def test_when_the_queue_is_down_the_member_is_told(member_client, owner, export, monkeypatch):
    def refuse(job):
        services.import_job_fail(job=job, message=TaskQueueUnavailable.default_detail)
        raise TaskQueueUnavailable()

    monkeypatch.setattr("web.account.import_views.history_import_enqueue", refuse)

    response = upload(member_client, export)

    assert response.status_code == 400
    assert "The task queue is unavailable" in response.content.decode()
    assert ImportJob.objects.get(user=owner).status == "failed"


# --- a queued job, followed live ------------------------------------------------------------------------------


def test_with_a_broker_the_member_lands_on_a_queued_job_that_polls(member_client, owner, export, monkeypatch):
    monkeypatch.setattr("web.account.import_views.history_import_enqueue", lambda job: None)

    response = member_client.get(upload(member_client, export)["Location"])

    html = response.content.decode()
    job = ImportJob.objects.get(user=owner)
    progress = reverse("web:import-progress", args=[job.pk])
    assert job.status == "queued"
    assert f'hx-get="{progress}?shown=queued" hx-trigger="every 1s" hx-swap="outerHTML"' in html
    assert '<p id="import-announcer" class="visually-hidden" role="status"></p>' in html
    assert f'href="{reverse("web:import-job", args=[job.pk])}">Refresh</a>' in html  # without JavaScript
    assert "Cancel the import" in html
    assert "Rows to review" not in html


def test_the_progress_partial_keeps_polling_while_the_job_runs(member_client, owner):
    job = make_job(owner, status="running", rows=200, rows_done=50, imported=40, unmatched=3)

    response = member_client.get(reverse("web:import-progress", args=[job.pk]), {"shown": "running"}, **HTMX)

    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert 'hx-trigger="every 1s"' in html
    assert '<progress max="100" value="25"' in html and "50 of 200 rows read (25%)" in html
    assert "<dt>Imported</dt><dd>40</dd>" in html
    assert "hx-swap-oob" not in html  # nothing changed: nothing announced


def test_the_progress_partial_announces_a_change_of_status_once(member_client, owner):
    job = make_job(owner, status="running")

    html = member_client.get(reverse("web:import-progress", args=[job.pk]), {"shown": "queued"}, **HTMX)
    html = html.content.decode()

    assert '<p id="import-announcer" hx-swap-oob="innerHTML">Import running.</p>' in html
    assert 'id="import-actions" hx-swap-oob="innerHTML"' in html


def test_the_progress_partial_stops_polling_when_the_job_ends(member_client, owner):
    job = make_job(owner, status="done", rows=3, rows_done=3, imported=2, unmatched=1)
    unmatched_row(job, 1, title="Lost <i>film</i>")

    response = member_client.get(reverse("web:import-progress", args=[job.pk]), {"shown": "running"}, **HTMX)

    html = response.content.decode()
    assert "hx-trigger" not in html and "hx-get" not in html
    assert "Import done: 2 imported, 0 already there, 1 unmatched, 0 skipped." in html
    assert "Import another file" in html and "Cancel the import" not in html  # the buttons follow
    assert "Lost &lt;i&gt;film&lt;/i&gt;" in html  # the rows to review come with the end


def test_a_failed_job_says_why(member_client, owner):
    job = make_job(owner, status="failed", error="The import stopped on an <unexpected> error.")

    html = member_client.get(reverse("web:import-job", args=[job.pk])).content.decode()

    assert "Failed" in html and "The import stopped on an &lt;unexpected&gt; error." in html


def test_the_progress_partial_without_htmx_is_the_job_page(member_client, owner):
    job = make_job(owner, status="running")

    response = member_client.get(reverse("web:import-progress", args=[job.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("web:import-job", args=[job.pk])


# --- the rows to review ---------------------------------------------------------------------------------------


def test_unmatched_rows_are_paged(member_client, owner):
    job = make_job(owner, unmatched=55)
    for number in range(55):
        unmatched_row(job, number)

    first = member_client.get(reverse("web:import-job", args=[job.pk])).content.decode()
    second = member_client.get(reverse("web:import-job", args=[job.pk]), {"page": 2}).content.decode()

    assert "Lost 0<" in first and "Lost 49<" in first and "Lost 50<" not in first
    assert "Lost 50<" in second and "Page 2 of 2" in second


def test_the_unmatched_csv_is_the_owners_to_download(member_client, owner):
    job = make_job(owner, unmatched=1)
    unmatched_row(job, 1, title="=HYPERLINK(1)")

    response = member_client.get(reverse("web:import-unmatched", args=[job.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="import-{job.pk}-unmatched.csv"'
    assert response["Cache-Control"] == "private, no-store"
    body = response.content.decode("utf-8-sig")
    assert body.startswith("file,line,what,status,title,year,key,reason,candidates")
    assert "'=HYPERLINK(1)" in body  # neutralised for spreadsheets, as in the API


# --- jobs are their owner's alone -----------------------------------------------------------------------------


JOB_PAGES = [
    ("get", "web:import-job", {}),
    ("get", "web:import-progress", HTMX),
    ("get", "web:import-unmatched", {}),
    ("post", "web:import-cancel", {}),
    ("post", "web:import-delete", {}),
]


@pytest.mark.parametrize(("method", "name", "headers"), JOB_PAGES)
@pytest.mark.parametrize(("who", "status"), [("anonymous", 302), ("another member", 404), ("admin", 404)])
def test_a_job_is_its_owners_alone(client, owner, method, name, headers, who, status):
    job = make_job(owner, status="running")
    if who == "another member":
        client.force_login(UserFactory())
    elif who == "admin":
        client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = getattr(client, method)(reverse(name, args=[job.pk]), **headers)

    assert response.status_code == status
    if who == "anonymous":
        assert response["Location"].startswith(reverse("web:login"))
    job.refresh_from_db()
    assert job.status == "running"


@pytest.mark.parametrize(("method", "name", "headers"), JOB_PAGES[:3])
def test_the_owner_sees_their_job(member_client, owner, method, name, headers):
    job = make_job(owner, status="done", file_name="mine <b>.zip")

    response = member_client.get(reverse(name, args=[job.pk]), **headers)

    assert response.status_code == 200
    if name == "web:import-job":
        assert "Import of mine &lt;b&gt;.zip" in response.content.decode()


def test_an_unknown_job_is_a_404(member_client):
    assert member_client.get(reverse("web:import-job", args=[999999])).status_code == 404


# --- cancel and forget ----------------------------------------------------------------------------------------


def test_cancelling_from_the_job_page_comes_back_to_it(member_client, owner):
    job = make_job(owner, status="running", file_name="big.zip")

    response = member_client.post(reverse("web:import-cancel", args=[job.pk]), {"next": "job"})

    assert response["Location"] == reverse("web:import-job", args=[job.pk])
    assert messages_of(response) == ["The import of big.zip is cancelled; what it had imported stays."]
    job.refresh_from_db()
    assert job.status == "cancelled"


def test_cancelling_an_ended_job_says_so(member_client, owner):
    job = make_job(owner, status="done", file_name="old.zip")

    response = member_client.post(reverse("web:import-cancel", args=[job.pk]))

    assert response["Location"] == reverse("web:import")
    assert messages_of(response) == ["The import of old.zip had already ended."]


def test_the_list_of_imports_cancels_and_forgets_in_place_with_htmx(member_client, owner):
    ended = make_job(owner, status="done", file_name="old.zip")
    running = make_job(owner, status="running", file_name="new.zip")

    page = member_client.get(reverse("web:import")).content.decode()
    assert f'hx-post="{reverse("web:import-cancel", args=[running.pk])}"' in page
    assert f'hx-post="{reverse("web:import-delete", args=[ended.pk])}"' in page

    cancelled = member_client.post(reverse("web:import-cancel", args=[running.pk]), {"page": "1"}, **HTMX)
    html = cancelled.content.decode()
    assert cancelled.status_code == 200 and "<html" not in html
    assert "The import of new.zip is cancelled" in html and "data-autofocus>Your imports" in html

    forgotten = member_client.post(reverse("web:import-delete", args=[ended.pk]), {"page": "1"}, **HTMX)
    html = forgotten.content.decode()
    assert "The import of old.zip is removed; what it imported stays." in html
    assert "old.zip</a>" not in html and "new.zip</a>" in html
    assert not ImportJob.objects.filter(pk=ended.pk).exists()


def test_forgetting_a_running_job_cancels_it(member_client, owner):
    job = make_job(owner, status="queued", file_name="q.zip")

    response = member_client.post(reverse("web:import-delete", args=[job.pk]))

    assert messages_of(response) == ["The import of q.zip is cancelled; what it had imported stays."]
    job.refresh_from_db()
    assert job.status == "cancelled"


def test_forgetting_keeps_what_was_imported(member_client, owner, export):
    upload(member_client, export)
    job = ImportJob.objects.get(user=owner)

    response = member_client.post(reverse("web:import-delete", args=[job.pk]))

    assert response["Location"] == reverse("web:import")
    assert not ImportJob.objects.filter(user=owner).exists()
    assert Review.objects.filter(user=owner).count() == 2


def test_cancel_and_forget_take_a_post(member_client, owner):
    job = make_job(owner)

    assert member_client.get(reverse("web:import-cancel", args=[job.pk])).status_code == 405
    assert member_client.get(reverse("web:import-delete", args=[job.pk])).status_code == 405


# --- export ---------------------------------------------------------------------------------------------------


def test_the_export_page_says_what_the_zip_holds(member_client):
    html = member_client.get(reverse("web:export")).content.decode()

    assert CSV_NAME in html and JSON_NAME in html
    assert "private" in html
    assert '<form method="post"' in html and "Download my data" in html


def test_the_export_button_downloads_the_members_zip(member_client, owner):
    ReviewFactory(user=owner, body="Mine")

    response = member_client.post(reverse("web:export"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith(f'attachment; filename="flixreview-{owner.username}-')
    assert response["Cache-Control"] == "private, no-store"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert sorted(archive.namelist()) == sorted([CSV_NAME, JSON_NAME])
        assert "Mine" in archive.read(JSON_NAME).decode()


def test_the_export_round_trips_through_the_import(member_client, owner, client):
    review = ReviewFactory(user=owner, rating=4.0, body="Round trip")
    zipped = member_client.post(reverse("web:export")).content
    newcomer = UserFactory()
    client.force_login(newcomer)

    response = upload(client, zipped, name="flixreview.zip")

    assert response.status_code == 302
    assert ImportJob.objects.get(user=newcomer).source == "flixreview"
    copied = Review.objects.get(user=newcomer)
    assert (copied.movie, copied.rating, copied.body) == (review.movie, 4.0, "Round trip")


def test_exports_share_the_apis_per_member_limit(member_client, owner, settings):
    rest_framework = settings.REST_FRAMEWORK
    rates = {**rest_framework["DEFAULT_THROTTLE_RATES"], "exports": "2/hour"}
    settings.REST_FRAMEWORK = {**rest_framework, "DEFAULT_THROTTLE_RATES": rates}
    assert member_client.post(reverse("web:export")).status_code == 200

    assert authenticated_client(owner).get("/api/users/me/export/").status_code == 200
    throttled = member_client.post(reverse("web:export"))

    assert throttled.status_code == 429
    assert int(throttled["Retry-After"]) > 0
    assert "Please try again in" in throttled.content.decode()
    other = UserFactory()
    member_client.force_login(other)
    assert member_client.post(reverse("web:export")).status_code == 200  # per member


# --- queries --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 5])
def test_the_job_page_reads_in_a_fixed_number_of_queries(member_client, owner, django_assert_num_queries, size):
    job = make_job(owner, unmatched=size)
    for number in range(size):
        unmatched_row(job, number, candidates=[{"title": "Close", "year": 1950, "tmdb_id": 1, "movie_id": 7}])

    # The session, the member, unread notifications, the job, COUNT of its rows to review, a page of them.
    with django_assert_num_queries(6):
        assert member_client.get(reverse("web:import-job", args=[job.pk])).status_code == 200
    with django_assert_num_queries(5):  # a partial without the menu: no unread notifications
        member_client.get(reverse("web:import-progress", args=[job.pk]), {"shown": "running"}, **HTMX)


@pytest.mark.parametrize("size", [1, 5])
def test_a_running_jobs_poll_reads_in_a_fixed_number_of_queries(member_client, owner, django_assert_num_queries, size):
    job = make_job(owner, status="running", unmatched=size)

    # The session, the member, the job; no rows yet (the partial has no menu, so no unread notifications).
    with django_assert_num_queries(3):
        member_client.get(reverse("web:import-progress", args=[job.pk]), {"shown": "running"}, **HTMX)
