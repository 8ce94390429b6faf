"""Fixtures for the real-browser tests: a real bloc server, Chromium, axe-core.

The server is ``bloc runserver`` in a subprocess on a fresh database: SQLite in
a temporary data directory, or, when ``DATABASE_URL`` points at PostgreSQL, a
throwaway database created on that server for the session and dropped after.
Tests talk to it through the browser (and the server's own output, where the
console mail backend prints password-reset mails), and through ``bloc``
commands run with the server's environment (``Server.run``): ``demo_server``
loads the demo chapter, and a test may print residency letters with the CLI.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

# No test here touches the Django ORM: the server is a subprocess and outcomes are
# checked through the browser. Playwright's sync API keeps an event loop running in
# the main thread, so a test that did use the ORM would need
# os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true" (not set here: it would switch
# off Django's async-safety check for the whole test session).

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Narrow phone: every page must fit without horizontal scrolling.
PHONE = {"width": 360, "height": 740}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
AXE_FAILING_IMPACTS = {"serious", "critical"}
SERVER_START_TIMEOUT = 30.0


# --- the server -------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _is_postgres(url: str) -> bool:
    return urlsplit(url).scheme in {"postgres", "postgresql", "pgsql"}


def _with_database(url: str, name: str) -> str:
    """The same server and credentials, another database."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def _libpq(url: str) -> str:
    # dj-database-url accepts scheme spellings libpq does not.
    parts = urlsplit(url)
    return urlunsplit(("postgresql", *parts[1:]))


class _ThrowawayPostgres:
    """CREATE DATABASE bloc_browser_<random> on DATABASE_URL's server; DROP it after."""

    def __init__(self, url: str) -> None:
        self.admin_url = _libpq(url)
        self.name = f"bloc_browser_{secrets.token_hex(6)}"
        self.url = _with_database(url, self.name)

    def _execute(self, sql: str) -> None:
        import psycopg
        from psycopg import sql as pgsql

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(pgsql.SQL(sql).format(pgsql.Identifier(self.name)))

    def create(self) -> None:
        self._execute("CREATE DATABASE {}")

    def drop(self) -> None:
        """Drop it once the server's connections have closed.

        A plain DROP also stops an autovacuum worker busy in the database (PostgreSQL 15's
        WITH (FORCE) refuses to: the worker belongs to no role we are a member of), and
        fails while the stopped server's connections are still closing: so retry it.
        """
        import psycopg

        for _ in range(40):
            try:
                self._execute("DROP DATABASE IF EXISTS {}")
                return
            except psycopg.errors.ObjectInUse:
                time.sleep(0.25)
        self._execute("DROP DATABASE IF EXISTS {} WITH (FORCE)")


def _bloc(*args: str) -> list[str]:
    # The same interpreter as the tests: `python -m bloc` is the `bloc` command.
    return [sys.executable, "-m", "bloc", *args]


@dataclass
class Server:
    url: str
    log_path: Path
    process: subprocess.Popen[bytes] = field(repr=False)
    # The environment and directory the server runs with: `run` uses them, so a
    # command (`bloc demo`, `bloc letters` ...) works on the server's own database.
    env: dict[str, str] = field(default_factory=dict, repr=False)
    workdir: Path | None = None

    def run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        """Run `bloc ARGS` on the server's database; fail the test if it fails."""
        result = subprocess.run(
            _bloc(*args),
            env=self.env or None,
            cwd=self.workdir,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode != 0:
            pytest.fail(
                f"bloc {' '.join(args)} exited with {result.returncode}:\n"
                f"{result.stdout}\n{result.stderr}"
            )
        return result

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log().splitlines()[-lines:])


