"""Routes of the electoral scorecard pages (filled in by issue 10)."""

urlpatterns: list = []
