// Live countdowns on the console: each .countdown[data-deadline] shows the time left, once a second.
// The server's clock (data-now) anchors the count so a skewed browser clock does not change the figure; each
// element is anchored when first seen, so countdowns that htmx swaps in later count from their own render.
(function () {
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function tick() {
    var now = Date.now();
    document.querySelectorAll(".countdown[data-deadline]").forEach(function (el) {
      if (!el.dataset.seenAt) el.dataset.seenAt = String(now);
      var deadline = Date.parse(el.dataset.deadline);
      var serverNow = Date.parse(el.dataset.now || new Date(now).toISOString());
      var left = Math.floor((deadline - (serverNow + (now - Number(el.dataset.seenAt)))) / 1000);
      var sign = left < 0 ? "-" : "";
      var s = Math.abs(left);
      el.textContent = sign + Math.floor(s / 3600) + ":" + pad(Math.floor((s % 3600) / 60)) + ":" + pad(s % 60);
      el.dataset.secondsLeft = String(left);
      el.classList.toggle("overdue", left < 0);
      el.classList.toggle("soon", left >= 0 && left < 4 * 3600);
    });
  }
  tick();
  setInterval(tick, 1000);
})();
