"""Routes of the electoral petition pages (filled in by issue 10)."""

urlpatterns: list = []
