/* The task list's unit and plan filters: typing in the lookup box asks the server for
   matches (tasks/choices/<kind>/?q=…) and puts them in the select beside it, keeping the
   chosen value. Without JavaScript the box is submitted with the form and the server
   fills the select the same way; the filter itself is always the select (unit=, plan=). */
(function () {
  "use strict";
  document.querySelectorAll("input[data-lookup]").forEach(function (input) {
    var select = document.getElementById(input.dataset.select);
    if (!select) { return; }
    var timer = null;
    var latest = 0;

    function fill(results) {
      var chosen = select.value;
      var keep = Array.prototype.filter.call(select.options, function (option) {
        return option.value === "" || option.value === chosen;
      });
      select.textContent = "";
      keep.forEach(function (option) { select.appendChild(option); });
      var groups = {};
      results.forEach(function (item) {
        if (String(item.value) === chosen) { return; }
        var parent = select;
        if (item.group) {
          parent = groups[item.group];
          if (!parent) {
            parent = groups[item.group] = document.createElement("optgroup");
            parent.label = item.group;
            select.appendChild(parent);
          }
        }
        var option = document.createElement("option");
        option.value = item.value;
        option.textContent = item.label;
        parent.appendChild(option);
      });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      var term = input.value.trim();
      if (!term) { return; }
      timer = setTimeout(function () {
        var request = ++latest;
        fetch(input.dataset.lookup + "?q=" + encodeURIComponent(term), {
          headers: { "Accept": "application/json" },
          credentials: "same-origin"
        })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) { if (request === latest) { fill(data.results); } })
          .catch(function () {});
      }, 200);
    });
  });
})();
