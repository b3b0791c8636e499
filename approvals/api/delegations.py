"""/api/v1/ of approvals: delegations (being built)."""

urlpatterns: list = []
