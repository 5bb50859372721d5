"""The query service: synonyms (editable), typo tolerance with "did you mean", stopwords, facets, pagination,
ranking by field, status banner, English content, analytics without personal data. Tests marked ``both`` run on
the Whoosh and the PostgreSQL backend (tests/search_backends.py)."""
from __future__ import annotations

from core.extensions import db
from kb.models import StatusBanner
from search import analytics, service, synonyms
from search.models import SearchClick, SearchLog, SynonymGroup
from tests.factories import make_article, make_category
from tests.search_backends import both


def titles(text, **kw):
    return [h.title for h in service.run(text, log_it=False, **kw).results.hits]


def seed():
    wlan = make_category("wlan")
    mobile = make_category("mobile")
    make_article(title="WLAN-Passwort ändern", body="Öffnen Sie die Router-Oberfläche und ändern Sie das Passwort.",
                 category=wlan, tags=["wlan", "passwort"])
    make_article(title="Handy hat keinen Empfang", body="Prüfen Sie den Flugmodus.", category=mobile,
                 tags=["mobile", "empfang"])
    make_article(title="Vertrag kündigen", body="Die Kündigungsfrist beträgt drei Monate.", category=mobile)
    make_article(title="Change your WiFi password", body="Open the router settings.", lang="en", category=wlan)
    make_article(title="Schlüssel für das Postfach", body="Der Schlüssel liegt bei.", category=mobile)
    make_article(title="Strasse und Hausnummer ändern", body="Adresse im Konto ändern.", category=mobile)
    db.session.commit()


@both
def test_full_question_with_stopwords_finds_the_article(app):
    seed()
    assert titles("Wie kann ich mein WLAN Passwort ändern?")[0] == "WLAN-Passwort ändern"


@both
def test_compound_and_hyphen_variants(app):
    seed()
    for q in ("WLAN Passwort", "WLAN-Passwort", "WLANPasswort", "wlanpasswort"):
        assert titles(q)[0] == "WLAN-Passwort ändern", q


@both
def test_umlaut_and_sharp_s_variants(app):
    seed()
    assert titles("Schlussel") == ["Schlüssel für das Postfach"]
    assert titles("Straße") == ["Strasse und Hausnummer ändern"]


@both
def test_typos_are_corrected_with_did_you_mean(app):
    seed()
    res = service.run("Pasword ändern", log_it=False).results
    assert res.hits[0].title == "WLAN-Passwort ändern"
    assert res.suggestion in ("passwort andern", "password andern")  # both are in the content, one edit away
    assert titles("Passwrt")[0] == "WLAN-Passwort ändern"


@both
def test_default_and_edited_synonyms(app):
    seed()
    assert titles("Natel Empfang") == ["Handy hat keinen Empfang"]
    assert titles("Vertrag beenden")[0] == "Vertrag kündigen"
    assert "WLAN-Passwort ändern" in titles("WiFi Passwort")
    assert titles("Flugzeugmodus") == []
    db.session.add(SynonymGroup(terms=["Flugmodus", "Flugzeugmodus"]))
    db.session.commit()
    synonyms.invalidate()
    assert titles("Flugzeugmodus") == ["Handy hat keinen Empfang"]


@both
def test_english_query_finds_english_article(app):
    seed()
    assert titles("change wifi passwords")[0] == "Change your WiFi password"


@both
def test_facets_filters_and_pagination(app):
    cat = make_category("internet")
    for i in range(23):
        make_article(title=f"Modem Anleitung {i}", body="Modem neu starten.", category=cat)
    db.session.commit()
    res = service.run("Modem", log_it=False).results
    assert res.total == 23 and len(res.hits) == 10
    assert res.facets["type"] == {"article": 23} and res.facets["category"] == {"internet": 23}
    page3 = service.run("Modem", page=3, log_it=False).results
    assert len(page3.hits) == 3 and page3.total == 23
    seen = {h.obj_id for p in (1, 2, 3) for h in service.run("Modem", page=p, log_it=False).results.hits}
    assert len(seen) == 23
    assert service.run("Modem", type="video", log_it=False).results.total == 0
    assert service.run("Modem", category="wlan", log_it=False).results.total == 0


@both
def test_title_outranks_tags_outranks_body(app):
    cat = make_category("tv")
    body = make_article(title="Anleitung A", body="Die Fernbedienung koppeln Sie so.", category=cat)
    tags = make_article(title="Anleitung B", body="Halten Sie die Taste gedrückt.", tags=["fernbedienung"],
                        category=cat)
    title = make_article(title="Fernbedienung", body="Halten Sie die Taste gedrückt.", category=cat)
    db.session.commit()
    assert [h.obj_id for h in service.run("Fernbedienung", log_it=False).results.hits] == [title.id, tags.id, body.id]


@both
def test_snippet_marks_the_body_words_when_the_others_are_only_in_the_title(app):
    filler = "Schliessen Sie das Gerät an die Dose an und warten Sie, bis die Lampe grün leuchtet. " * 5
    make_article(title="Router einrichten", body=f"{filler}Danach einrichten Sie das Netz.")
    db.session.commit()
    hit = service.run("Router einrichten", log_it=False).results.hits[0]
    assert [text for text, is_match in hit.snippet if is_match] == ["einrichten"]


def test_status_banner_matching_the_query_comes_first(app):
    seed()
    db.session.add(StatusBanner(active=True, title="Störung Internet in Bern", keywords=["internet", "wlan"]))
    db.session.add(StatusBanner(active=False, title="Alt", keywords=["handy"]))
    db.session.commit()
    assert service.run("WLAN Passwort", log_it=False).banner.title == "Störung Internet in Bern"
    assert service.run("Handy Empfang", log_it=False).banner is None


def test_searches_are_logged_without_personal_data(app):
    seed()
    service.run("  Mein Kundennummer 123 456 789  WLAN ")
    log = db.session.execute(db.select(SearchLog)).scalar_one()
    assert "123" not in log.query and log.query.startswith("mein kundennummer")
    assert not hasattr(log, "ip") and not hasattr(log, "user_id")
    analytics.log_click("Natel", "article", 5, source="ask")
    db.session.commit()
    click = db.session.execute(db.select(SearchClick)).scalar_one()
    assert (click.query, click.result_type, click.result_id, click.source) == ("natel", "article", "5", "ask")


def test_report_lists_top_zero_and_no_click_queries(app):
    seed()
    for q in ("WLAN Passwort", "WLAN Passwort", "Glasfaserdose", "Vertrag"):
        service.run(q)
    analytics.log_click("vertrag", "article", 3)
    db.session.commit()
    report = analytics.report(days=7)
    assert report["top"][0].query == "wlan passwort" and report["top"][0].searches == 2
    assert [s.query for s in report["zero"]] == ["glasfaserdose"]
    assert [s.query for s in report["no_click"]] == ["wlan passwort"]
