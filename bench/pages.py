"""Benchmark the main pages as a slow phone sees them: bytes over the wire, requests, server time.

    python bench/pages.py [--repeat 5] [--data-dir DIR]

Loads the demo chapter (``bloc demo --no-serve``, in-process) into a throwaway SQLite
database (or reuses the one in ``--data-dir``, loading the demo there if it is not yet
loaded), then fetches each main page with Django's test client as the demo person who
would open it:

=================  ===========================================================  ==============
page               what                                                         as
=================  ===========================================================  ==============
home               ``/``                                                        the resident
institution        Maple Street Block Association                               the resident
proposal           a proposal open for discussion, with its comments            the resident
ballot             the open crosswalk poll (the ballot form)                    the resident
results            the counted instant-runoff poll, round by round              the resident
meeting            Maple Street's latest meeting (agenda, minutes)              the resident
budget vote        Maple Street's 2027 budget ballot                            the resident
hub public         the Riverside chapter's public page                          a visitor
hub map            the Riverside chapter's map (every measure)                  the organizer
=================  ===========================================================  ==============

For each page it prints the HTML's size raw and gzip-compressed (level 6, what a
compressing proxy sends), the stylesheets, scripts, icons and images the HTML links
(static URLs resolved to their files through django.contrib.staticfiles' finders,
same-site media fetched with the client; each counted gzip-compressed, images as they
are), the total compressed bytes of the page with everything it needs, the number of
requests (the page, and each distinct resource once), whether a ``<script>`` in
``<head>`` lacks ``defer``/``async`` (render-blocking), and the server time (median of
``--repeat`` fetches after one warm-up, in the test client: the whole Django stack,
no network) with its number of SQL queries.

Targets (issue 13): under 60 KB (60,000 bytes) compressed per page with its CSS and
scripts, no render-blocking script, server time under 100 ms. A ``!`` marks a miss,
and a note under the table says by how much. What the HTML does not link is not
counted: scripts' own fetches (the hub map's tiles from the tile server, Leaflet's
marker images) and images a stylesheet names (``url(...)``).
"""

from __future__ import annotations

import argparse
import gzip
import io
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

TARGET_BYTES = 60_000
TARGET_SECONDS = 0.100


# --- what a page links ---------------------------------------------------------


@dataclass
class Links:
    """The subresources of one HTML page, in document order, and its blocking scripts."""

    resources: list[tuple[str, str]] = field(default_factory=list)  # (kind, url)
    blocking: list[str] = field(default_factory=list)  # head scripts without defer/async


class _LinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links = Links()
        self.in_head = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {name: (value or "") for name, value in attrs}
        names = {name for name, _ in attrs}
        if tag == "head":
            self.in_head = True
        elif tag == "body":
            self.in_head = False
        elif tag == "link" and attr.get("href"):
            rel = attr.get("rel", "").lower().split()
            if "stylesheet" in rel:
                self.links.resources.append(("css", attr["href"]))
            elif "icon" in rel:
                self.links.resources.append(("icon", attr["href"]))
            elif "preload" in rel or "modulepreload" in rel:
                self.links.resources.append(("preload", attr["href"]))
        elif tag == "script":
            if attr.get("src"):
                self.links.resources.append(("js", attr["src"]))
            # A module script is deferred by default; any other script in <head>
            # without defer or async stops rendering until it is fetched and run.
            deferred = {"defer", "async"} & names or attr.get("type") == "module"
            if self.in_head and not deferred:
                self.links.blocking.append(attr.get("src") or "(inline script)")
        elif tag == "img" and attr.get("src"):
            self.links.resources.append(("img", attr["src"]))
        # The hub's map: hub-map.js fetches the areas from the map API and, if a tile
        # server is set, the tiles (external: named, not counted).
        if attr.get("data-geojson"):
            self.links.resources.append(("json", attr["data-geojson"]))
        if attr.get("data-tiles"):
            self.links.resources.append(("tiles", attr["data-tiles"]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            self.in_head = False


def page_links(html: str) -> Links:
    parser = _LinkParser()
    parser.feed(html)
    return parser.links


def gzip_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6, mtime=0))


# --- the pages -------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    name: str
    url: str
    who: str  # a demo login's key ("resident", "organizer"), or "" for a visitor


