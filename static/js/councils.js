// Runs before htmx initialises (both are deferred, in this order): htmx would otherwise add an
// inline <style> for its indicators, which the Content-Security-Policy refuses.
window.htmx.config.includeIndicatorStyles = false;

// After an agenda item moves in place, the keyboard stays on it. htmx refocuses the pressed
// button by its id, but an item that reaches the top (or bottom) loses that button: focus its
// other move button then, so a keyboard user never lands back at the top of the page.
let movedButton = null;

document.addEventListener(
  "submit",
  (event) => {
    if (event.target.matches("form.move") && event.submitter) {
      movedButton = { id: event.submitter.id, item: event.target.dataset.item };
    }
  },
  true,
);

document.addEventListener("htmx:afterSwap", () => {
  if (movedButton === null) return;
  const { id, item } = movedButton;
  movedButton = null;
  const button =
    document.getElementById(id) ||
    document.getElementById(`upp-${item}`) ||
    document.getElementById(`ned-${item}`);
  if (button && document.activeElement !== button) button.focus();
});
