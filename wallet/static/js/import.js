// Progressive enhancement for the import pages: drag-and-drop files, and live job progress.
(function () {
  "use strict";

  function showSelected(zone, input) {
    var out = zone.querySelector("[data-selected-files]");
    if (!out) { return; }
    var names = [];
    for (var i = 0; i < input.files.length; i += 1) { names.push(input.files[i].name); }
    out.textContent = names.join(", ");
  }

  function enhanceDropZone(zone) {
    var input = zone.querySelector("input[type=file]");
    if (!input) { return; }
    zone.classList.add("is-enhanced");
    input.addEventListener("change", function () { showSelected(zone, input); });
    zone.addEventListener("dragover", function (event) {
      event.preventDefault();
      zone.classList.add("is-dragging");
    });
    zone.addEventListener("dragleave", function () { zone.classList.remove("is-dragging"); });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      zone.classList.remove("is-dragging");
      if (event.dataTransfer && event.dataTransfer.files.length) {
        input.files = event.dataTransfer.files;
        showSelected(zone, input);
      }
    });
  }

  function tag(className, text) {
    var span = document.createElement("span");
    span.className = className;
    span.textContent = text;
    return span;
  }

  function itemElement(item) {
    // Everything here comes from credentials strangers made: text nodes only, never HTML.
    var li = document.createElement("li");
    li.className = "import-item outcome-" + item.outcome;
    li.appendChild(tag("tag outcome-tag-" + item.outcome, item.outcome_label));
    var title = document.createElement(item.url ? "a" : "span");
    title.className = "import-title";
    title.textContent = item.title || item.source;
    if (item.url) { title.setAttribute("href", item.url); }
    li.appendChild(title);
    if (item.verdict) { li.appendChild(tag("tag verdict-tag-" + item.verdict, item.verdict_label)); }
    li.appendChild(tag("import-source", item.source));
    if (item.message) { li.appendChild(tag("import-message", item.message)); }
    return li;
  }

  function render(job, data) {
    var bar = job.querySelector("progress");
    if (data.total || data.finished) {
      bar.value = data.percent;
      bar.textContent = data.percent + "%";
    }
    var status = job.querySelector(".job-status");
    if (status.textContent !== data.status) { status.textContent = data.status; }
    var list = document.getElementById("job-items");
    // The answer holds the items from position data.first on; add those not shown yet.
    for (var i = list.children.length - data.first; i < data.items.length; i += 1) {
      if (i >= 0) { list.appendChild(itemElement(data.items[i])); }
    }
    var empty = document.querySelector(".import-empty");
    if (empty) { empty.hidden = list.children.length > 0; }
    if (data.finished) {
      job.setAttribute("data-finished", "true");
      var refresh = job.querySelector("[data-refresh]");
      if (refresh) { refresh.hidden = true; }
    }
  }

  function poll(job) {
    var shown = document.getElementById("job-items").children.length;
    fetch(job.getAttribute("data-job-url") + "?from=" + shown, {
      headers: { Accept: "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    }).then(function (data) {
      render(job, data);
      if (!data.finished) { window.setTimeout(function () { poll(job); }, 1000); }
    }).catch(function () {
      // Leave the Refresh link to the person; try again a little later.
      window.setTimeout(function () { poll(job); }, 5000);
    });
  }

  document.querySelectorAll("[data-drop-zone]").forEach(enhanceDropZone);
  var job = document.querySelector("[data-job-url]");
  if (job && job.getAttribute("data-finished") !== "true") { poll(job); }
}());
