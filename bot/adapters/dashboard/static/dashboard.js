// factbot dashboard: progressive enhancement only. Every page works without this file.
// Fact forms (form[data-validate]) are checked as you type, with the same errors a save gives.
"use strict";

(function () {
  function showErrors(form, errors) {
    form.querySelectorAll("ul.field-error").forEach(function (list) {
      var name = list.id.replace(/^error-/, "");
      var messages = errors[name] || [];
      list.replaceChildren();
      messages.forEach(function (message) {
        var item = document.createElement("li");
        item.textContent = message;
        list.appendChild(item);
      });
      var input = form.querySelector("[name='" + name + "']");
      if (input) {
        if (messages.length) {
          input.setAttribute("aria-invalid", "true");
        } else {
          input.removeAttribute("aria-invalid");
        }
        input.closest(".field").classList.toggle("invalid", messages.length > 0);
      }
    });
  }

  function watch(form) {
    var timer = null;
    var sequence = 0;
    function check() {
      var body = new FormData(form);
      body.delete("action");
      var mine = ++sequence;
      fetch(form.dataset.validate, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-CSRF-Token": body.get("csrf") || "" },
      })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (result) {
          if (result && mine === sequence) showErrors(form, result.errors || {});
        })
        .catch(function () { /* offline: the server checks again on submit */ });
    }
    form.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(check, 250);
    });
  }

  document.querySelectorAll("form[data-validate]").forEach(watch);
})();
