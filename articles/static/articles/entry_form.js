// The entry's page in the admin: the slug follows the English title until the editor types
// one, and the scorecard's rating dropdowns offer only the chosen framework's levels.
"use strict";
{
  let config = {};

  /** The title box of the translation in ``language`` (its row's language select says it). */
  function titleIn(language) {
    for (const select of document.querySelectorAll('select[name^="translations-"][name$="-language"]')) {
      if (select.value === language && !select.closest(".empty-form")) {
        return document.getElementsByName(select.name.replace(/-language$/, "-title"))[0] || null;
      }
    }
    return null;
  }

  /** The slug is made from the default language's title while the entry has never been
   * public and the slug is empty or still the one made from the title; typing a slug by hand
   * stops it. A live entry's slug never changes by itself. */
  function slugFollowsTitle() {
    const slug = document.getElementById("id_slug");
    const title = titleIn(config.defaultLanguage);
    if (!config.slugFollowsTitle || !slug || !title || typeof URLify !== "function") return;
    const made = () => URLify(title.value, slug.maxLength > 0 ? slug.maxLength : 50, false);
    let following = slug.value === "" || slug.value === made();
    slug.addEventListener("input", () => { following = slug.value === ""; });
    title.addEventListener("input", () => {
      if (following) slug.value = made();
    });
  }

  /** Rating dropdowns show the levels and categories of the framework chosen above them. */
  function ratingsFollowFramework() {
    const framework = document.querySelector('select[name^="scorecard-"][name$="-framework"]');
    if (!framework) return;
    const apply = () => {
      const chosen = framework.value;
      for (const option of document.querySelectorAll("#scorecard_ratings-group option[data-framework]")) {
        const other = chosen !== "" && option.dataset.framework !== chosen;
        option.hidden = other;
        option.disabled = other;
      }
    };
    framework.addEventListener("change", apply);
    // Rows added with "Add another" are copies of the empty row: filter them too.
    document.addEventListener("formset:added", apply);
    apply();
  }

  // Loaded in the page's head: the form and its settings come after.
  document.addEventListener("DOMContentLoaded", () => {
    config = JSON.parse(document.getElementById("entry-form-config")?.textContent || "{}");
    slugFollowsTitle();
    ratingsFollowFramework();
  });
}
