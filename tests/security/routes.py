"""Every /api/ route, read from the URL resolver, so that a table keyed by these names fails when a route is added."""

import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.mixins import ListModelMixin

# What a view answers besides the methods it implements; never part of an authorization table.
IMPLICIT_METHODS = {"head", "options"}
PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>")


@dataclass(frozen=True)
class Route:
    name: str
    pattern: str
    params: tuple[str, ...]
    view_class: type
    methods: frozenset[str]  # lower case, as the test client's method names
    initkwargs: dict  # what as_view() (or a router, for an @action) gives the view
    actions: dict | None  # a viewset's method -> action, as its router mapped them

    @property
    def lists(self) -> bool:
        """Its GET is a list (DRF's ListModelMixin), which the project paginates."""
        if self.actions is not None:
            return self.actions.get("get") == "list"
        return "get" in self.methods and issubclass(self.view_class, ListModelMixin)

    def view(self):
        """The view as a request would find it, before the request."""
        return self.view_class(**self.initkwargs)

    @property
    def is_object_route(self) -> bool:
        return bool(self.params)


def _patterns(patterns: list, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry.url_patterns, prefix + str(entry.pattern))
        else:
            yield prefix + str(entry.pattern), entry


def _methods(pattern: URLPattern) -> frozenset[str]:
    view_class = pattern.callback.cls  # type: ignore[attr-defined]
    allowed = set(view_class.http_method_names) - IMPLICIT_METHODS
    actions = getattr(pattern.callback, "actions", None)
    if actions is not None:  # a viewset: the router maps methods to the actions it has
        return frozenset(method for method in actions if method in allowed)
    return frozenset(method for method in allowed if hasattr(view_class, method))


def api_routes() -> dict[str, Route]:
    """The API's routes by URL name; a router's format-suffix twin (``.json``) is the same route."""
    routes: dict[str, Route] = {}
    for pattern_text, pattern in _patterns(get_resolver().url_patterns):
        text = pattern_text.removeprefix("^").replace("/^", "/").removesuffix("$")
        if not text.startswith("api/") or not hasattr(pattern.callback, "cls"):
            continue
        params = tuple(a or b for a, b in PARAMETER.findall(text) if (a or b) != "format")
        if "format" in text and pattern.name in routes:
            continue
        assert pattern.name, f"{text} has no URL name"
        callback = pattern.callback
        initkwargs = getattr(callback, "initkwargs", {})
        actions = getattr(callback, "actions", None)
        routes[pattern.name] = Route(pattern.name, text, params, callback.cls, _methods(pattern), initkwargs, actions)
    return routes


def object_routes() -> dict[str, Route]:
    """The routes that name one thing in their path: an id, a username or a slug."""
    return {name: route for name, route in api_routes().items() if route.is_object_route}
