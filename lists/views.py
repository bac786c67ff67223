"""Members' lists of films. Reads depend on who asks (private lists, blocks), so none is served from the shared
response cache."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.authentication import member
from core.filters import FilterBackend
from core.throttling import SOCIAL_WRITE_THROTTLES
from lists import selectors, services
from lists.filters import FilmListFilter
from lists.models import FilmList, ListItem
from lists.serializers import (
    FilmListInputSerializer,
    FilmListLikeSerializer,
    FilmListSerializer,
    ListItemCreateSerializer,
    ListItemSerializer,
    ListItemUpdateSerializer,
)

ANONYMOUS_NEEDS_USER = "Name a member (?user=NAME) to read their lists, or log in to read your own."


def _validated(serializer_class: type[Any], request: Request, partial: bool = False) -> dict[str, Any]:
    serializer = serializer_class(data=request.data, partial=partial, context={"request": request})
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _list_body(list_id: int, request: Request) -> dict:
    return FilmListSerializer(selectors.list_row(list_id, request.user)).data


def _item_body(film_list: FilmList, item_id: int) -> dict:
    item = selectors.with_item_genres([selectors.items_of(film_list).get(pk=item_id)])[0]
    return ListItemSerializer(item).data


@extend_schema_view(
    list=extend_schema(tags=["lists"]),
    retrieve=extend_schema(tags=["lists"]),
    create=extend_schema(tags=["lists"], request=FilmListInputSerializer, responses={201: FilmListSerializer}),
    partial_update=extend_schema(tags=["lists"], request=FilmListInputSerializer, responses=FilmListSerializer),
    destroy=extend_schema(tags=["lists"], responses={204: None}),
)
class FilmListViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Without ``user``: your own lists, public and private (anonymous callers must name a member). With
    ``user=NAME``: that member's public lists. A private list is a 404 to everyone but its owner."""

    serializer_class = FilmListSerializer
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    filter_backends = [FilterBackend]
    filterset_class = FilmListFilter
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[FilmList]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return FilmList.objects.none()
        viewer = self.request.user
        if self.action != "list" or self.request.query_params.get("user"):
            return selectors.member_lists(viewer)
        if not viewer.is_authenticated:
            raise ValidationError({"user": [ANONYMOUS_NEEDS_USER]})
        return selectors.own_lists(member(self.request))

    def get_object(self) -> FilmList:
        return selectors.list_visible_row(int(self.kwargs["pk"]), self.request.user)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        film_list = services.list_create(owner=member(request), **_validated(FilmListInputSerializer, request))
        return Response(_list_body(film_list.pk, request), status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        film_list = self._to_change()
        services.list_update(film_list=film_list, **_validated(FilmListInputSerializer, request, partial=True))
        return Response(_list_body(film_list.pk, request))

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        services.list_delete(film_list=self._to_change(deleting=True))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        methods=["PUT"],
        tags=["lists"],
        request=None,
        responses={200: FilmListLikeSerializer, 201: FilmListLikeSerializer},
    )
    @extend_schema(methods=["DELETE"], tags=["lists"], responses={204: None})
    @action(
        detail=True,
        methods=["put", "delete"],
        permission_classes=[permissions.IsAuthenticated],
        throttle_classes=SOCIAL_WRITE_THROTTLES,
    )
    def like(self, request: Request, pk: str) -> Response:
        """Like someone else's list (201, then 200 when you already did); DELETE takes the like back (204)."""
        film_list = selectors.list_to_act_on(int(pk), request.user)
        if request.method == "DELETE":
            services.list_unlike(user=member(request), film_list=film_list)
            return Response(status=status.HTTP_204_NO_CONTENT)
        created = services.list_like(user=member(request), film_list=film_list)
        like_count = selectors.list_like_count_now(film_list.pk)
        body = FilmListLikeSerializer({"list": film_list.pk, "like_count": like_count}).data
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    def _to_change(self, deleting: bool = False) -> FilmList:
        film_list = selectors.list_to_act_on(int(self.kwargs["pk"]), self.request.user)
        services.ensure_can_change(film_list, member(self.request), deleting=deleting)
        return film_list


class ListItemsView(generics.ListCreateAPIView):
    """A list's films in order (GET, for whoever may see the list); its owner adds one (POST): at the end, or at
    ``position``, moving the films from there on down by one."""

    serializer_class = ListItemSerializer
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    filter_backends: list = []

    def get_queryset(self) -> QuerySet[ListItem]:
        if getattr(self, "swagger_fake_view", False):
            return ListItem.objects.none()
        return selectors.items_of(selectors.list_visible(self.kwargs["list_id"], self.request.user))

    def paginate_queryset(self, queryset):
        return selectors.with_item_genres(super().paginate_queryset(queryset) or [])

    @extend_schema(tags=["lists"])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(tags=["lists"], request=ListItemCreateSerializer, responses={201: ListItemSerializer})
    def post(self, request: Request, list_id: int) -> Response:
        film_list = selectors.list_to_act_on(list_id, request.user)
        services.ensure_can_change(film_list, member(request))
        item = services.item_add(film_list=film_list, **_validated(ListItemCreateSerializer, request))
        return Response(_item_body(film_list, item.pk), status=status.HTTP_201_CREATED)


class ListItemDetailView(APIView):
    """The owner moves a film (``position``: the films in between shift by one) or edits its note, or takes it
    out (the films after it move up)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(tags=["lists"], request=ListItemUpdateSerializer, responses=ListItemSerializer)
    def patch(self, request: Request, list_id: int, item_id: int) -> Response:
        film_list, item = self._item(request, list_id, item_id)
        services.item_update(item=item, **_validated(ListItemUpdateSerializer, request))
        return Response(_item_body(film_list, item.pk))

    @extend_schema(tags=["lists"], responses={204: None})
    def delete(self, request: Request, list_id: int, item_id: int) -> Response:
        services.item_delete(item=self._item(request, list_id, item_id)[1])
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _item(self, request: Request, list_id: int, item_id: int) -> tuple[FilmList, ListItem]:
        film_list = selectors.list_to_act_on(list_id, request.user)
        services.ensure_can_change(film_list, member(request))
        return film_list, selectors.item_in_list(film_list, item_id)


class MovieListsView(generics.ListAPIView):
    """The public lists that hold this film, most liked first."""

    serializer_class = FilmListSerializer
    filter_backends = [FilterBackend]
    filterset_class = FilmListFilter

    def get_queryset(self) -> QuerySet[FilmList]:
        if getattr(self, "swagger_fake_view", False):
            return FilmList.objects.none()
        return selectors.lists_with_movie(self.kwargs["movie_id"], self.request.user)

    @extend_schema(tags=["lists"])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)
