"""What the results page and the API link to: the matching outage banner first (page and API `banner`), video
hits to the second of the matching transcript cue or chapter (`?t=`), through the click-through."""
from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

from flask import url_for

from core.extensions import db
from kb.models import StatusBanner
from tests.factories import make_article, make_category
from tests.factories_search import make_video
from tests.search_backends import both

pytestmark = both

RESULT_LINK = re.compile(r'<h3 class="search-result__title"><a href="([^"]+)">([^<]+)</a>')


def result_targets(html: str) -> dict[str, str]:
    """title → where the result's click-through finally leads (its `to` parameter)."""
    out = {}
    for href, title in RESULT_LINK.findall(html):
        query = parse_qs(urlsplit(unescape(href)).query)
        out[unescape(title)] = query["to"][0]
    return out


def outage():
    db.session.add(StatusBanner(active=True, level="outage", title="Störung Internet in Bern",
                                message="Techniker sind unterwegs.", region="Bern", keywords=["internet", "wlan"]))
    db.session.add(StatusBanner(active=False, title="Alte Wartung", keywords=["modem"]))


def test_matching_outage_banner_comes_before_the_results_on_the_page(client):
    make_article(title="Internet geht nicht", body="Modem neu starten.", category=make_category("internet"))
    outage()
    db.session.commit()
    html = client.get("/suche?q=Internet+geht+nicht").get_data(as_text=True)
    banner = html.index('class="search-banner search-banner--outage"')
    assert "Techniker sind unterwegs." in html[banner:] and "Bern" in html[banner:]
    assert banner < html.index('class="search-results"')
    # a query the banner's keywords and title do not mention gets no banner; nor does an inactive one
    assert "search-banner" not in client.get("/suche?q=Modem").get_data(as_text=True)


def test_matching_outage_banner_in_the_api(client):
    make_article(title="WLAN-Passwort ändern", category=make_category("wlan"))
    outage()
    db.session.commit()
    data = client.get("/api/v1/search?q=WLAN").get_json()
    assert data["banner"] == {"title": "Störung Internet in Bern", "message": "Techniker sind unterwegs.",
                              "level": "outage"}
    assert client.get("/api/v1/search?q=Passwort").get_json()["banner"] is None


def test_transcript_hit_links_to_its_second(client, app):
    video = make_video(title="Modem Tutorial", provider_id="hcModemTut", transcript=[
        {"start": 3, "end": 9, "text": "Willkommen."},
        {"start": 75, "end": 80, "text": "Nun wechseln Sie den Funkkanal im Menü."}])
    make_article(title="Funkkanal erklärt", body="Was ein Funkkanal ist.", category=video.category)
    db.session.commit()
    html = client.get("/suche?q=Funkkanal").get_data(as_text=True)
    targets = result_targets(html)
    assert targets["Modem Tutorial"] == f"{video_url(app, 'hcModemTut')}?t=75"
    assert "?t=" not in targets["Funkkanal erklärt"]
    assert "1:15" in html  # the second, readable, next to the type
    # the click-through records the click and lands on that second
    href = unescape(next(h for h, t in RESULT_LINK.findall(html) if t == "Modem Tutorial"))
    r = client.get(href)
    assert r.status_code == 303 and r.headers["Location"].endswith(f"{video_url(app, 'hcModemTut')}?t=75")


def test_chapter_hit_links_to_the_chapter_start(client, app):
    make_video(title="TV-Box Tutorial", provider_id="hcTvBoxTut",
               chapters=[{"start": 0, "end": 60, "title": "Einleitung"},
                         {"start": 125, "end": 200, "title": "Sendersuchlauf starten"}],
               transcript=[{"start": 10, "end": 20, "text": "Zuerst die Kabel."}])
    db.session.commit()
    targets = result_targets(client.get("/suche?q=Sendersuchlauf").get_data(as_text=True))
    assert targets["TV-Box Tutorial"] == f"{video_url(app, 'hcTvBoxTut')}?t=125"
    hit = client.get("/api/v1/search?q=Sendersuchlauf").get_json()["results"][0]
    assert hit["t"] == 125


def video_url(app, provider_id: str) -> str:
    with app.test_request_context():
        return url_for("videos.detail", id=provider_id)
