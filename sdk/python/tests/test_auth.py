"""AuthApi: register_user, login, issue_token, get_me, and bearer tokens in Configuration."""

import pytest

from event_sdk import ApiClient, Configuration
from event_sdk.api.auth_api import AuthApi
from event_sdk.exceptions import ApiException, ConflictException, UnauthorizedException, UnprocessableEntityException
from event_sdk.models import AccessToken, RoleName, UserLogin, UserRegister, UserView
from support import PASSWORD, boxoffice_server, header, unique


def test_register_then_sign_in_with_username_or_email(anonymous, base_url):
    username = unique("alice_")
    email = f"{username}@example.com"
    response = anonymous.auth.register_user_with_http_info(
        UserRegister(email=email, username=username, password=PASSWORD, full_name="Alice Martin")
    )
    assert response.status_code == 201
    user = response.data
    assert isinstance(user, UserView)
    assert (user.username, user.email, user.full_name) == (username, email, "Alice Martin")
    assert user.role == RoleName.USER
    assert user.is_verified is False
    assert "password" not in user.to_dict()

    token = anonymous.auth.login(UserLogin(username=username, password=PASSWORD))
    assert isinstance(token, AccessToken)
    assert token.token_type == "bearer"
    assert token.expires_in == 1800
    assert token.access_token.count(".") == 2  # a JWT

    by_email = anonymous.auth.login(UserLogin(email=email.upper(), password=PASSWORD))
    assert by_email.access_token

    # The bearer token goes into the Configuration; every later call sends it.
    with ApiClient(Configuration(host=base_url, access_token=token.access_token)) as client:
        me = AuthApi(client).get_me()
    assert me == user


def test_issue_token_is_the_oauth2_password_grant(anonymous, organizer_account):
    user, password = organizer_account
    token = anonymous.auth.issue_token(password=password, username=user.username, grant_type="password")
    assert token.token_type == "bearer"
    anonymous.client.configuration.access_token = token.access_token
    try:
        assert anonymous.auth.get_me().id == user.id
    finally:
        anonymous.client.configuration.access_token = None


def test_account_errors(anonymous, organizer_account):
    user, _ = organizer_account
    with pytest.raises(ConflictException) as raised:
        anonymous.auth.register_user(UserRegister(email=f"{unique()}@example.com", username=user.username, password=PASSWORD))
    assert raised.value.data.code == "username_taken"
    with pytest.raises(ConflictException) as raised:
        anonymous.auth.register_user(UserRegister(email=user.email, username=unique("u_"), password=PASSWORD))
    assert raised.value.data.code == "email_taken"

    # The model checks the documented rules before sending; model_construct skips that, so the
    # server's own answer to what breaks them is what is tested here.
    with pytest.raises(UnprocessableEntityException) as raised:
        anonymous.auth.register_user(
            UserRegister.model_construct(email="not-an-address", username=unique("u_"), password="alllowercase")
        )
    assert raised.value.data.code == "validation_failed"
    assert {"email", "password"} <= {field.field for field in raised.value.data.errors}

    # Wrong password and unknown user: the same answer.
    with pytest.raises(UnauthorizedException) as wrong:
        anonymous.auth.login(UserLogin(username=user.username, password="Wr0ng!pass"))
    with pytest.raises(UnauthorizedException) as unknown:
        anonymous.auth.login(UserLogin(username=unique("nobody_"), password=PASSWORD))
    assert wrong.value.data.code == unknown.value.data.code == "invalid_credentials"
    assert wrong.value.data.detail == unknown.value.data.detail

    with pytest.raises(UnauthorizedException) as raised:
        anonymous.auth.get_me()
    assert raised.value.data.code == "authentication_required"


def test_too_many_sign_in_attempts_answer_429_with_retry_after():
    # A server of its own, with the default limit of 5 attempts per minute per address.
    with boxoffice_server() as url, ApiClient(Configuration(host=url)) as client:
        auth = AuthApi(client)
        for _ in range(5):
            with pytest.raises(UnauthorizedException):
                auth.login(UserLogin(username="nobody", password=PASSWORD))
        with pytest.raises(ApiException) as raised:
            auth.login(UserLogin(username="nobody", password=PASSWORD))
    assert raised.value.status == 429
    assert raised.value.data.code == "rate_limited"
    assert int(header(raised.value, "Retry-After")) >= 1
