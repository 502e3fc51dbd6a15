/* Autocomplete for inputs with data-autocomplete="person|employer": fills the
 * input's <datalist> from /api/v1/search. Option values are keys (NISN,
 * employer code); names go in through the label property, as text. */
(function () {
  "use strict";
  function attach(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var timer = null, last = "";
    input.addEventListener("input", function () {
      var q = input.value.trim();
      if (q.length < 2 || q === last) { return; }
      clearTimeout(timer);
      timer = setTimeout(function () {
        last = q;
        var url = "/api/v1/search?limit=10&types=" + encodeURIComponent(input.dataset.autocomplete) +
                  "&q=" + encodeURIComponent(q);
        var meta = document.querySelector('meta[name="csrf-token"]');
        var headers = {"Accept": "application/json"};
        if (meta) { headers["X-CSRF-Token"] = meta.getAttribute("content"); }
        fetch(url, {headers: headers, credentials: "same-origin"})
          .then(function (r) { return r.json(); })
          .then(function (body) {
            if (!body.ok) { return; }
            while (list.firstChild) { list.removeChild(list.firstChild); }
            body.results.forEach(function (n) {
              var option = document.createElement("option");
              option.value = n.key;
              option.label = n.name + (n.city ? " · " + n.city : "") +
                             (n.program_code ? " · " + n.program_code : "");
              list.appendChild(option);
            });
            input.dataset.suggestions = String(body.results.length);
          })
          .catch(function () { input.dataset.suggestions = "0"; });
      }, 200);
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-autocomplete]").forEach(attach);
  });
}());
