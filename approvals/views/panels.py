"""Pages of approvals: panels (being built)."""

urlpatterns: list = []
