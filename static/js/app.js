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
        return el.name && el.name !== "csrf_token" && el.name !== "bewaard" && el.type !== "submit" && el.type !== "file";
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

// The double-funding check: BSNs are turned into pseudonyms (HMAC-SHA256 with the key) here in
// the browser; the BSN and key fields have no name, so the form never sends them.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("form[data-pseudonymise]");
  if (!form || !window.crypto || !window.crypto.subtle) { return; }
  var button = form.querySelector("#pseudonimiseer");
  var note = form.querySelector(".no-js-note");
  if (note) { note.hidden = true; }
  button.hidden = false;
  var hex = function (buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  };
  var elevenTest = function (text) {
    var digits = text.replace(/[\s.\-]/g, "");
    if (!/^\d{8,9}$/.test(digits)) { return null; }
    if (digits.length === 8) { digits = "0" + digits; }
    var sum = 0;
    for (var i = 0; i < 8; i++) { sum += Number(digits[i]) * (9 - i); }
    sum -= Number(digits[8]);
    return (sum % 11 === 0 && digits !== "000000000") ? digits : null;
  };
  button.addEventListener("click", function () {
    var status = form.querySelector("#bsn-fouten");
    var keyText = form.querySelector("#sleutel-invoer").value.replace(/\s/g, "");
    if (!/^[0-9a-fA-F]{64}$/.test(keyText)) {
      status.textContent = "De sleutel is 64 tekens (0–9, a–f). Controleer hem.";
      return;
    }
    var keyBytes = new Uint8Array(32);
    for (var i = 0; i < 32; i++) { keyBytes[i] = parseInt(keyText.substr(2 * i, 2), 16); }
    var lines = form.querySelector("#bsn-invoer").value.split(/\r?\n/);
    var bsns = [], wrong = [];
    lines.forEach(function (line, n) {
      if (line.trim() === "") { return; }
      var bsn = elevenTest(line);
      if (bsn) { bsns.push(bsn); } else { wrong.push(n + 1); }
    });
    if (wrong.length > 0) {
      status.textContent = "Regel " + wrong.slice(0, 20).join(", ") + (wrong.length > 20 ? " en meer" : "") +
        " is geen geldig BSN (11-proef). Verbeter " + (wrong.length === 1 ? "die regel" : "die regels") + " eerst.";
      return;
    }
    if (bsns.length === 0) { status.textContent = "Er staan geen BSN's in het veld."; return; }
    var subtle = window.crypto.subtle;
    var encoder = new TextEncoder();
    Promise.all([
      subtle.digest("SHA-256", keyBytes),
      subtle.importKey("raw", keyBytes, { name: "HMAC", hash: "SHA-256" }, false, ["sign"])
    ]).then(function (results) {
      var print = hex(results[0]);
      return Promise.all(bsns.map(function (bsn) {
        return subtle.sign("HMAC", results[1], encoder.encode(bsn)).then(hex);
      })).then(function (pseudonyms) {
        form.querySelector("[name=pseudoniemen]").value = "sleutel;" + print + "\n" + pseudonyms.join("\n");
        form.querySelector("#bsn-invoer").value = "";
        status.textContent = pseudonyms.length + " pseudoniemen gemaakt. De BSN's zijn uit het veld gehaald en worden niet verstuurd.";
      });
    });
  });
});
