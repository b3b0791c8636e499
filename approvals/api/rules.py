"""/api/v1/ of approvals: rules (being built)."""

urlpatterns: list = []
