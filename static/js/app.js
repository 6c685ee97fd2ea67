// Progressive enhancement only: every page works without this file.
// Moves focus to the error summary so screen-reader users hear what went wrong.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
  }
});

// Print buttons (the handout): shown only when this script runs, since they need it.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
});

// Drafts survive an expired session: a form marked data-keep-draft stores what is typed in
// this browser (localStorage) as the user types, offers it back when the page is opened again
// (for example after signing in anew), and forgets it once the server has the form.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("form[data-keep-draft]").forEach(function (form) {
    var key = "vr-concept:" + form.getAttribute("data-keep-draft");
    var stamp = form.querySelector("[name=bewaard]");
    var fields = function () {
      return Array.prototype.filter.call(form.elements, function (el) {
        return el.name && el.name !== "csrf_token" && el.name !== "bewaard" && el.type !== "submit";
      });
    };
    var save = function () {
      var values = {};
      fields().forEach(function (el) {
        if (el.type === "checkbox" || el.type === "radio") {
          values[el.name + "=" + el.value] = el.checked;
        } else {
          values[el.name] = el.value;
        }
      });
      try {
        localStorage.setItem(key, JSON.stringify({ basis: stamp ? stamp.value : "", values: values }));
      } catch (e) { /* storage full or blocked: the server copy still counts */ }
    };
    var stored = null;
    try { stored = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { stored = null; }
    // Offer the local copy only when it was typed on top of the version the server has now;
    // a copy of an older version was saved (or replaced) since, and is forgotten.
    if (stored && stamp && stored.basis !== stamp.value) {
      try { localStorage.removeItem(key); } catch (e) { /* nothing to forget */ }
      stored = null;
    }
    if (stored && stored.values) {
      var changed = fields().some(function (el) {
        var v = (el.type === "checkbox" || el.type === "radio") ? stored.values[el.name + "=" + el.value] : stored.values[el.name];
        return v !== undefined && ((el.type === "checkbox" || el.type === "radio") ? el.checked !== v : el.value !== v);
      });
      if (changed) {
        var notice = document.createElement("div");
        notice.className = "alert alert--warning";
        notice.setAttribute("role", "status");
        var text = document.createElement("p");
        text.textContent = "In deze browser staat niet-opgeslagen invoer van dit formulier (bijvoorbeeld van voor het verlopen van uw sessie). ";
        var restore = document.createElement("button");
        restore.type = "button";
        restore.className = "button button--secondary";
        restore.textContent = "Invoer terugzetten";
        restore.addEventListener("click", function () {
          fields().forEach(function (el) {
            if (el.type === "checkbox" || el.type === "radio") {
              var c = stored.values[el.name + "=" + el.value];
              if (c !== undefined) { el.checked = c; }
            } else if (stored.values[el.name] !== undefined) {
              el.value = stored.values[el.name];
            }
          });
          notice.remove();
        });
        text.appendChild(restore);
        notice.appendChild(text);
        form.parentNode.insertBefore(notice, form);
      }
    }
    form.addEventListener("input", save);
    form.addEventListener("change", save);
    form.addEventListener("submit", function () {
      // The server answers with the saved form or a new page; the local copy stays until then
      // only under the old basis, and is not offered again once the basis moves.
      save();
    });
  });
});
