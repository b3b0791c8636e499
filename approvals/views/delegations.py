"""Pages of approvals: delegations (being built)."""

urlpatterns: list = []
