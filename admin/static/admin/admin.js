// Small progressive enhancements for the admin UI; every page works without them.
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target instanceof HTMLSelectElement && target.hasAttribute("data-autosubmit")) {
      target.form.submit();
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });

  document.addEventListener("keydown", function (event) {
    var search = document.getElementById("global-search-input");
    var typing = event.target instanceof HTMLInputElement ||
      event.target instanceof HTMLTextAreaElement ||
      event.target instanceof HTMLSelectElement;
    if (event.key === "/" && search && !typing) {
      event.preventDefault();
      search.focus();
    }
    if (event.key === "Escape") {
      var results = document.getElementById("global-search-results");
      if (results) { results.innerHTML = ""; }
    }
  });

  // "Select all" checkboxes for bulk actions: <input type="checkbox" data-select-all="name">
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target instanceof HTMLInputElement && target.dataset.selectAll) {
      document.querySelectorAll('input[type="checkbox"][name="' + target.dataset.selectAll + '"]')
        .forEach(function (box) { box.checked = target.checked; });
    }
  });
})();
