"""Routes of the electoral campaign pages (filled in by issue 10)."""

urlpatterns: list = []
