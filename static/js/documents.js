// The page of a document being made: ask its status address every few seconds (it reads the
// document's row alone, where the document's own address would gather the whole content again)
// and open the document once it is no longer being made: ready, it opens; failed, the page says
// what failed. An address that lapsed or is refused (404) also goes back to the document, whose
// address decides again. Without JavaScript the page's link asks again.
(function () {
  "use strict";
  var status = document.getElementById("dokumentstatus");
  if (!status) {
    return;
  }
  var url = status.getAttribute("data-document-url");
  var statusUrl = status.getAttribute("data-status-url");
  var seconds = Number(status.getAttribute("data-seconds")) || 3;

  function ask() {
    fetch(statusUrl, {
      credentials: "same-origin",
      cache: "no-store",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        if (response.status === 202) {
          window.setTimeout(ask, seconds * 1000);
        } else {
          window.location.replace(url);
        }
      })
      .catch(function () {
        window.setTimeout(ask, seconds * 1000);
      });
  }

  window.setTimeout(ask, seconds * 1000);
})();
