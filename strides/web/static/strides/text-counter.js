// A live character counter under every box with a limit (data-limit, set by
// strides.text_limits.LimitedTextField). Progressive enhancement only: without it the
// server still refuses text over the limit and says by how much.
(function () {
  "use strict";

  function length(text) {
    // Count as the server does: one character per code point, a line break as one.
    return Array.from(text.replace(/\r\n/g, "\n")).length;
  }

  function attach(box) {
    if (box.dataset.counted) {
      return;
    }
    box.dataset.counted = "true";
    var limit = parseInt(box.dataset.limit, 10);
    var counter = document.createElement("small");
    counter.className = "counter muted";
    counter.id = box.id ? box.id + "_counter" : "";
    box.insertAdjacentElement("afterend", counter);
    if (counter.id) {
      var described = box.getAttribute("aria-describedby");
      box.setAttribute("aria-describedby", described ? described + " " + counter.id : counter.id);
    }
    function update() {
      var used = length(box.value);
      var over = used > limit;
      counter.textContent = over
        ? used + " characters; the limit is " + limit + " (" + (used - limit) + " too many)"
        : used + " of " + limit + " characters";
      counter.classList.toggle("error", over);
      counter.classList.toggle("muted", !over);
      // Announce only crossing the limit, not every keystroke.
      if (over) {
        counter.setAttribute("aria-live", "polite");
      } else {
        counter.removeAttribute("aria-live");
      }
    }
    box.addEventListener("input", update);
    update();
  }

  function attachAll(root) {
    root.querySelectorAll("[data-limit]").forEach(attach);
  }

  document.addEventListener("DOMContentLoaded", function () {
    attachAll(document);
  });
  // Fragments swapped in by htmx (an alert's or a goal's form) get counters too.
  document.addEventListener("htmx:load", function (event) {
    attachAll(event.target);
  });
})();
