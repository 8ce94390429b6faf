"""Every URL of bloc, and how the walk fills its parameters from the world.

``routes()`` walks the root urlconf (the pages, the admin, and the API's routes,
taken from its OpenAPI schema so that each method is its own route). A parameter is
filled by ``FILLERS`` from the path segment before it and its name; a new URL whose
parameter the walk cannot fill fails the walk, so no page goes unchecked.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

API_PREFIX = "api/v1/"
SCHEMA_PAGES = {"api-v1:api-root", "api-v1:openapi-json", "api-v1:openapi-view"}
PARAM = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>|\{(?P<api>[^}]+)\}")


@dataclass(frozen=True)
class Route:
    name: str  # "institutions:poll_detail", "api:GET /institutions/{slug}/polls/{poll_id}", "admin:..."
    path: str  # the pattern, with <conv:name> or {name} parameters
    methods: tuple[str, ...]  # which methods to try: GET for pages, plus POST for forms
    query: tuple[str, ...] = ()  # required query parameters (API), filled like the path's

    @property
    def is_api(self) -> bool:
        return self.name.startswith("api:")

    @property
    def is_admin(self) -> bool:
        return self.name.startswith("admin:")


def _django_patterns(
    patterns: list[Any], prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            space = namespace
            if pattern.namespace:
                space = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _django_patterns(pattern.url_patterns, prefix + str(pattern.pattern), space)
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            name = pattern.name or route
            yield route, f"{namespace}:{name}" if namespace else name


def routes() -> list[Route]:
    """Every route: the pages and the admin from the urlconf, the API per operation."""
    from bloc.api.api import api

    found: list[Route] = []
    api_paths: set[str] = set()
    for path, operations in api.get_openapi_schema()["paths"].items():
        api_paths.add(PARAM.sub(lambda m: "<x>", path.removeprefix("/api/v1/").lstrip("/")))
        for method, operation in operations.items():
            query = tuple(
                p["name"]
                for p in operation.get("parameters", [])
                if p["in"] == "query" and p.get("required")
            )
            found.append(Route(f"api:{method.upper()} {path}", path, (method.upper(),), query))
    for route, name in _django_patterns(get_resolver().url_patterns):
        if route.startswith(API_PREFIX):
            rest = PARAM.sub(lambda m: "<x>", route.removeprefix(API_PREFIX))
            # The schema's own pages; every other API route must be an operation above.
            assert rest in api_paths or name in SCHEMA_PAGES, (
                f"an API route outside the OpenAPI schema: {route}"
            )
            if name in SCHEMA_PAGES:
                found.append(Route(name, "/" + route, ("GET",)))
            continue
        found.append(Route(name, "/" + route, ("GET", "POST")))
    return found


# --- Filling parameters ----------------------------------------------------------------


def _first(model: str, **filters: Any) -> Any:
    from django.apps import apps

    obj = apps.get_model(model).objects.filter(**filters).order_by("pk").first()
    assert obj is not None, f"the walk's world has no {model} matching {filters}"
    return obj.pk


def _institution(world: Any) -> Any:
    from bloc.institutions.models import Institution

    return Institution.objects.get(slug=world.ids["A"])


def _council(world: Any) -> Any:
    from bloc.confederation.models import Council, Seat

    seat = Seat.objects.filter(institution__slug=world.ids["A"], left_at=None).first()
    return seat.council if seat else Council.objects.order_by("pk").first()


Filler = Callable[[Any, dict[str, Any]], Any]

BOGUS_SECRET = "not-a-real-secret-0000"

# (segment before the parameter, parameter name) -> value(s). A list gives variants:
# the route is walked once with each.
FILLERS: dict[tuple[str, str], Filler] = {
    # institutions and membership
    ("institutions", "slug"): lambda w, f: w.ids["A"],
    ("listening", "slug"): lambda w, f: (
        _opinion_institution() if "conversation_id" in f["_later"] else w.ids["A"]
    ),
    ("members", "membership_id"): lambda w, f: _first(
        "membership.Membership", institution__slug=w.ids["A"], verified_at__isnull=True
    ),
    ("vouches", "vouch_id"): lambda w, f: _first(
        "membership.Vouch", vouchee__institution__slug=w.ids["A"]
    ),
    ("terms", "term_id"): lambda w, f: _first(
        "membership.RoleTerm", membership__institution__slug=w.ids["A"], ended_on__isnull=True
    ),
    ("roles", "term_id"): lambda w, f: _first(
        "membership.RoleTerm", membership__institution__slug=w.ids["A"], ended_on__isnull=True
    ),
    ("recalls", "petition_id"): lambda w, f: _first(
        "membership.RecallPetition", role_term__membership__institution__slug=w.ids["A"]
    ),
    # decisions
    ("proposals", "proposal_id"): lambda w, f: _proposal(w, f["_later"]),
    ("comments", "comment_id"): lambda w, f: _first(
        "decisions.Comment", proposal_id=f["proposal_id"]
    ),
    ("amendments", "amendment_id"): lambda w, f: _first(
        "decisions.Amendment", proposal_id=f["proposal_id"]
    ),
    ("tasks", "task_id"): lambda w, f: _first("decisions.Task", proposal_id=f["proposal_id"]),
    ("polls", "poll_id"): lambda w, f: [
        Variant("open", w.ids["poll-open"]),
        Variant("closed", w.ids["poll-closed"]),
        Variant("roll-call", w.ids["poll-roll-call"]),
    ],
    # meetings
    ("meetings", "meeting_id"): lambda w, f: _first(
        "meetings.Meeting", institution__slug=w.ids["A"], agenda__isnull=False
    ),
    ("meeting-", "meeting_id"): lambda w, f: _first(
        "meetings.Meeting", institution__slug=w.ids["A"]
    ),
    ("agenda", "item_id"): lambda w, f: _first("meetings.AgendaItem", meeting_id=f["meeting_id"]),
    ("attendance", "user_id"): lambda w, f: w.users["member"],
    ("minutes", "earlier_id"): lambda w, f: _first(
        "meetings.Meeting", institution__slug=w.ids["A"]
    ),
    # concerns
    ("concerns", "concern_id"): lambda w, f: _first(
        "concerns.Concern", institution__slug=w.ids["A"], photos__isnull=False
    ),
    ("photos", "photo_id"): lambda w, f: (
        _first("concerns.ConcernPhoto", concern_id=f["concern_id"])
        if "concern_id" in f
        else _first("budgeting.UpdatePhoto", update__project_id=f["project_id"])
    ),
    ("working-groups", "group_id"): lambda w, f: _first(
        "concerns.WorkingGroup", institution__slug=w.ids["A"]
    ),
    # events
    ("events", "event_id"): lambda w, f: _first(
        "events.Event", institution__slug=w.ids["A"], shifts__isnull=False
    ),
    ("event-", "event_id"): lambda w, f: _first("events.Event", institution__slug=w.ids["A"]),
    ("shifts", "shift_id"): lambda w, f: (
        _first("events.Shift", event_id=f["event_id"])
        if "event_id" in f
        else _first("events.Shift", event__campaigns=f["pk"])
    ),
    ("calendar", "token"): lambda w, f: BOGUS_SECRET,
    # budgets
    ("budgets", "budget_id"): lambda w, f: (
        ([] if "project_id" in f["_later"] else [Variant("open", w.ids["budget-open"])])
        + [
            Variant(
                "closed",
                _first(
                    "budgeting.Budget",
                    institution__slug=w.ids["A"],
                    projects__updates__photos__isnull=False,
                ),
            )
        ]
    ),  # fmt: skip
    ("projects", "project_id"): lambda w, f: _first(
        "budgeting.Project", budget_id=f["budget_id"], updates__photos__isnull=False
    ),
    # councils
    ("councils", "slug"): lambda w, f: _council(w).slug,
    ("assemblies", "institution"): lambda w, f: w.ids["A"],
    ("questions", "pk"): lambda w, f: _first("confederation.Question", council__slug=f["slug"]),
    ("questions", "question_id"): lambda w, f: (
        _first("electoral.Question", cycle_id=f["cycle_id"])
        if "cycle_id" in f
        else _first("confederation.Question", council__slug=f["slug"])
    ),
    ("delegates", "pk"): lambda w, f: _first("confederation.Delegate", council__slug=f["slug"]),
    ("delegates", "delegate_id"): lambda w, f: _first(
        "confederation.Delegate", council__slug=f["slug"]
    ),
    # electoral
    ("platforms", "pk"): lambda w, f: _first("electoral.Platform"),
    ("platforms", "platform_id"): lambda w, f: _first("electoral.Platform"),
    ("priorities", "priority_id"): lambda w, f: _first("electoral.Priority"),
    ("cycles", "pk"): lambda w, f: _first("electoral.Cycle"),
    ("cycles", "cycle_id"): lambda w, f: _first("electoral.Cycle"),
    ("questions", "question_pk"): lambda w, f: _first("electoral.Question", cycle_id=f["pk"]),
    ("candidates", "pk"): lambda w, f: _first("electoral.Candidate"),
    ("candidates", "candidate_id"): lambda w, f: _first("electoral.Candidate"),
    ("answer", "secret"): lambda w, f: BOGUS_SECRET,
    ("scorecards", "pk"): lambda w, f: _scorecard(),
    ("scorecards", "candidate_id"): lambda w, f: _scorecard(),
    ("actions", "action_pk"): lambda w, f: _first("electoral.Action", candidate_id=f["pk"]),
    ("actions", "action_id"): lambda w, f: _first(
        "electoral.Action", candidate_id=f["candidate_id"]
    ),
    ("verdicts", "pledge_pk"): lambda w, f: _first("electoral.Pledge", candidate_id=f["pk"]),
    ("verdicts", "pledge_id"): lambda w, f: _first(
        "electoral.Pledge", candidate_id=f["candidate_id"]
    ),
    ("campaigns", "pk"): lambda w, f: _first("electoral.Campaign", turfs__isnull=False),
    ("campaigns", "campaign_id"): lambda w, f: _first("electoral.Campaign", turfs__isnull=False),
    ("roles", "user_id"): lambda w, f: _campaign_role_user(f.get("pk", f.get("campaign_id"))),
    ("turfs", "turf_id"): lambda w, f: _first(
        "electoral.Turf", campaign_id=f.get("pk", f.get("campaign_id"))
    ),
    ("doors", "address_id"): lambda w, f: _door(f["turf_id"]),
    ("petitions", "pk"): lambda w, f: _first("electoral.Petition", sheets__isnull=False),
    ("petitions", "petition_id"): lambda w, f: _first("electoral.Petition", sheets__isnull=False),
    ("sheets", "sheet_id"): lambda w, f: _first(
        "electoral.PetitionSheet", petition_id=f.get("pk", f.get("petition_id"))
    ),
    # listening
    ("s", "secret"): lambda w, f: BOGUS_SECRET,
    ("public-surveys", "secret"): lambda w, f: BOGUS_SECRET,
    ("surveys", "survey_id"): lambda w, f: _first("listening.Survey", institution__slug=w.ids["A"]),
    ("needs", "need_id"): lambda w, f: _first(
        "listening.NeedsConversation", institution__slug=w.ids["A"]
    ),
    ("opinions", "conversation_id"): lambda w, f: _first(
        "listening.OpinionConversation", institution__slug=f["slug"]
    ),
    ("statements", "statement_id"): lambda w, f: _first(
        "listening.Statement", conversation_id=f["conversation_id"]
    ),
    # hub
    ("hub", "chapter"): lambda w, f: "riverside",
    ("equity", "slug"): lambda w, f: w.ids["A"],
    ("population", "slug"): lambda w, f: w.ids["A"],
    ("categories", "category_id"): lambda w, f: _first("hub.DescriptionCategory"),
    # required query parameters
    ("?", "chapter"): lambda w, f: "riverside",
    ("?", "dimension"): lambda w, f: _population_dimension(f["slug"]),
    # accounts
    ("tokens", "token_id"): lambda w, f: _first("accounts.ApiToken"),
    ("password-reset", "uidb64"): lambda w, f: "MQ",
    ("<uidb64>", "token"): lambda w, f: "set-password",
}


def _opinion_institution() -> str:
    from bloc.listening.models import OpinionConversation

    return OpinionConversation.objects.order_by("pk").first().institution.slug


def _population_dimension(slug: str) -> Any:
    from bloc.hub.models import PopulationFigure

    figure = PopulationFigure.objects.filter(institution__slug=slug).order_by("pk").first()
    assert figure is not None, f"the walk's world has no population figure for {slug}"
    return figure.dimension


def _proposal(world: Any, later: list[str]) -> Any:
    needs = {"task_id": "tasks", "amendment_id": "amendments", "comment_id": "comments"}
    wanted = {f"{needs[n]}__isnull": False for n in later if n in needs}
    return _first("decisions.Proposal", institution__slug=world.ids["A"], **wanted)


def _scorecard() -> Any:
    from bloc.electoral.models import Action

    action = Action.objects.order_by("pk").first()
    assert action is not None, "the walk's world has no scorecard action"
    return action.candidate_id


def _campaign_role_user(campaign_id: int) -> Any:
    from bloc.electoral.models import CampaignRole

    return CampaignRole.objects.filter(campaign_id=campaign_id).order_by("pk").first().user_id


def _door(turf_id: int) -> Any:
    from bloc.electoral.models import Turf

    turf = Turf.objects.get(pk=turf_id)
    return _first("institutions.AreaAddress", institution_id=turf.institution_id)


def _segments(path: str) -> list[tuple[str, str]]:
    """(segment before, parameter name) for each parameter, in order."""
    out = []
    for match in PARAM.finditer(path):
        name = match.group("name") or match.group("api")
        before = path[: match.start()]
        segment = before.rstrip("/").split("/")[-1] if before.endswith("/") else ""
        if not before.endswith("/"):  # "calendar/meeting-<id>.ics"
            segment = before.split("/")[-1]
        out.append((segment, name))
    return out


class Unfillable(AssertionError):
    pass


@dataclass(frozen=True)
class Variant:
    """One of several values a parameter is walked with, and its name in the table."""

    label: str
    value: Any


def _admin_urls(route: Route, world: Any) -> list[str]:
    from django.contrib import admin
    from django.contrib.contenttypes.models import ContentType
    from django.urls import reverse

    from bloc.accounts.models import User

    name = route.name.removeprefix("admin:")
    if "(?P<url>" in route.path:  # the admin's catch-all
        return ["/admin/no-such-page/"]
    if name == "app_list":
        labels = sorted({m._meta.app_label for m in admin.site._registry})
        return [reverse("admin:app_list", kwargs={"app_label": label}) for label in labels]
    if name == "view_on_site":
        kind = ContentType.objects.get_for_model(User)
        return [reverse("admin:view_on_site", args=[kind.pk, world.users["member"]])]
    for model in admin.site._registry:
        label = f"{model._meta.app_label}_{model._meta.model_name}_"
        folder = f"admin/{model._meta.app_label}/{model._meta.model_name}/"
        if not (name.startswith(label) or route.path.startswith("/" + folder)):
            continue
        if name.endswith(("_changelist", "_add")):
            return [reverse(route.name)]
        obj = model._default_manager.order_by("pk").first()
        assert obj is not None, f"the walk's world has no {model._meta.label} for {name}"
        if "<path:object_id>" in route.path:  # the old change URL, redirected
            return [f"/{folder}{obj.pk}/"]
        return [reverse(route.name, args=[obj.pk])]
    if name == "auth_user_password_change":  # UserAdmin names it after auth.User
        return [reverse(route.name, args=[world.users["member"]])]
    return [reverse(route.name)]


def fill(route: Route, world: Any) -> list[tuple[str, str]]:
    """(variant, URL) for each way the route is walked: its parameters filled from the world.

    The variant is "" or the label of the parameter's value ("open", "closed" ...)."""
    if route.is_admin:
        return [("", url) for url in _admin_urls(route, world)]
    pairs = _segments(route.path)
    later = [name for _segment, name in pairs]
    urls: list[tuple[str, dict[str, Any]]] = [(route.path, {"_later": later, "_label": ""})]
    for segment, name in pairs:
        filler = FILLERS.get((segment, name))
        if filler is None:
            raise Unfillable(
                f"{route.name}: the walk does not know how to fill <{name}> after "
                f"'{segment}/' — add it to tests/walk/walkmap.py FILLERS"
            )
        grown = []
        for url, filled in urls:
            values = filler(world, filled)
            for value in values if isinstance(values, list) else [values]:
                label = filled["_label"]
                if isinstance(value, Variant):
                    label, value = value.label, value.value
                done = {**filled, name: value, "_label": label}
                grown.append((_put(url, name, value), done))
        urls = grown
    out = []
    for url, filled in urls:
        query = []
        for name in route.query:
            filler = FILLERS.get(("?", name))
            if filler is None:
                raise Unfillable(f"{route.name}: the walk does not know how to fill ?{name}=")
            query.append(f"{name}={filler(world, filled)}")
        out.append((filled["_label"], url + ("?" + "&".join(query) if query else "")))
    return out


def _put(url: str, name: str, value: Any) -> str:
    def swap(match: re.Match[str]) -> str:
        found = match.group("name") or match.group("api")
        return str(value) if found == name else match.group(0)

    return PARAM.sub(swap, url, count=0)
