// The action list's in-place cell editors: Escape cancels, Enter saves (Shift+Enter makes a
// new line in a long text). htmx makes the requests; this file only maps the keys, because
// htmx's key filters (keyup[key=='Escape']) need eval, which the CSP and htmx-config forbid.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var form = target && target.closest ? target.closest("form[data-cell-editor]") : null;
    if (!form || event.isComposing) {
      return;
    }
    if (event.key === "Escape") {
      var cancel = form.querySelector("[data-cancel]");
      if (cancel) {
        event.preventDefault();
        cancel.click();
      }
      return;
    }
    var plainEnter = event.key === "Enter" && !event.shiftKey && !event.altKey &&
      !event.ctrlKey && !event.metaKey;
    if (plainEnter && (target.tagName === "TEXTAREA" || target.tagName === "SELECT")) {
      // An input submits its form on Enter by itself; a text area and a select do not.
      event.preventDefault();
      form.requestSubmit();
    }
  });
})();
