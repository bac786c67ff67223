from django.contrib.auth import get_user_model
from django.contrib.auth.models import update_last_login
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import permissions, serializers, status
from rest_framework.exceptions import AuthenticationFailed, ValidationError
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.views import TokenRefreshView

from accounts import selectors, services
from accounts.serializers import (
    AccountDeleteSerializer,
    AccountRefreshSerializer,
    LoginSerializer,
    PasswordChangeSerializer,
    RefreshSerializer,
    RegisterSerializer,
    TokenPairSerializer,
    UserSerializer,
)
from core.serializers import ErrorSerializer
from core.throttling import AuthRateThrottle

AUTH_THROTTLES: list[type[BaseThrottle]] = [AuthRateThrottle, *api_settings.DEFAULT_THROTTLE_CLASSES]  # type: ignore[list-item]

AuthResponseSerializer = inline_serializer(
    "AuthResponse", {"user": UserSerializer(), "access": serializers.CharField(), "refresh": serializers.CharField()}
)


def _auth_response(request, user, status_code: int) -> Response:
    user_data = UserSerializer(user, context={"request": request}).data
    return Response({"user": user_data, **services.tokens_for_user(user)}, status=status_code)


class _ChallengeMixin:
    """Keep a 401 a 401 on views without authentication classes.

    DRF turns AuthenticationFailed into 403 when the view has no WWW-Authenticate challenge to offer.
    """

    def get_authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'


class RegisterView(APIView):
    authentication_classes: list = []
    throttle_classes = AUTH_THROTTLES

    @extend_schema(request=RegisterSerializer, responses={201: AuthResponseSerializer}, tags=["accounts"])
    def post(self, request):
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.user_register(**serializer.validated_data)
        return _auth_response(request, user, status.HTTP_201_CREATED)


class LoginView(_ChallengeMixin, APIView):
    authentication_classes: list = []
    throttle_classes = AUTH_THROTTLES

    @extend_schema(
        request=LoginSerializer,
        responses={
            200: AuthResponseSerializer,
            401: OpenApiResponse(ErrorSerializer, description="No active account matches these credentials."),
        },
        tags=["accounts"],
    )
    def post(self, request):
        serializer = LoginSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        password = serializer.validated_data["password"]
        user = selectors.user_find_for_login(serializer.validated_data["username"])
        if user is None:
            # Hash anyway, so the response time does not tell whether the account exists.
            get_user_model()().set_password(password)
        if user is None or not user.check_password(password):
            raise AuthenticationFailed("No active account matches these credentials.", code="invalid_credentials")
        update_last_login(type(user), user)
        return _auth_response(request, user, status.HTTP_200_OK)


class RefreshView(TokenRefreshView):
    serializer_class = AccountRefreshSerializer
    throttle_classes = AUTH_THROTTLES

    @extend_schema(
        request=RefreshSerializer,
        responses={
            200: TokenPairSerializer,
            401: OpenApiResponse(ErrorSerializer, description="The refresh token is invalid, expired or used."),
        },
        tags=["accounts"],
    )
    def post(self, request, *args, **kwargs):
        RefreshSerializer(data=request.data).is_valid(raise_exception=True)
        serializer = self.get_serializer(data=request.data)
        try:
            serializer.is_valid(raise_exception=True)
        except TokenError as error:
            # simplejwt's InvalidToken carries a dict as its detail; keep the error body flat.
            raise AuthenticationFailed(str(error), code="token_not_valid") from None
        return Response(serializer.validated_data, status=status.HTTP_200_OK)


class LogoutView(APIView):
    authentication_classes: list = []

    @extend_schema(request=RefreshSerializer, responses={204: None}, tags=["accounts"])
    def post(self, request):
        serializer = RefreshSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            RefreshToken(serializer.validated_data["refresh"]).blacklist()
        except TokenError as error:
            raise ValidationError({"refresh": [str(error)]}) from None
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=UserSerializer, tags=["accounts"])
    def get(self, request):
        return Response(UserSerializer(request.user, context={"request": request}).data)

    @extend_schema(request=UserSerializer, responses=UserSerializer, tags=["accounts"])
    def patch(self, request):
        serializer = UserSerializer(request.user, data=request.data, partial=True, context={"request": request})
        serializer.is_valid(raise_exception=True)
        # Only the fields sent are written: a full save would put back a password hash that a
        # concurrent password change has just replaced.
        services.user_update(user=request.user, **serializer.validated_data)
        return Response(UserSerializer(request.user, context={"request": request}).data)

    @extend_schema(request=AccountDeleteSerializer, responses={204: None}, tags=["accounts"])
    def delete(self, request):
        serializer = AccountDeleteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.user_delete(user=request.user, password=serializer.validated_data["password"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordChangeView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=PasswordChangeSerializer, responses={204: None}, tags=["accounts"])
    def post(self, request):
        serializer = PasswordChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.user_password_change(user=request.user, **serializer.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)
