// Names for what the admin's widgets leave unnamed, so that a screen reader says what each is:
// the search boxes (select2) of the autocomplete choices, and the icons of the two-list choices;
// and a list select2 fills with something other than items is put right.
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
    // select2 draws a multiple choice's "remove all" cross inside its list of choices, where a
    // list may hold only items: it goes just after the list, inside the same box (select2 finds
    // and removes it there when it draws anew, and its click is heard on the box).
    document.querySelectorAll(".select2-selection__rendered > .select2-selection__clear").forEach(function (cross) {
      cross.parentNode.after(cross);
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
