from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("regions", api.RegionViewSet, basename="region")
router.register("notifications", api.NotificationViewSet, basename="notification")

urlpatterns = [
    path("auth/token/", api.TokenObtainApi.as_view(), name="auth-token"),
    path("me/", api.MeApi.as_view(), name="me"),
    path("notification-preferences/", api.NotificationPreferenceApi.as_view(), name="notification-preferences"),
    *router.urls,
]
