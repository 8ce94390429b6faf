"""The v1 JSON API: one NinjaAPI mounting each app's router."""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI

from bloc import __version__
from bloc.accounts.api import router as accounts_router
from bloc.api import errors
from bloc.api.auth import REQUIRED
from bloc.audit.api import router as audit_router
from bloc.budgeting.api import router as budgets_router
from bloc.concerns.api import router as concerns_router
from bloc.confederation.api import router as councils_router
from bloc.decisions.poll_api import router as polls_router
from bloc.decisions.proposal_api import router as proposals_router
from bloc.electoral import (
    campaign_api,
    candidate_api,
    endorsement_api,
    petition_api,
    platform_api,
    scorecard_api,
)
from bloc.events.api import router as events_router
from bloc.hub import calendar_api, equity_api, growth_api, help_api, map_api, public_api
from bloc.institutions.api import router as institutions_router
from bloc.listening.api import router as listening_router
from bloc.listening.opinion_api import router as opinion_router
from bloc.meetings.api import router as meetings_router
from bloc.membership.api import router as membership_router
from bloc.membership.charter_api import router as charter_router
from bloc.membership.letters_api import router as letters_router
from bloc.membership.roles_api import router as roles_router


class BlocAPI(NinjaAPI):
    """The API whose schema also declares the JSON errors each operation may give."""

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return errors.document_errors(schema)


api = BlocAPI(
    title="bloc API",
    version=__version__,
    description=(
        "The JSON API of bloc. Authenticate with your browser session (plus the CSRF token "
        "for changes) or with a personal API token from your profile page, sent as "
        "`Authorization: Bearer bloc_…`. Errors are JSON: `{code, message, fields}`."
    ),
    urls_namespace="api-v1",
    docs_url="/docs",
    auth=REQUIRED,
)
errors.install(api)
api.add_decorator(errors.refuse_unstorable_input)
api.add_router("/", accounts_router)
api.add_router("/audit", audit_router)
api.add_router("/institutions", institutions_router)
api.add_router("/institutions", membership_router)
api.add_router("/institutions", charter_router)
api.add_router("/institutions", letters_router)
api.add_router("/institutions", roles_router)
api.add_router("/institutions", proposals_router)
api.add_router("/institutions", polls_router)
api.add_router("/institutions", meetings_router)
api.add_router("/institutions", concerns_router)
api.add_router("/institutions", events_router)
api.add_router("/institutions", budgets_router)
api.add_router("/councils", councils_router)
for part in (
    platform_api,
    candidate_api,
    endorsement_api,
    scorecard_api,
    campaign_api,
    petition_api,
):
    api.add_router("/electoral", part.router)
api.add_router("/listening", listening_router)
api.add_router("/listening", opinion_router)
for hub_part in (public_api, map_api, help_api, growth_api, equity_api, calendar_api):
    api.add_router("/hub", hub_part.router)
