/* Autocomplete over the official list of collectivités (ARIA 1.2 combobox with a listbox).
   Progressive enhancement: without this script the field is a plain search whose results the
   server lists. With it, suggestions show as one types; choosing one either opens the page
   « data-choose-url + key » or, with « data-target », writes the key into that hidden field. */
(function () {
  "use strict";

  function enhance(input, index) {
    var listbox = document.createElement("ul");
    var status = document.createElement("p");
    var listId = "territory-listbox-" + index;
    var options = [];
    var active = -1;
    var timer = null;
    var lastQuery = null;

    listbox.id = listId;
    listbox.className = "territory-listbox list-unstyled border rounded bg-body mb-2";
    listbox.setAttribute("role", "listbox");
    listbox.setAttribute("aria-label", gettext("Suggestions de la liste officielle"));
    listbox.hidden = true;
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    input.parentNode.insertAdjacentElement("afterend", listbox);
    listbox.insertAdjacentElement("afterend", status);

    function close() {
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(position) {
      options.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === position ? "true" : "false");
        option.classList.toggle("active", i === position);
      });
      active = position;
      if (position >= 0) {
        input.setAttribute("aria-activedescendant", options[position].id);
        options[position].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(option) {
      var key = option.dataset.key;
      if (input.dataset.target) {
        document.getElementById(input.dataset.target).value = key;
        input.value = option.dataset.label;
        close();
        input.dispatchEvent(new CustomEvent("territory-chosen", { bubbles: true, detail: { key: key, label: option.dataset.label } }));
      } else {
        window.location.assign(input.dataset.chooseUrl + encodeURIComponent(key));
      }
    }

    function show(results) {
      listbox.textContent = "";
      options = results.map(function (result, i) {
        var option = document.createElement("li");
        var detail = document.createElement("span");
        option.id = listId + "-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.className = "territory-option px-2 py-1";
        option.dataset.key = result.key;
        option.dataset.label = result.label;
        option.textContent = result.label + " ";
        detail.className = "small text-secondary";
        detail.textContent = result.detail;
        option.appendChild(detail);
        option.addEventListener("mousedown", function (event) { event.preventDefault(); });
        option.addEventListener("click", function () { choose(option); });
        listbox.appendChild(option);
        return option;
      });
      active = -1;
      listbox.hidden = options.length === 0;
      input.setAttribute("aria-expanded", options.length ? "true" : "false");
      status.textContent = interpolate(
        ngettext("%s suggestion", "%s suggestions", options.length), [options.length]
      );
    }

    function search() {
      var query = input.value.trim();
      if (query === lastQuery) { return; }
      lastQuery = query;
      if (query.length < 2) { show([]); status.textContent = ""; return; }
      fetch(input.dataset.searchUrl + "?q=" + encodeURIComponent(query), {
        headers: { Accept: "application/json" }, credentials: "same-origin"
      })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) { if (query === input.value.trim()) { show(data.results); } })
        .catch(function () { show([]); });
    }

    input.addEventListener("input", function () {
      if (input.dataset.target) { document.getElementById(input.dataset.target).value = ""; }
      window.clearTimeout(timer);
      timer = window.setTimeout(search, 200);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" && options.length) {
        event.preventDefault();
        listbox.hidden = false;
        input.setAttribute("aria-expanded", "true");
        highlight(active + 1 < options.length ? active + 1 : 0);
      } else if (event.key === "ArrowUp" && options.length) {
        event.preventDefault();
        highlight(active > 0 ? active - 1 : options.length - 1);
      } else if (event.key === "Enter" && active >= 0 && !listbox.hidden) {
        event.preventDefault();
        choose(options[active]);
      } else if (event.key === "Escape") {
        close();
      }
    });
    input.addEventListener("blur", close);
  }

  document.querySelectorAll("[data-territory-combobox]").forEach(enhance);
})();