def demo_pages() -> list[Page]:
    """The main pages of the demo chapter and who opens each (bloc/demo/*)."""
    from django.urls import reverse

    from bloc.budgeting.models import Budget
    from bloc.decisions.models import Poll, Proposal
    from bloc.demo.loader import CHAPTER_SLUG
    from bloc.meetings.models import Meeting

    maple = "maple-street-block"
    open_poll = Poll.objects.get(institution__slug=maple, title__startswith="Ask the city")
    counted = Poll.objects.get(institution__slug=maple, title__startswith="Which evening")
    proposal = (
        Proposal.objects.filter(institution__slug=maple).order_by("-pk").first()
        or Proposal.objects.order_by("-pk").first()
    )
    assert proposal is not None, "the demo has no proposal"
    meeting = Meeting.objects.filter(institution__slug=maple).order_by("-starts_at").first()
    assert meeting is not None, "the demo has no meeting on Maple Street"
    budget = Budget.objects.filter(institution__slug=maple, title="Maple Street 2027").get()
    one = {"slug": maple}
    return [
        Page("home", reverse("home"), "resident"),
        Page("institution", reverse("institutions:detail", kwargs=one), "resident"),
        Page(
            "proposal",
            reverse(
                "institutions:proposal_detail",
                kwargs={"slug": proposal.institution.slug, "proposal_id": proposal.pk},
            ),
            "resident",
        ),
        Page(
            "ballot",
            reverse("institutions:poll_detail", kwargs={**one, "poll_id": open_poll.pk}),
            "resident",
        ),
        Page(
            "results",
            reverse("institutions:poll_results", kwargs={**one, "poll_id": counted.pk}),
            "resident",
        ),
        Page(
            "meeting",
            reverse("institutions:meeting_detail", kwargs={**one, "meeting_id": meeting.pk}),
            "resident",
        ),
        Page(
            "budget vote",
            reverse("institutions:budget_vote", kwargs={**one, "budget_id": budget.pk}),
            "resident",
        ),
        Page("hub public", reverse("hub:public", kwargs={"chapter": CHAPTER_SLUG}), ""),
        Page("hub map", reverse("hub:map", kwargs={"chapter": CHAPTER_SLUG}), "organizer"),
    ]


@dataclass
class Measured:
    page: Page
    html_raw: int
    html_gzip: int
    resources: list[tuple[str, str, int, int]]  # (kind, url, raw bytes, compressed bytes)
    external: list[str]
    blocking: list[str]
    seconds: float
    queries: int

    @property
    def total(self) -> int:
        return self.html_gzip + sum(wire for *_, wire in self.resources)

    @property
    def total_raw(self) -> int:
        return self.html_raw + sum(raw for _, _, raw, _ in self.resources)

    @property
    def requests(self) -> int:
        return 1 + len(self.resources)


def resource_bytes(client: Any, url: str) -> tuple[int, int] | None:
    """(raw, compressed) bytes of one same-site resource; None if it cannot be found."""
    from django.conf import settings
    from django.contrib.staticfiles import finders

    path = urlsplit(url).path
    if path.startswith(settings.STATIC_URL):
        found = finders.find(path[len(settings.STATIC_URL) :])
        if not found:
            return None
        data = Path(found).read_bytes()
    else:
        response = client.get(url)
        if response.status_code != 200:
            return None
        data = b"".join(response.streaming_content) if response.streaming else response.content
    if path.lower().endswith((".png", ".jpg", ".jpeg", ".webp", ".gif", ".avif")):
        return len(data), len(data)  # already compressed: sent as it is
    return len(data), gzip_size(data)


def measure(client: Any, page: Page, repeat: int) -> Measured:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    response = client.get(page.url)  # warm-up: templates compiled, caches filled
    if response.status_code != 200:
        raise SystemExit(f"{page.name}: GET {page.url} answered {response.status_code}")
    times, counts = [], []
    for _ in range(repeat):
        reset_queries()  # the log holds 9,000 queries at most: keep it from filling up
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(page.url)
            times.append(time.perf_counter() - start)
        counts.append(len(queries))
    html = response.content
    links = page_links(html.decode(response.charset or "utf-8"))
    seen: set[str] = set()
    resources, external = [], []
    for kind, url in links.resources:
        if url in seen or url.startswith("data:"):
            continue
        seen.add(url)
        if kind == "tiles" or urlsplit(url).netloc:
            external.append(url)
            continue
        sizes = resource_bytes(client, url)
        if sizes is None:
            raise SystemExit(f"{page.name}: {url} (linked from {page.url}) was not found")
        resources.append((kind, url, *sizes))
    return Measured(
        page=page,
        html_raw=len(html),
        html_gzip=gzip_size(html),
        resources=resources,
        external=external,
        blocking=links.blocking,
        seconds=statistics.median(times),
        queries=max(counts),
    )


# --- the table ---------------------------------------------------------------------


def kb(size: int) -> str:
    return f"{size / 1000:.1f}"