def _wait_until_up(server: Server) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(
                f"bloc runserver exited with {server.process.returncode}:\n{server.log_tail()}"
            )
        try:
            with urllib.request.urlopen(server.url + "/", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    pytest.fail(
        f"bloc runserver did not answer within {SERVER_START_TIMEOUT:.0f} s:\n{server.log_tail()}"
    )


@pytest.fixture(scope="session")
def bloc_server() -> Iterator[Server]:
    """A real bloc server on a fresh database, for the whole browser session."""
    workdir = Path(tempfile.mkdtemp(prefix="bloc-browser-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)  # bloc's own settings, not the test suite's
    # Serve this checkout, whichever copy of bloc happens to be installed.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    env.update(
        {
            "BLOC_DATA_DIR": str(workdir / "data"),
            "PYTHONUNBUFFERED": "1",  # mails printed by the console backend reach the log now
            "EMAIL_URL": "console://",
            "BLOC_DEBUG": "false",
            "BLOC_SECURE": "false",
            # The server runs this checkout's code, whatever copy of bloc is installed.
            "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")])),
        }
    )
    for name in ("ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "BLOC_COLLECTED_STATIC"):
        env.pop(name, None)

    database: _ThrowawayPostgres | None = None
    database_url = os.environ.get("DATABASE_URL", "")
    if database_url and _is_postgres(database_url):
        database = _ThrowawayPostgres(database_url)
        database.create()
        env["DATABASE_URL"] = database.url
    else:
        env.pop("DATABASE_URL", None)  # SQLite in the temporary data directory

    process: subprocess.Popen[bytes] | None = None
    log_path = workdir / "server.log"
    try:
        migrate = subprocess.run(
            _bloc("migrate", "--no-input", "-v", "0"),
            env=env,
            cwd=workdir,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if migrate.returncode != 0:
            pytest.fail(f"bloc migrate failed:\n{migrate.stdout}\n{migrate.stderr}")

        port = _free_port()
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                _bloc("runserver", f"127.0.0.1:{port}", "--noreload"),
                env=env,
                cwd=workdir,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        server = Server(
            url=f"http://127.0.0.1:{port}",
            log_path=log_path,
            process=process,
            env=env,
            workdir=workdir,
        )
        _wait_until_up(server)
        yield server
    finally:
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if database is not None:
            database.drop()
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def demo_server(bloc_server: Server) -> Server:
    """The same server, with the demo chapter loaded into its database (once a session).

    Tests that only make their own accounts use bloc_server and pass with or
    without the demo. Demo logins: see bloc/demo/loader.py (LOGINS, DEMO_PASSWORD).
    """
    bloc_server.run("demo", "--no-serve", timeout=300)
    return bloc_server


# --- axe-core ---------------------------------------------------------------


@pytest.fixture(scope="session")
def axe_js() -> Path:
    """axe.min.js: $AXE_CORE_JS, else the repo's npm cache, installed there if missing."""
    configured = os.environ.get("AXE_CORE_JS")
    if configured:
        path = Path(configured)
        if not path.is_file():
            pytest.fail(f"AXE_CORE_JS={configured} is not a file")
        return path
    prefix = REPO_ROOT / ".cache" / "npm"
    path = prefix / "node_modules" / "axe-core" / "axe.min.js"
    if not path.is_file():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail(
                "axe-core is missing and npm is not installed to fetch it "
                "(set AXE_CORE_JS to an axe.min.js)"
            )
        result = subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", "--prefix", str(prefix), "axe-core@4"],
            capture_output=True,
            text=True,
            timeout=300,
        )
        if result.returncode != 0 or not path.is_file():
            pytest.fail(f"npm could not install axe-core:\n{result.stdout}\n{result.stderr}")
    return path


# --- the browser ------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM}")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def _new_page(browser: Any, server: Server, *, javascript: bool) -> Iterator[Any]:
    context = browser.new_context(
        base_url=server.url, viewport=PHONE, java_script_enabled=javascript, locale="en-US"
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.bloc_javascript = javascript  # check_page runs axe only where scripts run
    # Chromium reports what the Content Security Policy blocks in the console:
    # check_page fails on it at once, and the test fails at teardown otherwise.
    page.bloc_csp_violations = violations = []
    context.on("console", lambda message: _note_csp_violation(violations, message))
    try:
        yield page
    finally:
        context.close()
    if violations:
        pytest.fail(_csp_report(violations), pytrace=False)


_CSP_MARKERS = ("Content Security Policy", "Refused to")


def _note_csp_violation(violations: list[str], message: Any) -> None:
    text = message.text
    if any(marker in text for marker in _CSP_MARKERS):
        violations.append(f"{message.page.url if message.page else '?'}: {text}")


def _csp_report(violations: list[str]) -> str:
    return "the Content Security Policy blocked something:\n" + "\n".join(
        f"- {v}" for v in violations
    )


@pytest.fixture
def page(browser: Any, bloc_server: Server) -> Iterator[Any]:
    """A fresh 360 px wide browsing context (no cookies) with JavaScript on."""
    yield from _new_page(browser, bloc_server, javascript=True)


@pytest.fixture
def page_without_js(browser: Any, bloc_server: Server) -> Iterator[Any]:
    """A fresh 360 px wide browsing context with JavaScript off."""
    yield from _new_page(browser, bloc_server, javascript=False)


@pytest.fixture
def another_page(browser: Any, bloc_server: Server) -> Iterator[Any]:
    """another_page(javascript=True): one more person, in a browsing context of their own.

    Each call opens a fresh 360 px wide context (no cookies); all close after the test.
    """
    opened: list[Iterator[Any]] = []
    violations: list[str] = []

    def open_page(*, javascript: bool = True) -> Any:
        pages = _new_page(browser, bloc_server, javascript=javascript)
        opened.append(pages)
        page = next(pages)
        violations_seen.append(page.bloc_csp_violations)
        return page

    violations_seen: list[list[str]] = []
    try:
        yield open_page
    finally:
        for pages in reversed(opened):
            pages.close()  # runs _new_page's finally: closes the context
    for seen in violations_seen:
        violations.extend(seen)
    if violations:
        pytest.fail(_csp_report(violations), pytrace=False)


# --- checks run on every page -----------------------------------------------

_LAYOUT_JS = """(javascript) => {
  const doc = document.documentElement;
  const wide = [];
  if (doc.scrollWidth > window.innerWidth) {
    for (const el of document.body.querySelectorAll('*')) {
      const box = el.getBoundingClientRect();
      if (box.right > window.innerWidth + 0.5 && box.width > 0) {
        wide.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                  (el.className && typeof el.className === 'string'
                     ? '.' + el.className.trim().split(/\\s+/).join('.') : '') +
                  ' right=' + Math.round(box.right));
      }
    }
  }
  const missingRefs = [];
  for (const attr of ['aria-describedby', 'aria-labelledby', 'aria-controls']) {
    for (const el of document.querySelectorAll('[' + attr + ']')) {
      for (const id of el.getAttribute(attr).split(/\\s+/).filter(Boolean)) {
        if (!document.getElementById(id)) missingRefs.push(attr + '=' + id + ' on #' + el.id);
      }
    }
  }
  // Subresources of this document that failed (status 0: blocked, e.g. a 404 page
  // served as a stylesheet under nosniff). The favicon ("other") is not ours to check.
  const broken = performance.getEntriesByType('resource')
    .filter(e => ['link', 'css', 'script', 'img'].includes(e.initiatorType))
    .filter(e => new URL(e.name).origin === location.origin)
    .filter(e => e.responseStatus === 0 || e.responseStatus >= 400)
    // Without JavaScript the browser does not fetch scripts: not a broken page.
    .filter(e => javascript || !(e.initiatorType === 'script' && e.responseStatus === 0))
    .map(e => e.responseStatus + ' ' + e.name);
  return {
    broken: broken,
    scrollWidth: doc.scrollWidth,
    innerWidth: window.innerWidth,
    wide: wide.slice(0, 10),
    lang: doc.getAttribute('lang'),
    mains: document.querySelectorAll('main').length,
    h1s: document.querySelectorAll('h1').length,
    missingRefs: missingRefs,
  };
}"""

_AXE_JS = """async (tags) => {
  const results = await axe.run(document, {
    runOnly: {type: 'tag', values: tags},
    resultTypes: ['violations'],
  });
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary})),
  }));
}"""


def _format_violations(where: str, violations: list[dict[str, Any]]) -> str:
    lines = [f"axe found {len(violations)} serious/critical WCAG violation(s) on {where}:"]
    for violation in violations:
        lines.append(
            f"- [{violation['impact']}] {violation['id']}: {violation['help']} "
            f"({violation['helpUrl']})"
        )
        for node in violation["nodes"]:
            summary = " ".join((node["summary"] or "").split())
            lines.append(f"    at {node['target']}: {summary}")
    return "\n".join(lines)


@pytest.fixture(scope="session")
def check_page(axe_js: Path) -> Any:
    """check_page(page): layout at 360 px, page structure and, with JavaScript, axe-core.

    Fails naming what to fix: the elements wider than the screen, dangling ARIA
    references, and every serious or critical axe violation with its nodes.
    """

    axe_source = axe_js.read_text()

    def check(page: Any, *, axe: bool = True) -> None:
        page.wait_for_load_state("load")
        where = page.url
        violations = getattr(page, "bloc_csp_violations", [])
        assert not violations, _csp_report(violations)
        javascript = getattr(page, "bloc_javascript", True)
        facts = page.evaluate(_LAYOUT_JS, javascript)
        assert not facts["broken"], f"{where}: these did not load: {facts['broken']}"
        assert facts["scrollWidth"] <= facts["innerWidth"], (
            f"{where} scrolls sideways at {facts['innerWidth']} px "
            f"(content {facts['scrollWidth']} px wide); too wide: {facts['wide']}"
        )
        assert facts["lang"], f"{where}: <html> has no lang attribute"
        assert facts["mains"] == 1, f"{where}: {facts['mains']} <main> landmarks, want 1"
        assert facts["h1s"] == 1, f"{where}: {facts['h1s']} <h1> headings, want 1"
        assert not facts["missingRefs"], (
            f"{where}: ARIA attributes point at ids that do not exist: {facts['missingRefs']}"
        )
        if axe and javascript:
            # Evaluated through the DevTools protocol, which the page's CSP does not
            # govern (an injected <script> would itself be a violation).
            page.evaluate(axe_source)
            violations = page.evaluate(_AXE_JS, AXE_TAGS)
            failing = [v for v in violations if v["impact"] in AXE_FAILING_IMPACTS]
            for violation in violations:
                if violation not in failing:  # shown in pytest's warnings summary, not fatal
                    warnings.warn(
                        f"axe {violation['impact']} on {where}: {violation['id']}: "
                        f"{violation['help']} at "
                        f"{[n['target'] for n in violation['nodes']]}",
                        stacklevel=2,
                    )
            assert not failing, _format_violations(where, failing)

    return check
