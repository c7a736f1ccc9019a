// Runs before htmx initialises (both are deferred, in this order): htmx would otherwise add an
// inline <style> for its indicators, which the Content-Security-Policy refuses.
window.htmx.config.includeIndicatorStyles = false;
