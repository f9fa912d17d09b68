// The back office, on top of Django's admin.
(function () {
  "use strict";

  // Django's two-list selector (SelectFilter2.js) labels its magnifier icon, a <span>, with aria-label,
  // which a span without a role may not carry: it is an image with a name.
  function nameIcons() {
    document.querySelectorAll(".help-tooltip.search-label-icon[aria-label]").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  }

  // The export page (templates/admin/import_export/export.html): one box checks or unchecks every
  // column of the file, « mixed » while only some are checked. Hidden without JavaScript.
  function setUpExport(form) {
    var all = form.querySelector(".js-export-all");
    var box = all.querySelector("input");
    var columns = Array.prototype.slice.call(form.querySelectorAll(".export-column-list input[type=checkbox]"));

    function follow() {
      var checked = columns.filter(function (column) {
        return column.checked;
      }).length;
      box.checked = checked === columns.length;
      box.indeterminate = checked > 0 && checked < columns.length;
    }

    box.addEventListener("change", function () {
      columns.forEach(function (column) {
        column.checked = box.checked;
      });
      box.indeterminate = false;
    });
    columns.forEach(function (column) {
      column.addEventListener("change", follow);
    });
    follow();
    all.hidden = false;
  }

  document.querySelectorAll(".js-export").forEach(setUpExport);

  // SelectFilter2.js builds its lists on the window's load event: after it.
  window.addEventListener("load", function () {
    window.setTimeout(nameIcons, 0);
  });
})();
