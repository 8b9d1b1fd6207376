"""Read-aloud: the Listen button speaks the lesson text with the browser's own voice, in the
lesson's language, a sentence at a time with that sentence marked; keyboard only; hidden when
the browser has no voice for the language. speechSynthesis is stubbed in the page."""

from __future__ import annotations

from tests.browser.conftest import checked, go

LESSON = "/courses/tiny-bilingual/lessons/first-lesson"
STUB = """
(() => {
  const voices = %s;
  let current = null;
  window.__spoken = []; window.__calls = [];
  const stub = {
    getVoices: () => voices,
    speak(u) { window.__spoken.push({text: u.text, lang: u.lang, rate: u.rate}); current = u; },
    cancel() { window.__calls.push('cancel'); current = null; },
    pause() { window.__calls.push('pause'); },
    resume() { window.__calls.push('resume'); },
    addEventListener() {},
  };
  window.__finish = () => { const u = current; current = null; if (u && u.onend) u.onend(); };
  Object.defineProperty(window, 'speechSynthesis', {value: stub, configurable: true});
  window.SpeechSynthesisUtterance = function (text) { this.text = text; };
})();
"""
VOICES = (
    "[{lang: 'en-US', name: 'Stub English', localService: true},"
    " {lang: 'es-US', name: 'Stub Spanish', localService: true}]"
)


def spoken(page) -> list[dict]:
    return page.evaluate("() => window.__spoken")


def read_to_the_end(page) -> list[str]:
    for _ in range(100):
        before = len(spoken(page))
        page.evaluate("() => window.__finish()")
        if len(spoken(page)) == before:
            break
    return [s["text"] for s in spoken(page)]


def test_listen_speaks_the_lesson_text_with_the_keyboard(page, bilingual_course):
    page.add_init_script(STUB % VOICES)
    go(page, LESSON)
    assert page.get_by_role("button", name="Stop").is_hidden()  # until something plays
    listen = page.get_by_role("button", name="Listen")
    listen.focus()
    page.keyboard.press("Enter")
    first = spoken(page)[0]
    assert first == {"text": "Your genes", "lang": "en-US", "rate": 1}
    # The sentence being read is marked.
    assert page.evaluate("() => CSS.highlights.has('read-aloud')")
    assert page.locator(".ra-current").inner_text() == "Your genes"
    page.axe.check(page)  # the playing state
    pause = page.get_by_role("button", name="Pause")
    pause.focus()
    page.keyboard.press("Enter")
    assert "pause" in page.evaluate("() => window.__calls")
    page.get_by_role("button", name="Resume").press("Enter")
    assert "resume" in page.evaluate("() => window.__calls")
    page.get_by_label("Speed").select_option("1.25")
    assert spoken(page)[-1]["rate"] == 1.25
    texts = read_to_the_end(page)
    assert "A gene is a small part of you." in texts
    assert "It tells your body how to grow." in texts
    assert not any("Ana reads" in t for t in texts)  # knowledge checks are not read
    assert not any("Handout" in t or "Lesson 1 of" in t for t in texts)  # nor page furniture
    assert page.get_by_role("button", name="Listen").is_visible()  # back to the start
    page.screenshot(path="/tmp/shots/read_aloud_1280.png")


def test_a_spanish_lesson_is_read_with_a_spanish_voice(page, bilingual_course):
    page.add_init_script(STUB % VOICES)
    go(page, LESSON)
    with page.expect_navigation():
        page.get_by_role("button", name="Español").click()
    checked(page)
    page.get_by_role("button", name="Escuchar").click()
    assert spoken(page)[0] == {"text": "Sus genes", "lang": "es-US", "rate": 1}
    page.set_viewport_size({"width": 360, "height": 740})
    page.screenshot(path="/tmp/shots/read_aloud_es_360.png")
    page.axe.check(page)


def test_read_aloud_is_hidden_without_a_voice_for_the_lesson_language(page, bilingual_course):
    page.add_init_script(STUB % "[{lang: 'fr-FR', name: 'Stub French'}]")
    go(page, LESSON)
    assert page.locator("[data-read-aloud]").is_hidden()
