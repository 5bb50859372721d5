"""Customer pages: home, category, article, status page; English; 404s and slug redirects."""
from __future__ import annotations

from core.extensions import db
from kb.models import SlugRedirect
from tests.factories import make_article, make_category
from tests.factories_kb import make_banner
from tests.factories_videos import make_video


def test_home_shows_tiles_counts_search_phone_and_newest(app, client):
    wlan = make_category("wlan", name_de="WLAN", icon="wifi")
    make_article("WLAN-Passwort ändern", category=wlan, helpful_yes=4)
    make_article("Kanal wechseln", category=wlan)
    make_article("Entwurf", category=wlan, status="draft")
    db.session.commit()
    html = client.get("/").get_data(as_text=True)
    assert 'href="/themen/wlan"' in html and "#wifi" in html
    assert "2 Artikel" in html
    assert 'action="/suche"' in html and "data-suggest" in html
    assert 'href="tel:+41800668866"' in html
    assert "Neue Artikel" in html and "Besonders hilfreich" in html
    assert "4 Personen fanden das hilfreich" in html
    assert "Entwurf" not in html
    assert "<script>" not in html and "style=" not in html


def test_home_links_community_only_when_it_exists(app, client):
    html = client.get("/").get_data(as_text=True)
    assert ("/community" in html) == ("community.index" in app.view_functions)


def test_category_mixes_articles_and_videos_language_first(app, client):
    category = make_category("internet", name_de="Internet", name_en="Internet")
    make_article("Zeta Router", category=category, lang="de")
    make_article("Alpha modem", category=category, lang="en")
    make_video(category=category, title="Router neu starten", duration=125)
    make_video(category=category, title="Versteckt", status="hidden")
    db.session.commit()
    html = client.get("/themen/internet").get_data(as_text=True)
    assert html.index("Zeta Router") < html.index("Alpha modem")
    assert "Router neu starten" in html and "2:05" in html and "Versteckt" not in html
    assert 'class="lang-badge" lang="en"' in html and 'class="lang-badge" lang="de"' not in html

    english = client.get("/themen/internet", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert english.index("Alpha modem") < english.index("Zeta Router")
    assert 'class="lang-badge" lang="de"' in english and 'class="lang-badge" lang="en"' not in english
    assert "Video tutorials" in english and "Articles on this topic" in english


def test_unknown_category_is_404(client):
    assert client.get("/themen/gibt-es-nicht").status_code == 404


def test_article_page(app, client):
    category = make_category("wlan")
    article = make_article("WLAN-Passwort ändern", body="## Router öffnen\n\nText.\n\n## Passwort setzen\n\nText.",
                           category=category, tags=["wlan", "passwort"], lang="de")
    related = make_article("WLAN-Kanal wechseln", category=category, tags=["wlan"])
    make_article("Entwurf mit Tag", category=category, tags=["wlan"], status="draft")
    db.session.commit()
    response = client.get(f"/artikel/{article.slug}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1>WLAN-Passwort ändern</h1>" in html
    assert 'class="toc"' in html and 'href="#' in html and "Passwort setzen" in html
    assert "Aktualisiert am" in html and "Sprache:" in html
    assert 'href="/suche?q=passwort"' in html
    assert "War dieser Artikel hilfreich?" in html and 'value="yes"' in html and 'value="no"' in html
    assert f'href="/artikel/{related.slug}"' in html and "Entwurf mit Tag" not in html
    assert "Immer noch nicht gelöst?" in html and 'href="tel:+41800668866"' in html
    assert ("Frage stellen" in html) == ("community.ask" in app.view_functions)
    assert "js/kb." in html and "css/kb." in html


def test_unpublished_and_unknown_articles_are_404(app, client):
    draft = make_article(status="draft")
    db.session.commit()
    assert client.get(f"/artikel/{draft.slug}").status_code == 404
    assert client.get("/artikel/gibt-es-nicht").status_code == 404


def test_old_slug_redirects_permanently(app, client):
    article = make_article(slug="wlan-neu")
    db.session.add(SlugRedirect(old_slug="wlan-alt", article_id=article.id))
    db.session.commit()
    response = client.get("/artikel/wlan-alt")
    assert response.status_code == 301
    assert response.headers["Location"].endswith("/artikel/wlan-neu")


def test_english_article_page(app, client):
    article = make_article("Change the Wi-Fi password", lang="en", tags=["wifi"])
    db.session.commit()
    html = client.get(f"/artikel/{article.slug}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Was this article helpful?" in html
    assert "Still not solved?" in html and ">Yes<" in html and ">No<" in html
    assert "Updated on" in html and "Language:" in html


def test_status_page_and_banner_on_every_page(app, client):
    assert "keine Störungen" in client.get("/status").get_data(as_text=True)
    make_banner("Internetstörung Region Bern", message="Wir arbeiten daran.", region="Bern")
    db.session.commit()
    for url in ("/", "/status"):
        html = client.get(url).get_data(as_text=True)
        assert "Internetstörung Region Bern" in html
    assert "Betroffen: Bern" in client.get("/status").get_data(as_text=True)


def test_banner_text_is_escaped(app, client):
    make_banner("<script>alert(1)</script>")
    db.session.commit()
    html = client.get("/status").get_data(as_text=True)
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html


def test_video_cards_link_to_the_video_page(app, client):
    category = make_category("tv")
    make_video(category=category, title="Senderliste sortieren", duration=3725, provider_id="abcDEF12345")
    db.session.commit()
    html = client.get("/themen/tv").get_data(as_text=True)
    assert "1:02:05" in html and 'href="/videos/abcDEF12345"' in html


def test_english_home(app, client):
    make_category("wlan", name_de="WLAN zu Hause", name_en="Home Wi-Fi")
    db.session.commit()
    html = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "How can we help?" in html and "Home Wi-Fi" in html and "0 articles" in html
    assert '<html lang="en">' in html


def test_video_thumbnails_only_when_self_hosted(app, client):
    category = make_category("mobile")
    make_video(category=category, title="Mit Bild", provider_id="thumbLocal01", thumbnail_path="thumbs/a.jpg",
               thumbnail_url="https://i.ytimg.com/vi/x/hq.jpg")
    make_video(category=category, title="Ohne Bild", provider_id="thumbRemote1", thumbnail_url="https://i.ytimg.com/vi/y/hq.jpg")
    db.session.commit()
    html = client.get("/themen/mobile").get_data(as_text=True)
    assert "ytimg" not in html
    assert html.count('class="video-card__thumb"') == 1 and 'src="/videos/thumbLocal01/vorschaubild"' in html
