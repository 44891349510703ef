/* Wide tables scroll sideways inside their own region (.table-wrap). Where a table is wider
   than its region, a hint above it says so, and the table names the hint for screen readers
   (aria-describedby); the hint goes when the table fits again. No inline code: the CSP
   forbids it. */
(function () {
  "use strict";

  var lang = document.documentElement.lang === "en" ? "en" : "sv";
  var TEXT = {
    sv: "Tabellen är bredare än skärmen: svep eller rulla i sidled för att se alla kolumner.",
    en: "The table is wider than the screen: swipe or scroll sideways to see all columns."
  }[lang];
  var made = 0;

  // The element a screen reader is on when it meets the table: the focusable region, or
  // the table itself where the wrapper is a plain box.
  function described(wrap) {
    return wrap.getAttribute("role") === "region" ? wrap : wrap.querySelector("table") || wrap;
  }

  function setDescribed(element, id, on) {
    var ids = (element.getAttribute("aria-describedby") || "").split(/\s+/).filter(function (x) {
      return x && x !== id;
    });
    if (on) { ids.push(id); }
    if (ids.length) {
      element.setAttribute("aria-describedby", ids.join(" "));
    } else {
      element.removeAttribute("aria-describedby");
    }
  }

  function hintOf(wrap) {
    var before = wrap.previousElementSibling;
    return before && before.classList.contains("scroll-hint") ? before : null;
  }

  function update(wrap) {
    var wide = wrap.scrollWidth > wrap.clientWidth + 1;
    var hint = hintOf(wrap);
    if (!hint) {
      if (!wide) { return; }
      made += 1;
      hint = document.createElement("p");
      hint.className = "scroll-hint";
      hint.id = "scroll-hint-" + made;
      var arrow = document.createElement("span");
      arrow.className = "scroll-hint__arrow";
      arrow.setAttribute("aria-hidden", "true");
      arrow.textContent = "↔";
      hint.appendChild(arrow);
      hint.appendChild(document.createTextNode(" " + TEXT));
      wrap.parentNode.insertBefore(hint, wrap);
    }
    hint.hidden = !wide;
    setDescribed(described(wrap), hint.id, wide);
  }

  var observer = "ResizeObserver" in window ? new ResizeObserver(function (entries) {
    entries.forEach(function (entry) {
      var wrap = entry.target.closest(".table-wrap");
      if (wrap) { update(wrap); }
    });
  }) : null;

  // Every wrapper on the page, and the table in it, is observed for changes of size (a
  // turned phone, a cell's editor opening); observing one twice changes nothing.
  function watchAll() {
    Array.prototype.forEach.call(document.querySelectorAll(".table-wrap"), function (wrap) {
      update(wrap);
      if (observer) {
        observer.observe(wrap);
        var table = wrap.querySelector("table");
        if (table) { observer.observe(table); }
      }
    });
  }

  watchAll();
  if (!observer) {
    window.addEventListener("resize", watchAll);
  }
  // Tables that htmx swaps in (a filtered list, a page of results).
  document.body.addEventListener("htmx:afterSettle", watchAll);
})();
