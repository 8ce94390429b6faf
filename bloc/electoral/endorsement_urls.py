"""Routes of the electoral endorsement pages (filled in by issue 10)."""

urlpatterns: list = []
