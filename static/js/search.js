/* The header's search field as a combobox (the WAI-ARIA APG's "combobox with listbox
   popup"). htmx fetches the first hits as one types (templates/search/suggestions.html);
   here the arrow keys move a highlight through them while focus stays in the field
   (aria-activedescendant), Enter opens the highlighted hit (without one it sends the form
   as before), Esc closes the list before it lets the browser clear the text. A short status
   says how many hits came, once per new answer, instead of the whole list being read out.
   The list shows while one types or clicks in the field, not when focus comes back to the
   Sök button. No inline code: the CSP forbids it. */
(function () {
  "use strict";

  var field = document.getElementById("site-search-q");
  var popup = document.getElementById("site-search-suggest");
  var status = document.getElementById("site-search-status");
  if (!field || !popup || !status) { return; }
  var form = field.form;
  var active = -1; // the highlighted option's index, -1 for none

  function options() {
    return popup.querySelectorAll('[role="option"]');
  }

  function highlight(index) {
    var all = options();
    active = index >= 0 && index < all.length ? index : -1;
    Array.prototype.forEach.call(all, function (option, i) {
      option.setAttribute("aria-selected", i === active ? "true" : "false");
    });
    if (active < 0) {
      field.removeAttribute("aria-activedescendant");
    } else {
      field.setAttribute("aria-activedescendant", all[active].id);
      all[active].scrollIntoView({ block: "nearest" });
    }
  }

  function isOpen() {
    return !popup.hidden && popup.firstElementChild !== null;
  }

  // Shown when there is something to show ("Inga träffar." too); expanded only with hits.
  function open() {
    popup.hidden = popup.firstElementChild === null;
    field.setAttribute("aria-expanded", !popup.hidden && options().length ? "true" : "false");
  }

  function close() {
    highlight(-1);
    popup.hidden = true;
    field.setAttribute("aria-expanded", "false");
  }

  // The status changes only when its text does: the same count after another key is not
  // read out again.
  function say() {
    var source = popup.querySelector("[data-status]");
    var text = source ? source.getAttribute("data-status") : "";
    if (status.textContent !== text) { status.textContent = text; }
  }

  field.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.isComposing) { return; }
    var all = options();
    switch (event.key) {
      case "ArrowDown":
      case "ArrowUp":
        if (!all.length) { return; }
        event.preventDefault(); // the caret stays where it is
        if (!isOpen()) { open(); }
        // From the field to the first (or, upwards, the last); past the end it wraps.
        var step = event.key === "ArrowDown" ? 1 : -1;
        highlight(active < 0 ? (step > 0 ? 0 : all.length - 1)
          : (active + step + all.length) % all.length);
        break;
      case "Enter":
        if (active >= 0 && isOpen()) {
          event.preventDefault(); // not the form: the highlighted hit
          all[active].click();
        }
        break;
      case "Escape":
        if (isOpen()) {
          event.preventDefault(); // the browser would clear the text; that is the next Esc
          close();
        }
        break;
      case "Home":
      case "End":
      case "ArrowLeft":
      case "ArrowRight":
        highlight(-1); // back to the text, where the key moves the caret
        break;
    }
  });

  // Esc on the "Visa alla" link (reached with Tab) closes the list too, back in the field.
  form.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && event.target !== field && popup.contains(event.target)) {
      event.preventDefault();
      close();
      field.focus();
    }
  });

  field.addEventListener("input", function () {
    highlight(-1);
    open();
  });
  field.addEventListener("click", open);

  // A click on a hit keeps focus in the field (so the list does not close under the
  // pointer in browsers that do not focus links); the click itself still follows the link.
  popup.addEventListener("mousedown", function (event) { event.preventDefault(); });

  form.addEventListener("focusin", function (event) {
    if (event.target !== field && !popup.contains(event.target)) { close(); } // Sök
  });
  form.addEventListener("focusout", function (event) {
    if (!form.contains(event.relatedTarget)) {
      close();
    } else if (event.target === field) {
      highlight(-1);
    }
  });

  // A new answer: no highlight; shown and counted if one is still in the field.
  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (!event.detail || event.detail.target !== popup) { return; }
    if (document.activeElement === field) {
      highlight(-1);
      open();
      say();
    } else {
      close();
    }
  });

  // Back from a hit (the page from the browser's cache): the list as if just arrived.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { close(); }
  });
})();
