// A form sent after the session ended: the server gives its typed values back (#draft-data's data-draft, JSON)
// and this puts them into the form that posts to the same address. Nothing is submitted; the person checks and
// sends. Hidden fields keep the page's own values (a fresh CSRF token).
(function () {
  var data = document.getElementById("draft-data");
  if (!data) return;
  var draft = JSON.parse(data.dataset.draft);
  var form = null;
  for (var i = 0; i < document.forms.length; i++) {
    var f = document.forms[i];
    if (new URL(f.getAttribute("action") || "", location.href).pathname === draft.action) { form = f; break; }
  }
  if (!form) return;
  var used = {};
  draft.fields.forEach(function (pair) {
    var name = pair[0], value = pair[1];
    var els = form.querySelectorAll("[name=\"" + CSS.escape(name) + "\"]");
    for (var j = 0; j < els.length; j++) {
      var el = els[j];
      if (el.type === "hidden" || el.type === "file" || el.type === "password") continue;
      if (el.type === "checkbox" || el.type === "radio") {
        if (el.value === value) el.checked = true;
      } else if (el.tagName === "SELECT" && el.multiple) {
        for (var k = 0; k < el.options.length; k++) if (el.options[k].value === value) el.options[k].selected = true;
      } else {
        var key = name + "#" + j;
        if (used[key]) continue;
        used[key] = true;
        el.value = value;
        break;
      }
    }
  });
  var first = form.querySelector("input:not([type=hidden]), select, textarea");
  if (first) first.focus();
})();
