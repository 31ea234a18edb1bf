"""Each public journey of issue 19 in a real browser (Debian's chromium, headless), with screenshots kept in
artifacts/browser/: a Texas reporter searches, shares the search, reads the state on a phone and downloads a
letter; a Spanish-speaking reader does the same in Spanish; every page fits a 390-pixel phone; an old list raises
its banner; pages arrive compressed."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import PHONE, shot

PUBLIC_PATHS = (
    "/",
    "/states/TX",
    "/states/CA",
    "/search?q=Harris",
    "/rules",
    "/records?state=TX",
    "/moa",
    "/moa/deviations",
    "/signin",
    "/agencies/{burnet}",
    "/agencies/{burnet}?lang=en",
)


def agency_id(page: Any, name: str, state: str) -> str:
    found = page.request.get("/api/search", params={"q": name, "state": state}).json()
    return str(next(a["id"] for a in found if a["name"].startswith(name)))


def test_a_reporter_searches_shares_the_search_and_downloads_a_letter(page: Any, tmp_path: Path) -> None:
    page.goto("/search")
    page.fill("input[name=q]", "Harris")  # htmx searches as one types, and the address follows
    page.wait_for_selector("#county-TX-Harris")
    page.wait_for_url(re.compile(r".*/search\?.*q=Harris"))
    shared = page.url
    assert "ICE lists no agreement of its sheriff" in page.locator("#county-TX-Harris").inner_text()
    assert "Texas requires one" in page.locator("#state-answer-TX").inner_text()
    assert "Harrison County Sheriff's Office" in page.locator("#near").inner_text()
    shot(page, "01-search-harris")

    # the address alone gives the same answer (a shared link, a reload)
    page.goto("/")
    page.goto(shared)
    assert page.locator("input[name=q]").input_value() == "Harris"
    assert page.locator("#county-TX-Harris").count() == 1

    page.goto("/search")
    page.fill("input[name=q]", "Travis")
    page.wait_for_selector("#no-match")
    assert "No agency matches." in page.locator("#no-match").inner_text()
    assert "Travis County, Texas" in page.locator("#county-TX-Travis").inner_text()
    shot(page, "02-search-travis")

    page.goto(f"/agencies/{agency_id(page, 'Burnet County', 'TX')}")
    page.click("#records-letter a")
    page.wait_for_url(re.compile(r".*/records\?state=TX&agency=.*#letter"))
    assert "Burnet County Sheriff's Office" in page.locator("#letter-agency option:checked").inner_text()
    assert "10 business days" in page.locator("#records-facts").inner_text()
    page.fill("#letter-name", "A Texas Reporter")
    page.check("input[name=format][value=pdf]")
    shot(page, "03-letter-form")
    with page.expect_download() as download:
        page.click("#letter-download")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.suffix == ".pdf" and saved.read_bytes().startswith(b"%PDF")
    assert "burnet-county-sheriff" in saved.name

    # a refused form comes back with what was typed, and says why
    page.goto("/records?state=TX")
    page.fill("#letter-unlisted", "Nixon")
    page.evaluate("document.querySelector('#letter-name').removeAttribute('required')")
    page.click("#letter-download")
    page.wait_for_selector("#letter-error")
    assert page.locator("#letter-unlisted").input_value() == "Nixon"
    shot(page, "04-letter-refused")


def test_texas_on_a_phone_in_spanish(phone: Any, tmp_path: Path) -> None:
    phone.goto("/states/TX")  # the browser asks for Spanish
    assert phone.locator("html").get_attribute("lang") == "es"
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert "WSO (pendiente)" in phone.locator("#agencies").inner_text()
    total = phone.locator("#agencies-sum").inner_text()
    assert f"Acuerdos vigentes: {total} " in phone.locator("#agencies-total").inner_text()
    assert "must hold" not in phone.content() and "confianza: alta" in phone.locator("#law-TX-SB8-2025").inner_text()
    assert phone.locator("#uncovered-pending").count() == 1
    shot(phone, "10-phone-texas-es")

    phone.goto("/records?state=TX")
    assert "10 días hábiles" in phone.locator("#records-facts").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.select_option("#letter-agency", label="Burnet County Sheriff's Office")
    phone.fill("#letter-name", "Ana Pérez")
    phone.check("input[name=format][value=docx]")
    assert phone.locator("input[name=letter_lang][value=es]").is_checked()
    shot(phone, "11-phone-letter-es")
    with phone.expect_download() as download:
        phone.click("#letter-download")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    import docx

    text = "\n".join(p.text for p in docx.Document(str(saved)).paragraphs)
    assert "Solicitud de registros públicos" in text and "Ana Pérez" in text


@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_every_public_page_fits_a_phone(phone: Any, path: str) -> None:
    if "{burnet}" in path:
        path = path.format(burnet=agency_id(phone, "Burnet County", "TX"))
    response = phone.goto(path)
    assert response is not None and response.status == 200
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{path} is {width} px wide on a {PHONE['width']} px phone"
    shot(phone, "20-phone" + re.sub(r"[^a-z0-9]+", "-", path.lower()).rstrip("-"))


def test_an_old_list_raises_the_banner_and_pages_arrive_compressed(page: Any) -> None:
    response = page.goto("/")
    assert response is not None and response.headers.get("content-encoding") == "gzip"
    banner = page.locator("#stale-banner")
    assert banner.is_visible() and "518 days old" in banner.inner_text()
    assert "wso registry fetch" in banner.inner_text()
    shot(page, "30-stale-banner")
