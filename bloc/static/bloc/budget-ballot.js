// The budget ballot, enhanced: a running total as the voter ticks projects (knapsack:
// the money chosen and how much is left or over; cumulative: the points given and left;
// approval with a limit: how many are chosen). The figures are told in the page's
// polite live region (#ballot-tally), whose wording the page supplies, translated.
// Nothing is ever blocked: the server checks every ballot and says what is wrong, and
// without JavaScript the page works the same, only without the running total.
(function () {
  "use strict";
  var tally = document.getElementById("ballot-tally");
  if (!tally) { return; }
  var form = tally.closest("form");
  if (!form) { return; }
  var kind = tally.getAttribute("data-kind");
  var most = Number(tally.getAttribute("data-most")) || 0;
  var currency = tally.getAttribute("data-currency") || "";
  var lang = document.documentElement.lang || undefined;

  function figure(n) {
    var text = Number(n).toLocaleString(lang);
    return currency ? text + " " + currency : text;
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? values[name] : whole;
    });
  }

  function total() {
    var sum = 0;
    var i;
    if (kind === "cumulative") {
      var inputs = form.querySelectorAll("input.ballot-points");
      for (i = 0; i < inputs.length; i += 1) {
        var points = parseInt(inputs[i].value, 10);
        if (!isNaN(points) && points > 0) { sum += points; }
      }
      return sum;
    }
    var boxes = form.querySelectorAll("input[type=checkbox][name=project]");
    for (i = 0; i < boxes.length; i += 1) {
      if (boxes[i].checked) {
        sum += kind === "knapsack" ? Number(boxes[i].getAttribute("data-cost")) || 0 : 1;
      }
    }
    return sum;
  }

  var shown = null;
  function update() {
    var sum = total();
    var over = sum > most;
    var show = kind === "knapsack" ? figure : function (n) { return Number(n).toLocaleString(lang); };
    var text = fill(tally.getAttribute(over ? "data-over" : "data-within") || "", {
      total: show(sum),
      most: show(most),
      left: show(Math.max(most - sum, 0)),
      over: show(Math.max(sum - most, 0))
    });
    if (text === shown) { return; }  // tell screen readers only what changed
    shown = text;
    tally.textContent = text;
    tally.classList.toggle("ballot-over", over);
  }

  form.addEventListener("change", update);
  form.addEventListener("input", update);
  update();
}());
