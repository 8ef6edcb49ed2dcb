/* On every page: move the focus to the error summary, so that errors are announced at once. */
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (summary) { summary.focus(); }
})();

/* A table too wide for the screen scrolls inside its box: the box then takes the keyboard focus
   (to scroll it with the arrow keys) and is named after the table's caption. */
(function () {
  "use strict";
  function markScrollableTables() {
    document.querySelectorAll(".table-responsive").forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth;
      if (scrolls && !box.hasAttribute("tabindex")) {
        var caption = box.querySelector("caption");
        box.tabIndex = 0;
        box.setAttribute("role", "region");
        if (caption) { box.setAttribute("aria-label", caption.textContent.trim()); }
      } else if (!scrolls && box.hasAttribute("tabindex")) {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    });
  }
  markScrollableTables();
  window.addEventListener("resize", markScrollableTables);
})();

/* A limited text shows how many characters it holds, under it; past the limit the field is
   marked and the counter says so (the server refuses such a text: nothing is cut silently). */
(function () {
  "use strict";
  if (!window.gettext) { return; }
  // Numbers as the page's language writes them (« 1 200 » / « 1,200 »).
  var number = new Intl.NumberFormat(document.documentElement.lang || "fr");
  var live = document.createElement("p");
  live.className = "visually-hidden";
  live.setAttribute("aria-live", "polite");
  document.body.append(live);

  function attach(field) {
    if (field.dataset.counter) { return; }
    var limit = parseInt(field.dataset.maxlength, 10);
    if (!limit || !field.id) { return; }
    field.dataset.counter = "on";
    var counter = document.createElement("p");
    counter.id = field.id + "-compteur";
    counter.className = "form-text char-counter mb-1";
    counter.setAttribute("data-char-counter", "");
    field.after(counter);
    var ids = (field.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
    ids.push(counter.id);
    field.setAttribute("aria-describedby", ids.join(" "));
    var wasOver = false;
    function update() {
      var length = field.value.length;
      var over = length > limit;
      counter.textContent = over
        ? interpolate(ngettext(
          "Texte trop long\u00a0: %(n)s caractères pour %(max)s au plus. Raccourcissez-le de %(extra)s caractère\u00a0; il ne sera pas enregistré tel quel.",
          "Texte trop long\u00a0: %(n)s caractères pour %(max)s au plus. Raccourcissez-le de %(extra)s caractères\u00a0; il ne sera pas enregistré tel quel.",
          length - limit),
        { n: number.format(length), max: number.format(limit), extra: number.format(length - limit) }, true)
        : interpolate(ngettext("%(n)s caractère sur %(max)s au plus", "%(n)s caractères sur %(max)s au plus", length),
          { n: number.format(length), max: number.format(limit) }, true);
      counter.classList.toggle("char-counter--over", over);
      if (over) {
        field.classList.add("is-invalid");
        field.setAttribute("aria-invalid", "true");
      } else if (wasOver) {
        field.classList.remove("is-invalid");
        field.removeAttribute("aria-invalid");
      }
      if (over !== wasOver) { live.textContent = over ? counter.textContent : ""; }
      wasOver = over;
    }
    field.addEventListener("input", update);
    update();
  }
  function attachAll(root) { root.querySelectorAll("[data-maxlength]").forEach(attach); }
  attachAll(document);
  // Question cards put back in place (a conflict) come with new fields.
  new MutationObserver(function (records) {
    records.forEach(function (record) {
      record.addedNodes.forEach(function (node) { if (node.querySelectorAll) { attachAll(node); } });
    });
  }).observe(document.body, { childList: true, subtree: true });
})();

/* A form marked data-warn-unsaved asks before the page is left with what was typed in it and
   not sent, or with values the server refused (shown again in the fields, not saved). */
(function () {
  "use strict";
  document.querySelectorAll("form[data-warn-unsaved]").forEach(function (form) {
    var dirty = form.querySelector(".is-invalid") !== null;
    var sending = false;
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("change", function () { dirty = true; });
    form.addEventListener("submit", function () { sending = true; });
    window.addEventListener("beforeunload", function (event) {
      if (dirty && !sending) { event.preventDefault(); event.returnValue = ""; }
    });
  });
})();
