/* Follows a report's generation and offers the download as soon as it is ready. Its messages
   come from Django's JavaScript catalogue (gettext), loaded first. */
(function () {
  "use strict";
  var box = document.querySelector("[data-report-status]");
  if (!box || !window.fetch) { return; }
  var label = box.querySelector("[data-report-label]");
  var progress = box.querySelector("[data-report-progress]");
  var bar = progress.querySelector(".progress-bar");
  var ready = box.querySelector("[data-report-ready]");
  var retry = box.querySelector("[data-report-retry]");
  var refresh = box.querySelector("[data-report-refresh]");
  var steps = { en_attente: 1, en_cours: 2, pret: 3, echec: 3 };
  var texts = {
    en_attente: gettext("Le rapport est en file d’attente\u00a0: sa génération va commencer."),
    en_cours: gettext("Génération du rapport en cours… (quelques secondes)"),
    pret: gettext("Le rapport est prêt."),
  };
  var delay = 1000;
  if (refresh) { refresh.hidden = true; }

  function show(data) {
    var text = data.status === "echec" ? (data.error || gettext("La génération du rapport a échoué.")) : texts[data.status];
    if (label.textContent.trim() !== text) { label.textContent = text; }
    progress.setAttribute("aria-valuenow", steps[data.status] || 1);
    bar.className = "progress-bar progress-" + data.status +
      (data.status === "pret" || data.status === "echec" ? "" : " progress-bar-striped progress-bar-animated");
    ready.hidden = data.status !== "pret";
    retry.hidden = data.status !== "echec";
    if (data.status === "pret") { ready.querySelector("a").focus(); }
  }

  function poll() {
    fetch(box.dataset.reportStatus, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        show(data);
        if (data.status === "en_attente" || data.status === "en_cours") {
          window.setTimeout(poll, delay);
          delay = Math.min(5000, delay + 500);
        }
      })
      .catch(function () {
        label.textContent = gettext("Connexion perdue\u00a0: nouvel essai dans quelques secondes…");
        window.setTimeout(poll, 5000);
      });
  }
  if (ready.hidden && retry.hidden) { window.setTimeout(poll, delay); }
})();
