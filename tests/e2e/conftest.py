"""Browser tests: a fresh demo store, the app under AppHarness, Chromium driven by Playwright.

The store is built by the real CLI (`src-dash migrate`, `src-dash demo`) in a temporary folder,
then the app runs in this process (backend in a thread, Vite dev server through bun). Every
environment variable set here is put back when the package's tests are done, so the tests that
run after these see the machine as it was.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

APP_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = APP_ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
TODAY = date(2026, 11, 22)
DEMO_ARGS = ["--customers", "60", "--seed", "7"]
CHROMIUM = os.environ.get("SRC_DASH_CHROMIUM", "/usr/bin/chromium")


@dataclass(frozen=True)
class E2EStore:
    """The store the app under test reads."""

    url: str
    data_dir: Path
    today: date


def _tool_path() -> str:
    """PATH with the project's bun (from `.tools`) and the venv's scripts in front."""
    extra = [APP_ROOT / ".tools" / "node_modules" / ".bin", Path(sys.executable).parent]
    return os.pathsep.join([*(str(p) for p in extra if p.is_dir()), os.environ.get("PATH", "")])


@pytest.fixture(scope="package")
def e2e_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Point the app at a fresh store in a temporary folder, on 2026-11-22, without scheduler."""
    from src_dash.store.engine import get_engine

    tmp = tmp_path_factory.mktemp("e2e")
    env = {
        "DATABASE_URL": f"sqlite:///{tmp / 'e2e.db'}",
        "SRC_DASH_DATA_DIR": str(tmp),
        "SRC_DASH_TODAY": TODAY.isoformat(),
        "SRC_DASH_SCHEDULER": "0",
        "PATH": _tool_path(),
        "REFLEX_TELEMETRY_ENABLED": "false",
        "REFLEX_CHECK_LATEST_VERSION": "0",
        "REFLEX_USE_SYSTEM_BUN": "1",
        # Keep the generated frontend and the states away from the one `reflex run` uses.
        "REFLEX_WEB_WORKDIR": os.environ.get("SRC_DASH_E2E_WEB", str(ARTIFACTS / "e2e-web")),
        "REFLEX_STATES_WORKDIR": str(tmp / "states"),
        "APP_HARNESS_HEADLESS": "1",
    }
    saved = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    get_engine.cache_clear()  # the default engine is cached by URL=None
    try:
        yield env
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        get_engine.cache_clear()


def _src_dash(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the `src-dash` CLI of this venv; fail the tests with its output when it fails."""
    exe = shutil.which("src-dash", path=os.environ["PATH"])
    cmd = [exe, *args] if exe else [sys.executable, "-m", "src_dash.cli", *args]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=os.environ.copy())
    if done.returncode != 0:
        pytest.fail(
            f"`src-dash {' '.join(args)}` exited with {done.returncode}\n"
            f"--- stdout\n{done.stdout[-4000:]}\n--- stderr\n{done.stderr[-4000:]}",
            pytrace=False,
        )
    return done


@pytest.fixture(scope="package")
def e2e_store(e2e_env: dict[str, str]) -> E2EStore:
    """A store built by `src-dash migrate` then `src-dash demo --customers 60 --seed 7`."""
    _src_dash("migrate")
    _src_dash("demo", *DEMO_ARGS)
    return E2EStore(
        url=e2e_env["DATABASE_URL"], data_dir=Path(e2e_env["SRC_DASH_DATA_DIR"]), today=TODAY
    )


@pytest.fixture(scope="package")
def app(e2e_store: E2EStore) -> Iterator[object]:
    """The app, started by AppHarness on the e2e store; yields the harness."""
    from reflex.testing import AppHarness

    with AppHarness.create(root=APP_ROOT, app_name="src_dash") as harness:
        assert harness.frontend_url is not None
        yield harness


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Debian's Chromium: Playwright cannot download its own browsers here."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (set SRC_DASH_CHROMIUM)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def screenshots_dir() -> Path:
    """Where the tests save screenshots for a human to look at (git-ignored)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def login(app, page) -> Callable[..., None]:
    """Sign the test's page in: `login("sales_rep")` (a role) or `login("admin", "/clients")`.

    Takes a role (admin, collector, sales_rep, read_only) or a demo login (recouvrement, ...);
    every demo user has the password `demo-src-dash`.
    """
    from e2e.helpers import DEMO_LOGINS, log_in

    def sign_in(who: str, next_path: str = "/") -> None:
        log_in(page, app.frontend_url, DEMO_LOGINS.get(who, who), next_path=next_path)

    return sign_in


@pytest.fixture(scope="package")
def kpis_of(e2e_store: E2EStore) -> Callable[..., dict]:
    """`src-dash kpis --json --user LOGIN [--company CODE]` on the e2e store, as a dict."""
    import json

    def run(login: str, company: str | None = None) -> dict:
        args = ["kpis", "--json", "--user", login, "--as-of", e2e_store.today.isoformat()]
        if company:
            args += ["--company", company]
        return json.loads(_src_dash(*args).stdout)

    return run


@pytest.fixture(scope="module")
def engine(e2e_store: E2EStore) -> Iterator[Engine]:
    """An engine on the store the app under test reads; the analytics cache is dropped after."""
    from src_dash.analytics.ledger import clear_cache
    from src_dash.store.engine import make_engine

    found = make_engine(e2e_store.url)
    yield found
    found.dispose()
    clear_cache()
