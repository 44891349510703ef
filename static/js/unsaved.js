/* A form marked data-warn-unsaved that someone has typed in asks before the page is left
   (the browser's own "leave the page?" dialog, through beforeunload). Sending the form, or
   htmx replacing it (a cell editor saved or cancelled), ends the warning; a form that came
   back with its text not saved (data-warn-unsaved="kept": an error, a conflict) warns from
   the start. No inline code: the CSP forbids it. */
(function () {
  "use strict";

  var changed = new Set(); // forms with text not sent
  var sent = new Set();    // forms sent with htmx, waiting for the answer

  function markedForm(target) {
    var form = target && target.form ? target.form : null;
    if (!form && target && target.closest) { form = target.closest("form"); }
    return form && form.hasAttribute("data-warn-unsaved") ? form : null;
  }

  function hasText(form) {
    return Array.prototype.some.call(form.elements, function (field) {
      var typed = field.tagName === "TEXTAREA" ||
        (field.tagName === "INPUT" && /^(text|search|email|url|tel|number|date)$/.test(field.type));
      return typed && field.value.trim() !== "";
    });
  }

  function findKept() {
    sent.forEach(function (form) { if (!form.isConnected) { sent.delete(form); } });
    Array.prototype.forEach.call(
      document.querySelectorAll('form[data-warn-unsaved="kept"]'),
      function (form) { if (hasText(form)) { changed.add(form); } }
    );
  }

  document.addEventListener("input", function (event) {
    var form = markedForm(event.target);
    if (form) { changed.add(form); }
  });
  document.addEventListener("change", function (event) {
    var form = markedForm(event.target);
    if (form) { changed.add(form); }
  });

  // Capture: a form's own submit handler (htmx's) may stop the event from reaching here.
  document.addEventListener("submit", function (event) {
    if (changed.delete(event.target)) { sent.add(event.target); }
  }, true);

  // An htmx answer that did not arrive or was refused leaves the text where it was.
  function unsent(event) {
    var form = markedForm(event.detail && event.detail.elt);
    if (form && sent.delete(form)) { changed.add(form); }
  }
  document.addEventListener("htmx:responseError", unsent);
  document.addEventListener("htmx:sendError", unsent);
  document.addEventListener("htmx:afterSettle", findKept);

  window.addEventListener("beforeunload", function (event) {
    var unsaved = false;
    changed.forEach(function (form) {
      if (form.isConnected) {
        unsaved = true;
      } else {
        changed.delete(form);
      }
    });
    if (unsaved) {
      event.preventDefault();
      event.returnValue = ""; // older browsers show the dialog only with a return value
    }
  });

  findKept();
})();
