/* Autosave of the questionnaire: each answer is sent as soon as it changes; what could not be
   sent is kept in this browser (localStorage) and sent again, so nothing typed is lost.
   Its messages come from Django's JavaScript catalogue (gettext, interpolate), loaded first. */
(function () {
  "use strict";

  var form = document.querySelector("form.questionnaire[data-autosave='on']");
  if (!form || !window.fetch || !window.URLSearchParams) { return; }

  var storageKey = "aeict:pending:" + form.dataset.diagnostic;
  var csrf = form.querySelector("input[name='csrfmiddlewaretoken']").value;
  var state = {};  // code -> {inFlight, dirty, retryDelay, timer}
  var hint = form.querySelector("[data-autosave-hint]");
  if (hint) { hint.hidden = false; }

  function readStore() {
    try { return JSON.parse(window.localStorage.getItem(storageKey) || "{}"); } catch { return {}; }
  }
  function writeStore(store) {
    try { window.localStorage.setItem(storageKey, JSON.stringify(store)); } catch { /* private mode: memory only */ }
  }
  function card(code) { return form.querySelector(".question-card[data-question='" + CSS.escape(code) + "']"); }
  // The answer's fields: the thread's new comment is sent by its own button, not with the answer.
  function fieldsOf(el) {
    return Array.prototype.filter.call(el.querySelectorAll("input, textarea, select"), function (f) {
      return !f.closest("[data-thread]");
    });
  }

  function setStatus(el, kind, text) {
    var status = el.querySelector("[data-status]");
    status.dataset.state = kind;
    status.textContent = text;
  }

  function entriesOf(el) {
    var entries = [];
    fieldsOf(el).forEach(function (f) {
      if (!f.name || f.matches(":disabled")) { return; }
      if ((f.type === "checkbox" || f.type === "radio") && !f.checked) { return; }
      entries.push([f.name, f.value]);
    });
    return entries;
  }

  function applyEntries(el, entries) {
    var values = {};
    entries.forEach(function (e) { (values[e[0]] = values[e[0]] || []).push(e[1]); });
    fieldsOf(el).forEach(function (f) {
      if (!f.name) { return; }
      var v = values[f.name] || [];
      if (f.type === "checkbox" || f.type === "radio") { f.checked = v.indexOf(f.value) !== -1; }
      else { f.value = v.length ? v[0] : ""; }
    });
  }

  function remember(code, el) {
    var store = readStore();
    store[code] = entriesOf(el);
    writeStore(store);
  }
  function forget(code) {
    var store = readStore();
    delete store[code];
    writeStore(store);
  }

  // Answers refused by the server (an invalid value): kept in their fields, and leaving the page
  // asks first, since they are not saved.
  var invalid = {};

  function clearErrors(el) {
    el.querySelectorAll("[aria-invalid='true']").forEach(function (f) {
      f.removeAttribute("aria-invalid");
      f.classList.remove("is-invalid");
    });
    // Ours, and the server's messages of a page sent without JavaScript: gone once saved.
    el.querySelectorAll("[data-field-error], .answer-fields .invalid-feedback[id]").forEach(function (box) {
      el.querySelectorAll("[aria-describedby~='" + CSS.escape(box.id) + "']").forEach(function (f) {
        var ids = f.getAttribute("aria-describedby").split(/\s+/).filter(function (id) { return id && id !== box.id; });
        if (ids.length) { f.setAttribute("aria-describedby", ids.join(" ")); } else { f.removeAttribute("aria-describedby"); }
      });
      box.remove();
    });
    delete invalid[el.dataset.question];
  }

  // A field's error, directly under it (under its group for boxes to tick), linked to it by
  // aria-describedby, and the field marked by its border and Bootstrap's icon, not by colour only.
  function markInvalid(el, name, texts) {
    var fields = el.querySelectorAll("[name='" + CSS.escape(name) + "']");
    if (!fields.length) { return; }
    var first = fields[0];
    var grouped = first.type === "checkbox" || first.type === "radio";
    var id = (first.id || name).replace(/_\d+$/, "") + "-erreur";
    var box = document.createElement("div");
    box.id = id;
    box.className = "invalid-feedback d-block field-error";
    box.setAttribute("data-field-error", "");
    box.textContent = texts.join(" ");
    var group = first.closest("[id^='div_']");
    if (grouped) {
      (group || first.parentNode.parentNode).append(box);
    } else {
      (first.closest(".input-group") || first).after(box);
    }
    fields.forEach(function (f) {
      f.setAttribute("aria-invalid", "true");
      f.classList.add("is-invalid");
      var ids = (f.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
      if (ids.indexOf(id) === -1) { ids.unshift(id); }
      f.setAttribute("aria-describedby", ids.join(" "));
    });
  }
  // The question's own field: the one checked in a group, else its first.
  function firstFieldOf(el) {
    var fields = el.querySelector("[data-answer-fields]") || el;
    return fields.querySelector("input:checked:not([type='hidden'])")
      || fields.querySelector("input:not([type='hidden']), textarea, select");
  }

  // A question that a rule no longer asks (or asks again) after an answer: its fields go (or
  // come back), its reason shows, and the change is announced.
  var rulesStatus = form.querySelector("[data-rules-status]");
  function applyNotAsked(notAsked) {
    if (!notAsked) { return; }
    var changes = [];
    form.querySelectorAll(".question-card[data-question]").forEach(function (el) {
      var code = el.dataset.question;
      var note = el.querySelector("[data-not-asked]");
      var fields = el.querySelector("[data-answer-fields]");
      if (!note || !fields) { return; }
      var reason = notAsked[code];
      var wasAsked = !fields.hidden;
      if (reason) {
        note.querySelector("[data-not-asked-reason]").textContent = reason;
        note.hidden = false;
        fields.hidden = true;
        fields.disabled = true;
        if (wasAsked) {
          changes.push(interpolate(gettext("La question %(code)s n’est plus posée : %(reason)s"), { code: code, reason: reason }, true));
        }
      } else if (!wasAsked) {
        note.hidden = true;
        fields.hidden = false;
        fields.disabled = false;
        changes.push(interpolate(gettext("La question %(code)s est de nouveau posée."), { code: code }, true));
      }
    });
    if (changes.length && rulesStatus) { rulesStatus.textContent = changes.join(" "); }
  }

  // An exclusive option (« Aucun … ») ticked with another one: refused here as on the server.
  function exclusiveError(el) {
    var ticked = el.querySelectorAll("input[type='checkbox'][name$='-value']:checked");
    if (ticked.length < 2) { return null; }
    var exclusive = Array.prototype.find.call(ticked, function (f) { return f.dataset.exclusive === "true"; });
    if (!exclusive) { return null; }
    var label = el.querySelector("label[for='" + CSS.escape(exclusive.id) + "']");
    var text = label ? label.textContent.trim() : exclusive.value;
    return interpolate(gettext("%(option)s ne peut pas être coché avec une autre option."), { option: "“" + text + "”" }, true);
  }

  function showConflict(el, code, data) {
    var old = el.querySelector("[data-conflict]");
    if (old) { old.remove(); }
    var box = document.createElement("div");
    box.className = "conflict-box";
    box.setAttribute("data-conflict", "");
    box.setAttribute("role", "alert");
    var p1 = document.createElement("p");
    p1.className = "mb-1 fw-semibold";
    p1.textContent = data.message;
    var p2 = document.createElement("p");
    p2.className = "mb-2";
    p2.textContent = interpolate(gettext("Sa réponse\u00a0: %(value)s"), { value: data.value }, true);
    var parts = [p1, p2];
    if (data.comment) {
      // Their comment on a line of its own, so that it is read before choosing.
      var p3 = document.createElement("p");
      p3.className = "mb-2";
      p3.setAttribute("data-conflict-comment", "");
      p3.textContent = interpolate(gettext("Son commentaire : « %(comment)s »"), { comment: data.comment }, true);
      parts.push(p3);
    }
    var keep = document.createElement("button");
    keep.type = "button";
    keep.className = "btn btn-sm btn-primary me-2";
    keep.textContent = gettext("Garder ma réponse");
    var take = document.createElement("button");
    take.type = "button";
    take.className = "btn btn-sm btn-outline-primary";
    take.textContent = gettext("Reprendre sa réponse");
    keep.addEventListener("click", function () {
      el.querySelector("input[name='" + code + "-revision']").value = data.revision;
      box.remove();
      // The box goes: the focus goes to the answer kept, not to the page's start.
      var field = firstFieldOf(el);
      if (field) { field.focus(); }
      schedule(code, 0);
    });
    take.addEventListener("click", function () {
      forget(code);
      // What this person was typing is theirs to keep: a comment changed since the page was
      // served, and a message started in the thread, go into the card put back in place.
      var mine = el.querySelector("textarea[name='" + code + "-comment']");
      var myComment = mine && mine.value !== mine.defaultValue ? mine.value : null;
      var draft = el.querySelector("[data-thread-input]");
      var myDraft = draft ? draft.value : "";
      var wrapper = document.createElement("div");
      wrapper.innerHTML = data.html;
      var fresh = wrapper.firstElementChild;
      el.replaceWith(fresh);
      bind(fresh);
      var freshDraft = fresh.querySelector("[data-thread-input]");
      if (freshDraft && myDraft) { freshDraft.value = myDraft; }
      var theirs = fresh.querySelector("textarea[name='" + code + "-comment']");
      var first = fresh.querySelector("input:not([type='hidden']), textarea");
      if (theirs && myComment !== null && myComment !== theirs.value) {
        theirs.value = myComment;
        setStatus(fresh, "saved", interpolate(gettext("Réponse de %(by)s reprise, avec votre commentaire."), { by: data.by }, true));
        schedule(code, 0);  // their answer, your comment: saved from their revision
      } else {
        setStatus(fresh, "saved", interpolate(gettext("Réponse de %(by)s reprise."), { by: data.by }, true));
      }
      if (first) { first.focus(); }
    });
    box.append.apply(box, parts.concat([keep, take]));
    var thread = el.querySelector("[data-thread]");
    (thread || el.querySelector("[data-status]").parentNode).before(box);
    keep.focus();
  }

  function send(code) {
    var el = card(code);
    var s = state[code];
    if (!el || s.inFlight) { return; }
    var refused = exclusiveError(el);
    if (refused) {
      forget(code);
      clearErrors(el);
      markInvalid(el, code + "-value", [refused]);
      invalid[code] = true;
      setStatus(el, "error", gettext("Réponse non enregistrée : corrigez le champ signalé.") + " " + refused);
      return;
    }
    s.inFlight = true;
    s.dirty = false;
    // Sent URL-encoded (no file here): lighter for the server to read than multipart.
    var body = new URLSearchParams();
    body.append("csrfmiddlewaretoken", csrf);
    entriesOf(el).forEach(function (e) { body.append(e[0], e[1]); });
    if (!s.retryDelay) { setStatus(el, "saving", gettext("Enregistrement…")); }  // retries stay quiet
    fetch(el.dataset.saveUrl, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-Requested-With": "fetch", "Accept": "application/json" }
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (response.redirected || response.status >= 500 || type.indexOf("application/json") === -1) {
        var error = new Error(response.status >= 500 ? "server" : "session");
        error.status = response.status;
        throw error;
      }
      return response.json().then(function (data) { return { status: response.status, data: data }; });
    }).then(function (result) {
      var data = result.data;
      s.inFlight = false;
      s.retryDelay = 0;
      if (result.status === 200) {
        el.querySelector("input[name='" + code + "-revision']").value = data.revision;
        // A carried-over answer, once changed, is confirmed: its mark goes.
        var carried = el.querySelector("[data-carried]");
        if (carried && data.to_confirm === false) { carried.remove(); }
        clearErrors(el);
        applyNotAsked(data.not_asked);
        if (s.dirty) { send(code); return; }
        forget(code);
        setStatus(el, "saved", interpolate(gettext("Enregistré à %(at)s"), { at: data.at }, true));
      } else if (data.status === "conflict") {
        forget(code);
        setStatus(el, "conflict", gettext("Non enregistré\u00a0: conflit avec une autre modification."));
        showConflict(el, code, data);
      } else if (data.status === "invalid") {
        forget(code);
        clearErrors(el);
        applyNotAsked(data.not_asked);
        var messages = [];
        Object.keys(data.errors).forEach(function (name) {
          markInvalid(el, code + "-" + name, data.errors[name]);
          messages = messages.concat(data.errors[name]);
        });
        invalid[code] = true;
        setStatus(el, "error", data.message + " " + messages.join(" "));
      } else if (data.status === "csrf") {
        // This page's token is outdated: only a reload can send the answer, kept in this browser.
        setStatus(el, "error", data.message);
      } else {
        forget(code);
        setStatus(el, "error", data.message || gettext("Réponse non enregistrée."));
      }
    }).catch(function (error) {
      s.inFlight = false;
      var text;
      if (error.message === "session") {
        text = gettext("Non enregistré\u00a0: votre session a expiré. Reconnectez-vous dans un autre onglet\u00a0; la réponse, gardée dans ce navigateur, sera renvoyée.");
      } else if (error.message === "server") {
        text = gettext("Non enregistré\u00a0: le service est momentanément indisponible. Nouvel essai automatique…");
      } else {
        text = gettext("Non enregistré\u00a0: connexion perdue. La réponse est gardée et sera renvoyée automatiquement.");
      }
      setStatus(el, "error", text);
      s.retryDelay = Math.min(30000, (s.retryDelay || 1000) * 2);
      // Try again later, keeping the message above in view until the answer goes through.
      window.clearTimeout(s.timer);
      s.timer = window.setTimeout(function () { send(code); }, s.retryDelay);
    });
  }

  function schedule(code, delay) {
    var s = state[code] || (state[code] = { inFlight: false, dirty: false, retryDelay: 0, timer: null });
    var el = card(code);
    if (el) { remember(code, el); }
    if (s.inFlight) { s.dirty = true; return; }
    window.clearTimeout(s.timer);
    if (el && delay > 0) { setStatus(el, "pending", gettext("Modification en attente d’enregistrement…")); }
    s.timer = window.setTimeout(function () { send(code); }, delay);
  }

  // A comment added to the question's thread, by its own request; the thread comes back rendered.
  function addComment(el, button) {
    var thread = el.querySelector("[data-thread]");
    var input = thread.querySelector("[data-thread-input]");
    var status = thread.querySelector("[data-thread-status]");
    var body = new URLSearchParams();
    body.append("csrfmiddlewaretoken", csrf);
    body.append(input.name, input.value);
    button.disabled = true;
    fetch(thread.dataset.commentUrl, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-Requested-With": "fetch", "Accept": "application/json" }
    }).then(function (response) {
      return response.json();
    }).then(function (data) {
      button.disabled = false;
      if (data.status !== "added") {
        input.setAttribute("aria-invalid", "true");
        status.textContent = data.message;
        return;
      }
      var wrapper = document.createElement("div");
      wrapper.innerHTML = data.html;
      thread.querySelector("[data-thread-list]").replaceWith(wrapper.querySelector("[data-thread-list]"));
      input.value = "";
      input.removeAttribute("aria-invalid");
      status.textContent = data.message;
    }).catch(function () {
      button.disabled = false;
      status.textContent = gettext("Commentaire non ajouté : connexion perdue. Réessayez.");
    });
  }

  function bind(el) {
    var code = el.dataset.question;
    state[code] = state[code] || { inFlight: false, dirty: false, retryDelay: 0, timer: null };
    var addButton = el.querySelector("[data-thread-add]");
    if (addButton) {
      addButton.addEventListener("click", function (event) {
        event.preventDefault();
        addComment(el, addButton);
      });
    }
    el.addEventListener("change", function (event) {
      if (event.target.closest("[data-thread]")) { return; }
      schedule(code, 0);
    });
    el.addEventListener("input", function (event) {
      var t = event.target;
      if (t.closest("[data-thread]")) { return; }
      if (t.tagName === "TEXTAREA" || (t.tagName === "INPUT" && t.type === "text")) {
        schedule(code, 800);
      }
    });
  }

  // True when a field no longer shows what the page was served with: an answer given before this
  // script ran (a slow connection, a quick hand), or restored by the browser.
  function changedSinceLoad(el) {
    return Array.prototype.some.call(fieldsOf(el), function (field) {
      if (field.type === "hidden") { return false; }
      if (field.type === "checkbox" || field.type === "radio") { return field.checked !== field.defaultChecked; }
      if (field.tagName === "SELECT") {
        return Array.prototype.some.call(field.options, function (o) { return o.selected !== o.defaultSelected; });
      }
      return field.value !== field.defaultValue;
    });
  }

  var cards = form.querySelectorAll(".question-card[data-question]");
  cards.forEach(bind);

  // What could not be sent last time (page closed, connection lost) is restored and sent again.
  var pending = readStore();
  Object.keys(pending).forEach(function (code) {
    var el = card(code);
    if (!el) { return; }
    applyEntries(el, pending[code]);
    schedule(code, 0);
  });
  // Answers changed before the listeners above were there are sent too: none is dropped.
  cards.forEach(function (el) {
    var code = el.dataset.question;
    if (!Object.prototype.hasOwnProperty.call(pending, code) && changedSinceLoad(el)) { schedule(code, 0); }
  });
  form.dataset.autosaveReady = "true";

  window.addEventListener("online", function () {
    Object.keys(readStore()).forEach(function (code) { if (card(code)) { schedule(code, 0); } });
  });
  window.addEventListener("beforeunload", function (event) {
    var unsent = Object.keys(readStore()).concat(Object.keys(invalid)).some(function (code) { return card(code); });
    if (unsent) { event.preventDefault(); event.returnValue = ""; }
  });
  // Without JavaScript the page's button saves everything; with it, the same button still works
  // and first sends what autosave still holds.
})();
