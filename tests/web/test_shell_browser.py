"""The web shell end to end in a real headless browser: Debian's chromium and its driver.

A client logs in, places an order, sees its state, downloads its УПД; another
client cannot open the first one's order URL. The order pages are saved as
screenshots under the test's tmp dir and copied to docs/_build/screenshots/.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import Select, WebDriverWait

from salescore.demo.selfservice import DEMO_PASSWORD
from webshell.app import create_app
from webshell.demo import DemoShell

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "docs" / "_build" / "screenshots"


def _find(*names: str) -> str | None:
    return next((found for name in names if (found := shutil.which(name))), None)


@pytest.fixture(scope="module")
def base_url(demo_shell: DemoShell) -> Iterator[str]:
    """The shell served by uvicorn on a free loopback port, in a background thread."""
    app = create_app(demo_shell.service, secret_key="browser test secret " * 3)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the web shell did not start")
        time.sleep(0.05)
    # "localhost", not 127.0.0.1: Chromium treats it as a secure context, so the
    # shell's Secure __Host- cookie works over the test's plain HTTP.
    yield f"http://localhost:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture(scope="module")
def downloads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory, downloads: Path) -> Iterator[WebDriver]:
    """Headless chromium through Debian's chromedriver (no browser is downloaded)."""
    chromium = _find("chromium", "chromium-browser")
    driver = _find("chromedriver")
    if chromium is None or driver is None:
        pytest.skip(
            "no chromium or chromedriver: apt-get install chromium chromium-driver (.ci/run does)"
        )
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1280,1000",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        options.add_argument(flag)
    options.add_experimental_option(
        "prefs",
        {
            "download.default_directory": str(downloads),
            "download.prompt_for_download": False,
            "plugins.always_open_pdf_externally": True,
        },
    )
    chrome = webdriver.Chrome(options=options, service=Service(executable_path=driver))
    chrome.set_page_load_timeout(30)
    yield chrome
    chrome.quit()


def arrived(browser: WebDriver, element_id: str, timeout: float = 20) -> WebElement:
    """The element of the page a click led to, once that page is loaded (a form
    submission's click returns before the browser has the next page)."""
    found: WebElement = WebDriverWait(browser, timeout).until(
        lambda b: b.find_element(By.ID, element_id)
    )
    return found


def log_in(browser: WebDriver, base_url: str, login: str) -> None:
    browser.get(f"{base_url}/login")
    browser.find_element(By.ID, "login").send_keys(login)
    browser.find_element(By.ID, "password").send_keys(DEMO_PASSWORD)
    browser.find_element(By.ID, "submit").click()
    assert arrived(browser, "who").text == login


def log_out(browser: WebDriver) -> None:
    browser.find_element(By.CSS_SELECTOR, "form.logout button").click()
    arrived(browser, "submit")  # back on the login page (else a timeout fails the test)


def screenshot(browser: WebDriver, path: Path) -> None:
    assert browser.save_screenshot(str(path))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, SCREENSHOTS / path.name)


def wait_for_pdf(folder: Path, timeout: float = 20) -> Path:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        # Chromium writes a hidden temporary file first, then renames it.
        done = [p for p in folder.glob("*.pdf") if p.stat().st_size > 0]
        if done:
            return done[0]
        time.sleep(0.1)
    raise AssertionError(f"nothing was downloaded into {folder}")


def test_a_client_orders_follows_and_downloads_its_upd_and_another_client_cannot_look(
    browser: WebDriver, base_url: str, demo_shell: DemoShell, downloads: Path, tmp_path: Path
) -> None:
    log_in(browser, base_url, "kzn")
    assert demo_shell.demo.order_id in browser.find_element(By.ID, "orders").text

    # places an order
    browser.find_element(By.LINK_TEXT, "Place an order").click()
    Select(arrived(browser, "agreement")).select_by_value("IA-VOLGA-KZN")
    browser.find_elements(By.NAME, "product")[0].send_keys("CM-100")
    browser.find_elements(By.NAME, "quantity")[0].send_keys("3")
    browser.find_element(By.ID, "place").click()

    # sees its state on the order's page
    placed = arrived(browser, "order-id").text
    placed_url = browser.current_url
    assert placed_url.endswith(f"/orders/{placed}")
    assert browser.find_element(By.ID, "state").text
    assert "CM-100" in browser.find_element(By.ID, "lines").text
    screenshot(browser, tmp_path / "web-order-placed.png")
    browser.find_element(By.LINK_TEXT, "My orders").click()
    assert placed in arrived(browser, "orders").text

    # downloads the УПД of its shipped order
    browser.get(f"{base_url}/orders/{demo_shell.demo.order_id}")
    assert browser.find_element(By.ID, "state").text
    screenshot(browser, tmp_path / "web-order-shipped.png")
    browser.find_element(By.CSS_SELECTOR, "a.upd").click()
    pdf = wait_for_pdf(downloads)
    assert pdf.read_bytes().startswith(b"%PDF")
    log_out(browser)

    # another client cannot open the first one's order URL
    log_in(browser, base_url, "cafe")
    browser.get(placed_url)
    assert browser.find_element(By.TAG_NAME, "h1").text == "Not found"
    assert not browser.find_elements(By.ID, "lines")
    assert "VOLGA-KZN" not in browser.page_source
    log_out(browser)

    assert (tmp_path / "web-order-placed.png").stat().st_size > 0
    assert (SCREENSHOTS / "web-order-placed.png").exists()
