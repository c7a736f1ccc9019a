// Names for what the admin's widgets leave unnamed, so that a screen reader says what each is:
// the search boxes (select2) of the autocomplete choices, and the icons of the two-list choices.
// The fields of inline rows are named on the server (plans/admin/rules.py).
(function () {
  "use strict";

  function labelOf(select) {
    const label = select.id && document.querySelector('label[for="' + select.id + '"]');
    const text = label ? label.textContent : select.getAttribute("aria-label") || "";
    return text.replace(/:\s*$/, "").trim();
  }

  function nameWidgets() {
    document.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      const container = select.nextElementSibling;
      const name = labelOf(select);
      if (!name || !container || !container.classList.contains("select2")) return;
      container.querySelectorAll('[role="combobox"], [role="textbox"], .select2-search__field').forEach(function (el) {
        if (el.getAttribute("aria-label") !== name) el.setAttribute("aria-label", name);
      });
    });
    document.querySelectorAll(".selector .help-tooltip[aria-label]").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    nameWidgets();
    // Rows added to an inline, and choices select2 draws anew, are named as they appear.
    let pending = false;
    new MutationObserver(function () {
      if (pending) return;
      pending = true;
      window.requestAnimationFrame(function () { pending = false; nameWidgets(); });
    }).observe(document.body, { childList: true, subtree: true });
  });
  window.addEventListener("load", nameWidgets);
})();
