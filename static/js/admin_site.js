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

  // SelectFilter2.js builds its lists on the window's load event: after it.
  window.addEventListener("load", function () {
    window.setTimeout(nameIcons, 0);
  });
})();