def print_table(rows: list[Measured], served: dict[str, bool]) -> list[str]:
    """Print the table; return one line per missed target."""
    header = (
        f"{'page':<12} {'as':<10} {'HTML':>5} {'gzip':>5} {'CSS':>5} {'JS':>5} {'data':>5} "
        f"{'img':>4} {'total':>6} {'target':>6} {'raw':>6} {'req':>4} {'blocking':>8} "
        f"{'ms':>6} {'target':>6} {'queries':>7}"
    )
    print(header)
    print("-" * len(header))
    misses = []
    for row in rows:

        def of(*kinds: str, row: Measured = row) -> int:
            return sum(wire for kind, _, _, wire in row.resources if kind in kinds)

        big = row.total >= TARGET_BYTES
        slow = row.seconds >= TARGET_SECONDS
        ms = row.seconds * 1000
        print(
            f"{row.page.name:<12} {row.page.who or 'visitor':<10} {kb(row.html_raw):>5} "
            f"{kb(row.html_gzip):>5} {kb(of('css')):>5} {kb(of('js', 'preload')):>5} "
            f"{kb(of('json')):>5} {kb(of('img', 'icon')):>4} "
            f"{kb(row.total) + ('!' if big else ' '):>6} {'<60':>6} {kb(row.total_raw):>6} "
            f"{row.requests:>4} {('yes!' if row.blocking else 'no'):>8} "
            f"{f'{ms:.1f}' + ('!' if slow else ' '):>6} {'<100':>6} {row.queries:>7}"
        )
        if big:
            largest = sorted(row.resources, key=lambda r: -r[3])[:3]
            parts = [f"HTML {kb(row.html_gzip)}"] + [f"{url} {kb(w)}" for _, url, _, w in largest]
            misses.append(
                f"{row.page.name}: {kb(row.total)} KB, {kb(row.total - TARGET_BYTES)} KB over "
                f"60 KB; largest parts (KB, gzip): {', '.join(parts)}"
            )
        if slow:
            misses.append(
                f"{row.page.name}: server time {ms:.1f} ms, {ms - TARGET_SECONDS * 1000:.1f} ms "
                f"over 100 ms ({row.queries} queries)"
            )
        if row.blocking:
            misses.append(f"{row.page.name}: render-blocking script(s) in <head>: {row.blocking}")
    print()
    print("KB = 1,000 bytes. HTML: raw; everything else gzip-compressed (level 6; images as")
    print("they are): CSS, JS, data (what a script fetches: the map's GeoJSON), img (icons,")
    print("images); total = the page with all of them; raw = the same uncompressed; req = the")
    print("page and each distinct resource; ms = server time in the test client (median of the")
    print("fetches); queries = SQL queries per fetch.")
    load = os.getloadavg()[0]
    print(
        f"Load average {load:.1f} on {os.cpu_count()} cores while measuring: server times grow "
        "on a busy machine."
    )
    for what, compressed in served.items():
        if not compressed:
            print(
                f"bloc itself sends {what} uncompressed (asked with Accept-Encoding: gzip): "
                "over the wire that is the raw column unless a compressing proxy is in front."
            )
    for row in rows:
        if row.external:
            print(
                f"Not counted on {row.page.name} (fetched by a script): {', '.join(row.external)}"
            )
    return misses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed fetches per page")
    parser.add_argument(
        "--data-dir", help="a data directory to reuse (loaded with the demo if needed)"
    )
    args = parser.parse_args()

    data_dir = args.data_dir or tempfile.mkdtemp(prefix="bloc-bench-pages-")
    os.environ["BLOC_DATA_DIR"] = data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "bloc.settings"
    os.environ.pop("DATABASE_URL", None)  # SQLite in the data directory
    os.environ["EMAIL_URL"] = "dummy://"  # the demo's poll announcements go nowhere
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

    import django

    django.setup()
    from django.core.management import call_command
    from django.templatetags.static import static
    from django.test import Client
    from django.test.utils import setup_test_environment

    from bloc.accounts.models import User
    from bloc.demo.loader import LOGINS

    print(f"Loading the demo chapter into {data_dir} ...", file=sys.stderr, flush=True)
    start = time.perf_counter()
    call_command("demo", no_serve=True, stdout=io.StringIO())
    print(f"  done in {time.perf_counter() - start:.0f} s", file=sys.stderr, flush=True)
    setup_test_environment()  # the test client's response.templates etc.; no test database

    users = {login.email.split("@")[0]: User.objects.get(email=login.email) for login in LOGINS}
    clients: dict[str, Any] = {}
    for who in ("", "resident", "organizer"):
        client = Client()
        if who:
            client.force_login(users[who])
        clients[who] = client

    visitor = clients[""]
    served = {
        "HTML": visitor.get("/", HTTP_ACCEPT_ENCODING="gzip").has_header("Content-Encoding"),
        "static files": visitor.get(
            static("bloc/bloc.css"), HTTP_ACCEPT_ENCODING="gzip"
        ).has_header("Content-Encoding"),
    }
    rows = [measure(clients[page.who], page, args.repeat) for page in demo_pages()]
    print()
    misses = print_table(rows, served)
    print()
    if misses:
        print("Missed targets:")
        for miss in misses:
            print(f"  {miss}")
    else:
        print("Every page meets every target.")


if __name__ == "__main__":
    main()
