"""Issue 8: “/login?next=////evil.example/ lands on //evil.example/”.  Only a path on this site,
after normalisation, is followed; anything else lands on the work list."""
from urllib.parse import quote, urljoin, urlsplit

import pytest

from ..conftest import PASSWORD

NASTY = [
    "//evil.example/", "////evil.example/", "///evil.example", "/\\evil.example", "\\/evil.example",
    "\\\\evil.example", "/\\/evil.example", "https:evil.example", "https://evil.example/",
    "HTTPS://evil.example", "javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,x",
    "evil.example", "@evil.example", " //evil.example", "/\t/evil.example", "/\n/evil.example",
    "/\r/evil.example", "/ /evil.example", "/%2F/evil.example", "/%2f%2fevil.example",
    "%2F%2Fevil.example", "/%5Cevil.example", "/%5cevil.example", "/%09/evil.example",
    "/%252F/evil.example", "/%25252F%25252Fevil.example", "%68ttps://evil.example", "/\u3000/evil.example",
    "/documents/\x7f", "/documents/\x85", "http:/evil.example", "//evil.example@localhost/",
    "/" + "a" * 2010,                                   # a path, but longer than any of ours
]
# Refused before the login is even tried: a NUL byte anywhere (400), a URL over the limit (414).
REFUSED = [("\x00//evil.example", 400, "空字符"), ("//evil.example/" + "a" * 3000, 414, "网址过长")]
GOOD = ["/documents/", "/documents/?list=drafts", "/gk/?q=%E9%80%9A%E7%9F%A5", "/account/password#top"]


def login(browser, target):
    b = browser()
    b.get("/login")
    return b.post("/login?next=" + quote(target, safe=""), data=dict(username="drafter", password=PASSWORD))


@pytest.mark.parametrize("target", NASTY)
def test_a_next_that_could_leave_the_site_lands_on_the_work_list(users, browser, target):
    response = login(browser, target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/documents/"


@pytest.mark.parametrize("target, status, message", REFUSED)
def test_a_next_the_app_refuses_to_read_redirects_nowhere(users, browser, target, status, message):
    response = login(browser, target)
    assert response.status_code == status and "Location" not in response.headers
    assert message in response.get_data(True)


@pytest.mark.parametrize("target", GOOD)
def test_a_path_on_this_site_is_followed(users, browser, target):
    response = login(browser, target)
    location = response.headers["Location"]
    assert response.status_code == 302 and location == target
    assert urlsplit(urljoin("http://localhost/login", location)).netloc == "localhost"


def test_the_login_form_keeps_next_through_a_wrong_password(users, browser):
    b = browser()
    b.get("/login?next=/documents/%3Flist%3Ddrafts")
    failed = b.post("/login?next=/documents/%3Flist%3Ddrafts", data=dict(username="drafter", password="wrong-one-123"))
    assert failed.status_code == 401 and "next=/documents/?list%3Ddrafts" in failed.get_data(True).replace("%3F", "?")
