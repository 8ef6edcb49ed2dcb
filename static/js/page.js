/* On every page: move the focus to the error summary, so that errors are announced at once. */
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (summary) { summary.focus(); }
})();
