// The preview beside an entry's form follows the editor's typing, without saving: at the first
// change, then after each pause in typing, the form is posted to the live preview (which answers what the reader's
// preview query would answer once saved), and the frame beside the form is told by
// postMessage, to its own origin only, since the message carries unpublished text.
//
// The message: {type: "ainews:preview", slug, language, answers: {<code>: <data of
// reader/documents/entry_preview.graphql in that language>}}. ``language`` is the one the
// editor is typing in. A frame that posts {type: "ainews:preview-ready"} to this page (from
// its own origin) is sent the last update again.
"use strict";
{
  const PAUSE_MS = 250; // typing pauses this long before the preview is asked for

  function start() {
    const configElement = document.getElementById("live-preview-config");
    const frame = document.getElementById("side-preview-frame");
    const form = document.getElementById("article_form");
    if (!configElement || !frame || !form) return;
    const config = JSON.parse(configElement.textContent);
    // The reader site is the desk's own origin; a frontend of PREVIEW_URL_TEMPLATE has its own.
    const targetOrigin = config.targetOrigin || window.location.origin;
    const status = document.getElementById("live-preview-status");
    let language = config.language;
    let timer = null;
    let inFlight = null;
    let latest = null; // the last update sent, for a frame that (re)loads after it

    window.addEventListener("message", (event) => {
      const ready = event.source === frame.contentWindow && event.origin === targetOrigin;
      if (ready && event.data?.type === "ainews:preview-ready" && latest) {
        frame.contentWindow.postMessage(latest, targetOrigin);
      }
    });

    const say = (text, error = false) => {
      status.textContent = text;
      status.classList.toggle("error", error);
    };

    /** The language of the translation a field belongs to, if it belongs to one. */
    const languageOf = (field) => {
      const row = field.closest(".inline-related");
      const select = row?.querySelector('select[name^="translations-"][name$="-language"]');
      return select?.value || null;
    };

    async function update() {
      inFlight?.abort(); // an answer to an older form would only be replaced
      const controller = new AbortController();
      inFlight = controller;
      say(config.words.updating);
      let response;
      try {
        response = await fetch(config.url, {
          method: "POST",
          body: new FormData(form),
          credentials: "same-origin",
          signal: controller.signal,
          headers: { Accept: "application/json" },
        });
      } catch (error) {
        if (error.name !== "AbortError") say(config.words.failed, true);
        return;
      }
      const answer = await response.json().catch(() => ({ errors: [config.words.failed] }));
      if (controller !== inFlight) return;
      inFlight = null;
      if (response.status === 429) {
        const wait = Number(response.headers.get("Retry-After") || "1");
        say(config.words.waiting);
        timer = setTimeout(update, wait * 1000);
        return;
      }
      if (!response.ok) {
        say(config.words.refused.replace("%(reasons)s", (answer.errors || []).join(" ")), true);
        return;
      }
      latest = { type: "ainews:preview", slug: answer.slug, language, answers: answer.answers };
      frame.contentWindow.postMessage(latest, targetOrigin);
      say(config.words.updated.replace("%(time)s", new Date().toLocaleTimeString(document.documentElement.lang)));
    }

    // The first change after a quiet moment is sent at once; while the editor keeps typing,
    // the form is sent once they pause.
    let lastChange = 0;
    const changed = (event) => {
      language = languageOf(event.target) || language;
      const now = performance.now();
      const quiet = now - lastChange > PAUSE_MS && !inFlight;
      lastChange = now;
      clearTimeout(timer);
      timer = setTimeout(update, quiet ? 0 : PAUSE_MS);
    };
    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
  }

  document.addEventListener("DOMContentLoaded", start);
}
