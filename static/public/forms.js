/*
 * Public forms, made nicer when JavaScript runs (they work fully without it):
 *  - each field is checked when it loses focus, and the message appears next to it
 *    (the server checks everything again: these are only the simple rules);
 *  - a chosen document is checked at once (size, and PDF/JPEG/PNG by its first bytes);
 *  - the application is sent with XMLHttpRequest so a progress bar shows the upload;
 *    if the server returns the form with errors, it replaces the page's form and the
 *    documents already chosen (and accepted) are kept.
 * All messages come from data-msg-* attributes rendered by the server in the page's language.
 */
(function () {
  "use strict";

  var NAME_RE = /^\p{L}+(?:[ '\u2019.\-]\p{L}*)*$/u;
  var PHONE_RE = /^\+?[0-9 ()\-]{7,20}$/;
  var EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

  function iinIsValid(value) {
    if (!/^[0-9]{12}$/.test(value)) return false;
    var digits = value.split("").map(Number);
    var sum = 0, i;
    for (i = 0; i < 11; i++) sum += digits[i] * (i + 1);
    var check = sum % 11;
    if (check === 10) {
      var weights = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];
      sum = 0;
      for (i = 0; i < 11; i++) sum += digits[i] * weights[i];
      check = sum % 11;
      if (check === 10) return false;
    }
    return check === digits[11];
  }

  function sniff(bytes) {
    if (bytes.length >= 4 && bytes[0] === 0x25 && bytes[1] === 0x50 && bytes[2] === 0x44 && bytes[3] === 0x46) return "pdf";
    if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "jpeg";
    if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return "png";
    return null;
  }

  function errorSlot(input) {
    return document.getElementById(input.id + "_error");
  }

  function showError(input, message) {
    var slot = errorSlot(input);
    var wrapper = document.getElementById(input.id + "_field");
    if (!slot) return;
    if (message) {
      slot.textContent = message;
      slot.hidden = false;
      input.setAttribute("aria-invalid", "true");
      var described = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
      if (described.indexOf(slot.id) < 0) described.push(slot.id);
      input.setAttribute("aria-describedby", described.join(" "));
      if (wrapper) wrapper.classList.add("has-error");
    } else {
      slot.textContent = "";
      slot.hidden = true;
      input.removeAttribute("aria-invalid");
      if (wrapper) wrapper.classList.remove("has-error");
    }
  }

  function initialValue(input) {
    return input.type === "checkbox" ? String(input.checked) : input.value;
  }

  function enhance(form) {
    var msg = function (key, fallback) { return form.dataset[key] || fallback || ""; };
    var controls = Array.prototype.filter.call(form.elements, function (el) {
      return el.id && (el.tagName === "INPUT" || el.tagName === "SELECT" || el.tagName === "TEXTAREA") &&
        el.type !== "hidden" && el.type !== "submit";
    });
    var fileProblems = {};

    // The browser's own bubbles would speak the browser's language; ours follow the page.
    form.noValidate = true;
    controls.forEach(function (input) {
      input.dataset.initial = initialValue(input);
      var slot = errorSlot(input);
      input.dataset.serverError = slot && !slot.hidden ? "1" : "";
    });

    function check(input) {
      var value = input.type === "checkbox" ? "" : (input.value || "").trim();
      if (input.type === "file") {
        if (input.required && !input.files.length) return input.dataset.msgRequired || "";
        return fileProblems[input.name] || "";
      }
      if (input.type === "checkbox") {
        return input.required && !input.checked ? (input.dataset.msgRequired || "") : "";
      }
      if (!value) return input.required ? (input.dataset.msgRequired || "") : "";
      if (input.maxLength > 0 && value.length > input.maxLength) return msg("msgTooLong");
      if (input.type === "email" && !EMAIL_RE.test(value)) return msg("msgInvalidEmail");
      if (input.type === "tel" && !PHONE_RE.test(value)) return msg("msgInvalidPhone");
      if (input.dataset.check === "iin" && !iinIsValid(value)) return msg("msgInvalidIin");
      if (input.dataset.check === "person-name" && !NAME_RE.test(value)) return msg("msgInvalidName");
      if (input.type === "date") {
        if (input.validity && input.validity.badInput) return msg("msgInvalidDate");
        if (input.max && /^\d{4}-\d{2}-\d{2}$/.test(value) && value > input.max) return msg("msgFutureDate");
      }
      return "";
    }

    function validate(input, onSubmit) {
      var problem = check(input);
      // A server error on an unchanged value stays (the server knows rules this script does not).
      if (!problem && input.dataset.serverError && initialValue(input) === input.dataset.initial && !onSubmit) {
        return true;
      }
      input.dataset.serverError = "";
      showError(input, problem);
      return !problem;
    }

    controls.forEach(function (input) {
      if (input.type === "file") {
        input.addEventListener("change", function () { checkFile(input); });
      } else if (input.type === "checkbox") {
        input.addEventListener("change", function () { validate(input); });
      } else {
        // Leaving an empty field one has not typed in yet is not an error (tabbing through the form).
        input.addEventListener("input", function () { input.dataset.touched = "1"; });
        input.addEventListener("blur", function () {
          if (input.dataset.touched || input.value || input.dataset.serverError) validate(input);
        });
      }
    });

    function checkFile(input) {
      delete fileProblems[input.name];
      var file = input.files && input.files[0];
      if (!file) { validate(input); return; }
      var max = parseInt(input.dataset.maxBytes || "0", 10);
      if (max && file.size > max) {
        fileProblems[input.name] = msg("msgFileTooLarge");
        validate(input);
        return;
      }
      var reader = new FileReader();
      reader.onload = function () {
        if (!sniff(new Uint8Array(reader.result))) fileProblems[input.name] = msg("msgFileType");
        validate(input);
      };
      reader.readAsArrayBuffer(file.slice(0, 8));
    }

    form.addEventListener("submit", function (event) {
      var firstBad = null;
      controls.forEach(function (input) {
        if (!validate(input, true) && !firstBad) firstBad = input;
      });
      if (firstBad) {
        event.preventDefault();
        firstBad.focus();
        return;
      }
      if (!window.FormData || !("upload" in new XMLHttpRequest())) return; // the plain form post
      event.preventDefault();
      send(form);
    });
  }

  function send(form) {
    var box = document.getElementById("upload-progress");
    var bar = box ? box.querySelector("progress") : null;
    var label = box ? box.querySelector(".upload-status") : null;
    var button = form.querySelector("button[type=submit]");
    var data = new FormData(form);
    var kept = {};
    Array.prototype.forEach.call(form.querySelectorAll("input[type=file]"), function (input) {
      if (input.files.length) kept[input.name] = input.files;
    });
    var xhr = new XMLHttpRequest();

    function say(text) { if (label) label.textContent = text; }
    function fail() {
      say(form.dataset.msgUploadFailed || "");
      if (button) button.disabled = false;
      form.removeAttribute("aria-busy");
    }

    if (box) box.hidden = false;
    if (bar) bar.value = 0;
    say(form.dataset.msgUploading || "");
    if (button) button.disabled = true;
    form.setAttribute("aria-busy", "true");

    xhr.open("POST", form.getAttribute("action") || window.location.href);
    xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    xhr.upload.addEventListener("progress", function (event) {
      if (!event.lengthComputable || !bar) return;
      var percent = Math.round((event.loaded / event.total) * 100);
      bar.value = percent;
      say((form.dataset.msgUploading || "") + " " + percent + "%");
    });
    xhr.upload.addEventListener("load", function () {
      if (bar) bar.value = 100;
      say(form.dataset.msgProcessing || "");
    });
    xhr.addEventListener("error", fail);
    xhr.addEventListener("abort", fail);
    xhr.addEventListener("load", function () {
      var type = xhr.getResponseHeader("Content-Type") || "";
      if (xhr.status === 200 && type.indexOf("application/json") >= 0) {
        var answer = JSON.parse(xhr.responseText);
        window.location.assign(answer.redirect);
        return;
      }
      var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
      var newMain = doc.querySelector("main");
      if (!newMain || !doc.getElementById(form.id)) {
        // Another page (too many attempts, an expired session...): show it as the browser would.
        document.open();
        document.write(xhr.responseText);
        document.close();
        return;
      }
      var main = document.querySelector("main");
      main.replaceWith(document.adoptNode(newMain));
      var newForm = document.getElementById(form.id);
      restoreFiles(newForm, kept);
      enhance(newForm);
      var summary = document.getElementById("error-summary");
      if (summary) { summary.focus(); summary.scrollIntoView(); }
    });
    xhr.send(data);
  }

  // Documents that were accepted stay chosen after the form comes back with other errors.
  function restoreFiles(form, kept) {
    var allRestored = true;
    Array.prototype.forEach.call(form.querySelectorAll("input[type=file]"), function (input) {
      var slot = errorSlot(input);
      var rejected = slot && !slot.hidden;
      if (kept[input.name] && !rejected) {
        try { input.files = kept[input.name]; } catch (e) { allRestored = false; }
      } else if (input.required || rejected) {
        allRestored = false;
      }
    });
    var note = form.querySelector(".reselect-note");
    if (note && allRestored) note.hidden = true;
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-enhance]"), enhance);
    Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
