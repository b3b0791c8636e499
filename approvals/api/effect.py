"""/api/v1/ of approvals: effect (being built)."""

urlpatterns: list = []
