"""The pages under /electoral/. Each part of the electoral work has its own module of
routes; they share the ``electoral`` namespace, each name prefixed by its part."""

from bloc.electoral import (
    campaign_urls,
    candidate_urls,
    endorsement_urls,
    petition_urls,
    platform_urls,
    scorecard_urls,
)

app_name = "electoral"

urlpatterns: list = [
    *platform_urls.urlpatterns,
    *candidate_urls.urlpatterns,
    *endorsement_urls.urlpatterns,
    *scorecard_urls.urlpatterns,
    *campaign_urls.urlpatterns,
    *petition_urls.urlpatterns,
]
