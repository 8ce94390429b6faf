"""Routes of the electoral candidate pages (filled in by issue 10)."""

urlpatterns: list = []
