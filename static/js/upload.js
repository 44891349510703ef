/* Uploads with drag-and-drop and a progress bar. Enhances plain multipart forms marked
   data-upload; without this script they post as usual. No inline code: the CSP forbids it. */
(function () {
  "use strict";

  var lang = document.documentElement.lang === "en" ? "en" : "sv";
  var TEXT = {
    sv: {
      chosen: function (n) { return n === 1 ? "1 fil vald: " : n + " filer valda: "; },
      tooBig: function (mb) { return "Filerna är för stora för att laddas upp (högst " + mb + " MB). Inget har skickats."; },
      progress: function (p) { return "Laddar upp: " + p + " %"; },
      done: "Uppladdningen är klar. Filerna kontrolleras och sparas …",
      failed: "Uppladdningen avbröts. Kontrollera anslutningen och försök igen; filer större än gränsen tas inte emot.",
      drop: "Släpp filerna för att välja dem"
    },
    en: {
      chosen: function (n) { return n === 1 ? "1 file chosen: " : n + " files chosen: "; },
      tooBig: function (mb) { return "The files are too large to upload (at most " + mb + " MB). Nothing was sent."; },
      progress: function (p) { return "Uploading: " + p + " %"; },
      done: "Upload complete. The files are being checked and saved …",
      failed: "The upload stopped. Check your connection and try again; files over the limit are not accepted.",
      drop: "Drop the files to choose them"
    }
  }[lang];

  function describeChosen(form) {
    var input = form.querySelector("input[type=file]");
    var out = form.querySelector("[data-chosen]");
    if (!input || !out) { return; }
    var names = Array.prototype.map.call(input.files, function (f) { return f.name; });
    out.textContent = names.length ? TEXT.chosen(names.length) + names.join(", ") : "";
  }

  function bindDropzone(form) {
    var zone = form.querySelector("[data-dropzone]");
    var input = form.querySelector("input[type=file]");
    if (!zone || !input) { return; }
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) {
        event.preventDefault();
        zone.classList.add("dropzone--active");
        zone.setAttribute("data-drop-hint", TEXT.drop);
      });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove("dropzone--active"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      var files = event.dataTransfer && event.dataTransfer.files;
      if (!files || !files.length) { return; }
      if (!input.multiple && files.length > 1) {
        var one = new DataTransfer();
        one.items.add(files[0]);
        files = one.files;
      }
      input.files = files;
      describeChosen(form);
    });
    input.addEventListener("change", function () { describeChosen(form); });
  }

  function totalSize(form) {
    var size = 0;
    form.querySelectorAll("input[type=file]").forEach(function (input) {
      Array.prototype.forEach.call(input.files, function (f) { size += f.size; });
    });
    return size;
  }

  function replaceRegion(form, html) {
    var region = form.closest("[data-upload-region]");
    if (!region) { return false; }
    region.innerHTML = html;
    bindAll(region);
    var focus = region.querySelector("[data-focus-on-load]") || region.querySelector("[aria-invalid=true]");
    if (focus) { focus.focus(); }
    return true;
  }

  function bindForm(form) {
    if (form.dataset.uploadBound) { return; }
    form.dataset.uploadBound = "1";
    bindDropzone(form);
    var progress = form.querySelector("[data-progress]");
    var bar = progress && progress.querySelector("progress");
    var status = form.querySelector("[data-progress-text]");
    var button = form.querySelector("button[type=submit]");
    var max = parseInt(form.getAttribute("data-max-bytes"), 10);

    form.addEventListener("submit", function (event) {
      if (!window.FormData || !window.XMLHttpRequest) { return; }
      event.preventDefault();
      if (max && totalSize(form) > max) {
        status.textContent = TEXT.tooBig(Math.round(max / 1048576));
        return;
      }
      var xhr = new XMLHttpRequest();
      var lastAnnounced = -1;
      xhr.open("POST", form.action);
      xhr.setRequestHeader("HX-Request", "true");
      xhr.upload.addEventListener("progress", function (e) {
        if (!e.lengthComputable) { return; }
        var percent = Math.floor((e.loaded / e.total) * 100);
        if (bar) { bar.value = percent; }
        // Announce in steps of ten, so a screen reader is not flooded.
        var step = Math.floor(percent / 10) * 10;
        if (step !== lastAnnounced) {
          lastAnnounced = step;
          status.textContent = percent >= 100 ? TEXT.done : TEXT.progress(step);
        }
      });
      xhr.addEventListener("load", function () {
        var target = new URL(form.action, window.location.href);
        var landed = xhr.responseURL ? new URL(xhr.responseURL) : target;
        if (xhr.status < 300 && landed.pathname !== target.pathname) {
          window.location.assign(landed.href);  // saved: go where the server sent us
          return;
        }
        if (button) { button.disabled = false; }
        if (progress) { progress.hidden = true; }
        if (xhr.getResponseHeader("HX-Retarget") === "#messages") {
          document.getElementById("messages").innerHTML = xhr.responseText;
          status.textContent = "";
          return;
        }
        if (!replaceRegion(form, xhr.responseText)) { window.location.reload(); }
      });
      ["error", "abort"].forEach(function (name) {
        xhr.addEventListener(name, function () {
          if (button) { button.disabled = false; }
          if (progress) { progress.hidden = true; }
          status.textContent = TEXT.failed;
        });
      });
      if (button) { button.disabled = true; }
      if (progress) { progress.hidden = false; }
      if (bar) { bar.value = 0; }
      status.textContent = TEXT.progress(0);
      xhr.send(new FormData(form));
    });
  }

  function bindAll(root) {
    root.querySelectorAll("form[data-upload]").forEach(bindForm);
  }

  bindAll(document);
}());
