"""The site's pages, all in the "web" namespace; each area keeps its own routes."""

from django.urls import path

from web import views
from web.account.urls import urlpatterns as account_urls
from web.films.urls import urlpatterns as film_urls
from web.people.urls import urlpatterns as people_urls

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    *account_urls,
    *film_urls,
    *people_urls,
]
