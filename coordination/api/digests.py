"""API of the monthly digest: /api/v1/digests/."""

urlpatterns: list = []
