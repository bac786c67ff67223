"""Hiding and unhiding comments from the Django admin, and what hidden comments do to reads and counts."""

import pytest

from comments import services
from comments.models import Comment
from comments.tests.utils import (
    ADMIN,
    COMMENTER,
    OTHER,
    OWNER,
    World,
    assert_counts_exact,
    comment_count,
    comment_url,
    list_comments_url,
    make_world,
    result_ids,
    review_comments_url,
)
from core.caching import current_generation

CHANGELIST = "/admin/comments/comment/"


@pytest.fixture
def world(db) -> World:
    return make_world()


@pytest.fixture
def staff_client(client, world):
    client.force_login(world.users[ADMIN])
    return client


def admin_action(staff_client, action: str, comments: list[Comment]):
    return staff_client.post(CHANGELIST, {"action": action, "_selected_action": [comment.pk for comment in comments]})


def test_hide_action_hides_the_comments_and_corrects_the_counts(
    staff_client, world, django_capture_on_commit_callbacks
):
    before = current_generation()

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_action(staff_client, "hide", [world.on_review, world.on_list])

    assert response.status_code == 302
    assert set(Comment.objects.filter(hidden=True).values_list("pk", flat=True)) == {
        world.on_review.pk,
        world.on_list.pk,
    }
    assert (comment_count(world.review), comment_count(world.public_list)) == (1, 0)
    assert_counts_exact()
    assert current_generation() > before


def test_hiding_twice_and_unhiding_keep_the_counts_exact(staff_client, world):
    admin_action(staff_client, "hide", [world.on_review])
    admin_action(staff_client, "hide", [world.on_review, world.by_blocked])
    assert comment_count(world.review) == 0

    response = admin_action(staff_client, "unhide", [world.on_review, world.on_list])

    assert response.status_code == 302
    assert list(Comment.objects.filter(hidden=True).values_list("pk", flat=True)) == [world.by_blocked.pk]
    assert comment_count(world.review) == 1
    assert comment_count(world.public_list) == 1
    assert_counts_exact()


def test_a_hidden_comment_leaves_every_public_read(staff_client, world):
    admin_action(staff_client, "hide", [world.on_review, world.on_list])
    other = world.client(OTHER)

    assert result_ids(other.get(review_comments_url(world.review.pk))) == [world.by_blocked.pk]
    assert result_ids(other.get(list_comments_url(world.public_list.pk))) == []
    assert other.get(comment_url(world.on_review.pk)).status_code == 404
    assert world.client(OWNER).get(comment_url(world.on_review.pk)).status_code == 404
    assert other.get(f"/api/reviews/{world.review.pk}/").json()["comment_count"] == 1
    # Its author and admins still open it by id (the author, to know what happened to it).
    assert world.client(COMMENTER).get(comment_url(world.on_review.pk)).status_code == 200
    assert world.client(ADMIN).get(comment_url(world.on_review.pk)).status_code == 200
    assert result_ids(world.client(COMMENTER).get(review_comments_url(world.review.pk))) == [world.by_blocked.pk]


def test_deleting_a_hidden_comment_leaves_the_count_alone(world):
    services.comment_hide(comment=world.on_review)
    assert comment_count(world.review) == 1

    assert world.client(COMMENTER).delete(comment_url(world.on_review.pk)).status_code == 204

    assert comment_count(world.review) == 1
    assert_counts_exact()


def test_admin_delete_goes_through_the_service(staff_client, world):
    response = staff_client.post(f"{CHANGELIST}{world.on_review.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not Comment.objects.filter(pk=world.on_review.pk).exists()
    assert comment_count(world.review) == 1
    assert_counts_exact()


def test_admin_bulk_delete_goes_through_the_service(staff_client, world):
    services.comment_hide(comment=world.by_blocked)
    doomed = [world.on_review, world.by_blocked, world.on_list]

    response = staff_client.post(
        CHANGELIST, {"action": "delete_selected", "_selected_action": [c.pk for c in doomed], "post": "yes"}
    )

    assert response.status_code == 302
    assert not Comment.objects.filter(pk__in=[c.pk for c in doomed]).exists()
    assert (comment_count(world.review), comment_count(world.public_list)) == (0, 0)
    assert_counts_exact()


def test_the_changelist_and_change_form_render_and_adding_is_not_offered(staff_client, world):
    assert staff_client.get(CHANGELIST).status_code == 200
    assert staff_client.get(CHANGELIST, {"hidden__exact": "1"}).status_code == 200
    assert staff_client.get(f"{CHANGELIST}{world.on_review.pk}/change/").status_code == 200
    assert staff_client.get(f"{CHANGELIST}add/").status_code == 403


def test_the_change_form_cannot_unhide_or_move_a_comment(staff_client, world):
    services.comment_hide(comment=world.on_review)

    response = staff_client.post(f"{CHANGELIST}{world.on_review.pk}/change/", {"body": "Moderated.", "hidden": ""})

    assert response.status_code == 302
    comment = Comment.objects.get(pk=world.on_review.pk)
    assert (comment.body, comment.hidden, comment.review_id) == ("Moderated.", True, world.review.pk)
    assert_counts_exact()


def test_deleting_an_account_takes_its_comments_and_corrects_the_counts(world):
    services.comment_hide(comment=world.on_list)
    world.client(COMMENTER).post(review_comments_url(world.review.pk), {"body": "Twice"}, format="json")
    assert comment_count(world.review) == 3

    commenter_id = world.users[COMMENTER].pk

    world.users[COMMENTER].delete()

    assert not Comment.objects.filter(author_id=commenter_id).exists()
    assert (comment_count(world.review), comment_count(world.public_list)) == (1, 0)
    assert_counts_exact()
