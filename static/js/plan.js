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
