"""Pages of approvals: effect (being built)."""

urlpatterns: list = []
