"""Pages of approvals: rules (being built)."""

urlpatterns: list = []
