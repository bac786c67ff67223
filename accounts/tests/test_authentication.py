"""Bearer-token authentication: the checks simplejwt makes, through our prepared user lookup."""

import pytest
from rest_framework_simplejwt.tokens import AccessToken

from accounts.tests.utils import ME_URL, bearer_client

pytestmark = pytest.mark.django_db


def test_a_valid_token_authenticates_its_user(user):
    response = bearer_client(str(AccessToken.for_user(user))).get(ME_URL)
    assert response.status_code == 200
    assert response.json()["username"] == user.username


def test_token_of_a_deleted_user_is_401(user):
    token = str(AccessToken.for_user(user))
    user.delete()

    response = bearer_client(token).get(ME_URL)

    assert response.status_code == 401
    assert response.json()["detail"] == "User not found"


@pytest.mark.parametrize("claim", ["not-a-number", [1], None])
def test_token_whose_user_claim_is_not_an_id_is_401_not_500(user, claim):
    token = AccessToken.for_user(user)
    token["user_id"] = claim

    response = bearer_client(str(token)).get(ME_URL)

    assert response.status_code == 401


def test_token_without_a_user_claim_is_401(user):
    token = AccessToken.for_user(user)
    del token["user_id"]

    response = bearer_client(str(token)).get(ME_URL)

    assert response.status_code == 401
