// Runs before htmx initialises (both are deferred, in this order): htmx would otherwise add an
// inline <style> for its indicators, which the Content-Security-Policy refuses.
window.htmx.config.includeIndicatorStyles = false;

// A refused change (400) answers with the page and the reason on it: swap it in like a saved
// one, so a move refused in place says why where the item is.
window.htmx.config.responseHandling = [
  { code: "400", swap: true },
  ...window.htmx.config.responseHandling,
];
