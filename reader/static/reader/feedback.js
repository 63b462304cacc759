// "Help shape what we cover next": anonymous feedback through the submitFeedback mutation,
// with the API's errors shown next to the field they concern.
import { graphql } from "./graphql.js";
import { labels } from "./labels.js";
import { h } from "./dom.js";

export function feedbackForm({ config, lang, slug }) {
  const L = labels(lang);
  const errors = {};
  const field = (name, label, control) => {
    errors[name] = h("p", { class: "field-error", id: `feedback-${name}-error`, hidden: true });
    return h("div", { class: "field" }, h("label", { for: control.id }, label), control, errors[name]);
  };
  const kind = h("select", { id: "feedback-kind", name: "kind" },
    Object.entries(L.feedbackKinds).map(([value, text]) => h("option", { value }, text)));
  const message = h("textarea", { id: "feedback-message", name: "message", rows: "4", maxlength: "2000" });
  const website = h("input", { id: "feedback-website", name: "website", tabindex: "-1", autocomplete: "off" });
  const button = h("button", { type: "submit" }, L.send);
  const formError = h("p", { class: "form-error", role: "alert" });
  const done = h("p", { class: "form-status", role: "status" });
  const form = h("form", { class: "feedback-form", novalidate: true },
    field("kind", L.kindLabel, kind),
    field("message", L.message, message),
    h("div", { class: "hp", "aria-hidden": "true" }, h("label", { for: website.id }, L.honeypot), website),
    button, formError, done);

  const clear = () => {
    formError.textContent = "";
    for (const [name, element] of Object.entries(errors)) {
      element.hidden = true;
      element.textContent = "";
      form.elements[name].removeAttribute("aria-invalid");
      form.elements[name].removeAttribute("aria-describedby");
    }
  };
  const show = (error) => {
    const general = [];
    for (const problem of error.errors || [{ message: L.sendFailed }]) {
      const extensions = problem.extensions || {};
      if (extensions.code === "THROTTLED") general.push(L.throttled(extensions.retryAfter));
      else if (extensions.code === "BAD_USER_INPUT" && extensions.fields) {
        for (const [name, messages] of Object.entries(extensions.fields)) {
          if (!errors[name]) {
            general.push(...messages);
            continue;
          }
          errors[name].textContent = messages.join(" ");
          errors[name].hidden = false;
          form.elements[name].setAttribute("aria-invalid", "true");
          form.elements[name].setAttribute("aria-describedby", errors[name].id);
        }
      } else general.push(problem.message || L.sendFailed);
    }
    formError.textContent = general.join(" ");
    form.querySelector("[aria-invalid]")?.focus();
  };

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clear();
    done.textContent = L.sending;
    button.disabled = true;
    const input = { kind: kind.value, message: message.value, language: lang.toUpperCase(), website: website.value };
    if (slug) input.articleSlug = slug;
    try {
      await graphql(config.graphqlUrl, config.documents.feedback, { input }, { post: true });
      message.value = "";
      done.textContent = L.thanks;
    } catch (error) {
      done.textContent = "";
      show(error);
    } finally {
      button.disabled = false;
    }
  });

  return h("section", { class: "card feedback", "aria-labelledby": "feedback-title" },
    h("h2", { id: "feedback-title" }, L.feedbackTitle),
    h("p", {}, L.feedbackIntro),
    form);
}
