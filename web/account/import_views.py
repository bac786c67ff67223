"""Import your history, follow an import live, review what it could not match, and export everything you own.

The same services and rules as the API (imports/history/views.py, export_views.py): an upload is checked whole by
open_upload before a job exists, one import runs at a time, and jobs are their owner's alone (a 404 to anyone
else, admins included). On the embedded defaults (no broker) the job runs inside the upload's request, so the
member lands on a finished job; with a broker it is queued and the job page follows it by polling."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from core.throttling import ExportRateThrottle
from imports.history import selectors, services
from imports.history.export import CSV_NAME, JSON_NAME, user_export
from imports.history.rows import Source
from imports.history.upload import UploadRefused, open_upload
from imports.models import ImportJob, UnmatchedRow
from imports.tasks import TaskQueueUnavailable, history_import_enqueue
from web.account.common import is_htmx, member
from web.account.forms import ImportForm

JOBS_PER_PAGE = 20
UNMATCHED_PER_PAGE = 50


def _jobs(request: HttpRequest) -> QuerySet[ImportJob]:
    return selectors.import_jobs_of(member(request))


def _job(request: HttpRequest, pk: int) -> ImportJob:
    """One of the member's own jobs, or a 404 (to admins too)."""
    return get_object_or_404(_jobs(request), pk=pk)


def _job_list(request: HttpRequest, page: Any) -> dict[str, Any]:
    jobs = Paginator(_jobs(request), JOBS_PER_PAGE).get_page(page)
    # One import runs at a time and none can start while it does: when one is running, it is the newest.
    newest = jobs[0] if jobs.number == 1 and jobs.object_list else None
    return {"jobs": jobs, "running": newest if newest is not None and newest.is_active else None}


@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    posted = request.method == "POST"
    form = ImportForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        job = _start(request, form)
        if job is not None:
            return redirect("web:import-job", job.pk)
    context = {"form": form, **_job_list(request, request.GET.get("page"))}
    return render(request, "web/account/import.html", context, status=400 if form.errors else 200)


def _start(request: HttpRequest, form: ImportForm) -> ImportJob | None:
    """Check the upload, create its job and start it; None (with the reason on the form) when that fails."""
    upload_file = form.validated["file"]
    name = upload_file.name or "upload"
    data = upload_file.read()
    source = form.validated.get("source")
    try:
        upload = open_upload(data, name, Source(source) if source else None)
    except UploadRefused as exc:
        form.add_error("file", f"This file cannot be imported: {exc.message}.")
        return None
    try:
        job = services.import_job_create(
            user=member(request),
            upload=upload,
            data=data,
            file_name=name,
            overwrite_ratings=form.validated["overwrite_ratings"],
        )
        history_import_enqueue(job)
    except (services.ImportAlreadyRunning, TaskQueueUnavailable) as exc:
        form.add_error(None, str(exc.detail))
        return None
    return job


def _job_context(request: HttpRequest, job: ImportJob) -> dict[str, Any]:
    context: dict[str, Any] = {"job": job}
    if not job.is_active and job.unmatched + job.skipped:
        rows = UnmatchedRow.objects.filter(job=job).order_by("id")
        context["unmatched"] = Paginator(rows, UNMATCHED_PER_PAGE).get_page(request.GET.get("page"))
    return context


@login_required
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    return render(request, "web/account/import_job.html", _job_context(request, job))


@login_required
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The job's status block for htmx polling. ``shown`` is the status the page shows: when it has changed, the
    answer also updates the page's live region and its buttons (once, not at every poll)."""
    job = _job(request, pk)
    if not is_htmx(request):
        return redirect("web:import-job", pk)
    context = {**_job_context(request, job), "changed": request.GET.get("shown") != job.status}
    return render(request, "web/account/partials/import_progress.html", context)


@login_required
def import_unmatched(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    response = HttpResponse(selectors.unmatched_csv(job), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-unmatched.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


def _after_job_change(request: HttpRequest, message: str, job: ImportJob | None) -> HttpResponse:
    """Back where the button was: the list of imports (with htmx, the list again in place) or the job's page."""
    if is_htmx(request):
        context = {**_job_list(request, request.POST.get("page")), "status_message": message, "swapped": True}
        return render(request, "web/account/partials/import_list.html", context)
    messages.success(request, message)
    if job is not None and request.POST.get("next") == "job":
        return redirect("web:import-job", job.pk)
    return redirect("web:import")


@login_required
@require_POST
def import_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    if services.import_job_cancel(job=job):
        message = f"The import of {job.file_name} is cancelled; what it had imported stays."
    else:
        message = f"The import of {job.file_name} had already ended."
    return _after_job_change(request, message, job)


@login_required
@require_POST
def import_delete(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    name = job.file_name
    services.import_job_delete(job=job)  # an active job is cancelled (and stays listed), an ended one forgotten
    if job.pk is None:
        return _after_job_change(request, f"The import of {name} is removed; what it imported stays.", None)
    return _after_job_change(request, f"The import of {name} is cancelled; what it had imported stays.", job)


@login_required
def export(request: HttpRequest) -> HttpResponse:
    """The page says what the export holds; its button posts here and gets the ZIP, as many times as the API's
    per-member limit allows (THROTTLE_EXPORTS, shared with GET /api/users/me/export/)."""
    context: dict[str, Any] = {"csv_name": CSV_NAME, "json_name": JSON_NAME}
    if request.method != "POST":
        return render(request, "web/account/export.html", context)
    throttle = ExportRateThrottle()
    if not throttle.allow_request(request, None):  # type: ignore[arg-type]
        wait = int(throttle.wait() or 60) + 1
        context |= {"wait": wait, "wait_minutes": -(-wait // 60)}
        response = render(request, "web/account/export.html", context, status=429)
        response["Retry-After"] = str(wait)
        return response
    file_name, body = user_export(member(request))
    response = HttpResponse(body, content_type="application/zip")
    response["Content-Disposition"] = content_disposition_header(True, file_name)
    response["Cache-Control"] = "private, no-store"
    return response
