// The page of a document being made: ask its own address every few seconds (HEAD, so no file
// is sent twice) and open the document once it answers 200; a failure reloads the page, which
// then says what failed. Without JavaScript the page's link asks again.
(function () {
  "use strict";
  var status = document.getElementById("dokumentstatus");
  if (!status) {
    return;
  }
  var url = status.getAttribute("data-document-url");
  var seconds = Number(status.getAttribute("data-seconds")) || 3;

  function ask() {
    fetch(url, { method: "HEAD", credentials: "same-origin", cache: "no-store" })
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
