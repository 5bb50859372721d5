"""Video page in Chromium: nothing third-party before consent; the click loads youtube-nocookie (or, for demo
videos, a clear notice); transcript cues and chapters seek the player and keep ?t= in the URL. The browser's
online state is set by each test (never read from the machine), so every path runs the same everywhere."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from core.extensions import db
from kb.videos import importer
from kb.videos.models import Video
from tests.factories_content import make_published
from tests.factories_videos import DEMO_DIR, MEDIA_FIXTURES, make_video

ONLINE = "Object.defineProperty(Navigator.prototype, 'onLine', {get: () => true, configurable: true});"


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """A Swiss German browser: the German UI (Accept-Language de-CH)."""
    return {**browser_context_args, "locale": "de-CH"}


@pytest.fixture(scope="module")
def videos(live_app):
    with live_app.app_context():
        if db.session.execute(db.select(Video).filter_by(provider_id="hcWlanPw01a")).scalar_one_or_none() is None:
            importer.write_records(importer.map_all([importer.load_info_file(DEMO_DIR / "hcWlanPw01a.info.json")]),
                                   echo=lambda line: None)
            make_video("abcDEF12345", title="Echtes YouTube-Video")
            target = Path(live_app.config["MEDIA_DIR"]) / "videos"
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy(MEDIA_FIXTURES / "tiny.mp4", target / "Generic-tiny.mp4")
            shutil.copy(MEDIA_FIXTURES / "tiny.de.vtt", target / "Generic-tiny.de.track.vtt")
            make_published(title="Modem mit Video", slug="modem-mit-video",
                           body_md="## So geht es\n\n[[video:abcDEF12345@60]]\n\nFertig.")
            make_video("tiny", provider="generic", title="Selbst gehostet", duration=4,
                       media_path="videos/Generic-tiny.mp4",
                       caption_tracks=[{"lang": "de", "label": "Deutsch", "path": "videos/Generic-tiny.de.track.vtt",
                                        "kind": "manual"}],
                       chapters=[{"start": 0.0, "end": 2.0, "title": "Anfang"}, {"start": 2.0, "end": 4.0,
                                                                               "title": "Ende"}],
                       transcript=[{"start": 0.0, "end": 2.0, "text": "Willkommen zum Testvideo."},
                                   {"start": 2.0, "end": 4.0, "text": "Hier sehen Sie eine blaue Fläche."}])
            db.session.commit()
    return True


@pytest.fixture
def blocked_youtube(page):
    """Even after consent the test never reaches YouTube: the request is recorded, then aborted."""
    page.route("https://www.youtube-nocookie.com/**", lambda route: route.abort())
    return page


def test_demo_video_consent_notice_and_transcript_seek(videos, base_url, page, third_party_requests,
                                                       blocked_youtube):
    page.goto(f"{base_url}/videos/hcWlanPw01a")
    page.wait_for_load_state("networkidle")
    assert third_party_requests == []
    assert page.locator("iframe").count() == 0
    page.get_by_role("button", name="Video laden").click()
    notice = page.locator("[data-video-offline]")
    expect(notice).to_be_visible()
    expect(notice.locator("[data-offline-demo]")).to_be_visible()
    assert page.locator("iframe").count() == 0
    cue = page.locator("[data-cue][data-seek='34']")
    cue.click()
    expect(page).to_have_url(f"{base_url}/videos/hcWlanPw01a?t=34")
    expect(cue).to_have_class("video-seek video-cue is-active")
    expect(notice.locator("[data-video-position]")).to_have_text("0:34")
    page.locator("[data-chapter][data-seek='64']").click()
    expect(page).to_have_url(f"{base_url}/videos/hcWlanPw01a?t=64")
    expect(page.locator("[data-chapter][data-seek='64']")).to_have_attribute("aria-current", "true")
    assert third_party_requests == []


def test_start_parameter_highlights_the_cue(videos, base_url, page, third_party_requests):
    page.goto(f"{base_url}/videos/hcWlanPw01a?t=40")
    expect(page.locator("[data-cue][data-seek='39']")).to_have_attribute("aria-current", "true")
    expect(page.locator("[data-video-start-label]")).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert third_party_requests == []


def test_youtube_iframe_only_after_click_from_nocookie_domain(videos, base_url, page, third_party_requests,
                                                              blocked_youtube):
    page.add_init_script(ONLINE)  # the browser says it is online; YouTube itself is blocked (aborted) here
    page.goto(f"{base_url}/videos/abcDEF12345?t=60")
    page.wait_for_load_state("networkidle")
    assert third_party_requests == [] and page.locator("iframe").count() == 0
    assert page.evaluate("() => window.localStorage.length") == 0
    page.get_by_role("button", name="Video laden").click()
    frame = page.locator("iframe.video-player__frame")
    expect(frame).to_have_count(1)
    src = frame.get_attribute("src")
    assert src.startswith("https://www.youtube-nocookie.com/embed/abcDEF12345?start=60&autoplay=1")
    page.wait_for_timeout(300)
    assert third_party_requests and all(u.startswith("https://www.youtube-nocookie.com/")
                                        for u in third_party_requests)
    # YouTube unreachable: the silent frame gives way to a clear notice, not a broken frame
    expect(page.locator("[data-offline-network]")).to_be_visible(timeout=12000)
    expect(page.locator("iframe")).to_have_count(0)
    page.locator("[data-cue][data-seek='90']").click()
    expect(page).to_have_url(f"{base_url}/videos/abcDEF12345?t=90")
    expect(page.locator("[data-video-offline] [data-video-position]")).to_have_text("1:30")
    assert page.evaluate("() => window.localStorage.getItem('hc-video-consent')") is None


def test_offline_browser_gets_the_notice_instead_of_a_frame(videos, base_url, page, third_party_requests):
    page.goto(f"{base_url}/videos/abcDEF12345")
    page.wait_for_load_state("networkidle")
    page.context.set_offline(True)
    try:
        page.get_by_role("button", name="Video laden").click()
        expect(page.locator("[data-offline-network]")).to_be_visible()
        expect(page.locator("iframe")).to_have_count(0)
    finally:
        page.context.set_offline(False)
    assert third_party_requests == []


def test_always_load_is_remembered_only_when_ticked(videos, base_url, page, blocked_youtube):
    page.goto(f"{base_url}/videos/abcDEF12345")
    page.get_by_label("Videos immer laden").check()
    page.get_by_role("button", name="Video laden").click()
    assert page.evaluate("() => window.localStorage.getItem('hc-video-consent')") == "1"
    page.goto(f"{base_url}/videos/abcDEF12345")
    expect(page.locator("[data-video-consent]")).to_be_hidden()
    expect(page.get_by_label("Videos immer laden")).to_be_checked()


def test_self_hosted_video_seeks_from_transcript(videos, base_url, page, third_party_requests):
    page.goto(f"{base_url}/videos/tiny")
    video = page.locator("video")
    expect(video).to_have_count(1)
    assert page.locator("track[kind='captions']").get_attribute("src").endswith("/videos/tiny/untertitel/0.vtt")
    page.locator("[data-cue][data-seek='2']").click()
    expect(page).to_have_url(f"{base_url}/videos/tiny?t=2")
    page.wait_for_function("() => document.querySelector('video').currentTime >= 1.9")
    page.wait_for_load_state("networkidle")
    assert third_party_requests == []


def test_unticking_always_load_forgets_the_consent(videos, base_url, page, third_party_requests, blocked_youtube):
    page.add_init_script(ONLINE)
    page.goto(f"{base_url}/videos/abcDEF12345")
    always = page.get_by_label("Videos immer laden")
    always.check()
    page.get_by_role("button", name="Video laden").click()
    assert page.evaluate("() => window.localStorage.getItem('hc-video-consent')") == "1"
    page.reload()
    expect(page.get_by_label("Videos immer laden")).to_be_checked()
    page.get_by_label("Videos immer laden").uncheck()
    assert page.evaluate("() => window.localStorage.getItem('hc-video-consent')") is None
    third_party_requests.clear()
    page.reload()
    page.wait_for_load_state("networkidle")
    expect(page.locator("[data-video-consent]")).to_be_visible()
    expect(page.get_by_label("Videos immer laden")).not_to_be_checked()
    assert page.locator("iframe").count() == 0 and third_party_requests == []


def test_article_with_an_embedded_video_requests_nothing_from_third_parties(videos, base_url, page,
                                                                            third_party_requests, blocked_youtube):
    page.add_init_script(ONLINE)
    page.goto(f"{base_url}/artikel/modem-mit-video")
    page.wait_for_load_state("networkidle")
    player = page.locator("[data-video-player][data-video-id='abcDEF12345']")
    expect(player).to_have_attribute("data-start", "60")
    assert page.evaluate("() => typeof window.hcVideo") == "object"  # the embed's (hashed) script ran
    assert page.locator("iframe").count() == 0 and third_party_requests == []
    player.get_by_role("button", name="Video laden").click()
    expect(player.locator("iframe")).to_have_count(1)
    assert player.locator("iframe").get_attribute("src").startswith(
        "https://www.youtube-nocookie.com/embed/abcDEF12345?start=60")
    assert all(u.startswith("https://www.youtube-nocookie.com/") for u in third_party_requests)
