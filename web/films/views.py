"""Browse and search films; a film's page with the member's controls."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from movies.models import Movie


def films(request: HttpRequest) -> HttpResponse:
    return render(request, "web/films/films.html", {"films": Movie.objects.order_by("title")[:60]})


def film(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "web/films/film.html", {"film": get_object_or_404(Movie, pk=pk)})
