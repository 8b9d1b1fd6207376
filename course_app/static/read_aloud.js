// Read-aloud for lessons without a recording: the browser's own speech synthesis, nothing
// sent anywhere. The control stays hidden unless the browser has a voice for the lesson's
// language. Reads one sentence at a time and marks the sentence being read.
(function () {
  "use strict";
  var control = document.querySelector("[data-read-aloud]");
  var synth = window.speechSynthesis;
  if (!control || !synth || typeof window.SpeechSynthesisUtterance !== "function") return;

  var lang = (control.getAttribute("data-lang") || "en").toLowerCase();
  var root = document.querySelector(control.getAttribute("data-read-aloud"));
  var play = control.querySelector("[data-ra-play]");
  var stop = control.querySelector("[data-ra-stop]");
  var speed = control.querySelector("[data-ra-speed]");
  var status = control.querySelector("[data-ra-status]");
  var BLOCKS = "h1, h2, h3, h4, p, li, dt, dd, figcaption, th, td";
  var SKIP = ".check, [data-read-aloud], .breadcrumbs, .handout-link, .meta, script, style";
  var HIGHLIGHT = "read-aloud";
  var voice = null;
  var sentences = [];
  var current = -1;
  var state = "idle"; // idle, playing, paused

  function pickVoice() {
    var voices = synth.getVoices() || [];
    var exact = null, close = null;
    voices.forEach(function (v) {
      var code = (v.lang || "").toLowerCase().replace("_", "-");
      if (code.split("-")[0] !== lang.split("-")[0]) return;
      if (!close) close = v;
      if (!exact && (v.localService || v["default"])) exact = v;
    });
    voice = exact || close;
    control.hidden = !voice;
  }

  function blocks() {
    return Array.prototype.filter.call(root.querySelectorAll(BLOCKS), function (el) {
      if (el.closest(SKIP)) return false;
      return !el.querySelector(BLOCKS); // a list item holding paragraphs: read the paragraphs
    });
  }

  // Each sentence of a block as a Range over its text nodes, so it can be highlighted.
  function sentencesOf(el) {
    var walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    var nodes = [], text = "", node;
    while ((node = walker.nextNode())) {
      nodes.push({ node: node, start: text.length });
      text += node.nodeValue;
    }
    var found = [], pattern = /[^.!?]+(?:[.!?]+["')\]]*|$)/g, match;
    function point(offset) {
      for (var i = nodes.length - 1; i >= 0; i--) {
        if (offset >= nodes[i].start) return [nodes[i].node, Math.min(offset - nodes[i].start, nodes[i].node.nodeValue.length)];
      }
      return [nodes[0].node, 0];
    }
    while ((match = pattern.exec(text)) !== null) {
      if (!match[0]) { pattern.lastIndex++; continue; }
      var words = match[0].trim();
      if (!words) continue;
      var begin = match.index + match[0].indexOf(words.charAt(0));
      var range = document.createRange();
      var a = point(begin), b = point(begin + words.length);
      range.setStart(a[0], a[1]);
      range.setEnd(b[0], b[1]);
      found.push({ text: words, range: range, block: el });
    }
    return found;
  }

  function mark(sentence) {
    root.querySelectorAll(".ra-current").forEach(function (el) { el.classList.remove("ra-current"); });
    if (window.CSS && CSS.highlights && window.Highlight) {
      CSS.highlights.delete(HIGHLIGHT);
      if (sentence) CSS.highlights.set(HIGHLIGHT, new Highlight(sentence.range));
    }
    if (sentence) {
      sentence.block.classList.add("ra-current");
      var box = sentence.block.getBoundingClientRect();
      if (box.top < 0 || box.bottom > window.innerHeight) sentence.block.scrollIntoView({ block: "center" });
    }
  }

  function label(name) {
    play.textContent = control.getAttribute("data-label-" + name);
  }

  function say(index) {
    if (index >= sentences.length) { finish(); return; }
    current = index;
    var utterance = new SpeechSynthesisUtterance(sentences[index].text);
    utterance.lang = voice ? voice.lang : lang;
    if (voice) utterance.voice = voice;
    utterance.rate = parseFloat(speed.value) || 1;
    utterance.onend = function () { if (state === "playing" && current === index) say(index + 1); };
    utterance.onerror = function () { if (state !== "idle") finish(); };
    mark(sentences[index]);
    synth.speak(utterance);
  }

  function finish() {
    state = "idle";
    current = -1;
    synth.cancel();
    mark(null);
    label("listen");
    stop.hidden = true;
    status.textContent = "";
  }

  play.addEventListener("click", function () {
    if (state === "playing") {
      state = "paused";
      synth.pause();
      label("resume");
      status.textContent = control.getAttribute("data-label-paused");
    } else if (state === "paused") {
      state = "playing";
      synth.resume();
      label("pause");
      status.textContent = "";
    } else {
      sentences = [];
      blocks().forEach(function (el) { sentences = sentences.concat(sentencesOf(el)); });
      if (!sentences.length) return;
      state = "playing";
      synth.cancel();
      label("pause");
      stop.hidden = false;
      say(0);
    }
  });
  stop.addEventListener("click", function () { finish(); play.focus(); });
  // A new speed applies from the next sentence; restart the current one at once.
  speed.addEventListener("change", function () {
    if (state === "playing" && current >= 0) { var at = current; current = -1; synth.cancel(); say(at); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && state !== "idle") finish();
  });
  window.addEventListener("pagehide", function () { synth.cancel(); });

  pickVoice();
  if (typeof synth.addEventListener === "function") synth.addEventListener("voiceschanged", pickVoice);
  else synth.onvoiceschanged = pickVoice;
})();
