// The speakers' queue, live: every 3 seconds the queue region is replaced by a
// fresh copy from the server, and the speaker's clock ticks between refreshes.
// Without JavaScript the page's "Refresh" link shows the same thing.
(function () {
  "use strict";
  var region = document.getElementById("queue-region");
  if (!region) { return; }
  var loadedAt = Date.now();

  function label(seconds) {
    var s = Math.max(0, Math.floor(seconds));
    var rest = s % 60;
    return Math.floor(s / 60) + ":" + (rest < 10 ? "0" : "") + rest;
  }

  function tick() {
    var timer = region.querySelector(".timer[data-elapsed]");
    if (!timer) { return; }
    var elapsed = Number(timer.getAttribute("data-elapsed")) + (Date.now() - loadedAt) / 1000;
    timer.textContent = label(elapsed);
  }

  function refresh() {
    var live = document.getElementById("queue-live");
    if (!live) { return; }
    fetch(live.getAttribute("data-queue-url"), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null) { return; }
        var current = document.getElementById("queue-live");
        // Replace only when something changed, so screen readers hear only news.
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("queue-live");
        if (!fresh || !current) { return; }
        var freshTimer = fresh.querySelector(".timer");
        var currentTimer = current.querySelector(".timer");
        if (freshTimer && currentTimer) {
          currentTimer.textContent = freshTimer.textContent;
          currentTimer.setAttribute("data-elapsed", freshTimer.getAttribute("data-elapsed"));
        }
        if (fresh.innerHTML !== current.innerHTML) {
          current.replaceWith(fresh);
        }
        loadedAt = Date.now();
      })
      .catch(function () { /* offline for a moment: try again on the next round */ });
  }

  setInterval(tick, 1000);
  setInterval(refresh, 3000);
})();
