// The import preview: how many rows are ticked, and (on the combined plan's) how many per
// network, kept up to date as boxes change. Without this file the page says what the file
// holds and what is ticked by default; the sentences and the column it fills stay hidden.
(function () {
  "use strict";
  var form = document.getElementById("import-confirm");
  var live = document.getElementById("import-chosen");
  if (!form || !live) {
    return;
  }
  var sentences = [live].concat(Array.prototype.slice.call(
    document.querySelectorAll("[data-import-chosen]")));
  var cells = document.querySelectorAll("td[data-import-count]");

  function boxes() {
    return form.querySelectorAll('input[type="checkbox"][name="rows"]');
  }

  function sentence(element, n) {
    var text = n === 0 ? element.getAttribute("data-none") :
      element.getAttribute(n === 1 ? "data-one" : "data-other");
    return text.replace("{num}", String(n));
  }

  function update() {
    var ticked = 0;
    var perNetwork = {};
    Array.prototype.forEach.call(boxes(), function (box) {
      if (box.checked) {
        ticked += 1;
        var network = box.getAttribute("data-network");
        if (network) {
          perNetwork[network] = (perNetwork[network] || 0) + 1;
        }
      }
    });
    sentences.forEach(function (element) {
      var text = sentence(element, ticked);
      if (element.textContent !== text) {
        element.textContent = text;
      }
    });
    Array.prototype.forEach.call(cells, function (cell) {
      cell.textContent = String(perNetwork[cell.getAttribute("data-import-count")] || 0);
    });
  }

  update();
  sentences.forEach(function (element) { element.hidden = false; });
  Array.prototype.forEach.call(document.querySelectorAll("[data-import-count]"), function (el) {
    el.hidden = false;
  });
  form.addEventListener("change", function (event) {
    if (event.target && event.target.name === "rows") {
      update();
    }
  });
})();
