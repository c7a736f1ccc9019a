// Runs before htmx initialises (both are deferred, in this order): htmx would otherwise add an
// inline <style> for its indicators, which the Content-Security-Policy refuses.
window.htmx.config.includeIndicatorStyles = false;

// A refused change (400) answers with the page and the reason on it: swap it in like a saved
// one, so a move refused in place says why where the item is.
window.htmx.config.responseHandling = [
  { code: "400", swap: true },
  ...window.htmx.config.responseHandling,
];

// The plan editor answers an action done in place with where the keyboard lands: the item
// added or moved, the button pressed, the form that opened, or why it was refused
// (plans/workbench/plan_editor.py sends HX-Trigger-After-Settle {"fokusera": {"id": …}}).
document.body.addEventListener("fokusera", (event) => {
  const target = document.getElementById(event.detail.id);
  if (target === null) return;
  if (!target.matches("a, button, input, select, textarea, [tabindex]")) {
    target.setAttribute("tabindex", "-1");
  }
  target.focus();
});

// A plan too large to show at once opens one top focus area at a time (plans/views.py
// `_area_links`). Opened or closed in place, the keyboard lands on the area's heading.
let landing = null;
document.body.addEventListener("htmx:beforeRequest", (event) => {
  const link = event.target;
  landing = link.matches("a.area-toggle") ? new URL(link.href).hash.slice(1) : null;
});
document.body.addEventListener("htmx:afterSettle", () => {
  const heading = landing === null ? null : document.getElementById(`${landing}-rubrik`);
  landing = null;
  if (heading === null) return;
  heading.setAttribute("tabindex", "-1");
  heading.focus();
});

// A link to a measure or sub-area inside a closed area lands on the area (its anchors are
// there); with JavaScript the area opens, landing on the measure itself.
function openAreaHolding() {
  const id = decodeURIComponent(window.location.hash.slice(1));
  const inside = id ? document.getElementById(id) : null;
  if (inside === null || !inside.matches(".anchor-inside")) return;
  const toggle = inside.closest("section").querySelector("a.area-toggle");
  window.location.replace(toggle.href.split("#")[0] + window.location.hash);
}
openAreaHolding();
window.addEventListener("hashchange", openAreaHolding);
